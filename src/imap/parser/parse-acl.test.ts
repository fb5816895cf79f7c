// The ACL commands (RFC 4314 section 3): RFC examples parse, missing arguments are refused.
import { describe, expect, it } from 'vitest';
import { bad, ok } from './testing.ts';

describe('parseCommand: ACL (RFC 4314)', () => {
  it('parses the RFC examples', () => {
    expect(ok('A003 GETACL INBOX', 'GETACL')).toEqual({ name: 'GETACL', tag: 'A003', mailbox: 'INBOX' });
    expect(ok('a003 MYRIGHTS inbox', 'MYRIGHTS')).toEqual({ name: 'MYRIGHTS', tag: 'a003', mailbox: 'INBOX' });
    expect(ok('a001 LISTRIGHTS ~/Mail/saved smith', 'LISTRIGHTS')).toEqual({ name: 'LISTRIGHTS', tag: 'a001', mailbox: '~/Mail/saved', identifier: 'smith', rights: '' });
    expect(ok('A035 SETACL INBOX/Drafts John lrQswicda', 'SETACL')).toEqual({ name: 'SETACL', tag: 'A035', mailbox: 'INBOX/Drafts', identifier: 'John', rights: 'lrQswicda' });
    expect(ok('A002 SETACL INBOX/Drafts Chris +cda', 'SETACL')).toMatchObject({ rights: '+cda' });
    expect(ok('A001 DELETEACL INBOX/Drafts Chris', 'DELETEACL')).toMatchObject({ identifier: 'Chris', rights: '' });
    expect(ok('a1 MYRIGHTS "Shared/stttt@kontum.gov.vn/INBOX"', 'MYRIGHTS').mailbox).toBe('Shared/stttt@kontum.gov.vn/INBOX');
  });

  it('refuses missing arguments', () => {
    expect(bad('a1 MYRIGHTS').message).toMatch(/mailbox/i);
    expect(bad('a1 LISTRIGHTS INBOX').message).toMatch(/identifier/i);
    expect(bad('a1 SETACL INBOX smith').message).toMatch(/rights/i);
    expect(bad('a1 GETACL INBOX extra').ok).toBe(false);
  });
});
