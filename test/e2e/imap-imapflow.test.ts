// IMAP end to end with imapflow (a client we did not write), over real TLS sockets, on each
// store backend: folders, APPEND/FETCH round trip, Vietnamese SEARCH, flags and expunge seen by
// a second session, IDLE waking on delivery, COPY/MOVE with UIDPLUS, and one account never
// reaching another's mail (R7.3).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { backends } from '../helpers/harness.ts';
import { startTestServers, vietnameseMessage, imapClient, type Running } from '../helpers/servers.ts';

const client = imapClient;

describe.each(backends())('IMAP with imapflow (%s)', (backend) => {
  let r: Running;
  let an: string;
  let binh: string;

  beforeAll(async () => {
    r = await startTestServers({ backend });
    an = await r.user('annv');
    binh = await r.user('binhlt');
  });
  afterAll(async () => {
    await r?.stop();
  });

  it('lists the default folders with their special-use attributes', async () => {
    const c = client(r, an);
    await c.connect();
    const list = await c.list();
    const byPath = Object.fromEntries(list.map((m) => [m.path, m.specialUse ?? null]));
    expect(byPath).toMatchObject({ INBOX: '\\Inbox', Sent: '\\Sent', Drafts: '\\Drafts', Junk: '\\Junk', Trash: '\\Trash', Archive: '\\Archive' });
    await c.logout();
  });

  it('returns an APPENDed message byte for byte, with its decoded envelope', async () => {
    const c = client(r, an);
    await c.connect();
    const raw = vietnameseMessage({ from: binh, to: an });
    const res = await c.append('INBOX', raw, ['\\Flagged']);
    expect(res && typeof res === 'object' && res.uid).toBeGreaterThan(0);
    const lock = await c.getMailboxLock('INBOX');
    try {
      const msg = await c.fetchOne(String((res as { uid: number }).uid), { source: true, envelope: true, flags: true, bodyStructure: true, size: true }, { uid: true });
      expect(msg).toBeTruthy();
      if (!msg) return;
      expect(Buffer.compare(msg.source!, raw)).toBe(0);
      expect(msg.size).toBe(raw.length);
      expect(msg.envelope!.subject).toBe('Báo cáo tháng 11 của Sở Nội vụ');
      expect(msg.envelope!.from![0]).toMatchObject({ name: 'Trần Thị Thu Hương', address: binh });
      expect([...msg.flags!]).toContain('\\Flagged');
      expect(msg.bodyStructure!.type).toBe('text/plain');
    } finally {
      lock.release();
    }
    await c.logout();
  });

  it('finds Vietnamese text with and without diacritics', async () => {
    const c = client(r, an);
    await c.connect();
    await c.append('INBOX', vietnameseMessage({ from: binh, to: an, subject: 'Họp giao ban', body: 'Cuộc họp do đồng chí Đặng Quang Vinh chủ trì.\r\n' }));
    const lock = await c.getMailboxLock('INBOX');
    try {
      const exact = await c.search({ body: 'Đặng Quang' }, { uid: true });
      const folded = await c.search({ body: 'dang quang' }, { uid: true });
      const subject = await c.search({ subject: 'giao ban' }, { uid: true });
      const none = await c.search({ body: 'không có chữ này' }, { uid: true });
      expect(exact).toHaveLength(1);
      expect(folded).toEqual(exact);
      expect(subject).toEqual(exact);
      expect(none).toEqual([]);
    } finally {
      lock.release();
    }
    await c.logout();
  });

  it('shows one session the flag changes and expunges of another', async () => {
    const a = client(r, an);
    const b = client(r, an);
    await a.connect();
    await b.connect();
    await a.mailboxOpen('Archive');
    await b.mailboxOpen('Archive');
    const up = await a.append('Archive', vietnameseMessage({ from: binh, to: an, subject: 'Lưu trữ' }));
    const uid = (up as { uid: number }).uid;
    await b.noop();
    expect((b.mailbox as { exists: number }).exists).toBe(1);
    const flagsSeen = new Promise<Set<string>>((resolve) => b.on('flags', (ev: { flags: Set<string> }) => resolve(ev.flags)));
    await a.messageFlagsAdd(String(uid), ['\\Seen', 'Quantrong'], { uid: true });
    await b.noop();
    const flags = await flagsSeen;
    expect([...flags]).toEqual(expect.arrayContaining(['\\Seen', 'Quantrong']));
    const expunged = new Promise<number>((resolve) => b.on('expunge', (ev: { seq: number }) => resolve(ev.seq)));
    await a.messageDelete(String(uid), { uid: true });
    await b.noop();
    expect(await expunged).toBe(1);
    expect((b.mailbox as { exists: number }).exists).toBe(0);
    await a.logout();
    await b.logout();
  });

  it('wakes an IDLE session within a second of a delivery', async () => {
    const c = client(r, an);
    await c.connect();
    await c.mailboxOpen('INBOX');
    const before = (c.mailbox as { exists: number }).exists;
    const woke = new Promise<number>((resolve) => c.on('exists', (ev: { count: number }) => resolve(ev.count)));
    const idling = c.idle();
    await new Promise((res) => setTimeout(res, 200));
    const acct = await r.app.accounts.byAddress(an);
    const content = await r.app.store.ingest([vietnameseMessage({ from: binh, to: an, subject: 'Thư mới' })]);
    const t0 = Date.now();
    await r.app.store.deliver(content, [{ accountId: acct!.id }]);
    const count = await Promise.race([woke, new Promise<number>((_, rej) => setTimeout(() => rej(new Error('IDLE did not wake within 1s')), 1000))]);
    expect(count).toBe(before + 1);
    expect(Date.now() - t0).toBeLessThan(1000);
    await c.logout();
    await idling.catch(() => {});
  });

  it('copies and moves with UIDPLUS mappings', async () => {
    const c = client(r, an);
    await c.connect();
    await c.mailboxCreate('Dự án/Năm 2026');
    await c.mailboxOpen('INBOX');
    const copied = await c.messageCopy('1:2', 'Dự án/Năm 2026');
    expect(copied).toBeTruthy();
    expect((copied as { uidMap: Map<number, number> }).uidMap.size).toBe(2);
    const status1 = await c.status('Dự án/Năm 2026', { messages: true });
    expect(status1 && status1.messages).toBe(2);
    const moved = await c.messageMove('1', 'Trash');
    expect((moved as { uidMap: Map<number, number> }).uidMap.size).toBe(1);
    const trash = await c.status('Trash', { messages: true });
    expect(trash && trash.messages).toBe(1);
    const names = (await c.list()).map((m) => m.path);
    expect(names).toContain('Dự án/Năm 2026');
    await c.logout();
  });

  it('refuses a wrong password and never shows one account the mail of another (R7.3)', async () => {
    const bad = client(r, an, 'Sai#Matkhau1');
    await expect(bad.connect()).rejects.toBeTruthy();
    const b = client(r, binh);
    await b.connect();
    const box = await b.mailboxOpen('INBOX');
    expect(box.exists).toBe(0);
    for (const name of ['annv@kontum.gov.vn/INBOX', '../annv/INBOX', '*', 'Archive']) {
      const st = await b.status(name, { messages: true }).catch(() => null);
      if (st) expect(st.messages).toBe(0);
    }
    const found = await b.search({ body: 'Đặng Quang' });
    expect(found).toEqual([]);
    await b.logout();
  });
});
