// Each account's Sieve scripts (issue 13): stored by name, checked before they are stored (the
// error names its line), at most one active; the active one compiled once per change and run at
// delivery (core/sieve-delivery.ts). ManageSieve, the HTTP API and the CLI all go through here.
// Changes made for someone else (an administrator, the leaver's automatic reply) are audited.
// Also the vacation memory of RFC 5230: one reply per sender and handle per period.
// Owns: script rules (names, quotas, activation) and the vacation-reply record; rows through
// storage/repositories/sieve-scripts.ts.
import { createHash } from 'node:crypto';
import { transactor, type Reader, type Transactor, type Tx } from '../storage/tx.ts';
import * as repo from '../storage/repositories/sieve-scripts.ts';
import type { AuditLog } from './audit.ts';
import { ThutinError } from './errors.ts';
import { compile, type Script } from './sieve/validate.ts';
import { SieveError } from './sieve/lexer.ts';

export interface SieveScriptInfo {
  name: string;
  active: boolean;
  size: number;
  updatedAt: number;
}

export interface SieveLimits {
  maxScripts: number;
  maxScriptBytes: number;
}

/** Who makes a change: the owner (not audited), or someone else, named, with a reason. */
export interface SieveActor {
  actor: string;
  /** The address of the account the script belongs to (audit target). */
  owner: string;
  /** true when the actor is the owner. */
  self: boolean;
  reason?: string;
}

export function validScriptName(name: string): boolean {
  return name.length >= 1 && [...name].length <= 128 && !/[\u0000-\u001f\u007f\u0080-\u009f\u2028\u2029/]/.test(name);
}

export class SieveScriptService {
  private readonly tx: Transactor;
  private readonly now: () => number;
  private readonly compiled = new Map<number, { updatedAt: number; name: string; script: Script }>();

  constructor(
    private readonly db: Reader,
    private readonly audit: AuditLog,
    private readonly limits: SieveLimits,
    opts: { now?: () => number } = {},
  ) {
    this.tx = transactor(db);
    this.now = opts.now ?? Date.now;
  }

  /** Compile a script; a problem is SIEVE_INVALID with "line N: …" as its detail. */
  check(script: string): Script {
    try {
      return compile(script);
    } catch (e) {
      if (e instanceof SieveError) throw new ThutinError('SIEVE_INVALID', e.message);
      throw e;
    }
  }

  async list(accountId: number): Promise<SieveScriptInfo[]> {
    return (await repo.scriptsOf(this.db, accountId)).map((r) => ({ name: r.name, active: r.active, size: Buffer.byteLength(r.script), updatedAt: r.updatedAt }));
  }

  async get(accountId: number, name: string): Promise<string> {
    const r = await repo.scriptNamed(this.db, accountId, name);
    if (!r) throw new ThutinError('SIEVE_NOT_FOUND', name);
    return r.script;
  }

  /** Would a script of this name and size fit (ManageSieve HAVESPACE)? Throws the quota error if not. */
  async haveSpace(accountId: number, name: string, size: number): Promise<void> {
    if (!validScriptName(name)) throw new ThutinError('SIEVE_NAME_INVALID');
    if (size > this.limits.maxScriptBytes) throw new ThutinError('SIEVE_QUOTA_MAXSIZE', `${size} > ${this.limits.maxScriptBytes}`);
    const all = await repo.scriptsOf(this.db, accountId);
    if (!all.some((s) => s.name === name) && all.length >= this.limits.maxScripts) throw new ThutinError('SIEVE_QUOTA_MAXSCRIPTS', String(this.limits.maxScripts));
  }

  /** Store (create or replace) a script after checking it. */
  async put(accountId: number, name: string, script: string, who: SieveActor): Promise<void> {
    await this.haveSpace(accountId, name, Buffer.byteLength(script));
    this.check(script);
    await this.tx.transaction(async (tx) => {
      await repo.upsertScript(tx, accountId, name, script, this.now());
      await this.record(tx, 'sieve.put', who, { name, size: Buffer.byteLength(script) });
    });
    this.compiled.delete(accountId);
  }

  /** Make a script the active one; null or '' deactivates every script. */
  async activate(accountId: number, name: string | null, who: SieveActor): Promise<void> {
    await this.tx.transaction(async (tx) => {
      if (name) {
        const r = await repo.scriptNamed(tx, accountId, name);
        if (!r) throw new ThutinError('SIEVE_NOT_FOUND', name);
      }
      await repo.setActive(tx, accountId, name || null, this.now());
      await this.record(tx, 'sieve.activate', who, { name: name || null });
    });
    this.compiled.delete(accountId);
  }

  async delete(accountId: number, name: string, who: SieveActor): Promise<void> {
    await this.tx.transaction(async (tx) => {
      const r = await repo.scriptNamed(tx, accountId, name);
      if (!r) throw new ThutinError('SIEVE_NOT_FOUND', name);
      if (r.active) throw new ThutinError('SIEVE_ACTIVE', name);
      await repo.deleteScript(tx, accountId, name);
      await this.record(tx, 'sieve.delete', who, { name });
    });
  }

  async rename(accountId: number, from: string, to: string, who: SieveActor): Promise<void> {
    if (!validScriptName(to)) throw new ThutinError('SIEVE_NAME_INVALID');
    await this.tx.transaction(async (tx) => {
      if (!(await repo.scriptNamed(tx, accountId, from))) throw new ThutinError('SIEVE_NOT_FOUND', from);
      if (await repo.scriptNamed(tx, accountId, to)) throw new ThutinError('SIEVE_EXISTS', to);
      await repo.renameScript(tx, accountId, from, to, this.now());
      await this.record(tx, 'sieve.rename', who, { from, to });
    });
    this.compiled.delete(accountId);
  }

  /** The active script, compiled (cached until it changes), or null. A stored script that no longer compiles is skipped. */
  async active(accountId: number): Promise<{ name: string; script: Script } | null> {
    const r = await repo.activeScript(this.db, accountId);
    if (!r) return null;
    const hit = this.compiled.get(accountId);
    if (hit && hit.updatedAt === r.updatedAt && hit.name === r.name) return hit;
    let script: Script;
    try {
      script = compile(r.script);
    } catch {
      return null;
    }
    if (this.compiled.size > 10_000) this.compiled.clear();
    const entry = { updatedAt: r.updatedAt, name: r.name, script };
    this.compiled.set(accountId, entry);
    return entry;
  }

  /**
   * RFC 5230 §4.2: whether this vacation (its handle) may answer this sender now, given its period;
   * when it may, the reply is recorded at once (two deliveries at the same moment answer once).
   */
  async vacationDue(accountId: number, handle: string, sender: string, periodSeconds: number): Promise<boolean> {
    const h = createHash('sha256').update(handle).digest('hex');
    const who = sender.toLowerCase();
    const now = this.now();
    return this.tx.transaction(async (tx) => {
      const last = await repo.lastVacationReply(tx, accountId, h, who);
      if (last !== null && now - last < periodSeconds * 1000) return false;
      await repo.recordVacationReply(tx, accountId, h, who, now);
      return true;
    });
  }

  /** Forget vacation replies past the longest period (30 days); the maintenance sweep calls it. */
  async pruneVacationReplies(): Promise<number> {
    return this.tx.transaction((tx) => repo.pruneVacationReplies(tx, this.now() - 31 * 86400_000));
  }

  private async record(tx: Tx, action: string, who: SieveActor, details: Record<string, unknown>): Promise<void> {
    if (who.self) return; // an official's own filters are theirs; changes made for them are audited
    await this.audit.record({ actor: who.actor, action, target: who.owner, details, ...(who.reason ? { reason: who.reason } : {}) }, tx);
  }
}
