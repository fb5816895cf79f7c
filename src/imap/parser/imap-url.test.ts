// IMAP URLs as CATENATE takes them (RFC 4469 §5, RFC 5092 §3): absolute, from the mailbox, or
// relative to the selected mailbox; percent-decoded UTF-8 names; FETCH's section grammar.
import { describe, expect, it } from 'vitest';
import { parseImapUrl } from './imap-url.ts';

describe('parseImapUrl', () => {
  it('reads the RFC 4469 examples', () => {
    expect(parseImapUrl('/Drafts;UIDVALIDITY=385759045/;UID=20/;SECTION=HEADER')).toMatchObject({ mailbox: 'Drafts', uidvalidity: 385759045, uid: 20, section: { part: [], specifier: 'HEADER' } });
    expect(parseImapUrl('/Drafts;UIDVALIDITY=385759045/;UID=20/;SECTION=1.MIME')).toMatchObject({ uid: 20, section: { part: [1], specifier: 'MIME' } });
    expect(parseImapUrl('imap://annv@mail.kontum.gov.vn/INBOX/;UID=3')).toMatchObject({ user: 'annv', mailbox: 'INBOX', uidvalidity: null, uid: 3, section: null });
  });

  it('decodes UTF-8 mailbox names, HEADER.FIELDS sections, PARTIAL, and URLs relative to the selected mailbox', () => {
    expect(parseImapUrl('/C%C3%B4ng%20v%C4%83n/;UID=7/;SECTION=HEADER.FIELDS%20(SUBJECT%20FROM)/;PARTIAL=0.10')).toMatchObject({
      mailbox: 'Công văn',
      uid: 7,
      section: { specifier: 'HEADER.FIELDS', fields: ['SUBJECT', 'FROM'] },
      partial: { offset: 0, length: 10 },
    });
    expect(parseImapUrl(';UID=9/;SECTION=2')).toMatchObject({ mailbox: null, uid: 9, section: { part: [2], specifier: null } });
  });

  it('refuses what is not an IMAP message URL', () => {
    for (const u of ['', '/INBOX', '/INBOX/;UID=0', '/INBOX/;UID=x', 'http://x/INBOX/;UID=1', '/INBOX/;UID=1/;SECTION=BOGUS', '/%ZZ/;UID=1', 'imap://host', '/INBOX;UIDVALIDITY=0/;UID=1']) {
      expect(parseImapUrl(u), u).toBeNull();
    }
  });
});
