// IMAP conformance of single commands (issue 13, and issue 9's small IMAP holes), over raw TLS
// sockets, from the RFC text: SEARCH HEADER "" (RFC 3501 6.4.4), SENT* on the Date: field's own
// day around midnight in other zones, ESEARCH with MODSEQ (RFC 4731 with RFC 7162 3.1.5),
// LIST-EXTENDED's SUBSCRIBED/RECURSIVEMATCH/CHILDINFO (RFC 5258) and LSUB's \Noselect parents
// (RFC 3501 6.3.9), UIDVALIDITY after DELETE then CREATE (RFC 3501 2.3.1.1), the Shared namespace
// reserved in any case, and no NUL inside an ordinary literal (RFC 3501 4.3).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import tls from 'node:tls';
import { backends } from '../helpers/harness.ts';
import { RawImap } from '../helpers/raw-imap.ts';
import { startTestServers, TEST_PASSWORD, type Running } from '../helpers/servers.ts';

const mk = (h: Record<string, string>, body = 'Nội dung.\r\n') =>
  Buffer.from(
    Object.entries(h)
      .map(([k, v]) => `${k}: ${v}`)
      .join('\r\n') +
      '\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n' +
      body,
  );

/** The names of the LIST/LSUB lines of a response, with their attributes and extended data. */
function listed(text: string, kind = 'LIST'): Map<string, { attrs: string; ext: string }> {
  const out = new Map<string, { attrs: string; ext: string }>();
  for (const m of text.matchAll(new RegExp(`^\\* ${kind} \\(([^)]*)\\) "/" "?([^"\\r]*)"?( \\(.*\\))?\\r$`, 'gm'))) out.set(m[2], { attrs: m[1], ext: (m[3] ?? '').trim() });
  return out;
}

describe.each(backends())('IMAP conformance of commands (%s)', (backend) => {
  let r: Running;
  let an: string;
  let accountId: number;
  let c: RawImap;

  beforeAll(async () => {
    r = await startTestServers({ backend });
    an = await r.user('annv');
    await r.user('binhlt');
    accountId = (await r.app.accounts.byAddress(an))!.id;
    c = await RawImap.connect(r.servers.ports.imaps);
    expect(await c.cmd('L', `LOGIN ${an} "${TEST_PASSWORD}"`)).toMatch(/^L OK/m);
  });
  afterAll(async () => {
    c?.close();
    await r?.stop();
  });

  it('matches SEARCH HEADER with an empty string on every message that has the field, and only those (RFC 3501 6.4.4)', async () => {
    await r.app.store.createMailbox(accountId, 'Headers');
    const s = r.app.store;
    await s.append(accountId, 'Headers', mk({ From: 'hung@kontum.gov.vn', Subject: 'Có tiêu đề', 'X-Priority': '1' }), []);
    await s.append(accountId, 'Headers', mk({ From: 'lan@kontum.gov.vn', Subject: '' }), []);
    await s.append(accountId, 'Headers', mk({ To: 'annv@kontum.gov.vn' }), []); // no Subject, no From
    await c.cmd('h0', 'SELECT Headers');
    expect(await c.cmd('h1', 'SEARCH HEADER X-Priority ""')).toMatch(/^\* SEARCH 1\r$/m);
    expect(await c.cmd('h2', 'SEARCH HEADER Subject ""')).toMatch(/^\* SEARCH 1 2\r$/m);
    expect(await c.cmd('h3', 'SEARCH SUBJECT ""')).toMatch(/^\* SEARCH 1 2\r$/m);
    expect(await c.cmd('h4', 'SEARCH HEADER FROM ""')).toMatch(/^\* SEARCH 1 2\r$/m);
    expect(await c.cmd('h5', 'SEARCH NOT HEADER Subject ""')).toMatch(/^\* SEARCH 3\r$/m);
    expect(await c.cmd('h6', 'SEARCH HEADER X-Missing ""')).toMatch(/^\* SEARCH\r$/m);
    expect(await c.cmd('h7', 'SEARCH HEADER Subject "tiêu"')).toMatch(/^\* SEARCH 1\r$/m);
  });

  it('compares SENTBEFORE/SENTON/SENTSINCE with the day written in Date:, whatever its time zone', async () => {
    await r.app.store.createMailbox(accountId, 'Sent2');
    const s = r.app.store;
    // 1: 30 Nov in Kon Tum, still 29 Nov in UTC.
    await s.append(accountId, 'Sent2', mk({ Subject: 'a', Date: 'Mon, 30 Nov 2026 00:30:00 +0700' }), []);
    // 2: 29 Nov in New York, already 30 Nov in UTC.
    await s.append(accountId, 'Sent2', mk({ Subject: 'b', Date: 'Sun, 29 Nov 2026 23:30:00 -0500' }), []);
    // 3: exactly midnight UTC on 1 Dec, written in UTC.
    await s.append(accountId, 'Sent2', mk({ Subject: 'c', Date: 'Tue, 1 Dec 2026 00:00:00 +0000' }), []);
    // 4: no Date: field at all.
    await s.append(accountId, 'Sent2', mk({ Subject: 'd' }), []);
    await c.cmd('d0', 'SELECT Sent2');
    expect(await c.cmd('d1', 'SEARCH SENTON 30-Nov-2026')).toMatch(/^\* SEARCH 1\r$/m);
    expect(await c.cmd('d2', 'SEARCH SENTON 29-Nov-2026')).toMatch(/^\* SEARCH 2\r$/m);
    expect(await c.cmd('d3', 'SEARCH SENTBEFORE 30-Nov-2026')).toMatch(/^\* SEARCH 2\r$/m);
    expect(await c.cmd('d4', 'SEARCH SENTSINCE 30-Nov-2026')).toMatch(/^\* SEARCH 1 3\r$/m);
    expect(await c.cmd('d5', 'SEARCH SENTSINCE 1-Dec-2026')).toMatch(/^\* SEARCH 3\r$/m);
    expect(await c.cmd('d6', 'SEARCH SENTBEFORE 1-Dec-2026')).toMatch(/^\* SEARCH 1 2\r$/m);
  });

  it('keeps the zone APPEND gave INTERNALDATE, and BEFORE/ON/SINCE compare its own date (RFC 3501 2.3.3, 6.4.4)', async () => {
    await r.app.store.createMailbox(accountId, 'Intdate');
    const append = async (tag: string, date: string) => {
      const raw = mk({ Subject: date });
      c.write(`${tag} APPEND Intdate "${date}" {${raw.length}+}\r\n`);
      c.write(Buffer.concat([raw, Buffer.from('\r\n')]));
      expect(await c.readUntil(new RegExp(`^${tag} (OK|NO|BAD).*\r\n`, 'm'))).toMatch(new RegExp(`^${tag} OK`, 'm'));
    };
    await append('i1', '25-Mar-2007 00:30:00 +0300'); // 24 Mar in UTC
    await append('i2', '24-Mar-2007 23:30:00 -0500'); // 25 Mar in UTC
    await c.cmd('i3', 'SELECT Intdate');
    const f = await c.cmd('i4', 'FETCH 1:2 (INTERNALDATE)');
    expect(f).toContain('* 1 FETCH (INTERNALDATE "25-Mar-2007 00:30:00 +0300")');
    expect(f).toContain('* 2 FETCH (INTERNALDATE "24-Mar-2007 23:30:00 -0500")');
    expect(await c.cmd('i5', 'SEARCH ON 25-Mar-2007')).toMatch(/^\* SEARCH 1\r$/m);
    expect(await c.cmd('i6', 'SEARCH ON 24-Mar-2007')).toMatch(/^\* SEARCH 2\r$/m);
    expect(await c.cmd('i7', 'SEARCH BEFORE 25-Mar-2007')).toMatch(/^\* SEARCH 2\r$/m);
    expect(await c.cmd('i8', 'SEARCH SINCE 25-Mar-2007')).toMatch(/^\* SEARCH 1\r$/m);
    // A copy keeps it.
    await c.cmd('i9', 'COPY 1 Intdate');
    expect(await c.cmd('i10', 'FETCH 3 (INTERNALDATE)')).toContain('* 3 FETCH (INTERNALDATE "25-Mar-2007 00:30:00 +0300")');
  });

  it('answers ESEARCH with MODSEQ when the search used MODSEQ (RFC 4731, RFC 7162 3.1.5)', async () => {
    await r.app.store.createMailbox(accountId, 'Esearch');
    for (let i = 0; i < 3; i++) await r.app.store.append(accountId, 'Esearch', mk({ Subject: `e${i}` }), []);
    await c.cmd('e0', 'SELECT Esearch (CONDSTORE)');
    const st = await c.cmd('e1', 'STORE 2 +FLAGS (\\Flagged)');
    const ms = Number(/MODSEQ \((\d+)\)/.exec(st)![1]);
    expect(await c.cmd('e2', 'SEARCH RETURN (ALL) MODSEQ 1')).toMatch(new RegExp(`^\\* ESEARCH \\(TAG "e2"\\) ALL 1:3 MODSEQ ${ms}\\r$`, 'm'));
    expect(await c.cmd('e3', 'UID SEARCH RETURN (COUNT) MODSEQ 1')).toMatch(new RegExp(`^\\* ESEARCH \\(TAG "e3"\\) UID COUNT 3 MODSEQ ${ms}\\r$`, 'm'));
    expect(await c.cmd('e4', `SEARCH RETURN () MODSEQ ${ms}`)).toMatch(new RegExp(`^\\* ESEARCH \\(TAG "e4"\\) ALL 2 MODSEQ ${ms}\\r$`, 'm'));
    expect(await c.cmd('e5', `SEARCH RETURN (MIN MAX) FLAGGED MODSEQ 1`)).toMatch(new RegExp(`^\\* ESEARCH \\(TAG "e5"\\) MIN 2 MAX 2 MODSEQ ${ms}\\r$`, 'm'));
    // MIN or MAX alone: the MODSEQ of the message returned (RFC 4731 3.2), not the highest found.
    const m1 = Number(/MODSEQ \((\d+)\)/.exec(await c.cmd('e7', 'FETCH 1 (MODSEQ)'))![1]);
    expect(m1).toBeLessThan(ms);
    expect(await c.cmd('e8', 'SEARCH RETURN (MIN) MODSEQ 1')).toMatch(new RegExp(`^\\* ESEARCH \\(TAG "e8"\\) MIN 1 MODSEQ ${m1}\\r$`, 'm'));
    expect(await c.cmd('e9', 'SEARCH RETURN (MIN MAX) MODSEQ 1')).toMatch(new RegExp(`^\\* ESEARCH \\(TAG "e9"\\) MIN 1 MAX 3 MODSEQ \\d+\\r$`, 'm'));
    // Nothing found: no MODSEQ (RFC 7162 3.1.5), a COUNT 0.
    expect(await c.cmd('e6', `SEARCH RETURN (COUNT) MODSEQ ${ms + 100}`)).toMatch(/^\* ESEARCH \(TAG "e6"\) COUNT 0\r$/m);
  });

  it('tells HIGHESTMODSEQ when a command turns CONDSTORE on in the selected state, once (RFC 7162 3.1)', async () => {
    const d = await RawImap.connect(r.servers.ports.imaps);
    await d.cmd('L', `LOGIN ${an} "${TEST_PASSWORD}"`);
    const sel = await d.cmd('k0', 'SELECT Esearch');
    const hms = Number(/HIGHESTMODSEQ (\d+)/.exec(sel)![1]);
    const first = await d.cmd('k1', 'FETCH 1 (MODSEQ)');
    expect(first).toContain(`* OK [HIGHESTMODSEQ ${hms}]`);
    expect(first.indexOf('* OK [HIGHESTMODSEQ')).toBeLessThan(first.indexOf('* 1 FETCH'));
    expect(await d.cmd('k2', 'FETCH 1 (MODSEQ)')).not.toContain('HIGHESTMODSEQ');
    // A MODSEQ search key with an entry name and type (RFC 7162 3.1.5) on a session where CONDSTORE is on.
    expect(await d.cmd('k3', 'SEARCH RETURN (COUNT) MODSEQ "/flags/\\\\seen" all 1')).toMatch(/^\* ESEARCH \(TAG "k3"\) COUNT 3 MODSEQ \d+\r$/m);
    d.close();
    const e = await RawImap.connect(r.servers.ports.imaps);
    await e.cmd('L', `LOGIN ${an} "${TEST_PASSWORD}"`);
    await e.cmd('k4', 'SELECT Esearch');
    expect(await e.cmd('k5', 'SEARCH MODSEQ 1')).toContain('* OK [HIGHESTMODSEQ');
    e.close();
  });

  it('answers LIST (SUBSCRIBED RECURSIVEMATCH) with CHILDINFO and LSUB with \\Noselect parents (RFC 5258 3.5, RFC 3501 6.3.9)', async () => {
    for (const n of ['Fruit/Banana', 'Vegetable/Broccoli', 'Tofu']) expect(await c.cmd('l0', `CREATE ${n}`)).toMatch(/^l0 OK/m);
    // CREATE subscribes nothing (Fruit, Vegetable and Tofu were made too); the client subscribes what it wants.
    expect(listed(await c.cmd('l1', 'LIST (SUBSCRIBED) "" "*"')).has('Fruit/Banana')).toBe(false);
    for (const n of ['Fruit/Banana', 'Vegetable', 'Vegetable/Broccoli']) expect(await c.cmd('l2', `SUBSCRIBE ${n}`)).toMatch(/^l2 OK/m);
    // %: Fruit is not subscribed but its subscribed child is not listed, so Fruit comes with CHILDINFO.
    const pct = listed(await c.cmd('l3', 'LIST (SUBSCRIBED RECURSIVEMATCH) "" "%"'));
    expect(pct.get('Fruit')).toEqual({ attrs: '\\HasChildren', ext: '("CHILDINFO" ("SUBSCRIBED"))' });
    expect(pct.get('Vegetable')).toEqual({ attrs: '\\HasChildren \\Subscribed', ext: '("CHILDINFO" ("SUBSCRIBED"))' });
    expect(pct.get('INBOX')?.ext).toBe('');
    expect(pct.has('Tofu')).toBe(false);
    expect(pct.has('Fruit/Banana')).toBe(false);
    // *: every subscribed child of Fruit is listed itself, so Fruit is not.
    const star = listed(await c.cmd('l4', 'LIST (SUBSCRIBED RECURSIVEMATCH) "" "*"'));
    expect(star.has('Fruit')).toBe(false);
    expect(star.get('Fruit/Banana')).toEqual({ attrs: '\\HasNoChildren \\Subscribed', ext: '' });
    expect(star.get('Vegetable')?.ext).toBe('("CHILDINFO" ("SUBSCRIBED"))');
    // A pattern naming the parent alone.
    const one = listed(await c.cmd('l5', 'LIST (SUBSCRIBED RECURSIVEMATCH) "" "Fruit"'));
    expect([...one.keys()]).toEqual(['Fruit']);
    expect(one.get('Fruit')!.ext).toBe('("CHILDINFO" ("SUBSCRIBED"))');
    // Without RECURSIVEMATCH: subscribed names only, no CHILDINFO.
    const sub = await c.cmd('l6', 'LIST (SUBSCRIBED) "" "%"');
    expect(listed(sub).has('Fruit')).toBe(false);
    expect(sub).not.toContain('CHILDINFO');
    expect(await c.cmd('l7', 'LIST (RECURSIVEMATCH) "" "%"')).toMatch(/^l7 BAD/m);
    // LSUB %: the unsubscribed parent of a subscribed folder is \Noselect; LSUB * lists the child instead.
    const lsub = listed(await c.cmd('l8', 'LSUB "" "%"'), 'LSUB');
    expect(lsub.get('Fruit')).toEqual({ attrs: '\\Noselect', ext: '' });
    expect(lsub.get('Vegetable')).toEqual({ attrs: '', ext: '' });
    expect(lsub.has('Tofu')).toBe(false);
    const lsubAll = listed(await c.cmd('l9', 'LSUB "" "*"'), 'LSUB');
    expect(lsubAll.has('Fruit')).toBe(false);
    expect(lsubAll.get('Fruit/Banana')).toEqual({ attrs: '', ext: '' });
    expect(listed(await c.cmd('l10', 'LSUB "" "Fruit/%"'), 'LSUB').get('Fruit/Banana')).toEqual({ attrs: '', ext: '' });
  });

  it('keeps a subscription when its folder is deleted: LSUB \\Noselect, LIST (SUBSCRIBED) \\NonExistent, until UNSUBSCRIBE (RFC 3501 6.3.6-9, RFC 5258)', async () => {
    expect(await c.cmd('s1', 'CREATE Old')).toMatch(/^s1 OK/m);
    expect(await c.cmd('s2', 'SUBSCRIBE Old')).toMatch(/^s2 OK/m);
    expect(await c.cmd('s3', 'DELETE Old')).toMatch(/^s3 OK/m);
    expect(await c.cmd('s4', 'LSUB "" "Old"')).toContain('* LSUB (\\Noselect) "/" "Old"\r\n');
    const sub = listed(await c.cmd('s5', 'LIST (SUBSCRIBED) "" "*"'));
    expect(sub.get('Old')?.attrs.split(' ').sort()).toEqual(['\\HasNoChildren', '\\NonExistent', '\\Subscribed']);
    expect(listed(await c.cmd('s6', 'LIST "" "*"')).has('Old')).toBe(false);
    expect(listed(await c.cmd('s6b', 'LIST "" "*" RETURN (SUBSCRIBED)')).has('Old')).toBe(false);
    // Created again, it is the subscribed folder again.
    expect(await c.cmd('s7', 'CREATE Old')).toMatch(/^s7 OK/m);
    expect(await c.cmd('s8', 'LSUB "" "Old"')).toContain('* LSUB () "/" "Old"\r\n');
    expect(await c.cmd('s9', 'DELETE Old')).toMatch(/^s9 OK/m);
    expect(await c.cmd('s10', 'UNSUBSCRIBE Old')).toMatch(/^s10 OK/m);
    expect(await c.cmd('s11', 'LSUB "" "Old"')).not.toContain('LSUB (');
    expect(await c.cmd('s12', 'UNSUBSCRIBE Old')).toMatch(/^s12 NO/m);
    // RENAME carries the subscription to the new name.
    expect(await c.cmd('s13', 'CREATE Ren/Child')).toMatch(/^s13 OK/m);
    for (const n of ['Ren', 'Ren/Child']) expect(await c.cmd('s13b', `SUBSCRIBE ${n}`)).toMatch(/^s13b OK/m);
    expect(await c.cmd('s14', 'RENAME Ren Moved')).toMatch(/^s14 OK/m);
    const after = listed(await c.cmd('s15', 'LSUB "" "*"'), 'LSUB');
    expect(after.has('Moved')).toBe(true);
    expect(after.has('Moved/Child')).toBe(true);
    expect(after.has('Ren')).toBe(false);
  });

  it('never gives a name its UIDVALIDITY again after DELETE then CREATE (RFC 3501 2.3.1.1)', async () => {
    const seen = new Map<string, number[]>();
    const uidvalidity = async (name: string) => Number(/UIDVALIDITY (\d+)/.exec(await c.cmd('u', `STATUS ${name} (UIDVALIDITY)`))![1]);
    // Enough folders at once that the values run ahead of the clock, as a busy account's do.
    for (let i = 0; i < 12; i++) await c.cmd('u0', `CREATE Uv${i}`);
    for (let round = 0; round < 3; round++) {
      for (const name of ['Uv11', 'Uv10', 'Uv11']) {
        const v = await uidvalidity(name);
        const before = seen.get(name) ?? [];
        expect(before).not.toContain(v);
        seen.set(name, [...before, v]);
        expect(await c.cmd('u1', `DELETE ${name}`)).toMatch(/^u1 OK/m);
        expect(await c.cmd('u2', `CREATE ${name}`)).toMatch(/^u2 OK/m);
      }
    }
    const last = await uidvalidity('Uv11');
    expect(seen.get('Uv11')).not.toContain(last);
    // RENAME away and back gives a new one too.
    await c.cmd('u3', 'RENAME Uv11 Uv11b');
    await c.cmd('u4', 'RENAME Uv11b Uv11');
    expect(await uidvalidity('Uv11')).toBeGreaterThan(last);
  });

  it("answers UIDPLUS as RFC 4315 says: UID EXPUNGE only the UIDs named, APPENDUID and COPYUID with the folder's UIDVALIDITY", async () => {
    expect(await c.cmd('p0', 'CREATE Uidplus')).toMatch(/^p0 OK/m);
    const uv = Number(/UIDVALIDITY (\d+)/.exec(await c.cmd('p1', 'STATUS Uidplus (UIDVALIDITY)'))![1]);
    const uids: number[] = [];
    for (let i = 0; i < 4; i++) {
      const raw = mk({ Subject: `p${i}` });
      c.write(`pa${i} APPEND Uidplus {${raw.length}+}\r\n`);
      c.write(Buffer.concat([raw, Buffer.from('\r\n')]));
      const m = /APPENDUID (\d+) (\d+)/.exec(await c.readUntil(new RegExp(`^pa${i} (OK|NO|BAD).*\r\n`, 'm')))!;
      expect(Number(m[1])).toBe(uv);
      uids.push(Number(m[2]));
    }
    expect(uids).toEqual([1, 2, 3, 4]);
    await c.cmd('p2', 'SELECT Uidplus');
    await c.cmd('p3', 'STORE 1:3 +FLAGS.SILENT (\\Deleted)');
    // Only UID 2 goes, though 1 and 3 are \Deleted too; UID 4 is named but not \Deleted.
    const ux = await c.cmd('p4', 'UID EXPUNGE 2,4');
    expect(ux).toMatch(/^\* 2 EXPUNGE\r$/m);
    expect(ux.match(/EXPUNGE\r$/gm)).toHaveLength(1);
    expect(await c.cmd('p5', 'UID SEARCH DELETED')).toMatch(/^\* SEARCH 1 3\r$/m);
    // COPYUID: the source UIDs and the new ones in the same order.
    const cp = await c.cmd('p6', 'UID COPY 4,1 Uidplus');
    expect(cp).toMatch(new RegExp(`^p6 OK \\[COPYUID ${uv} 1,4 5:6\\]`, 'm'));
  });

  it('reserves the shared namespace whatever its case (issue 9)', async () => {
    for (const [i, name] of ['shared/binhlt@kontum.gov.vn/INBOX', 'SHARED/binhlt@kontum.gov.vn/INBOX', 'Shared/x', 'sHaReD', 'Shared'].entries()) {
      expect(await c.cmd(`n${i}`, `CREATE "${name}"`)).toMatch(new RegExp(`^n${i} NO`, 'm'));
    }
    expect(await c.cmd('n9', 'RENAME Tofu "shared/binhlt@kontum.gov.vn"')).toMatch(/^n9 NO/m);
    const names = (await r.app.store.listMailboxes(accountId)).map((m) => m.name.toLowerCase());
    expect(names.filter((n) => n === 'shared' || n.startsWith('shared/'))).toEqual([]);
    // A folder whose name merely begins with the word is the user's own.
    expect(await c.cmd('n10', 'CREATE "Shared files"')).toMatch(/^n10 OK/m);
    expect(await c.cmd('n11', 'CREATE "Projects/Shared"')).toMatch(/^n11 OK/m);
  });

  it('answers a FETCH of a message another session expunged with the others and NO [EXPUNGEISSUED], no EXPUNGE inside it (RFC 5530, RFC 2180 4.1, RFC 3501 7.4.1)', async () => {
    await r.app.store.createMailbox(accountId, 'Gone');
    for (let i = 0; i < 3; i++) await r.app.store.append(accountId, 'Gone', mk({ Subject: `g${i}` }), []);
    const mb = (await r.app.store.getMailbox(accountId, 'Gone'))!;
    await c.cmd('g0', 'SELECT Gone');
    // Another session deletes message 2; this one has not been told yet.
    await r.app.store.storeFlags(mb.id, [2], 'add', { mask: 8, keywords: [] });
    await r.app.store.expunge(mb.id);
    const f = await c.cmd('g1', 'FETCH 1:3 (UID FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])');
    expect(f).toMatch(/^\* 1 FETCH \(UID 1 /m);
    expect(f).toMatch(/^\* 3 FETCH \(UID 3 /m);
    expect(f).not.toMatch(/^\* 2 FETCH/m);
    expect(f).not.toMatch(/^\* \d+ EXPUNGE/m);
    expect(f).toMatch(/^g1 NO \[EXPUNGEISSUED\]/m);
    expect(await c.cmd('g2', 'FETCH 1:3 (UID FLAGS)')).toMatch(/^g2 NO \[EXPUNGEISSUED\]/m);
    // Its UID is still known to the session: FETCH of the UID alone is answered (RFC 2180 4.1.1).
    const g = await c.cmd('g2b', 'FETCH 2 (UID)');
    expect(g).toMatch(/^\* 2 FETCH \(UID 2\)\r$/m);
    expect(g).toMatch(/^g2b OK/m);
    // UID FETCH leaves it out without NO, and may announce the EXPUNGE after its answers.
    const u = await c.cmd('g3', 'UID FETCH 1:3 (FLAGS)');
    expect(u).toMatch(/^g3 OK/m);
    expect(u).toMatch(/^\* 2 EXPUNGE\r$/m);
    expect(await c.cmd('g5', 'FETCH 1:2 (UID)')).toMatch(/^\* 2 FETCH \(UID 3\)[\s\S]*^g5 OK/m);
  });

  it('sends no NUL inside an ordinary literal: a body with NUL bytes is served with 0x80 in their place, size unchanged (RFC 3501 4.3)', async () => {
    await r.app.store.createMailbox(accountId, 'Nul');
    const body = Buffer.concat([Buffer.from('Dòng một\r\nA'), Buffer.from([0]), Buffer.from('B'), Buffer.from([0, 0]), Buffer.from('\r\n')]);
    const big = Buffer.alloc(100 * 1024, 0x41);
    big[50_000] = 0;
    big.write('\r\n', big.length - 2);
    await r.app.store.append(accountId, 'Nul', Buffer.concat([mk({ Subject: 'nul' }, ''), body]), []);
    await r.app.store.append(accountId, 'Nul', Buffer.concat([mk({ Subject: 'nul lớn' }, ''), big]), []);
    // A raw socket keeping bytes: the literal must carry no 0x00 at all.
    const sock = tls.connect({ host: '127.0.0.1', port: r.servers.ports.imaps, rejectUnauthorized: false });
    const chunks: Buffer[] = [];
    sock.on('data', (d: Buffer) => chunks.push(d));
    const waitFor = async (re: RegExp) => {
      for (let i = 0; i < 200; i++) {
        if (re.test(Buffer.concat(chunks).toString('latin1'))) return Buffer.concat(chunks);
        await new Promise((res) => setTimeout(res, 25));
      }
      throw new Error(`timeout: ${Buffer.concat(chunks).toString('latin1').slice(-300)}`);
    };
    await waitFor(/^\* OK/m);
    sock.write(`a LOGIN ${an} "${TEST_PASSWORD}"\r\nb SELECT Nul\r\nc FETCH 1:2 (RFC822.SIZE BODY.PEEK[] BODY.PEEK[TEXT] BODY.PEEK[1])\r\n`);
    const all = await waitFor(/^c (OK|NO|BAD)/m);
    sock.destroy();
    const text = all.toString('latin1');
    expect(text).toMatch(/^c OK/m);
    expect(all.indexOf(0)).toBe(-1);
    const size1 = Number(/\* 1 FETCH \(RFC822\.SIZE (\d+)/.exec(text)![1]);
    expect(text).toContain(`BODY[] {${size1}}\r\n`);
    expect(text).toContain(`BODY[TEXT] {${body.length}}\r\n`);
    expect(all.includes(Buffer.from([0x41, 0x80, 0x42, 0x80, 0x80, 0x0d]))).toBe(true);
    // The large body is streamed; its NUL goes out as 0x80 too.
    expect(text).toContain(`BODY[TEXT] {${big.length}}\r\n`);
    expect(all.includes(Buffer.from([0x41, 0x80, 0x41]))).toBe(true);
  });
});
