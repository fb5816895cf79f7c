// The second-factor service on its own, with an injected clock, on each store backend: the secret
// is encrypted at rest (the row never holds it, another key cannot read it), codes match one step
// either side and never twice, recovery codes open once, and the data directory's key is kept.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as OTPAuth from 'otpauth';
import { backends, createTestApp, TEST_PASSWORD, type TestApp } from '../../test/helpers/harness.ts';
import { SecondFactorService, loadSecondFactorKey } from './second-factor.ts';

describe.each(backends())('second factor (%s)', (backend) => {
  let t: TestApp;
  let clock = Date.UTC(2026, 11, 6, 8, 0, 0);
  let svc: SecondFactorService;
  beforeAll(async () => {
    t = await createTestApp({ backend });
    svc = new SecondFactorService(t.app.db.kysely, t.app.audit, { key: loadSecondFactorKey(t.dataDir), issuer: 'kontum.gov.vn', now: () => clock });
  });
  afterAll(async () => t?.cleanup());

  it('keeps the secret encrypted, accepts each step once, and recovery codes once', async () => {
    const a = await t.app.accounts.create('hoa@kontum.gov.vn', TEST_PASSWORD, 'test');
    const e = await svc.enrol(a.id, a.username);
    const totp = OTPAuth.URI.parse(e.uri) as OTPAuth.TOTP;
    expect(e.uri).toContain('issuer=kontum.gov.vn');
    const row = await t.app.db.kysely.selectFrom('second_factors').selectAll().where('account_id', '=', a.id).executeTakeFirstOrThrow();
    expect(row.secret_enc).not.toContain(e.secret);
    expect(row.secret_enc.startsWith('v1:')).toBe(true);
    // Not on until confirmed.
    expect(await svc.isEnabled(a.id)).toBe(false);
    expect(await svc.verify(a.id, totp.generate({ timestamp: clock }))).toBe(false);
    const { recoveryCodes } = await svc.confirm(a.id, a.username, totp.generate({ timestamp: clock }), 'test');
    expect(await svc.isEnabled(a.id)).toBe(true);
    // The confirming step is used; a minute later two steps open, each once; three steps off do not.
    expect(await svc.verify(a.id, totp.generate({ timestamp: clock }))).toBe(false);
    clock += 60_000;
    expect(await svc.verify(a.id, totp.generate({ timestamp: clock - 30_000 }))).toBe(true);
    expect(await svc.verify(a.id, totp.generate({ timestamp: clock }))).toBe(true);
    expect(await svc.verify(a.id, totp.generate({ timestamp: clock }))).toBe(false);
    expect(await svc.verify(a.id, totp.generate({ timestamp: clock + 90_000 }))).toBe(false);
    // Recovery codes: once each, however typed.
    expect(await svc.verify(a.id, recoveryCodes[3].replace('-', ' ').toUpperCase())).toBe(true);
    expect(await svc.verify(a.id, recoveryCodes[3])).toBe(false);
    expect((await svc.status(a.id)).recoveryCodesLeft).toBe(9);
    // Another key cannot read the secret.
    const other = new SecondFactorService(t.app.db.kysely, t.app.audit, { key: crypto.randomBytes(32), issuer: 'x', now: () => clock });
    await expect(other.verify(a.id, totp.generate({ timestamp: clock + 30_000 }))).rejects.toThrow();
    // Off: the row and the codes go, audited.
    await svc.disable(a.id, a.username, 'test', 'CV 1/2026');
    expect(await svc.status(a.id)).toEqual({ enabled: false, enabledAt: null, recoveryCodesLeft: 0 });
    const audit = await t.app.audit.list(5, { target: a.username });
    expect(audit.map((x) => x.action)).toEqual(expect.arrayContaining(['account.second-factor-on', 'account.second-factor-off']));
  });

  it('creates the key once, 0600, and reads it back', () => {
    const file = path.join(t.dataDir, 'second-factor.key');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(loadSecondFactorKey(t.dataDir).equals(loadSecondFactorKey(t.dataDir))).toBe(true);
  });
});
