// RFC 5267 CONTEXT=SEARCH and CONTEXT=SORT over raw TLS sockets (a real client would hide what the
// server said): PARTIAL windows of SEARCH and SORT results (RFC 9394's ranges from the end too),
// live results with RETURN (UPDATE) — ADDTO after the EXISTS that announced a message, REMOVEFROM
// before the EXPUNGE that ends one, changes by this session and by another, sequence numbers and
// UIDs — CANCELUPDATE, and a SORT context's positions.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { RawImap } from '../helpers/raw-imap.ts';
import { startTestServers, vietnameseMessage, TEST_PASSWORD, type Running } from '../helpers/servers.ts';

/** The untagged lines of a response that start with `* ESEARCH`. */
const esearch = (text: string): string[] => text.split('\r\n').filter((l) => l.startsWith('* ESEARCH'));
const lines = (text: string): string[] => text.split('\r\n').filter((l) => l.startsWith('* '));

describe('IMAP CONTEXT=SEARCH and CONTEXT=SORT (RFC 5267)', { timeout: 60_000 }, () => {
  let r: Running;
  let an: string;
  let accountId: number;
  const message = (subject: string, body = 'Nội dung thường') => vietnameseMessage({ from: 'binhlt@kontum.gov.vn', to: an, subject, body: body + '\r\n' + 'x'.repeat(subject.length * 10) });

  beforeAll(async () => {
    r = await startTestServers();
    an = await r.user('annv');
    accountId = (await r.app.accounts.byAddress(an))!.id;
    await r.app.store.createMailbox(accountId, 'Ctx');
    for (let i = 1; i <= 5; i++) await r.app.store.append(accountId, 'Ctx', message(`Thư số ${i}`, i === 5 ? 'có chữ body ở đây' : 'Nội dung thường'), []);
  });
  afterAll(async () => r?.stop());

  async function session(): Promise<RawImap> {
    const c = await RawImap.connect(r.servers.ports.imaps);
    await c.cmd('L', `LOGIN ${an} "${TEST_PASSWORD}"`);
    return c;
  }

  it('advertises CONTEXT=SEARCH and CONTEXT=SORT after login', async () => {
    const c = await session();
    expect(await c.cmd('C', 'CAPABILITY')).toMatch(/ CONTEXT=SEARCH CONTEXT=SORT /);
    c.close();
  });

  it('PARTIAL returns a window of the SEARCH or SORT result, in its order, NIL past the end', async () => {
    const c = await session();
    await c.cmd('S', 'EXAMINE Ctx');
    expect(esearch(await c.cmd('p1', 'SEARCH RETURN (PARTIAL 1:1) ALL'))).toEqual(['* ESEARCH (TAG "p1") PARTIAL (1:1 1)']);
    expect(esearch(await c.cmd('p2', 'SEARCH RETURN (PARTIAL 4:2) ALL'))).toEqual(['* ESEARCH (TAG "p2") PARTIAL (2:4 2:4)']);
    expect(esearch(await c.cmd('p3', 'SEARCH RETURN (PARTIAL 1:6 COUNT) ALL'))).toEqual(['* ESEARCH (TAG "p3") PARTIAL (1:6 1:5) COUNT 5']);
    expect(esearch(await c.cmd('p4', 'SEARCH RETURN (PARTIAL 7:9) ALL'))).toEqual(['* ESEARCH (TAG "p4") PARTIAL (7:9 NIL)']);
    expect(esearch(await c.cmd('p5', 'SEARCH RETURN (PARTIAL -1:-2) ALL'))).toEqual(['* ESEARCH (TAG "p5") PARTIAL (-1:-2 4:5)']);
    expect(esearch(await c.cmd('p6', 'SORT RETURN (PARTIAL 2:4) (REVERSE ARRIVAL) US-ASCII ALL'))).toEqual(['* ESEARCH (TAG "p6") PARTIAL (2:4 4,3,2)']);
    // imaptest writes RETURN after SORT's charset
    expect(esearch(await c.cmd('p7', 'SORT (REVERSE ARRIVAL) us-ascii RETURN (PARTIAL 1:6) ALL'))).toEqual(['* ESEARCH (TAG "p7") PARTIAL (1:6 5,4,3,2,1)']);
    expect(esearch(await c.cmd('p8', 'UID SEARCH RETURN (CONTEXT) ALL'))[0]).toMatch(/^\* ESEARCH \(TAG "p8"\) UID ALL \d+:\d+$/);
    for (const bad of ['SEARCH RETURN (PARTIAL 1) ALL', 'SEARCH RETURN (PARTIAL 1:*) ALL', 'SEARCH RETURN (PARTIAL *:1) ALL', 'SEARCH RETURN (PARTIAL 1:2 ALL) ALL'])
      expect(await c.cmd('b', bad)).toMatch(/^b BAD /m);
    c.close();
  });

  it('keeps a SEARCH result live: own STORE adds and removes, EXPUNGE removes first, CANCELUPDATE stops', async () => {
    const c = await session();
    await c.cmd('S', 'SELECT Ctx');
    // BODY "body" matches message 5 only; SEEN none yet: the result starts empty (UPDATE alone returns no ALL).
    expect(esearch(await c.cmd('u1', 'SEARCH RETURN (UPDATE) BODY body SEEN'))).toEqual(['* ESEARCH (TAG "u1")']);
    expect(esearch(await c.cmd('s1', 'STORE 1,2,5 +FLAGS (\\Seen)'))).toEqual(['* ESEARCH (TAG "u1") ADDTO (0 5)']);
    expect(esearch(await c.cmd('s2', 'STORE 5 -FLAGS (\\Seen)'))).toEqual(['* ESEARCH (TAG "u1") REMOVEFROM (0 5)']);
    await c.cmd('s3', 'STORE 5 +FLAGS (\\Seen)');
    const exp = await c.cmd('e1', 'STORE 3:5 +FLAGS.SILENT (\\Deleted)');
    expect(esearch(exp)).toEqual([]);
    const gone = lines(await c.cmd('e2', 'EXPUNGE'));
    expect(gone).toEqual(['* ESEARCH (TAG "u1") REMOVEFROM (0 5)', '* 3 EXPUNGE', '* 3 EXPUNGE', '* 3 EXPUNGE']);
    expect(await c.cmd('x1', 'CANCELUPDATE "u1"')).toMatch(/^x1 OK/m);
    expect(await c.cmd('x2', 'CANCELUPDATE "u1"')).toMatch(/^x2 BAD/m);
    await r.app.store.append(accountId, 'Ctx', message('Mới', 'body'), ['\\Seen']);
    expect(esearch(await c.cmd('n1', 'NOOP'))).toEqual([]);
    c.close();
  });

  it("tells a UID context of another session's changes: ADDTO after EXISTS, REMOVEFROM before EXPUNGE", async () => {
    const a = await session();
    const b = await session();
    await a.cmd('S', 'SELECT Ctx');
    await b.cmd('S', 'SELECT Ctx');
    const uids = [...(await a.cmd('f', 'UID SEARCH ALL')).matchAll(/\d+/g)].map((m) => Number(m[0])).filter((n) => n > 0);
    const start = esearch(await a.cmd('u2', 'UID SEARCH RETURN (UPDATE ALL) FLAGGED'));
    expect(start).toEqual(['* ESEARCH (TAG "u2") UID']);
    await b.cmd('s', `UID STORE ${uids[0]} +FLAGS (\\Flagged)`);
    const seen = lines(await a.cmd('n1', 'NOOP'));
    expect(seen.some((l) => / FETCH \(FLAGS \(.*\\Flagged/.test(l))).toBe(true);
    expect(esearch(seen.join('\r\n'))).toEqual([`* ESEARCH (TAG "u2") UID ADDTO (0 ${uids[0]})`]);
    const urgent = message('Gấp');
    expect(await b.cmd('ap', Buffer.concat([Buffer.from(`APPEND Ctx (\\Flagged) {${urgent.length}+}\r\n`), urgent]))).toMatch(/^ap OK/m);
    const arrived = lines(await a.cmd('n2', 'NOOP'));
    expect(arrived.join('\n')).toMatch(/EXISTS/);
    const exists = arrived.findIndex((l) => / EXISTS$/.test(l));
    const add = arrived.findIndex((l) => l.startsWith('* ESEARCH (TAG "u2") UID ADDTO (0 '));
    expect(exists).toBeGreaterThanOrEqual(0);
    expect(add).toBeGreaterThan(exists);
    const newUid = Number(/ADDTO \(0 (\d+)\)/.exec(arrived[add])![1]);
    await b.cmd('d', `UID STORE ${uids[0]} +FLAGS.SILENT (\\Deleted)`);
    await b.cmd('x', `UID EXPUNGE ${uids[0]}`);
    const after = lines(await a.cmd('n3', 'NOOP'));
    const remove = after.indexOf(`* ESEARCH (TAG "u2") UID REMOVEFROM (0 ${uids[0]})`);
    expect(remove).toBeGreaterThanOrEqual(0);
    expect(remove).toBeLessThan(after.indexOf('* 1 EXPUNGE'));
    // A duplicate tag is refused while the first lives.
    expect(await a.cmd('u2', 'SEARCH RETURN (UPDATE) ALL')).toMatch(/^u2 BAD/m);
    expect(newUid).toBeGreaterThan(uids[uids.length - 1]);
    a.close();
    b.close();
  });

  it('keeps a SORT context live with positions, and refuses an eleventh live context with NOUPDATE', async () => {
    for (const subject of ['Một', 'Hai']) await r.app.store.append(accountId, 'Ctx', message(subject), []);
    const c = await session();
    await c.cmd('S', 'SELECT Ctx');
    const first = esearch(await c.cmd('o1', 'UID SORT RETURN (UPDATE COUNT) (REVERSE ARRIVAL) UTF-8 UNSEEN'));
    const count = Number(/COUNT (\d+)/.exec(first[0])![1]);
    expect(count).toBeGreaterThan(0);
    const all = (await c.cmd('o0', 'UID SORT (REVERSE ARRIVAL) UTF-8 UNSEEN'))
      .split('\r\n')
      .find((l) => l.startsWith('* SORT'))!
      .split(' ')
      .slice(2)
      .map(Number);
    // The second in the order becomes \Seen: it leaves at position 2; the newest arrival enters at position 1.
    expect(esearch(await c.cmd('o2', `UID STORE ${all[1]} +FLAGS (\\Seen)`))).toEqual([`* ESEARCH (TAG "o1") UID REMOVEFROM (2 ${all[1]})`]);
    await r.app.store.append(accountId, 'Ctx', message('Mới nhất'), []);
    const upd = esearch(await c.cmd('o3', 'NOOP'));
    expect(upd).toHaveLength(1);
    expect(upd[0]).toMatch(/^\* ESEARCH \(TAG "o1"\) UID ADDTO \(1 \d+\)$/);
    for (let i = 0; i < 9; i++) await c.cmd(`m${i}`, 'SEARCH RETURN (UPDATE) ALL');
    const full = await c.cmd('m9', 'SEARCH RETURN (UPDATE COUNT) ALL');
    expect(full).toMatch(/^\* NO \[NOUPDATE "m9"\]/m);
    expect(full).toMatch(/^m9 OK/m);
    c.close();
  });
});
