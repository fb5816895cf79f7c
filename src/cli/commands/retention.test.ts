// `thutin retention …` as an administrator runs it (bin/thutin.js in a child process): a policy set
// with its document, listed as JSON, applied by `run` to a Trash message past its days (gone, the run
// audited with its count), removed; a hold and a journal search refused without --reason; a hold set
// and exported as mboxrd to a file with the message its owner expunged.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { thutin } from '../../../test/helpers/cli.ts';
import { createTestApp, type TestApp } from '../../../test/helpers/harness.ts';

const env = { THUTIN_LOG_LEVEL: 'warn' };

describe('thutin retention', { timeout: 240_000 }, () => {
  let t: TestApp;
  const user = 'an@kontum.gov.vn';
  beforeAll(async () => {
    t = await createTestApp();
    const a = await t.app.accounts.create(user, 'Matkhau#2026', 'test');
    for (const [folder, subject, age] of [
      ['Trash', 'Thư rác cũ', 40],
      ['INBOX', 'Công văn đến', 1],
    ] as const) {
      const c = await t.app.store.ingest([Buffer.from(`From: <vp@kontum.gov.vn>\r\nSubject: ${subject}\r\n\r\nNội dung\r\n`)]);
      await t.app.store.deliver(c, [{ accountId: a.id, mailbox: folder }], Date.now() - age * 86_400_000);
      await t.app.store.release(c);
    }
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('sets, lists, runs and removes a policy; holds need a document; a held mailbox exports what was expunged', async () => {
    const set = await thutin(t.dataDir, ['retention', 'set', '--folder', '\\Trash', '--delete-after-days', '30', '--reason', 'QĐ 9/QĐ-UBND'], { env });
    expect(set.code, set.stderr).toBe(0);
    const list = await thutin(t.dataDir, ['retention', 'list', '--json'], { env });
    const [p] = JSON.parse(list.stdout) as Array<{ id: number; folder: string; kind: string; amount: number; document: string }>;
    expect(p).toMatchObject({ folder: '\\Trash', kind: 'delete-after-days', amount: 30, document: 'QĐ 9/QĐ-UBND' });
    const run = await thutin(t.dataDir, ['retention', 'run', '--json'], { env });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ removed: 1, folders: 1 });
    const a = (await t.app.accounts.byAddress(user))!;
    expect((await t.app.store.listMessages((await t.app.store.getMailbox(a.id, 'Trash'))!.id)).length).toBe(0);
    expect((await t.app.store.listMessages((await t.app.store.getMailbox(a.id, 'INBOX'))!.id)).length).toBe(1);
    const audit = await t.app.audit.list(20, { action: 'retention.run' });
    expect(audit[0].actor).toMatch(/^cli:/);
    expect(JSON.parse(audit[0].details)).toMatchObject({ removed: 1 });
    expect((await thutin(t.dataDir, ['retention', 'remove', String(p.id), '--reason', 'QĐ 10'], { env })).code).toBe(0);

    const noDoc = await thutin(t.dataDir, ['retention', 'hold', 'set', '--mailbox', user], { env });
    expect(noDoc.code).toBe(1);
    expect(noDoc.stderr).toMatch(/--reason/);
    expect((await thutin(t.dataDir, ['retention', 'journal', 'search', '--people', 'an'], { env })).code).toBe(1);

    expect((await thutin(t.dataDir, ['retention', 'hold', 'set', '--mailbox', user, '--reason', 'CV 45/TTr'], { env })).code).toBe(0);
    const inbox = (await t.app.store.getMailbox(a.id, 'INBOX'))!;
    const [m] = await t.app.store.listMessages(inbox.id);
    await t.app.store.storeFlags(inbox.id, [m.uid], 'add', { mask: 8, keywords: [] });
    await t.app.store.expunge(inbox.id);
    const out = path.join(t.dataDir, 'an.mbox');
    const exp = await thutin(t.dataDir, ['retention', 'hold', 'export', user, '--reason', 'CV 45/TTr', '--out', out], { env });
    expect(exp.code, exp.stderr).toBe(0);
    const text = fs.readFileSync(out, 'utf8');
    expect(text).toMatch(/^From vp@kontum\.gov\.vn |^From an@kontum\.gov\.vn /);
    expect(text).toContain('Subject: Công văn đến');
    const held = await thutin(t.dataDir, ['retention', 'hold', 'list'], { env });
    expect(held.stdout).toContain(`mailbox:${user}`);
  });
});
