// IMAP at the protocol level, over a raw TLS socket: RFC 3501 responses where clients would
// hide them, CONDSTORE, and hostile input answered with BAD while the server keeps serving.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { RawImap } from '../helpers/raw-imap.ts';
import { startTestServers, vietnameseMessage, TEST_PASSWORD, type Running } from '../helpers/servers.ts';

describe('IMAP protocol details and hostile input', () => {
  let r: Running;
  let an: string;
  beforeAll(async () => {
    r = await startTestServers();
    an = await r.user('annv');
    await r.user('binhlt');
  });
  afterAll(async () => {
    await r?.stop();
  });

  async function loggedIn(): Promise<RawImap> {
    const c = await RawImap.connect(r.servers.ports.imaps);
    expect(await c.cmd('L', `LOGIN ${an} "${TEST_PASSWORD}"`)).toMatch(/^L OK/m);
    return c;
  }

  it('refuses LOGIN in clear text and commands in the wrong state', async () => {
    const c = await RawImap.connect(r.servers.ports.imap, false);
    expect(await c.cmd('a1', 'CAPABILITY')).toMatch(/LOGINDISABLED/);
    expect(await c.cmd('a2', `LOGIN ${an} "${TEST_PASSWORD}"`)).toMatch(/^a2 NO \[PRIVACYREQUIRED\]/m);
    expect(await c.cmd('a3', 'SELECT INBOX')).toMatch(/^a3 BAD/m);
    expect(await c.cmd('a4', 'AUTHENTICATE PLAIN')).toMatch(/^a4 NO/m);
    c.close();
  });

  it('answers garbage with BAD and keeps serving', async () => {
    const c = await loggedIn();
    expect(await c.cmd('b1', 'FROB')).toMatch(/^b1 BAD/m);
    expect(await c.cmd('b2', 'FETCH 1:* (FLAGS')).toMatch(/^b2 BAD/m);
    expect(await c.cmd('b3', Buffer.from('SELECT "IN\0BOX"'))).toMatch(/^b3 (BAD|NO)/m);
    c.write('\r\n');
    expect(await c.cmd('b4', 'SELECT "unterminated')).toMatch(/^b4 BAD/m);
    expect(await c.cmd('b5', 'APPEND INBOX {999999999999}')).toMatch(/^b5 BAD/m);
    expect(await c.cmd('b6', 'x'.repeat(100 * 1024))).toMatch(/BAD/);
    expect(await c.cmd('b7', 'NOOP')).toMatch(/^b7 OK/m);
    expect(await c.cmd('b8', 'SELECT INBOX')).toMatch(/^b8 OK \[READ-WRITE\]/m);
    expect(await c.cmd('b9', 'FETCH 99 FLAGS')).toMatch(/^b9 BAD/m);
    c.close();
  });

  it('serves APPEND with a synchronising literal, partial fetches and header fields', async () => {
    const c = await loggedIn();
    const raw = vietnameseMessage({ from: 'binhlt@kontum.gov.vn', to: an, subject: 'Phân đoạn' });
    c.write(`c1 APPEND INBOX (\\Draft) "28-Nov-2026 10:00:00 +0700" {${raw.length}}\r\n`);
    await c.readUntil(/^\+ .*\r\n/m);
    c.write(Buffer.concat([raw, Buffer.from('\r\n')]));
    expect(await c.readUntil(/^c1 (OK|NO|BAD).*\r\n/m)).toMatch(/^c1 OK \[APPENDUID \d+ \d+\]/m);
    await c.cmd('c2', 'SELECT INBOX');
    const f = await c.cmd('c3', 'FETCH 1 (BODY.PEEK[]<0.4> INTERNALDATE FLAGS BODY.PEEK[HEADER.FIELDS (date)])');
    expect(f).toContain('BODY[]<0> {4}\r\nFrom');
    expect(f).toContain('INTERNALDATE "28-Nov-2026 10:00:00 +0700"'); // the zone APPEND gave is kept
    expect(f).toContain('FLAGS (\\Draft \\Recent)');
    expect(f).toContain('BODY[HEADER.FIELDS (DATE)] {41}\r\nDate: Sat, 28 Nov 2026 09:15:00 +0700\r\n\r\n');
    // Partial fetches of a part, of filtered header fields and past the end.
    const body = raw.subarray(raw.indexOf('\r\n\r\n') + 4);
    const at = body.indexOf('Nguy');
    const p = await c.cmd('c3b', `FETCH 1 (BODY.PEEK[TEXT]<${at}.4> BODY.PEEK[HEADER.FIELDS (DATE)]<0.6> BODY.PEEK[]<99999.5>)`);
    expect(p).toContain(`BODY[TEXT]<${at}> {4}\r\nNguy `);
    expect(p).toContain('BODY[HEADER.FIELDS (DATE)]<0> {6}\r\nDate: ');
    expect(p).toContain('BODY[]<99999> {0}\r\n');
    // A non-peek fetch sets \Seen and says so.
    expect(await c.cmd('c4', 'FETCH 1 BODY[TEXT]')).toMatch(/\\Seen/);
    c.close();
  });

  it('implements CONDSTORE: HIGHESTMODSEQ, MODSEQ, CHANGEDSINCE and UNCHANGEDSINCE', async () => {
    const c = await loggedIn();
    const sel = await c.cmd('d1', 'SELECT INBOX (CONDSTORE)');
    const hms = Number(/HIGHESTMODSEQ (\d+)/.exec(sel)![1]);
    expect(hms).toBeGreaterThan(0);
    const st = await c.cmd('d2', 'STORE 1 +FLAGS (\\Flagged)');
    const ms = Number(/MODSEQ \((\d+)\)/.exec(st)![1]);
    expect(ms).toBeGreaterThan(hms);
    expect(await c.cmd('d3', `FETCH 1:* (FLAGS) (CHANGEDSINCE ${ms - 1})`)).toMatch(/\* 1 FETCH \(FLAGS \([^)]*\\Flagged[^)]*\) MODSEQ \(\d+\)\)/);
    expect(await c.cmd('d4', `FETCH 1:* (FLAGS) (CHANGEDSINCE ${ms})`)).not.toMatch(/\* 1 FETCH/);
    expect(await c.cmd('d5', `STORE 1 (UNCHANGEDSINCE ${ms - 1}) +FLAGS (\\Answered)`)).toMatch(/^d5 OK \[MODIFIED 1\]/m);
    expect(await c.cmd('d6', 'SEARCH MODSEQ 1')).toMatch(/\* SEARCH 1 \(MODSEQ \d+\)/);
    c.close();
  });

  it('implements QRESYNC: VANISHED (EARLIER) on SELECT and UID FETCH, VANISHED for live expunges', async () => {
    const acct = (await r.app.accounts.byAddress(an))!;
    const archive = (await r.app.store.getMailbox(acct.id, 'Archive'))!;
    for (let i = 0; i < 4; i++) await r.app.store.append(acct.id, 'Archive', vietnameseMessage({ from: 'binhlt@kontum.gov.vn', to: an, subject: `Q${i}` }), []);
    const c = await loggedIn();
    expect(await c.cmd('q0', `SELECT Archive (QRESYNC (${archive.uidvalidity} 1))`)).toMatch(/^q0 BAD/m);
    expect(await c.cmd('q1', 'ENABLE QRESYNC')).toMatch(/\* ENABLED QRESYNC/);
    const first = await c.cmd('q2', 'SELECT Archive');
    const modseq = Number(/HIGHESTMODSEQ (\d+)/.exec(first)![1]);
    await c.cmd('q3', 'UNSELECT');
    // Another session deletes message 2 and flags message 3 while we are away.
    const mb = (await r.app.store.getMailbox(acct.id, 'Archive'))!;
    const uids = (await r.app.store.listMessages(mb.id)).map((m) => m.uid);
    await r.app.store.storeFlags(mb.id, [uids[1]], 'add', { mask: 8, keywords: [] });
    await r.app.store.expunge(mb.id);
    await r.app.store.storeFlags(mb.id, [uids[2]], 'add', { mask: 4, keywords: [] });
    const back = await c.cmd('q4', `SELECT Archive (QRESYNC (${archive.uidvalidity} ${modseq} 1:${uids[3]}))`);
    expect(back).toContain(`* VANISHED (EARLIER) ${uids[1]}`);
    expect(back).toMatch(new RegExp(`\\* 2 FETCH \\(UID ${uids[2]} FLAGS \\([^)]*\\\\Flagged[^)]*\\) MODSEQ \\(\\d+\\)\\)`));
    expect(await c.cmd('q5', `UID FETCH 1:* (FLAGS) (CHANGEDSINCE ${modseq} VANISHED)`)).toContain(`* VANISHED (EARLIER) ${uids[1]}`);
    const out = await c.cmd('q6', `UID STORE ${uids[0]} +FLAGS.SILENT (\\Deleted)`);
    expect(out).toMatch(/^q6 OK/m);
    expect(await c.cmd('q7', 'EXPUNGE')).toContain(`* VANISHED ${uids[0]}`);
    c.close();
  });

  it('answers the small commands clients send at start', async () => {
    const c = await loggedIn();
    expect(await c.cmd('e1', 'NAMESPACE')).toContain('* NAMESPACE (("" "/")) NIL (("Shared/" "/"))');
    expect(await c.cmd('e2', 'ID ("name" "test")')).toMatch(/\* ID \("name" "thutin"/);
    expect(await c.cmd('e3', 'LIST "" ""')).toContain('* LIST (\\Noselect) "/" ""');
    expect(await c.cmd('e4', 'GETQUOTAROOT INBOX')).toMatch(/\* QUOTA "" \(STORAGE \d+ \d+\)/);
    expect(await c.cmd('e5', 'STATUS INBOX (MESSAGES UIDNEXT UIDVALIDITY UNSEEN HIGHESTMODSEQ)')).toMatch(
      /\* STATUS "?INBOX"? \(MESSAGES \d+ UIDNEXT \d+ UIDVALIDITY \d+ UNSEEN \d+ HIGHESTMODSEQ \d+\)/,
    );
    expect(await c.cmd('e6', 'EXAMINE INBOX')).toMatch(/^e6 OK \[READ-ONLY\]/m);
    expect(await c.cmd('e7', 'STORE 1 +FLAGS (\\Deleted)')).toMatch(/^e7 NO/m);
    expect(await c.cmd('e8', 'UID SEARCH RETURN (MIN MAX COUNT) ALL')).toMatch(/\* ESEARCH \(TAG "e8"\) UID MIN \d+ MAX \d+ COUNT \d+/);
    expect(await c.cmd('e9', 'SETQUOTA "" (STORAGE 1)')).toMatch(/^e9 NO/m);
    expect(await c.cmd('e10', 'LOGOUT')).toMatch(/\* BYE/);
    c.close();
  });

  it('authenticates with AUTHENTICATE PLAIN, with and without an initial response', async () => {
    const plain = Buffer.from(`\0${an}\0${TEST_PASSWORD}`).toString('base64');
    const c = await RawImap.connect(r.servers.ports.imaps);
    c.write('g1 AUTHENTICATE PLAIN\r\n');
    await c.readUntil(/^\+ ?\r\n/m);
    c.write(`${plain}\r\n`);
    expect(await c.readUntil(/^g1 (OK|NO|BAD).*\r\n/m)).toMatch(/^g1 OK \[CAPABILITY [^\]]*UIDPLUS/m);
    c.close();
    const d = await RawImap.connect(r.servers.ports.imaps);
    expect(await d.cmd('g2', `AUTHENTICATE PLAIN ${Buffer.from(`\0${an}\0wrong`).toString('base64')}`)).toMatch(/^g2 NO \[AUTHENTICATIONFAILED\]/m);
    expect(await d.cmd('g3', `AUTHENTICATE PLAIN ${plain}`)).toMatch(/^g3 OK/m);
    d.close();
  });

  it('IDLE ends with DONE', async () => {
    const c = await loggedIn();
    await c.cmd('f1', 'SELECT INBOX');
    c.write('f2 IDLE\r\n');
    await c.readUntil(/^\+ idling\r\n/m);
    c.write('DONE\r\n');
    expect(await c.readUntil(/^f2 (OK|NO|BAD).*\r\n/m)).toMatch(/^f2 OK/m);
    c.close();
  });
});
