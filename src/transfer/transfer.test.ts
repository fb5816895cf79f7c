// Export then import, each format: the same messages (bytes), folders (nested, Vietnamese),
// flags, keywords and internal dates; the files read by Python's mailbox module (a reader we did not write).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { pipeline } from 'node:stream/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backends, createTestApp, TEST_PASSWORD, type TestApp } from '../../test/helpers/harness.ts';
import { flagNames } from '../core/flags.ts';
import { TransferService } from './service.ts';
import { mboxMessage, readMbox } from './mbox.ts';
import type { TransferFormat } from './types.ts';

const ctx = { actor: 'test' };

function msg(i: number, body: string): Buffer {
  return Buffer.from(
    `From: Nguyễn Văn An <an@kontum.gov.vn>\r\nTo: b@kontum.gov.vn\r\nSubject: =?UTF-8?Q?C=C3=B4ng_v=C4=83n_${i}?=\r\nMessage-ID: <m${i}@kontum.gov.vn>\r\nDate: Mon, 7 Dec 2026 08:00:00 +0700\r\n\r\n${body}\r\n`,
  );
}

async function snapshot(t: TestApp, accountId: number) {
  const out: Record<string, Array<{ bytes: string; flags: string[]; date: number }>> = {};
  for (const f of await t.app.store.listMailboxes(accountId)) {
    const ms = await t.app.store.listMessages(f.id);
    out[f.name] = await Promise.all(
      ms.map(async (m) => ({ bytes: (await t.app.store.readMessage(m)).toString('latin1'), flags: flagNames(m.flags, m.keywords).sort(), date: Math.floor(m.internalDate / 1000) })),
    );
  }
  return out;
}

describe('mboxrd', () => {
  it('quotes From lines and reads them back, whatever the chunking', async () => {
    const raw = Buffer.from('Subject: x\r\n\r\nFrom here\r\n>From there\r\n>>From afar\r\nFromage\r\nFrom');
    async function* oneByOne() {
      for (const b of raw) yield Buffer.from([b]);
    }
    const parts: Buffer[] = [];
    for await (const c of mboxMessage({ folder: 'Hộp/Đến', flags: ['\\Seen', '$Label1'], internalDate: Date.UTC(2026, 0, 2, 3, 4, 5) }, oneByOne())) parts.push(c);
    const text = Buffer.concat(parts).toString('utf8');
    expect(text).toBe(
      'From MAILER-DAEMON Fri Jan  2 03:04:05 2026\nX-Thutin-Folder: Hộp/Đến\r\nStatus: RO\r\nX-Status: \r\nX-Keywords: $Label1\r\nSubject: x\r\n\r\n>From here\r\n>>From there\r\n>>>From afar\r\nFromage\r\nFrom\n\n',
    );
    const back = [];
    for await (const m of readMbox([Buffer.from(text + text)])) back.push(m);
    expect(back).toHaveLength(2);
    expect(back[0].body).toEqual(Buffer.concat([raw, Buffer.from('\n')])); // a message without a final line end gains one
    expect(back[0]).toMatchObject({ folder: 'Hộp/Đến', flags: ['\\Seen', '$Label1'], internalDate: Date.UTC(2026, 0, 2, 3, 4, 5) });
  });

  it('reads a foreign Unix mbox: LF becomes CRLF, Status fields give the flags', async () => {
    const text = 'From a@b Sat Jan  3 01:05:34 1996\nSubject: one\nStatus: RO\nX-Status: F\n\nbody\n>From x\n\nFrom c@d Sat Jan  3 01:05:35 1996\nSubject: two\n\nbody2\n\n';
    const back = [];
    for await (const m of readMbox([Buffer.from(text)], 'Cũ')) back.push(m);
    expect(back.map((m) => m.folder)).toEqual(['Cũ', 'Cũ']);
    expect(back[0].flags).toEqual(['\\Seen', '\\Flagged']);
    expect((back[0].body as Buffer).toString()).toBe('Subject: one\r\nStatus: RO\r\nX-Status: F\r\n\r\nbody\r\nFrom x\r\n');
    expect(back[1].internalDate).toBe(Date.UTC(1996, 0, 3, 1, 5, 35));
  });
});

describe.each(backends())('export and import round trip (%s)', (backend) => {
  let t: TestApp;
  let dir: string;
  let from: number;
  const folders = ['INBOX', 'Công văn', 'Công văn/Đến 2026', 'Công văn/Đi', 'Lưu trữ.cũ'];

  beforeEach(async () => {
    t = await createTestApp({ backend });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-transfer-'));
    from = (await t.app.accounts.create('an@kontum.gov.vn', TEST_PASSWORD, 'test')).id;
    for (const f of folders.slice(1)) await t.app.store.createMailbox(from, f);
    let i = 0;
    const flagSets = [[], ['\\Seen'], ['\\Seen', '\\Answered', '$Label1'], ['\\Flagged', '\\Draft', 'NonJunk'], ['\\Deleted', '$Forwarded', '$MDNSent']];
    for (const f of [...folders, 'Sent', 'Trash']) {
      for (let k = 0; k < 6; k++, i++) {
        const body = k === 2 ? 'From the start of a line\r\n>From quoted\r\nTiếng Việt có dấu' : `Nội dung ${i}`;
        await t.app.store.append(from, f, msg(i, body), flagSets[i % flagSets.length], new Date(Date.UTC(2020 + (i % 6), i % 12, 1 + (i % 27), 10, i % 60, i % 60)));
      }
    }
  });
  afterEach(async () => {
    await t.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const format of ['mbox', 'maildir', 'zip'] as TransferFormat[]) {
    it(`${format}: the same folders, bytes, flags and dates`, async () => {
      const svc = new TransferService(t.app);
      const out = path.join(dir, `out.${format}`);
      if (format === 'maildir') {
        const r = await svc.exportMaildir(from, out, ctx);
        expect(r.messages).toBe(42);
      } else {
        const { stream, counts } = await svc.exportStream(from, format, ctx);
        await pipeline(stream, fs.createWriteStream(out));
        expect(counts.messages).toBe(42);
      }
      const to = (await t.app.accounts.create('binh@kontum.gov.vn', TEST_PASSWORD, 'test')).id;
      const r = await svc.importFile(to, format, out, ctx);
      expect(r).toMatchObject({ messages: 42, failed: 0 });
      expect(await snapshot(t, to)).toEqual(await snapshot(t, from));
      const audit = await t.app.audit.list(10);
      expect(audit.map((a) => `${a.action} ${a.target}`)).toEqual(expect.arrayContaining(['mailbox.export an@kontum.gov.vn', 'mailbox.import binh@kontum.gov.vn']));

      // Python's mailbox module reads what we wrote.
      const py =
        format === 'mbox'
          ? `import mailbox,sys\nm=mailbox.mbox(sys.argv[1])\nprint(len(m), sum(1 for x in m if 'R' in x.get_flags()), sum(1 for x in m if x.get_payload().startswith('>From the start')))`
          : format === 'maildir'
            ? `import mailbox,sys\nm=mailbox.Maildir(sys.argv[1],create=False)\nprint(len(m), sorted(m.list_folders())[:2], sum(1 for k in m.list_folders() for x in m.get_folder(k)), sum(1 for x in m if 'S' in x.get_flags()))`
            : `import zipfile,sys,json\nz=zipfile.ZipFile(sys.argv[1])\nprint(len([n for n in z.namelist() if n.endswith('.eml')]), len(json.loads(z.read('manifest.json'))['messages']))`;
      const said = execFileSync('python3', ['-c', py, out], { encoding: 'utf8' }).trim();
      if (format === 'mbox') expect(said).toBe('42 17 7'); // mboxo reader: our quoting kept;
      if (format === 'maildir') expect(said).toBe("6 ['Archive', 'C&APQ-ng v&AQM-n'] 36 2"); // names in modified UTF-7, as Dovecot keeps them;
      if (format === 'zip') expect(said).toBe('42 42');
    });
  }
});
