// The TOTP second factor (RFC 6238, the `otpauth` library): enrolment (a secret and its otpauth://
// URI, shown once), confirmation by a first code (then ten recovery codes, shown once), checking a
// code at the web/API sign-in (one step either side; a step once accepted is never accepted again)
// or a recovery code (used once), and turning it off. The secret is stored encrypted (AES-256-GCM)
// with a key kept in the data directory (`second-factor.key`, 0600), never logged and never shown
// after enrolment; recovery codes are stored as salted SHA-256.
// Owns: second-factor rules and secret encryption; rows through storage/repositories/second-factor.ts.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as OTPAuth from 'otpauth';
import { transactor, type Reader, type Transactor } from '../storage/tx.ts';
import * as repo from '../storage/repositories/second-factor.ts';
import type { AuditLog } from './audit.ts';
import type { SessionRegistry } from './sessions.ts';
import { ThutinError } from './errors.ts';

const PERIOD = 30;
const DIGITS = 6;
const RECOVERY_CODES = 10;
const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789'; // no look-alikes (l, o, 0, 1)

export interface SecondFactorOptions {
  /** 32 bytes: the key of the secrets at rest. */
  key: Buffer;
  /** Shown by authenticator apps. */
  issuer: string;
  /** Turning the second factor on ends the account's other sessions (its password no longer opens mail doors). */
  sessions?: Pick<SessionRegistry, 'endAllIn'>;
  now?: () => number;
}

/** The data directory's key for second-factor secrets, created on first use. */
export function loadSecondFactorKey(dataDir: string): Buffer {
  const file = path.join(dataDir, 'second-factor.key');
  try {
    const k = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
    if (k.length === 32) return k;
  } catch {
    /* created below */
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const k = crypto.randomBytes(32);
  try {
    fs.writeFileSync(file, k.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    return k;
  } catch {
    // Another process wrote it first: use theirs.
    return Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
  }
}

export function randomCode(length: number): string {
  const bytes = crypto.randomBytes(length);
  let s = '';
  for (let i = 0; i < length; i++) s += ALPHABET[bytes[i] % ALPHABET.length];
  return s;
}

function sha256(salt: string, code: string): string {
  return crypto.createHash('sha256').update(salt).update(':').update(code).digest('hex');
}

function normalizeRecovery(code: string): string {
  return code.toLowerCase().replace(/[^a-z0-9]/g, '');
}

export class SecondFactorService {
  private readonly now: () => number;
  private readonly tx: Transactor;
  /** Accounts with the second factor on, as last read here (changes made here update it at once). */
  private readonly onCache = new Map<number, { on: boolean; at: number }>();

  constructor(
    private readonly db: Reader,
    private readonly audit: AuditLog,
    private readonly opts: SecondFactorOptions,
  ) {
    this.now = opts.now ?? Date.now;
    this.tx = transactor(db);
  }

  private encrypt(secret: string): string {
    const iv = crypto.randomBytes(12);
    const c = crypto.createCipheriv('aes-256-gcm', this.opts.key, iv);
    const body = Buffer.concat([c.update(secret, 'utf8'), c.final()]);
    return ['v1', iv.toString('base64url'), c.getAuthTag().toString('base64url'), body.toString('base64url')].join(':');
  }

  private decrypt(enc: string): string {
    const [v, iv, tag, body] = enc.split(':');
    if (v !== 'v1') throw new Error('unknown second-factor secret format');
    const d = crypto.createDecipheriv('aes-256-gcm', this.opts.key, Buffer.from(iv, 'base64url'));
    d.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([d.update(Buffer.from(body, 'base64url')), d.final()]).toString('utf8');
  }

  private totp(secret: string, label: string): OTPAuth.TOTP {
    return new OTPAuth.TOTP({ issuer: this.opts.issuer, label, algorithm: 'SHA1', digits: DIGITS, period: PERIOD, secret: OTPAuth.Secret.fromBase32(secret) });
  }

  /** The time step a 6-digit code matches (one step either side of now), or null. */
  private matchStep(secret: string, code: string): number | null {
    const c = code.replace(/\s/g, '');
    if (!/^\d{6}$/.test(c)) return null;
    const now = this.now();
    const delta = this.totp(secret, 'x').validate({ token: c, timestamp: now, window: 1 });
    if (delta === null) return null;
    return Math.floor(now / 1000 / PERIOD) + delta;
  }

  /** Is the second factor on for this account? (Cached for a few seconds: every API request of an administrator asks.) */
  async isEnabled(accountId: number): Promise<boolean> {
    const hit = this.onCache.get(accountId);
    if (hit && this.now() - hit.at < 5000) return hit.on;
    const row = await repo.secondFactorOf(this.db, accountId);
    const on = row?.enabled === true;
    if (this.onCache.size > 10_000) this.onCache.clear();
    this.onCache.set(accountId, { on, at: this.now() });
    return on;
  }

  async status(accountId: number): Promise<{ enabled: boolean; enabledAt: number | null; recoveryCodesLeft: number }> {
    const row = await repo.secondFactorOf(this.db, accountId);
    const left = row?.enabled ? (await repo.unusedRecoveryCodes(this.db, accountId)).length : 0;
    return { enabled: row?.enabled === true, enabledAt: row?.enabledAt ?? null, recoveryCodesLeft: left };
  }

  /** Start an enrolment: a new secret (replacing one not confirmed), shown this once. */
  async enrol(accountId: number, username: string): Promise<{ secret: string; uri: string }> {
    const secret = new OTPAuth.Secret({ size: 20 }).base32;
    await this.tx.transaction(async (tx) => {
      const cur = await repo.lockSecondFactor(tx, accountId);
      if (cur?.enabled) throw new ThutinError('SECOND_FACTOR_ALREADY_ON');
      await repo.putPendingSecondFactor(tx, accountId, this.encrypt(secret), this.now());
    });
    return { secret, uri: this.totp(secret, username).toString() };
  }

  /**
   * Confirm an enrolment with a first code: the second factor is on; the ten recovery codes are
   * returned this once. Every other session of the account ends (mail clients signed in with the
   * account password must now use an app password), but the API session `keepTokenHash`.
   */
  async confirm(accountId: number, username: string, code: string, actor: string, keepTokenHash?: string): Promise<{ recoveryCodes: string[] }> {
    const codes = Array.from({ length: RECOVERY_CODES }, () => {
      const c = randomCode(10);
      return `${c.slice(0, 5)}-${c.slice(5)}`;
    });
    await this.tx.transaction(async (tx) => {
      const cur = await repo.lockSecondFactor(tx, accountId);
      if (!cur) throw new ThutinError('SECOND_FACTOR_NOT_ENROLLING');
      if (cur.enabled) throw new ThutinError('SECOND_FACTOR_ALREADY_ON');
      const step = this.matchStep(this.decrypt(cur.secretEnc), code);
      if (step === null) throw new ThutinError('SECOND_FACTOR_INVALID');
      await repo.enableSecondFactor(tx, accountId, step, this.now());
      await repo.replaceRecoveryCodes(
        tx,
        accountId,
        codes.map((c) => {
          const salt = crypto.randomBytes(12).toString('base64url');
          return { salt, codeHash: sha256(salt, normalizeRecovery(c)) };
        }),
      );
      await this.audit.record({ actor, action: 'account.second-factor-on', target: username }, tx);
      await this.opts.sessions?.endAllIn(tx, accountId, 'second-factor', keepTokenHash);
    });
    this.onCache.set(accountId, { on: true, at: this.now() });
    return { recoveryCodes: codes };
  }

  /**
   * Check a code at sign-in: a TOTP code of a step not used before, or an unused recovery code
   * (used up by this). True when it opens.
   */
  async verify(accountId: number, code: string): Promise<boolean> {
    return this.tx.transaction(async (tx) => {
      const cur = await repo.lockSecondFactor(tx, accountId);
      if (!cur?.enabled) return false;
      const step = this.matchStep(this.decrypt(cur.secretEnc), code);
      if (step !== null) {
        if (step <= cur.lastStep) return false; // replayed
        await repo.setLastStep(tx, accountId, step);
        return true;
      }
      const rc = normalizeRecovery(code);
      if (rc.length !== 10) return false;
      for (const r of await repo.unusedRecoveryCodes(tx, accountId)) {
        const h = sha256(r.salt, rc);
        if (h.length === r.codeHash.length && crypto.timingSafeEqual(Buffer.from(h), Buffer.from(r.codeHash))) return repo.useRecoveryCode(tx, r.id, this.now());
      }
      return false;
    });
  }

  /** Turn the second factor off (the caller checked the password and `verify`d a code). Audited. */
  async disable(accountId: number, username: string, actor: string, reason?: string): Promise<void> {
    await this.tx.transaction(async (tx) => {
      const cur = await repo.lockSecondFactor(tx, accountId);
      if (!cur?.enabled) throw new ThutinError('SECOND_FACTOR_OFF');
      await repo.deleteSecondFactor(tx, accountId);
      await this.audit.record({ actor, action: 'account.second-factor-off', target: username, ...(reason ? { reason } : {}) }, tx);
    });
    this.onCache.set(accountId, { on: false, at: this.now() });
  }
}
