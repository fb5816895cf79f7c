// A metadata FETCH of the whole folder (1:*, UID 1:*) is answered from the folder's table, written
// as bytes (imap/commands/fetch.ts writeWholeFolder). It must say exactly what the general path says
// for the same messages: here each answer is compared, byte for byte, with the same FETCH asked in
// two parts (which the general path answers), with keywords, \Recent, CHANGEDSINCE, a keyword
// another session set (announced first), and a message another session expunged.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { RawImap } from '../helpers/raw-imap.ts';
import { startTestServers, TEST_PASSWORD, type Running } from '../helpers/servers.ts';
import { backends } from '../helpers/harness.ts';

const N = 640;
const fetches = (answer: string) => answer.split('\n').filter((l) => / FETCH \(/.test(l));
const untagged = (answer: string) => answer.split('\n').filter((l) => l.startsWith('* '));

describe.each(backends())('FETCH of a whole folder (%s)', (backend) => {
  let r: Running;
  let an: string;
  beforeAll(async () => {
    r = await startTestServers({ backend });
    an = await r.user('annv');
    const accountId = (await r.app.accounts.byAddress(an))!.id;
    for (let i = 1; i <= N; i++) {
      const flags = i % 5 === 0 ? ['\\Seen', '$Da_xu_ly'] : i % 3 === 0 ? ['\\Flagged', '\\Answered'] : [];
      await r.app.store.append(accountId, 'INBOX', Buffer.from(`Subject: thư ${i}\r\n\r\n${'x'.repeat(i)}\r\n`), flags);
    }
  });
  afterAll(async () => {
    await r?.stop();
  });

  async function session(): Promise<RawImap> {
    const c = await RawImap.connect(r.servers.ports.imaps);
    expect(await c.cmd('L', `LOGIN ${an} "${TEST_PASSWORD}"`)).toMatch(/^L OK/m);
    return c;
  }

  it('answers 1:* and UID 1:* as the general path answers the same messages', async () => {
    const c = await session();
    expect(await c.cmd('S', 'SELECT INBOX')).toMatch(/^S OK/m); // claims \Recent for all
    const items = '(UID FLAGS RFC822.SIZE INTERNALDATE MODSEQ)';
    for (const [whole, parts] of [
      [`FETCH 1:* ${items}`, [`FETCH 1:300 ${items}`, `FETCH 301:${N} ${items}`]],
      [`FETCH *:1 (FLAGS)`, [`FETCH 1:2 (FLAGS)`, `FETCH 3:* (FLAGS)`]],
      [`UID FETCH 1:* (FLAGS UID)`, [`UID FETCH 1:77 (FLAGS)`, `UID FETCH 78:* (FLAGS)`]],
      [`FETCH 1:* (RFC822.SIZE UID UID)`, [`FETCH 1 (RFC822.SIZE UID UID)`, `FETCH 2:* (RFC822.SIZE UID UID)`]],
    ] as const) {
      const a = fetches(await c.cmd('w', whole));
      const b = [...fetches(await c.cmd('p1', parts[0])), ...fetches(await c.cmd('p2', parts[1]))];
      expect(a).toHaveLength(N);
      expect(a).toEqual(b);
    }
    const flags = fetches(await c.cmd('f', 'FETCH 1:* (FLAGS)'));
    expect(flags[4]).toBe('* 5 FETCH (FLAGS (\\Seen $Da_xu_ly \\Recent))\r');
    expect(flags[5]).toBe('* 6 FETCH (FLAGS (\\Answered \\Flagged \\Recent))\r');
    expect(flags[0]).toBe('* 1 FETCH (FLAGS (\\Recent))\r');
    c.close();
  });

  it('answers CHANGEDSINCE with the changed messages only, and announces a keyword set elsewhere first', async () => {
    const c = await session();
    const sel = await c.cmd('S', 'SELECT INBOX (CONDSTORE)');
    const highest = Number(/HIGHESTMODSEQ (\d+)/.exec(sel)![1]);
    await c.cmd('F', 'FETCH 1:* (FLAGS)'); // the table exists
    const other = await session();
    await other.cmd('S', 'SELECT INBOX');
    expect(await other.cmd('a', 'STORE 10,20,30 +FLAGS.SILENT (Moi_tu_noi_khac)')).toMatch(/^a OK/m);
    other.close();
    const changed = await c.cmd('c', `FETCH 1:* (FLAGS) (CHANGEDSINCE ${highest})`);
    const lines = untagged(changed);
    // FLAGS (the keyword is new to this session) before the FETCH lines that show it.
    expect(lines[0]).toMatch(/^\* FLAGS \(.*Moi_tu_noi_khac/);
    // The answer, then (at its end) the change as an update with UID: only the answer here.
    const got = fetches(changed).filter((l) => !/ UID /.test(l));
    expect(got.map((l) => Number(/^\* (\d+)/.exec(l)![1]))).toEqual([10, 20, 30]);
    expect(got[0]).toMatch(/^\* 10 FETCH \(FLAGS \(\\Seen \$Da_xu_ly Moi_tu_noi_khac( \\Recent)?\) MODSEQ \(\d+\)\)\r$/);
    const b = [...fetches(await c.cmd('p1', `FETCH 1:15 (FLAGS) (CHANGEDSINCE ${highest})`)), ...fetches(await c.cmd('p2', `FETCH 16:* (FLAGS) (CHANGEDSINCE ${highest})`))];
    expect(got).toEqual(b);
    c.close();
  });

  it('still answers a message another session expunged, and then says NO [EXPUNGEISSUED]', async () => {
    const c = await session();
    await c.cmd('S', 'SELECT INBOX');
    await c.cmd('F', 'FETCH 1:* (FLAGS)');
    const other = await session();
    await other.cmd('S', 'SELECT INBOX');
    await other.cmd('a', 'STORE 7 +FLAGS.SILENT (\\Deleted)');
    expect(await other.cmd('e', 'EXPUNGE')).toMatch(/^e OK/m);
    other.close();
    // This session has not been told (FETCH may not send EXPUNGE): message 7 is still shown.
    const answer = await c.cmd('f', 'FETCH 1:* (UID FLAGS)');
    const got = fetches(answer);
    expect(got.length).toBeGreaterThanOrEqual(N - 1);
    expect(got[0]).toMatch(/^\* 1 FETCH \(UID 1 FLAGS/);
    expect(answer).toMatch(/^f (OK|NO \[EXPUNGEISSUED\])/m);
    const uidOnly = fetches(await c.cmd('u', 'FETCH 1:* (UID)'));
    expect(uidOnly).toHaveLength(N);
    expect(uidOnly[6]).toBe('* 7 FETCH (UID 7)\r');
    expect(await c.cmd('n', 'NOOP')).toMatch(/^\* 7 EXPUNGE/m);
    c.close();
  });
});
