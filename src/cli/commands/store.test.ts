// `thutin store check` as an administrator runs it (bin/thutin.js in a child process): a clean
// store exits 0; an orphan blob and a wrong usage counter exit 1 and are listed; --repair fixes
// them (exit 0 afterwards); --json gives the report; a bad --grace-ms is refused.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createTestApp, TEST_PASSWORD, type TestApp } from '../../../test/helpers/harness.ts';
import { age, blob } from '../../../test/helpers/store-fixtures.ts';

const BIN = path.resolve(import.meta.dirname, '../../../bin/thutin.js');

function thutin(dir: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, '--data', dir, ...args], { timeout: 60000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('thutin store check', { timeout: 120000 }, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await t.app.accounts.create('annv@kontum.gov.vn', TEST_PASSWORD, 'test');
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('exits 0 on a consistent store, 1 with the problems listed, and repairs them', async () => {
    const ok = await thutin(t.dataDir, ['store', 'check']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('✓ Kho thư nhất quán / the store is consistent');

    const orphan = await blob(t.app, 'left by a crash');
    age(t.app, orphan, 3600_000);
    await t.app.db.kysely.updateTable('accounts').set({ used_bytes: 999 }).execute();

    const bad = await thutin(t.dataDir, ['store', 'check']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('✗ Tệp blob không có bản ghi nội dung / orphan blobs (no contents row): 1');
    expect(bad.stdout).toContain(orphan);
    expect(bad.stdout).toContain('annv@kontum.gov.vn: 999 ≠ 0 B');

    const j = JSON.parse((await thutin(t.dataDir, ['store', 'check', '--json'])).stdout);
    expect(j).toMatchObject({ ok: false, orphanBlobs: { count: 1 }, usageMismatches: { count: 1 } });

    const fixed = await thutin(t.dataDir, ['store', 'check', '--repair']);
    expect(fixed.code).toBe(0);
    expect(fixed.stdout).toContain('Đã sửa / repaired: 1 blob mồ côi / orphan blobs');
    expect(fs.existsSync(t.app.blobs.pathOf(orphan))).toBe(false);
    expect((await thutin(t.dataDir, ['store', 'check'])).code).toBe(0);
  });

  it('counts a young blob without a row as in flight, not a problem, unless --grace-ms 0', async () => {
    await blob(t.app, 'being delivered right now');
    const r = await thutin(t.dataDir, ['store', 'check']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('young blobs without a row (possibly in flight): 1');
    expect((await thutin(t.dataDir, ['store', 'check', '--grace-ms', '0'])).code).toBe(1);
    const refused = await thutin(t.dataDir, ['store', 'check', '--grace-ms', 'soon']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--grace-ms "soon"');
  });
});
