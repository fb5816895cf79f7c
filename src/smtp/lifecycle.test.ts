// The message life cycle seen from SMTP: one ingest, one blob, one transaction for every copy;
// header fields that stages add are served in front of the stored blob; the folder a stage chooses
// is decided per recipient. Real sockets, Python's smtplib as the client.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../test/helpers/harness.ts';
import { CONTINUE, type Stage } from './pipeline.ts';
import { defaultStageRegistry } from './stages/index.ts';
import { DOMAIN, startFixture, type SmtpFixture } from './testing/fixture.ts';
import { message, smtplib, step } from './testing/clients.ts';

const PEOPLE = Array.from({ length: 10 }, (_, i) => `canbo${i}@${DOMAIN}`);

/** A stage as a spam filter would be: a header field on every message, and Junk as the folder. */
function taggingStage(): Stage {
  return {
    name: 'tag',
    data(ctx) {
      ctx.addHeader('X-Kiem-Tra: đã gắn nhãn; score=7.5');
      ctx.setMailbox('Junk');
      return CONTINUE;
    },
  };
}

function blobFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory() && e.name !== 'tmp') walk(path.join(d, e.name));
      else if (e.isFile() && /^[0-9a-f]{64}$/.test(e.name)) out.push(e.name);
    }
  };
  walk(dir);
  return out;
}

describe.each(backends())('message life cycle over SMTP (%s)', (backend) => {
  let f: SmtpFixture;
  beforeAll(async () => {
    f = await startFixture(backend, {
      accounts: PEOPLE,
      stages: defaultStageRegistry().register('tag', taggingStage),
      config: { smtp: { inboundStages: ['size', 'loop', 'tag'] } },
    });
  });
  afterAll(async () => {
    await f?.close();
  });

  async function folderOf(address: string): Promise<{ folder: string; raw: Buffer; size: number; sha256: string }[]> {
    const acct = (await f.t.app.accounts.byAddress(address))!;
    const out: { folder: string; raw: Buffer; size: number; sha256: string }[] = [];
    for (const mb of await f.t.app.store.listMailboxes(acct.id)) {
      for (const m of await f.t.app.store.listMessages(mb.id)) out.push({ folder: mb.name, raw: await f.t.app.store.readMessage(m), size: m.size, sha256: m.sha256 });
    }
    return out;
  }

  it('puts the message in Junk for the nine recipients who have it and in INBOX for the one who deleted it, writing one blob', async () => {
    const odd = (await f.t.app.accounts.byAddress(PEOPLE[3]))!;
    await f.t.app.store.deleteMailbox(odd.id, 'Junk');
    const blobsDir = path.join(f.t.app.config.dataDir, 'blobs');
    const before = blobFiles(blobsDir).length;
    const msg = message({ to: PEOPLE.join(', '), subject: 'Thông báo họp giao ban' });
    const r = await smtplib(f.ports.inbound, [
      { op: 'ehlo', name: 'mx.example.org' },
      { op: 'mail', from: 'vanthu@example.org' },
      ...PEOPLE.map((to) => ({ op: 'rcpt' as const, to })),
      { op: 'data', message: msg },
      { op: 'quit' },
    ]);
    expect(step(r, 'data').code, JSON.stringify(r)).toBe(250);
    expect(blobFiles(blobsDir).length).toBe(before + 1);
    const shas = new Set<string>();
    for (const p of PEOPLE) {
      const got = await folderOf(p);
      expect(got, p).toHaveLength(1);
      expect(got[0].folder, p).toBe(p === PEOPLE[3] ? 'INBOX' : 'Junk');
      shas.add(got[0].sha256);
      // Served: the stage's field, then our Received, then the client's bytes unchanged.
      const text = got[0].raw.toString('utf8');
      expect(text).toMatch(/^X-Kiem-Tra: đã gắn nhãn; score=7\.5\r\nReceived: from mx\.example\.org /);
      expect(got[0].raw.subarray(got[0].raw.length - msg.length).equals(msg)).toBe(true);
      expect(got[0].size).toBe(got[0].raw.length);
    }
    expect(shas.size).toBe(1);
  });

  it('counts the served size in each recipient’s usage', async () => {
    const acct = (await f.t.app.accounts.byAddress(PEOPLE[0]))!;
    const msgs = await folderOf(PEOPLE[0]);
    expect(await f.t.app.accounts.usageBytes(acct.id)).toBe(msgs.reduce((a, m) => a + m.size, 0));
  });

  describe('hostile structure', () => {
    const blobsDir = () => path.join(f.t.app.config.dataDir, 'blobs');
    const tmpFiles = () => fs.readdirSync(path.join(blobsDir(), 'tmp'));
    const sendRaw = (raw: Buffer) =>
      smtplib(f.ports.inbound, [{ op: 'ehlo', name: 'mx.example.org' }, { op: 'mail', from: 'x@example.org' }, { op: 'rcpt', to: PEOPLE[0] }, { op: 'data', message: raw }, { op: 'quit' }]);
    const head = 'From: x@example.org\r\nTo: canbo0@kontum.gov.vn\r\nSubject: cấu trúc\r\nMIME-Version: 1.0\r\n';

    it('stores a message nested 10,000 levels deep once, with its structure cut at the depth limit', async () => {
      let body = '';
      let tail = '';
      for (let i = 0; i < 10000; i++) {
        body += `Content-Type: multipart/mixed; boundary=b${i}\r\n\r\n--b${i}\r\n`;
        tail = `\r\n--b${i}--\r\n` + tail;
      }
      const raw = Buffer.from(head + body + 'Content-Type: text/plain\r\n\r\nđáy\r\n' + tail);
      const before = blobFiles(blobsDir()).length;
      const r = await sendRaw(raw);
      expect(step(r, 'data').code, JSON.stringify(step(r, 'data'))).toBe(250);
      expect(blobFiles(blobsDir()).length).toBe(before + 1);
      expect(tmpFiles()).toEqual([]);
      // The tagging stage files everything in Junk.
      const inbox = (await f.t.app.store.getMailbox((await f.t.app.accounts.byAddress(PEOPLE[0]))!.id, 'Junk'))!;
      const last = (await f.t.app.store.listMessages(inbox.id)).at(-1)!;
      const idx = (await f.t.app.store.indexesOf([last])).get(last)!;
      expect(idx.truncated).toBe('depth');
      expect((await f.t.app.store.readMessage(last)).subarray(-raw.length).equals(raw)).toBe(true);
    });

    it('stores a message with 100,000 parts once', async () => {
      const parts = Array.from({ length: 100000 }, (_, i) => `--p\r\n\r\n${i}\r\n`).join('');
      const raw = Buffer.from(head + 'Content-Type: multipart/mixed; boundary=p\r\n\r\n' + parts + '--p--\r\n');
      const before = blobFiles(blobsDir()).length;
      const r = await sendRaw(raw);
      expect(step(r, 'data').code).toBe(250);
      expect(blobFiles(blobsDir()).length).toBe(before + 1);
      expect(tmpFiles()).toEqual([]);
    });

    it('refuses a 1 MB header section with 552 5.3.4 in Vietnamese and English, leaving nothing on disk', async () => {
      const fields = Array.from({ length: 1100 }, (_, i) => `X-Rac-${i}: ${'x'.repeat(1000)}`).join('\r\n');
      const raw = Buffer.from(head + fields + '\r\n\r\nthân thư\r\n');
      const before = blobFiles(blobsDir()).length;
      const r = await sendRaw(raw);
      expect(step(r, 'data')).toMatchObject({ code: 552 });
      expect(step(r, 'data').msg).toMatch(/^5\.3\.4 Phần tiêu đề thư quá lớn \/ Message header section too large/);
      expect(blobFiles(blobsDir()).length).toBe(before);
      expect(tmpFiles()).toEqual([]);
    });
  });
});
