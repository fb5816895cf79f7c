// `thutin demo` as an administrator runs it (through bin/thutin.js, like `npx thutin demo`).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../config/config.ts';
import { createApp } from '../app.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/thutin.js');

function thutin(dir: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, '--data', dir, ...args], { timeout: 170_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

async function withApp<T>(dir: string, fn: (app: Awaited<ReturnType<typeof createApp>>) => Promise<T>): Promise<T> {
  const app = await createApp(loadConfig(dir), { log: pino({ level: 'silent' }) });
  try {
    return await fn(app);
  } finally {
    await app.close();
  }
}

describe('thutin demo', { timeout: 180_000 }, () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-demo-'));
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a bad number clearly', async () => {
    const r = await thutin(dir, ['demo', '--people', 'many']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('--people');
    expect(r.stderr).toContain('expected a non-negative integer');
  });

  it('loads the province, prints the shared password and sample logins that work', async () => {
    const r = await thutin(dir, ['demo', '--people', '400', '--messages', '20', '--seed', '3']);
    expect(r.stderr).not.toMatch(/Error|lỗi/i);
    expect(r.code).toBe(0);
    const pw = /the password of every demo account: (\S+)/.exec(r.stdout)?.[1];
    expect(pw).toBeTruthy();
    const logins = [...r.stdout.matchAll(/^ {2}(\S+@kontum\.gov\.vn) /gm)].map((m) => m[1]);
    expect(logins.length).toBeGreaterThanOrEqual(3);
    await withApp(dir, async (app) => {
      for (const l of logins) expect((await app.accounts.authenticate(l, pw!))?.username, l).toBe(l);
      expect((await app.directory.listPeople()).length).toBe(400);
    });
  });

  it('refuses to load into a directory that already has units, and says how to force it', async () => {
    const r = await thutin(dir, ['demo', '--people', '10']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('Danh bạ đã có đơn vị');
    expect(r.stderr).toContain('--force');
  });
});
