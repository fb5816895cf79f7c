import { describe, expect, it } from 'vitest';
import { bad, ok } from './testing.ts';

describe('mailbox names', () => {
  it('normalises INBOX in any case, and only INBOX itself', () => {
    expect(ok('a SELECT inbox', 'SELECT').mailbox).toBe('INBOX');
    expect(ok('a SELECT "InBoX"', 'SELECT').mailbox).toBe('INBOX');
    expect(ok('a SELECT inbox/sub', 'SELECT').mailbox).toBe('inbox/sub');
    expect(ok('a SELECT inboxes', 'SELECT').mailbox).toBe('inboxes');
  });

  it('decodes modified UTF-7 (RFC 3501 5.1.3)', () => {
    expect(ok('a SELECT "Th&AbA- &AREA4w- g&Hu0-i"', 'SELECT').mailbox).toBe('Thư đã gửi');
    expect(ok('a SELECT ~peter/mail/&U,BTFw-/&ZeVnLIqe-', 'SELECT').mailbox).toBe('~peter/mail/台北/日本語');
    expect(ok('a SELECT AT&-T', 'SELECT').mailbox).toBe('AT&T');
  });

  it('keeps invalid modified UTF-7 literally', () => {
    expect(ok('a SELECT AT&T', 'SELECT').mailbox).toBe('AT&T');
  });

  it('accepts a literal mailbox name', () => {
    expect(ok('a SELECT {6}\r\nDrafts', 'SELECT').mailbox).toBe('Drafts');
  });
});

describe('SELECT / EXAMINE', () => {
  it('parses RFC 3501 examples', () => {
    expect(ok('A142 SELECT INBOX')).toEqual({ name: 'SELECT', tag: 'A142', mailbox: 'INBOX', condstore: false, qresync: null });
    expect(ok('A932 EXAMINE blurdybloop')).toEqual({
      name: 'EXAMINE',
      tag: 'A932',
      mailbox: 'blurdybloop',
      condstore: false,
      qresync: null,
    });
  });

  it('parses (CONDSTORE) (RFC 7162)', () => {
    expect(ok('A160 SELECT INBOX (CONDSTORE)', 'SELECT').condstore).toBe(true);
    expect(ok('A160 EXAMINE INBOX (condstore)', 'EXAMINE').condstore).toBe(true);
  });

  it('parses QRESYNC with known UIDs (RFC 7162 3.2.5.2)', () => {
    const cmd = ok('A02 SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541))', 'SELECT');
    expect(cmd.qresync).toEqual({
      uidValidity: 67890007,
      modSeq: 20050715194045000n,
      knownUids: {
        kind: 'ranges',
        ranges: [
          { start: 41, end: 41 },
          { start: 43, end: 211 },
          { start: 214, end: 541 },
        ],
      },
      seqMatch: null,
    });
  });

  it('parses QRESYNC with sequence match data', () => {
    const cmd = ok('B01 SELECT INBOX (QRESYNC (67890007 90060115194045000 1:29997 (5000,7500,9000,9990:9999 15000,22500,27000,29970,29973,29976:29979)))', 'SELECT');
    expect(cmd.qresync?.modSeq).toBe(90060115194045000n);
    expect(cmd.qresync?.seqMatch?.sequences).toEqual({
      kind: 'ranges',
      ranges: [
        { start: 5000, end: 5000 },
        { start: 7500, end: 7500 },
        { start: 9000, end: 9000 },
        { start: 9990, end: 9999 },
      ],
    });
    expect(cmd.qresync?.seqMatch?.uids.kind).toBe('ranges');
  });

  it('parses QRESYNC with only uidvalidity and modseq, or with only sequence match data', () => {
    expect(ok('a SELECT INBOX (QRESYNC (1 2))', 'SELECT').qresync).toEqual({
      uidValidity: 1,
      modSeq: 2n,
      knownUids: null,
      seqMatch: null,
    });
    expect(ok('a SELECT INBOX (QRESYNC (1 2 (1:3 4:6)))', 'SELECT').qresync?.knownUids).toBeNull();
  });

  it('parses the largest 63-bit mod-sequence and rejects larger ones', () => {
    expect(ok('a SELECT INBOX (QRESYNC (1 9223372036854775807))', 'SELECT').qresync?.modSeq).toBe(9223372036854775807n);
    expect(bad('a SELECT INBOX (QRESYNC (1 9223372036854775808))').message).toBe('Number too large in QRESYNC mod-sequence');
  });

  it('rejects malformed select parameters', () => {
    expect(bad('a SELECT INBOX (FOO)').message).toBe('Unknown select parameter FOO');
    expect(bad('a SELECT INBOX ()').message).toBe('Empty select parameter list');
    expect(bad('a SELECT INBOX (CONDSTORE').message).toBe('Unterminated select parameter list');
    expect(bad('a SELECT INBOX (QRESYNC (0 1))').message).toBe('Invalid QRESYNC UIDVALIDITY: zero is not allowed');
    expect(bad('a SELECT INBOX (QRESYNC (1 2 1:*))').message).toBe("'*' is not allowed in QRESYNC known UIDs");
    expect(bad('a SELECT INBOX (QRESYNC (1))').message).toBe('Missing QRESYNC mod-sequence');
    expect(bad('a SELECT INBOX (CONDSTORE CONDSTORE)').message).toBe('Duplicate select parameter CONDSTORE');
    expect(bad('a SELECT').message).toBe('Missing mailbox name');
  });
});

describe('CREATE / DELETE / RENAME / SUBSCRIBE / UNSUBSCRIBE', () => {
  it('parses RFC 3501 examples', () => {
    expect(ok('A003 CREATE owatagusiam/')).toEqual({ name: 'CREATE', tag: 'A003', mailbox: 'owatagusiam/', specialUse: [] });
    expect(ok('A682 DELETE blurdybloop')).toEqual({ name: 'DELETE', tag: 'A682', mailbox: 'blurdybloop' });
    expect(ok('A683 RENAME blurdybloop sarasoop')).toEqual({ name: 'RENAME', tag: 'A683', from: 'blurdybloop', to: 'sarasoop' });
    expect(ok('Z432 RENAME INBOX old-mail', 'RENAME').from).toBe('INBOX');
    expect(ok('A002 SUBSCRIBE #news.comp.mail.mime')).toEqual({
      name: 'SUBSCRIBE',
      tag: 'A002',
      mailbox: '#news.comp.mail.mime',
    });
    expect(ok('A002 UNSUBSCRIBE #news.comp.mail.mime', 'UNSUBSCRIBE').mailbox).toBe('#news.comp.mail.mime');
  });

  it('parses CREATE with USE (RFC 6154)', () => {
    expect(ok('t1 CREATE MySpecial (USE (\\drafts \\Sent))', 'CREATE').specialUse).toEqual(['\\Drafts', '\\Sent']);
    expect(ok('t1 CREATE "Thư đã gửi" (USE (\\Sent))', 'CREATE').mailbox).toBe('Thư đã gửi');
  });

  it('rejects malformed CREATE parameters', () => {
    expect(bad('t1 CREATE x (FOO)').message).toBe('Unknown CREATE parameter FOO');
    expect(bad('t1 CREATE x (USE (Sent))').message).toBe('Invalid special-use attribute');
    expect(bad('t1 CREATE x (USE)').message).toBe('Missing USE attributes');
  });

  it('rejects missing names', () => {
    expect(bad('a RENAME foo').message).toBe('Missing new mailbox name');
    expect(bad('a DELETE').message).toBe('Missing mailbox name');
    expect(bad('a DELETE a b').message).toBe('Unexpected extra arguments');
  });
});

describe('LIST / LSUB', () => {
  const plain = { subscribed: false, remote: false, recursiveMatch: false, specialUse: false };
  const noReturn = { subscribed: false, children: false, specialUse: false, status: null };

  it('parses RFC 3501 LIST examples', () => {
    expect(ok('A101 LIST "" ""')).toEqual({
      name: 'LIST',
      tag: 'A101',
      reference: '',
      patterns: [''],
      selection: plain,
      returns: noReturn,
      extended: false,
    });
    expect(ok('A102 LIST #news.comp.mail.misc ""', 'LIST').reference).toBe('#news.comp.mail.misc');
    expect(ok('A202 LIST ~/Mail/ %', 'LIST')).toMatchObject({ reference: '~/Mail/', patterns: ['%'] });
    expect(ok('A1 LIST "" *', 'LIST').patterns).toEqual(['*']);
    expect(ok('A1 LIST "" INBOX/%/x*]', 'LIST').patterns).toEqual(['INBOX/%/x*]']);
  });

  it('decodes modified UTF-7 in reference and pattern', () => {
    expect(ok('A1 LIST "Th&AbA-/" "&AREA4w-*"', 'LIST')).toMatchObject({ reference: 'Thư/', patterns: ['đã*'] });
  });

  it('parses RFC 5258 selection options, pattern lists and return options', () => {
    expect(ok('A02 LIST (SUBSCRIBED) "" "*"', 'LIST')).toMatchObject({
      selection: { ...plain, subscribed: true },
      extended: true,
    });
    expect(ok('A03 LIST () "" "%" RETURN (CHILDREN)', 'LIST')).toMatchObject({
      selection: plain,
      returns: { ...noReturn, children: true },
      extended: true,
    });
    expect(ok('A05 LIST (REMOTE SUBSCRIBED) "" "*"', 'LIST').selection).toEqual({ ...plain, remote: true, subscribed: true });
    expect(ok('C04 LIST (SUBSCRIBED RECURSIVEMATCH) "" "%"', 'LIST').selection).toEqual({
      ...plain,
      subscribed: true,
      recursiveMatch: true,
    });
    expect(ok('F01 LIST "" ("INBOX" "Drafts" "Sent/%")', 'LIST')).toMatchObject({
      patterns: ['INBOX', 'Drafts', 'Sent/%'],
      extended: true,
    });
    expect(ok('t3 LIST (SPECIAL-USE) "" *', 'LIST').selection.specialUse).toBe(true);
    expect(ok('t1 LIST "" "%" RETURN (SPECIAL-USE SUBSCRIBED)', 'LIST').returns).toEqual({
      ...noReturn,
      specialUse: true,
      subscribed: true,
    });
  });

  it('parses RETURN (STATUS (…)) (RFC 5819)', () => {
    expect(ok('A01 LIST "" % RETURN (STATUS (MESSAGES UNSEEN))', 'LIST').returns.status).toEqual(['MESSAGES', 'UNSEEN']);
  });

  it('rejects malformed LIST-EXTENDED syntax', () => {
    expect(bad('A LIST (RECURSIVEMATCH) "" "%"').message).toBe('RECURSIVEMATCH requires another selection option');
    expect(bad('A LIST (REMOTE RECURSIVEMATCH) "" "%"').message).toBe('RECURSIVEMATCH requires another selection option');
    expect(bad('A LIST (BOGUS) "" "%"').message).toBe('Unknown LIST selection option BOGUS');
    expect(bad('A LIST "" "%" RETURN (BOGUS)').message).toBe('Unknown LIST return option BOGUS');
    expect(bad('A LIST "" "%" CHILDREN').message).toBe('Expected RETURN after LIST patterns');
    expect(bad('A LIST "" ()').message).toBe('Empty mailbox pattern list');
    expect(bad('A LIST ""').message).toBe('Missing mailbox pattern');
    expect(bad('A LIST "" "%" RETURN (STATUS (BOGUS))').message).toBe('Unknown status item BOGUS');
  });

  it('parses LSUB', () => {
    expect(ok('A002 LSUB "#news." "comp.mail.*"')).toEqual({
      name: 'LSUB',
      tag: 'A002',
      reference: '#news.',
      pattern: 'comp.mail.*',
    });
    expect(bad('A002 LSUB "#news."').message).toBe('Missing mailbox pattern');
  });
});

describe('STATUS', () => {
  it('parses the RFC 3501 example and every item', () => {
    expect(ok('A042 STATUS blurdybloop (UIDNEXT MESSAGES)')).toEqual({
      name: 'STATUS',
      tag: 'A042',
      mailbox: 'blurdybloop',
      items: ['UIDNEXT', 'MESSAGES'],
    });
    expect(ok('a STATUS inbox (messages recent uidnext uidvalidity unseen highestmodseq size)', 'STATUS').items).toEqual([
      'MESSAGES',
      'RECENT',
      'UIDNEXT',
      'UIDVALIDITY',
      'UNSEEN',
      'HIGHESTMODSEQ',
      'SIZE',
    ]);
  });

  it('rejects unknown, empty or missing items', () => {
    expect(bad('a STATUS INBOX (MESSAGES BOGUS)').message).toBe('Unknown status item BOGUS');
    expect(bad('a STATUS INBOX ()').message).toBe('Empty status item list');
    expect(bad('a STATUS INBOX').message).toBe('Missing status items');
    expect(bad('a STATUS INBOX MESSAGES').message).toBe('Invalid status item list');
  });
});
