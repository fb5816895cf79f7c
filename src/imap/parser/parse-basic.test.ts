import { describe, expect, it } from 'vitest';
import { bad, ok } from './testing.ts';

describe('parseCommand: tag and command name', () => {
  it('parses the RFC 3501 section 8 sample session (lower-case names)', () => {
    expect(ok('a001 login mrc secret', 'LOGIN')).toEqual({ name: 'LOGIN', tag: 'a001', username: 'mrc', password: 'secret' });
    expect(ok('a002 select inbox', 'SELECT')).toMatchObject({ tag: 'a002', mailbox: 'INBOX', condstore: false, qresync: null });
    expect(ok('a003 fetch 12 full', 'FETCH').items).toHaveLength(5);
    expect(ok('a004 fetch 12 body[header]', 'FETCH').items[0]).toEqual({
      type: 'body',
      peek: false,
      section: { part: [], specifier: 'HEADER', fields: null },
      partial: null,
    });
    expect(ok('a005 store 12 +flags \\deleted', 'STORE')).toMatchObject({ operation: 'add', flags: ['\\Deleted'] });
    expect(ok('a006 logout')).toEqual({ name: 'LOGOUT', tag: 'a006' });
  });

  it('treats command names case-insensitively and keeps the tag as sent', () => {
    expect(ok('Tag.1 NoOp')).toEqual({ name: 'NOOP', tag: 'Tag.1' });
    expect(ok('x uid fetch 1 flags')).toMatchObject({ name: 'FETCH', uid: true, tag: 'x' });
  });

  it('parses the argument-less commands', () => {
    for (const name of ['CAPABILITY', 'NOOP', 'LOGOUT', 'STARTTLS', 'CHECK', 'CLOSE', 'UNSELECT', 'IDLE', 'NAMESPACE']) {
      expect(ok(`t1 ${name}`)).toEqual({ name, tag: 't1' });
    }
  });

  it('parses RFC examples of simple commands', () => {
    expect(ok('abcd CAPABILITY').name).toBe('CAPABILITY');
    expect(ok('FXXZ CHECK').name).toBe('CHECK');
    expect(ok('A341 CLOSE').name).toBe('CLOSE');
    expect(ok('A342 UNSELECT').name).toBe('UNSELECT');
    expect(ok('A001 NAMESPACE').name).toBe('NAMESPACE');
    expect(ok('A001 IDLE')).toEqual({ name: 'IDLE', tag: 'A001' }); // RFC 2177
    expect(ok('A202 EXPUNGE')).toEqual({ name: 'EXPUNGE', tag: 'A202', uid: false, sequence: null });
  });

  it('rejects arguments to argument-less commands', () => {
    expect(bad('a1 NOOP now')).toEqual({ ok: false, tag: 'a1', message: 'Unexpected extra arguments' });
    expect(bad('a1 EXPUNGE 1:3').message).toBe('Unexpected extra arguments');
  });

  it('tolerates trailing spaces', () => {
    expect(ok('a1 NOOP  ')).toEqual({ name: 'NOOP', tag: 'a1' });
  });

  it('reports unknown commands with the tag', () => {
    expect(bad('A1 FOO bar')).toEqual({ ok: false, tag: 'A1', message: 'Unknown command FOO' });
    expect(bad('A1 UID NOOP')).toEqual({ ok: false, tag: 'A1', message: 'Unknown UID command NOOP' });
    expect(bad('A1 UID')).toEqual({ ok: false, tag: 'A1', message: 'Missing UID command name' });
  });

  it('reports a missing or invalid tag with tag null', () => {
    expect(bad('')).toEqual({ ok: false, tag: null, message: 'Empty command line' });
    expect(bad(' NOOP')).toMatchObject({ tag: null, message: 'Missing tag' });
    expect(bad('+tag NOOP')).toMatchObject({ tag: null });
    expect(bad('a+b NOOP')).toMatchObject({ tag: null, message: 'Invalid tag' });
    expect(bad('*  NOOP')).toMatchObject({ tag: null });
    expect(bad('a"b NOOP')).toMatchObject({ tag: null });
  });

  it('reports a missing command name', () => {
    expect(bad('A1')).toEqual({ ok: false, tag: 'A1', message: 'Missing command name' });
    expect(bad('A1 ')).toEqual({ ok: false, tag: 'A1', message: 'Missing command name' });
    expect(bad('A1 (NOOP)').message).toBe('Invalid command name');
  });
});

describe('LOGIN', () => {
  it('accepts atoms, quoted strings and literals', () => {
    expect(ok('a001 LOGIN SMITH SESAME', 'LOGIN')).toMatchObject({ username: 'SMITH', password: 'SESAME' });
    expect(ok('a1 LOGIN "fred smith" "pa\\"ss\\\\word"', 'LOGIN')).toMatchObject({
      username: 'fred smith',
      password: 'pa"ss\\word',
    });
    expect(ok('a1 LOGIN {5}\r\nalice {9+}\r\npass word', 'LOGIN')).toMatchObject({
      username: 'alice',
      password: 'pass word',
    });
    expect(ok('a1 LOGIN nguyen.van.a@tinh.gov.vn {5}\r\nmật', 'LOGIN').password).toBe('mật');
  });

  it('accepts "]" in atom-form astrings', () => {
    expect(ok('a1 LOGIN user] pw', 'LOGIN').username).toBe('user]');
  });

  it('rejects missing or malformed arguments', () => {
    expect(bad('a1 LOGIN')).toEqual({ ok: false, tag: 'a1', message: 'Missing user name' });
    expect(bad('a1 LOGIN bob')).toEqual({ ok: false, tag: 'a1', message: 'Missing password' });
    expect(bad('a1 LOGIN bob pw extra').message).toBe('Unexpected extra arguments');
    expect(bad('a1 LOGIN "bob pw').message).toBe('Unterminated quoted string in user name');
    expect(bad('a1 LOGIN bob "p\\w"').message).toBe('Invalid escape in quoted string in password');
    expect(bad('a1 LOGIN bob (pw)').message).toBe('Invalid password');
    expect(bad('a1 LOGIN bob {10}\r\nshort').message).toBe('Literal data incomplete in password');
  });
});

describe('AUTHENTICATE', () => {
  it('parses a mechanism without initial response', () => {
    expect(ok('A001 AUTHENTICATE gssapi', 'AUTHENTICATE')).toEqual({
      name: 'AUTHENTICATE',
      tag: 'A001',
      mechanism: 'GSSAPI',
      initialResponse: null,
    });
  });

  it('decodes a SASL-IR initial response (RFC 4959)', () => {
    const cmd = ok('a AUTHENTICATE PLAIN dGVzdAB0ZXN0AHRlc3Q=', 'AUTHENTICATE');
    expect(cmd.initialResponse?.toString('latin1')).toBe('test\u0000test\u0000test');
  });

  it('treats "=" as an empty initial response', () => {
    expect(ok('a AUTHENTICATE EXTERNAL =', 'AUTHENTICATE').initialResponse).toEqual(Buffer.alloc(0));
  });

  it('rejects invalid base64 and missing mechanism', () => {
    expect(bad('a AUTHENTICATE PLAIN dGVzd!').message).toBe('Invalid base64 in initial response');
    expect(bad('a AUTHENTICATE PLAIN abc').message).toBe('Invalid base64 in initial response');
    expect(bad('a AUTHENTICATE').message).toBe('Missing authentication mechanism');
    expect(bad('a AUTHENTICATE PLAIN AAAA BBBB').message).toBe('Unexpected extra arguments');
  });
});

describe('ID (RFC 2971)', () => {
  it('parses field/value pairs with NIL values', () => {
    expect(ok('a023 ID ("name" "sodr" "version" "19.34" "vendor" "Pink Floyd Music Limited" "os" NIL)', 'ID')).toEqual({
      name: 'ID',
      tag: 'a023',
      params: [
        { key: 'name', value: 'sodr' },
        { key: 'version', value: '19.34' },
        { key: 'vendor', value: 'Pink Floyd Music Limited' },
        { key: 'os', value: null },
      ],
    });
  });

  it('parses ID NIL', () => {
    expect(ok('a1 ID NIL', 'ID').params).toBeNull();
    expect(ok('a1 ID nil', 'ID').params).toBeNull();
  });

  it('rejects malformed parameter lists', () => {
    expect(bad('a1 ID ("name")').message).toBe('Missing ID field value');
    expect(bad('a1 ID ()').message).toBe('Empty ID parameter list');
    expect(bad('a1 ID').message).toBe('Missing ID parameters');
    expect(bad('a1 ID "name" "x"').message).toBe('Invalid ID parameter list');
    const many = Array.from({ length: 31 }, (_, i) => `"k${i}" "v"`).join(' ');
    expect(bad(`a1 ID (${many})`).message).toBe('Too many ID parameters');
  });
});

describe('ENABLE (RFC 5161)', () => {
  it('parses capability names, upper-cased and deduplicated', () => {
    expect(ok('t2 ENABLE CONDSTORE X-GOOD-IDEA condstore', 'ENABLE').capabilities).toEqual(['CONDSTORE', 'X-GOOD-IDEA']);
    expect(ok('A01 ENABLE QRESYNC', 'ENABLE').capabilities).toEqual(['QRESYNC']);
  });

  it('needs at least one capability', () => {
    expect(bad('t2 ENABLE').message).toBe('Missing capability');
  });
});

describe('QUOTA (RFC 9208)', () => {
  it('parses GETQUOTA, GETQUOTAROOT and SETQUOTA', () => {
    expect(ok('A003 GETQUOTA ""', 'GETQUOTA').root).toBe('');
    expect(ok('A003 GETQUOTAROOT inbox', 'GETQUOTAROOT').mailbox).toBe('INBOX');
    expect(ok('A001 SETQUOTA "" (STORAGE 512 message 1000)', 'SETQUOTA')).toEqual({
      name: 'SETQUOTA',
      tag: 'A001',
      root: '',
      limits: [
        { resource: 'STORAGE', limit: 512 },
        { resource: 'MESSAGE', limit: 1000 },
      ],
    });
  });

  it('rejects malformed SETQUOTA', () => {
    expect(bad('A001 SETQUOTA "" (STORAGE)').message).toBe('Missing quota limit');
    expect(bad('A001 SETQUOTA "" (STORAGE x)').message).toBe('Invalid quota limit');
    expect(bad('A001 SETQUOTA ""').message).toBe('Missing quota limits');
  });
});

describe('parse options', () => {
  it('keeps "&" literally in mailbox names under UTF8=ACCEPT', () => {
    expect(ok('a1 SELECT "AT&AbA-"', 'SELECT').mailbox).toBe('ATư');
    expect(ok('a1 SELECT "AT&AbA-"', 'SELECT', { utf8: true }).mailbox).toBe('AT&AbA-');
    expect(ok('a1 SELECT "Thư"', 'SELECT', { utf8: true }).mailbox).toBe('Thư');
  });
});
