// `thutin queue …` as an administrator runs it (bin/thutin.js in a child process) on a data
// directory with a deferred message: list and show print each recipient's state and the
// reason of its last failure; hold, release, retry and delete change it and are audited with
// the operating-system user as the actor.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { createTestApp, type TestApp } from '../../../test/helpers/harness.ts';

const BIN = path.resolve(import.meta.dirname, '../../../bin/thutin.js');

function thutin(dir: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, '--data', dir, ...args], { timeout: 60000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('thutin queue', { timeout: 120000 }, () => {
  let t: TestApp;
  let id = 0;
  beforeAll(async () => {
    t = await createTestApp();
    const content = await t.app.store.ingest([Buffer.from('From: <an@kontum.gov.vn>\r\nSubject: Giấy mời\r\n\r\nMời họp.\r\n')]);
    id = (await t.app.store.commit(content, { copies: [{ remote: { sender: 'an@kontum.gov.vn', recipients: ['vp@chinhphu.example'], accountId: null } }] })).queued[0];
    const [c] = await t.app.queue.claim(Date.now() + 10, Date.now() + 60_000, 10);
    await t.app.queue.record([
      {
        id: c.id,
        state: 'deferred',
        error: 'mx.chinhphu.example [10.0.0.1] (RCPT TO) 451 4.7.1 Greylisted',
        status: '4.7.1',
        remoteMta: 'mx.chinhphu.example [10.0.0.1]',
        nextAttemptAt: Date.now() + 3_600_000,
      },
    ]);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('lists and shows the message with the reason of the last failure', async () => {
    const l = await thutin(t.dataDir, ['queue', 'list']);
    expect(l.code).toBe(0);
    expect(l.stdout).toContain(`#${id}`);
    expect(l.stdout).toMatch(/-> <vp@chinhphu\.example>\tdeferred\t1 lần \/ attempts/);
    expect(l.stdout).toContain('4.7.1 mx.chinhphu.example [10.0.0.1] (RCPT TO) 451 4.7.1 Greylisted');
    const j = JSON.parse((await thutin(t.dataDir, ['queue', 'list', '--json'])).stdout);
    expect(j[0].recipients[0]).toMatchObject({ recipient: 'vp@chinhphu.example', state: 'deferred', lastError: expect.stringContaining('Greylisted') });
    const s = await thutin(t.dataDir, ['queue', 'show', String(id)]);
    expect(s.code).toBe(0);
    expect(s.stdout).toContain('Subject: Giấy mời');
  });

  it('holds, releases, retries and deletes, each audited with the OS user', async () => {
    for (const [action, text] of [
      ['hold', 'held'],
      ['release', 'released'],
      ['retry', 'retried now'],
      ['delete', 'deleted from the queue'],
    ]) {
      const r = await thutin(t.dataDir, ['queue', action, `#${id}`]);
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain(text);
    }
    expect((await thutin(t.dataDir, ['queue', 'list'])).stdout).toContain('(0 thư trong hàng đợi / queued messages)');
    const audit = (await t.app.audit.list(10)).filter((a) => a.action.startsWith('queue.')).reverse();
    expect(audit.map((a) => a.action)).toEqual(['queue.hold', 'queue.release', 'queue.retry', 'queue.delete']);
    expect(audit.every((a) => a.actor.startsWith('cli:') && a.target === `#${id}`)).toBe(true);
    const missing = await thutin(t.dataDir, ['queue', 'retry', String(id)]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Không tìm thấy thư trong hàng đợi / No such message in the outbound queue');
  });
});
