// IMAP conformance between sessions (issue 13), over raw TLS sockets, from the RFC text:
// \Recent belongs to one session only (RFC 3501 2.3.2) — across two SELECTs, in STATUS, under
// EXAMINE and for APPEND into the selected folder; keywords are announced by FLAGS before any
// FETCH shows them (RFC 3501 7.2.6); STATUS answers stay consistent while another session appends.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { backends } from '../helpers/harness.ts';
import { RawImap } from '../helpers/raw-imap.ts';
import { startTestServers, vietnameseMessage, TEST_PASSWORD, type Running } from '../helpers/servers.ts';

/** The numbers of `* n RECENT` in a response, last first. */
function lastRecent(text: string): number | null {
  const all = [...text.matchAll(/^\* (\d+) RECENT\r$/gm)];
  return all.length ? Number(all[all.length - 1][1]) : null;
}

describe.each(backends())('IMAP conformance between sessions (%s)', (backend) => {
  let r: Running;
  let an: string;
  let binh: string;
  const open: RawImap[] = [];

  beforeAll(async () => {
    r = await startTestServers({ backend });
    an = await r.user('annv');
    binh = await r.user('binhlt');
  });
  afterAll(async () => {
    for (const c of open) c.close();
    await r?.stop();
  });

  async function session(user = an): Promise<RawImap> {
    const c = await RawImap.connect(r.servers.ports.imaps);
    expect(await c.cmd('L', `LOGIN ${user} "${TEST_PASSWORD}"`)).toMatch(/^L OK/m);
    open.push(c);
    return c;
  }

  async function deliver(user: string, folder: string, subject: string): Promise<void> {
    const acct = (await r.app.accounts.byAddress(user))!;
    await r.app.store.append(acct.id, folder, vietnameseMessage({ from: binh, to: user, subject }), []);
  }

  it('gives \\Recent to one session only, keeps STATUS RECENT to unclaimed messages, and EXAMINE takes none (RFC 3501 2.3.2)', async () => {
    await r.app.store.createMailbox((await r.app.accounts.byAddress(an))!.id, 'Recent1');
    const a = await session();
    const b = await session();
    expect(lastRecent(await a.cmd('a1', 'SELECT Recent1'))).toBe(0);
    expect(lastRecent(await b.cmd('b1', 'SELECT Recent1'))).toBe(0);
    await deliver(an, 'Recent1', 'Thư mới 1');
    // Both learn of the message; exactly one of them holds it as \Recent.
    const na = await a.cmd('a2', 'NOOP');
    const nb = await b.cmd('b2', 'NOOP');
    expect(na).toMatch(/^\* 1 EXISTS\r$/m);
    expect(nb).toMatch(/^\* 1 EXISTS\r$/m);
    expect(lastRecent(na)).toBe(1);
    expect(lastRecent(nb)).toBe(0);
    expect(await a.cmd('a3', 'FETCH 1 FLAGS')).toMatch(/\* 1 FETCH \(FLAGS \(\\Recent\)\)/);
    expect(await b.cmd('b3', 'FETCH 1 FLAGS')).toMatch(/\* 1 FETCH \(FLAGS \(\)\)/);
    expect(await b.cmd('b4', 'SEARCH RECENT')).toMatch(/^\* SEARCH\r$/m);
    expect(await a.cmd('a4', 'SEARCH RECENT')).toMatch(/^\* SEARCH 1\r$/m);
    // STATUS does not count a message already recent in a selected session.
    const c = await session();
    expect(await c.cmd('c1', 'STATUS Recent1 (MESSAGES RECENT)')).toContain('* STATUS "Recent1" (MESSAGES 1 RECENT 0)');
    // A message nobody has seen yet is recent in STATUS; EXAMINE shows it but does not take it.
    await a.cmd('a5', 'UNSELECT');
    await b.cmd('b5', 'UNSELECT');
    await deliver(an, 'Recent1', 'Thư mới 2');
    expect(await c.cmd('c2', 'STATUS Recent1 (MESSAGES RECENT)')).toContain('* STATUS "Recent1" (MESSAGES 2 RECENT 1)');
    const ex = await c.cmd('c3', 'EXAMINE Recent1');
    expect(ex).toMatch(/^c3 OK \[READ-ONLY\]/m);
    expect(await c.cmd('c4', 'STATUS Recent1 (RECENT)')).toContain('* STATUS "Recent1" (RECENT 1)');
    // The next read-write SELECT takes it, once.
    expect(lastRecent(await b.cmd('b6', 'SELECT Recent1'))).toBe(1);
    expect(await b.cmd('b7', 'FETCH 2 FLAGS')).toMatch(/\* 2 FETCH \(FLAGS \(\\Recent\)\)/);
    expect(lastRecent(await a.cmd('a6', 'SELECT Recent1'))).toBe(0);
    expect(await c.cmd('c5', 'STATUS Recent1 (RECENT)')).toContain('* STATUS "Recent1" (RECENT 0)');
  });

  it('gives a message APPENDed into the selected folder \\Recent in the appending session, not in another that has it selected (RFC 3501 6.3.11)', async () => {
    await r.app.store.createMailbox((await r.app.accounts.byAddress(an))!.id, 'Recent2');
    const a = await session();
    const b = await session();
    await a.cmd('a1', 'SELECT Recent2');
    await b.cmd('b1', 'SELECT Recent2');
    // B idles: it hears of the new message at once, racing A for it.
    b.write('b2 IDLE\r\n');
    await b.readUntil(/^\+ .*\r\n/m);
    const raw = vietnameseMessage({ from: binh, to: an, subject: 'Tự gửi' });
    a.write(`a2 APPEND Recent2 {${raw.length}+}\r\n`);
    a.write(Buffer.concat([raw, Buffer.from('\r\n')]));
    const appended = await a.readUntil(/^a2 (OK|NO|BAD).*\r\n/m);
    expect(appended).toMatch(/^a2 OK \[APPENDUID \d+ 1\]/m);
    expect(appended).toMatch(/^\* 1 EXISTS\r$/m);
    expect(lastRecent(appended)).toBe(1);
    const idled = await b.readUntil(/^\* 1 EXISTS\r\n(\* \d+ RECENT\r\n)?/m);
    b.write('DONE\r\n');
    const rest = await b.readUntil(/^b2 OK.*\r\n/m);
    expect(lastRecent(idled + rest)).toBe(0);
    expect(await a.cmd('a3', 'FETCH 1 FLAGS')).toMatch(/\* 1 FETCH \(FLAGS \(\\Recent\)\)/);
    expect(await b.cmd('b3', 'FETCH 1 FLAGS')).toMatch(/\* 1 FETCH \(FLAGS \(\)\)/);
  });

  it('announces a new keyword with FLAGS and PERMANENTFLAGS before any FETCH carries it (RFC 3501 7.2.6)', async () => {
    const acct = (await r.app.accounts.byAddress(an))!;
    await r.app.store.createMailbox(acct.id, 'Keywords');
    await deliver(an, 'Keywords', 'Từ khoá 1');
    await deliver(an, 'Keywords', 'Từ khoá 2');
    const mb = (await r.app.store.getMailbox(acct.id, 'Keywords'))!;
    const a = await session();
    const b = await session();
    const sel = await a.cmd('a1', 'SELECT Keywords');
    expect(sel).toMatch(/^\* FLAGS \(\\Answered \\Flagged \\Deleted \\Seen \\Draft\)\r$/m);
    await b.cmd('b1', 'SELECT Keywords');
    // Another session sets a keyword: the update tells FLAGS first.
    await b.cmd('b2', 'STORE 1 +FLAGS ($Important)');
    const upd = await a.cmd('a2', 'NOOP');
    const flagsAt = upd.search(/^\* FLAGS \([^)]*\$Important[^)]*\)\r$/m);
    const permAt = upd.search(/^\* OK \[PERMANENTFLAGS \([^)]*\$Important[^)]*\\\*\)\]/m);
    const fetchAt = upd.search(/^\* 1 FETCH \(FLAGS \([^)]*\$Important/m);
    expect(flagsAt).toBeGreaterThanOrEqual(0);
    expect(permAt).toBeGreaterThan(flagsAt);
    expect(fetchAt).toBeGreaterThan(permAt);
    // A keyword set behind the session's back, read by its own FETCH before any update.
    await r.app.store.storeFlags(mb.id, [2], 'add', { mask: 0, keywords: ['DuAn2026'] });
    const f = await a.cmd('a3', 'FETCH 2 (FLAGS)');
    const fFlags = f.search(/^\* FLAGS \([^)]*DuAn2026[^)]*\)\r$/m);
    expect(fFlags).toBeGreaterThanOrEqual(0);
    expect(f.search(/^\* 2 FETCH \(FLAGS \([^)]*DuAn2026/m)).toBeGreaterThan(fFlags);
    // Its own STORE of a new keyword: FLAGS before the STORE's FETCH.
    const st = await a.cmd('a4', 'STORE 2 +FLAGS (CongVan)');
    const sFlags = st.search(/^\* FLAGS \([^)]*CongVan[^)]*\)\r$/m);
    expect(sFlags).toBeGreaterThanOrEqual(0);
    expect(st.search(/^\* 2 FETCH \(FLAGS \([^)]*CongVan/m)).toBeGreaterThan(sFlags);
    // Known keywords are not announced again.
    expect(await a.cmd('a5', 'STORE 1 -FLAGS ($Important)')).not.toMatch(/^\* FLAGS/m);
  });

  it('loses no flag when many sessions change flags of the same messages at once (imaptest own_flags)', async () => {
    const acct = (await r.app.accounts.byAddress(an))!;
    await r.app.store.createMailbox(acct.id, 'OwnFlags');
    for (let i = 0; i < 5; i++) await deliver(an, 'OwnFlags', `Cờ ${i}`);
    const clients = await Promise.all(Array.from({ length: 8 }, () => session()));
    for (const c of clients) await c.cmd('o0', 'SELECT OwnFlags');
    // Each session owns one keyword: sets it, clears it, sets it again, all at the same moment as the others.
    await Promise.all(
      clients.map(async (c, i) => {
        for (const op of ['+', '-', '+', '-', '+']) expect(await c.cmd(`o${i}`, `STORE 1:5 ${op}FLAGS.SILENT (Own${i})`)).toMatch(new RegExp(`^o${i} OK`, 'm'));
      }),
    );
    const mb = (await r.app.store.getMailbox(acct.id, 'OwnFlags'))!;
    const want = clients.map((_, i) => `Own${i}`).sort();
    for (const m of await r.app.store.listMessages(mb.id)) expect(m.keywords.split(' ').filter(Boolean).sort()).toEqual(want);
  });

  it('keeps STATUS MESSAGES, UIDNEXT and UNSEEN consistent while another session appends', async () => {
    const acct = (await r.app.accounts.byAddress(an))!;
    await r.app.store.createMailbox(acct.id, 'Busy');
    const watcher = await session();
    const selected = await session();
    await selected.cmd('s0', 'SELECT Busy');
    let done = false;
    const appends = (async () => {
      for (let i = 0; i < 60; i++) await deliver(an, 'Busy', `Song song ${i}`);
      done = true;
    })();
    const bad: string[] = [];
    let n = 0;
    let lastMessages = 0;
    while (!done) {
      const st = await watcher.cmd(`w${n++}`, 'STATUS Busy (MESSAGES UIDNEXT UNSEEN)');
      const m = /\(MESSAGES (\d+) UIDNEXT (\d+) UNSEEN (\d+)\)/.exec(st)!;
      const [messages, uidnext, unseen] = [Number(m[1]), Number(m[2]), Number(m[3])];
      // Nothing is expunged and every message arrives unseen: UIDs 1..MESSAGES, all unseen.
      if (uidnext !== messages + 1 || unseen !== messages || messages < lastMessages) bad.push(st.split('\r\n')[0]);
      lastMessages = messages;
      // The session that has it selected hears EXISTS no later than its STATUS says MESSAGES.
      const own = await selected.cmd(`s${n}`, 'STATUS Busy (MESSAGES)');
      const before = own.slice(0, own.indexOf('* STATUS'));
      const exists = [...before.matchAll(/^\* (\d+) EXISTS\r$/gm)].map((x) => Number(x[1]));
      const said = Number(/\(MESSAGES (\d+)\)/.exec(own)![1]);
      if (exists.some((e) => e > said)) bad.push(`EXISTS ${exists.join(',')} before STATUS MESSAGES ${said}`);
    }
    await appends;
    expect(bad).toEqual([]);
    expect(n).toBeGreaterThan(3);
    expect(await watcher.cmd('wz', 'STATUS Busy (MESSAGES UIDNEXT UNSEEN)')).toContain('* STATUS "Busy" (MESSAGES 60 UIDNEXT 61 UNSEEN 60)');
  });
});
