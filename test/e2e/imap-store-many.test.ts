// STORE over many messages (a client marking a whole folder read): the echo for each, a STORE that
// changes nothing answered without a write (HIGHESTMODSEQ unchanged), .SILENT, a UID STORE's echo
// with UID, and FETCH 1:* (FLAGS) after each showing exactly what was stored. Over a raw TLS socket,
// on both backends, with more messages than one statement's worth (500).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { RawImap } from '../helpers/raw-imap.ts';
import { startTestServers, TEST_PASSWORD, type Running } from '../helpers/servers.ts';
import { backends } from '../helpers/harness.ts';

const N = 620;

describe.each(backends())('IMAP STORE of many messages (%s)', (backend) => {
  let r: Running;
  let an: string;
  beforeAll(async () => {
    r = await startTestServers({ backend });
    an = await r.user('annv');
    const accountId = (await r.app.accounts.byAddress(an))!.id;
    for (let i = 1; i <= N; i++) await r.app.store.append(accountId, 'INBOX', Buffer.from(`Subject: thư ${i}\r\n\r\nx\r\n`), []);
  });
  afterAll(async () => {
    await r?.stop();
  });

  const modseq = async (c: RawImap, tag: string) => Number(/HIGHESTMODSEQ (\d+)/.exec(await c.cmd(tag, 'STATUS INBOX (HIGHESTMODSEQ)'))![1]);
  const seen = (answer: string) => [...answer.matchAll(/^\* (\d+) FETCH \(FLAGS \(([^)]*)\)\)/gm)].filter((m) => m[2].split(' ').includes('\\Seen')).map((m) => Number(m[1]));

  it('echoes every message, writes nothing when nothing changes, stays silent when asked', async () => {
    const c = await RawImap.connect(r.servers.ports.imaps);
    expect(await c.cmd('L', `LOGIN ${an} "${TEST_PASSWORD}"`)).toMatch(/^L OK/m);
    expect(await c.cmd('S', 'SELECT INBOX')).toMatch(/^S OK/m);
    await c.cmd('F0', 'FETCH 1:* (FLAGS)'); // the folder's table exists
    const add = await c.cmd('a', 'STORE 1:* +FLAGS (\\Seen $Da_doc)');
    expect(add.match(/^\* \d+ FETCH \(FLAGS \(\\Seen \$Da_doc( \\Recent)?\)\)\r$/gm)).toHaveLength(N);
    const after = await modseq(c, 'm1');
    const again = await c.cmd('b', 'STORE 1:* +FLAGS (\\Seen)');
    expect(again.match(/^\* \d+ FETCH \(FLAGS \(\\Seen \$Da_doc( \\Recent)?\)\)\r$/gm)).toHaveLength(N);
    expect(await modseq(c, 'm2')).toBe(after); // nothing written
    expect(seen(await c.cmd('f1', 'FETCH 1:* (FLAGS)'))).toHaveLength(N);
    const silent = await c.cmd('c', `STORE 2:${N} -FLAGS.SILENT (\\Seen)`);
    expect(silent).not.toMatch(/FETCH/);
    expect(silent).toMatch(/^c OK/m);
    expect(seen(await c.cmd('f2', 'FETCH 1:* (FLAGS)'))).toEqual([1]);
    const uid = await c.cmd('d', `UID STORE 1:${N} +FLAGS (\\Flagged)`);
    expect(uid.match(/^\* \d+ FETCH \(FLAGS \([^)]*\\Flagged[^)]*\) UID \d+\)\r$/gm)).toHaveLength(N);
    const flags = await c.cmd('f3', 'FETCH 1:* (FLAGS)');
    expect(flags.match(/\\Flagged/g)).toHaveLength(N);
    expect(seen(flags)).toEqual([1]);
    c.close();
  });
});
