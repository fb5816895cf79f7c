// RFC 5465 NOTIFY over raw TLS sockets, two sessions of one account: what session A is told,
// without asking, when session B appends, stores, expunges, creates, renames, deletes,
// subscribes and sets metadata — STATUS for other mailboxes (with the STATUS indicator first),
// EXISTS/FETCH for the selected one (and EXPUNGE only with `selected`, not `selected-delayed`),
// LIST for names and subscriptions, METADATA for entries; NOTIFY NONE stops it; BADEVENT.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { RawImap } from '../helpers/raw-imap.ts';
import { startTestServers, vietnameseMessage, TEST_PASSWORD, type Running } from '../helpers/servers.ts';

describe('IMAP NOTIFY (RFC 5465)', { timeout: 60_000 }, () => {
  let r: Running;
  let an: string;
  let accountId: number;
  const msg = (subject: string) => vietnameseMessage({ from: 'binhlt@kontum.gov.vn', to: an, subject });

  beforeAll(async () => {
    r = await startTestServers();
    an = await r.user('annv');
    accountId = (await r.app.accounts.byAddress(an))!.id;
    await r.app.store.createMailbox(accountId, 'Other');
    await r.app.store.append(accountId, 'Other', msg('Một'), []);
  });
  afterAll(async () => r?.stop());

  async function session(): Promise<RawImap> {
    const c = await RawImap.connect(r.servers.ports.imaps);
    await c.cmd('L', `LOGIN ${an} "${TEST_PASSWORD}"`);
    return c;
  }
  async function append(c: RawImap, folder: string, subject: string, flags = ''): Promise<void> {
    const m = msg(subject);
    expect(await c.cmd('ap', Buffer.concat([Buffer.from(`APPEND ${folder} (${flags}) {${m.length}+}\r\n`), m]))).toMatch(/^ap OK/m);
  }

  it('advertises NOTIFY', async () => {
    const a = await session();
    expect(await a.cmd('c', 'CAPABILITY')).toMatch(/ NOTIFY[ \r]/);
    a.close();
  });

  it('STATUS first with the indicator, then STATUS unasked when another session appends or changes flags', async () => {
    const a = await session();
    const b = await session();
    const set = await a.cmd('n1', 'NOTIFY SET STATUS (mailboxes Other (MessageNew MessageExpunge FlagChange))');
    expect(set).toMatch(/^\* STATUS "?Other"? \(MESSAGES 1 UIDNEXT (\d+) UIDVALIDITY \d+ HIGHESTMODSEQ \d+\)\r\n/m);
    expect(set).toMatch(/^n1 OK/m);
    const uidnext = Number(/UIDNEXT (\d+)/.exec(set)![1]);
    await append(b, 'Other', 'Hai');
    // A sends nothing: the STATUS comes by itself.
    expect(await a.readUntil(/^\* STATUS "?Other"? \(MESSAGES 2 UIDNEXT (\d+) [^\r\n]*\)\r\n/m)).toContain(`UIDNEXT ${uidnext + 1}`);
    await b.cmd('s', 'SELECT Other');
    const before = Number(/HIGHESTMODSEQ (\d+)/.exec(set)![1]);
    await b.cmd('st', 'STORE 1 +FLAGS (\\Flagged)');
    const flagged = await a.readUntil(/^\* STATUS "?Other"? \([^\r\n]*HIGHESTMODSEQ (\d+)\)\r\n/m);
    expect(Number(/HIGHESTMODSEQ (\d+)/.exec(flagged)![1])).toBeGreaterThan(before);
    // Without STATUS in NOTIFY SET no first STATUS (imaptest's notify test).
    expect(await a.cmd('n2', 'NOTIFY SET (mailboxes Other (MessageNew MessageExpunge FlagChange))')).not.toMatch(/STATUS/);
    await b.cmd('x', 'STORE 2 +FLAGS.SILENT (\\Deleted)');
    await b.cmd('y', 'EXPUNGE');
    expect(await a.readUntil(/^\* STATUS "?Other"? \(MESSAGES 1 [^\r\n]*\)\r\n/m)).toMatch(/MESSAGES 1/);
    // NOTIFY NONE: nothing more.
    expect(await a.cmd('n3', 'NOTIFY NONE')).toMatch(/^n3 OK/m);
    await append(b, 'Other', 'Ba');
    expect(await a.cmd('p', 'NOOP')).not.toMatch(/STATUS/);
    a.close();
    b.close();
  });

  it('tells the selected mailbox at once with `selected`; `selected-delayed` keeps EXPUNGE for a command', async () => {
    const a = await session();
    const b = await session();
    await a.cmd('s', 'SELECT INBOX');
    await a.cmd('n', 'NOTIFY SET (selected (MessageNew (UID FLAGS) MessageExpunge FlagChange))');
    await b.cmd('s', 'SELECT INBOX');
    await append(b, 'INBOX', 'Bốn');
    const arrived = await a.readUntil(/^\* 1 FETCH \([^\r\n]*\)\r\n/m);
    expect(arrived).toMatch(/^\* 1 EXISTS\r\n/m);
    expect(arrived).toMatch(/^\* 1 FETCH \(UID \d+ FLAGS \([^)]*\)\)\r\n/m);
    await b.cmd('f', 'STORE 1 +FLAGS (\\Answered)');
    expect(await a.readUntil(/^\* 1 FETCH \(FLAGS \([^)]*\\Answered[^)]*\)[^\r\n]*\r\n/m)).toBeTruthy();
    await b.cmd('d', 'STORE 1 +FLAGS.SILENT (\\Deleted)');
    await b.cmd('e', 'EXPUNGE');
    expect(await a.readUntil(/^\* 1 EXPUNGE\r\n/m)).toBeTruthy();
    // selected-delayed: the EXPUNGE waits until a command may carry it.
    await a.cmd('n2', 'NOTIFY SET (selected-delayed (MessageNew MessageExpunge))');
    await append(b, 'INBOX', 'Năm');
    await a.readUntil(/^\* 1 EXISTS\r\n/m);
    await b.cmd('d2', 'STORE 1 +FLAGS.SILENT (\\Deleted)');
    await b.cmd('e2', 'EXPUNGE');
    await expect(a.readUntil(/EXPUNGE/, 700)).rejects.toThrow(/timeout/);
    expect(await a.cmd('p', 'NOOP')).toMatch(/^\* 1 EXPUNGE\r\n/m);
    a.close();
    b.close();
  });

  it('tells names, subscriptions and metadata of the account as LIST and METADATA', async () => {
    const a = await session();
    const b = await session();
    await a.cmd('n', 'NOTIFY SET (personal (MailboxName SubscriptionChange MailboxMetadataChange))');
    await b.cmd('c', 'CREATE "Dự án"');
    expect(await a.readUntil(/^\* LIST \(\) "\/" [^\r\n]+\r\n/m)).toContain('"D&HvE- &AOE-n"');
    await b.cmd('r', 'RENAME "Dự án" "Dự án 2026"');
    expect(await a.readUntil(/^\* LIST \(\) "\/" [^\r\n]+OLDNAME[^\r\n]+\r\n/m)).toMatch(/"D&HvE- &AOE-n 2026" \("OLDNAME" \("D&HvE- &AOE-n"\)\)/);
    await b.cmd('u', 'SUBSCRIBE "Dự án 2026"');
    expect(await a.readUntil(/^\* LIST \(\\Subscribed\) "\/" [^\r\n]+\r\n/m)).toContain('"D&HvE- &AOE-n 2026"');
    await b.cmd('m', 'SETMETADATA "Dự án 2026" (/private/comment "Hồ sơ dự án")');
    expect(await a.readUntil(/^\* METADATA [^\r\n]+\r\n/m)).toMatch(/^\* METADATA "D&HvE- &AOE-n 2026" \/private\/comment\r\n/m);
    await b.cmd('d', 'DELETE "Dự án 2026"');
    expect(await a.readUntil(/^\* LIST \(\\NonExistent\) "\/" [^\r\n]+\r\n/m)).toContain('"D&HvE- &AOE-n 2026"');
    a.close();
    b.close();
  });

  it('answers NO [BADEVENT] for AnnotationChange and BAD for broken rules', async () => {
    const a = await session();
    expect(await a.cmd('b1', 'NOTIFY SET (inboxes (MessageNew MessageExpunge AnnotationChange))')).toMatch(/^b1 NO \[BADEVENT \(MessageNew MessageExpunge FlagChange /m);
    expect(await a.cmd('b2', 'NOTIFY SET (personal (FlagChange))')).toMatch(/^b2 BAD/m);
    a.close();
  });
});
