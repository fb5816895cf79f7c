// Owns: the test of `thutin export` and `thutin import` as an administrator runs them for a leaver
// or a handover (bin/thutin.js in a child process): each format (mbox, Maildir, zip of .eml) out of
// one mailbox and into another gives the same folders, bytes, flags, keywords and internal dates,
// `--json` reports the counts, both are audited with the operator (cli:) and the document; `--folder`
// exports one folder only; a file that is not in its format fails with exit code 1.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { thutin } from '../../../test/helpers/cli.ts';
import { createTestApp, type TestApp } from '../../../test/helpers/harness.ts';
import { flagNames } from '../../core/flags.ts';

const env = { THUTIN_LOG_LEVEL: 'warn' };
const LEAVER = 'an@kontum.gov.vn';

describe('thutin export and import', { timeout: 240_000 }, () => {
  let t: TestApp;

  async function snapshot(address: string) {
    const acct = (await t.app.accounts.byAddress(address))!;
    const out: Record<string, string[]> = {};
    for (const f of await t.app.store.listMailboxes(acct.id)) {
      const ms = await t.app.store.listMessages(f.id);
      if (!ms.length) continue;
      out[f.name] = await Promise.all(
        ms.map(async (m) => `${(await t.app.store.readMessage(m)).toString('base64')} ${flagNames(m.flags, m.keywords).sort().join(',')} ${Math.floor(m.internalDate / 1000)}`),
      );
      out[f.name].sort();
    }
    return out;
  }

  beforeAll(async () => {
    t = await createTestApp();
    const a = await t.app.accounts.create(LEAVER, 'Matkhau#2026', 'test');
    for (const f of ['Công văn/Đến 2026', 'Lưu trữ']) await t.app.store.createMailbox(a.id, f);
    const flagSets = [[], ['\\Seen'], ['\\Seen', '\\Answered', '$Label1'], ['\\Flagged', 'Đã_xử_lý']];
    let i = 0;
    for (const folder of ['INBOX', 'Công văn/Đến 2026', 'Lưu trữ', 'Sent']) {
      for (let k = 0; k < 4; k++, i++) {
        const raw = Buffer.from(`From: Nguyễn Văn An <${LEAVER}>\r\nSubject: Công văn số ${i}\r\nMessage-ID: <cli${i}@kontum.gov.vn>\r\n\r\nFrom the start of a line ${i}\r\nTiếng Việt\r\n`);
        await t.app.store.append(a.id, folder, raw, flagSets[i % flagSets.length], new Date(Date.UTC(2019 + (i % 7), i % 12, 1 + i, 9, i, i)));
      }
    }
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  for (const format of ['mbox', 'maildir', 'zip'] as const) {
    it(`${format}: out of the leaver's mailbox and into the successor's, the same folders, bytes, flags and dates; audited`, async () => {
      const to = `nhan.${format}@kontum.gov.vn`;
      await t.app.accounts.create(to, 'Matkhau#2026', 'test');
      const out = path.join(t.dataDir, `an.${format}`);
      const exp = await thutin(t.dataDir, ['export', '--account', LEAVER, '--format', format, '--out', out, '--reason', 'QĐ 12/QĐ-STP bàn giao', '--json'], { env });
      expect(exp.code, exp.stderr).toBe(0);
      expect(JSON.parse(exp.stdout)).toMatchObject({ account: LEAVER, format, messages: 16 });
      expect(fs.statSync(out).isDirectory()).toBe(format === 'maildir');
      const imp = await thutin(t.dataDir, ['import', out, '--account', to, '--format', format, '--reason', 'QĐ 12/QĐ-STP bàn giao', '--json'], { env });
      expect(imp.code, imp.stderr).toBe(0);
      expect(JSON.parse(imp.stdout)).toMatchObject({ account: to, messages: 16, failed: 0 });
      expect(await snapshot(to)).toEqual(await snapshot(LEAVER));
      const [e] = await t.app.audit.list(1, { action: 'mailbox.export' });
      expect(e).toMatchObject({ target: LEAVER, reason: 'QĐ 12/QĐ-STP bàn giao' });
      expect(e.actor).toMatch(/^cli:/);
      const [i] = await t.app.audit.list(1, { action: 'mailbox.import' });
      expect(i).toMatchObject({ target: to, reason: 'QĐ 12/QĐ-STP bàn giao' });
      expect(i.actor).toMatch(/^cli:/);
    });
  }

  it('--folder exports one folder; a file not in its format fails with exit code 1', async () => {
    const out = path.join(t.dataDir, 'one.mbox');
    const exp = await thutin(t.dataDir, ['export', '--account', LEAVER, '--folder', 'Công văn/Đến 2026', '--out', out, '--json'], { env });
    expect(exp.code, exp.stderr).toBe(0);
    expect(JSON.parse(exp.stdout)).toMatchObject({ messages: 4, folders: 1 });
    const bad = path.join(t.dataDir, 'bad.zip');
    fs.writeFileSync(bad, 'Subject: không phải zip\r\n\r\nx\r\n');
    const imp = await thutin(t.dataDir, ['import', bad, '--account', LEAVER, '--format', 'zip'], { env });
    expect(imp.code).toBe(1);
  });
});
