// The audit log is a hash chain (R10.1): every entry carries who, what, why (reason) and
// sha256(prev_hash + entry); verify walks it. Altering an entry, deleting one, or appending
// concurrently (PostgreSQL advisory lock) is detected / kept consistent, on both backends.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { backends, createTestApp, type TestApp } from '../../test/helpers/harness.ts';
import { canonicalJson, entryHash } from './audit.ts';

describe('canonical JSON', () => {
  it('sorts keys at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: 'x' } })).toBe('{"a":{"c":"x","d":[1,{"y":2,"z":1}]},"b":1}');
  });
});

describe.each(backends())('audit chain on %s', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ backend });
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('chains entries with their reason and verifies', async () => {
    await t.app.audit.record({ actor: 'cli:a', action: 'test.one', target: 'x', details: { b: 2, a: 1 }, reason: 'QĐ 1/QĐ-UBND' });
    await t.app.directory.createUnit({ code: 'SNV', name: 'Sở Nội vụ', kind: 'agency' }, { actor: 'cli:a', reason: 'QĐ 2/QĐ-UBND' });
    const rows = (await t.app.audit.list(10)).reverse();
    expect(rows[0]).toMatchObject({ action: 'test.one', reason: 'QĐ 1/QĐ-UBND', prevHash: '', details: '{"a":1,"b":2}' });
    expect(rows[0].hash).toBe(entryHash('', rows[0]));
    for (let i = 1; i < rows.length; i++) expect(rows[i].prevHash).toBe(rows[i - 1].hash);
    expect(rows.map((r) => r.action)).toEqual(['test.one', 'account.create', 'unit.create']);
    expect(rows.every((r) => r.reason !== '')).toBe(true);
    expect(await t.app.audit.verify()).toEqual({ ok: true, checked: 3, legacy: 0 });
  });

  it('stays one chain under concurrent appends', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => t.app.audit.record({ actor: 'cli:c', action: 'test.concurrent', target: `t${i}` })));
    await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        t.app.db.kysely.transaction().execute(async (trx) => {
          await t.app.audit.record({ actor: 'cli:c', action: 'test.trx', target: `t${i}` }, trx);
          await t.app.audit.record({ actor: 'cli:c', action: 'test.trx2', target: `t${i}` }, trx);
        }),
      ),
    );
    expect(await t.app.audit.verify()).toMatchObject({ ok: true, checked: 33 });
  });

  it('detects an altered entry', async () => {
    const victim = (await t.app.audit.list(100)).find((r) => r.action === 'unit.create')!;
    await t.app.db.kysely.updateTable('audit_log').set({ reason: 'sửa lén' }).where('id', '=', victim.id).execute();
    const r = await t.app.audit.verify();
    expect(r).toMatchObject({ ok: false, broken: { id: victim.id, problem: 'hash' } });
    expect(r.broken!.message).toContain(`#${victim.id}`);
    await t.app.db.kysely.updateTable('audit_log').set({ reason: victim.reason }).where('id', '=', victim.id).execute();
    expect((await t.app.audit.verify()).ok).toBe(true);
  });

  it('detects a deleted entry', async () => {
    const all = (await t.app.audit.list(100)).reverse();
    const victim = all[5];
    await t.app.db.kysely.deleteFrom('audit_log').where('id', '=', victim.id).execute();
    const r = await t.app.audit.verify();
    expect(r).toMatchObject({ ok: false, broken: { id: all[6].id, problem: 'link' } });
  });
});
