// Accounts: who may log in, their password (argon2id) and the addresses that deliver to them.
// Also the administrator's tools the directory uses: reset with forced change, aliases, delete.
import crypto from 'node:crypto';
import { hash, verify, Algorithm } from '@node-rs/argon2';
import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import { ThutinError } from './errors.ts';
import type { AuditLog } from './audit.ts';
import { DEFAULT_MAILBOXES } from './mailboxes.ts';
import { createFolders } from '../storage/repositories/folders.ts';
import { transactor, type Transactor, type Tx } from '../storage/tx.ts';
import * as repo from '../storage/repositories/accounts.ts';
import { accountBlobs } from '../storage/repositories/messages.ts';
import { listByAddress } from '../storage/repositories/lists.ts';
import { detachQueuedFrom } from '../storage/repositories/queue.ts';
import { quarantineOf } from '../storage/repositories/address-quarantine.ts';
import type { ContentStore } from './contents.ts';
import type { SessionRegistry } from './sessions.ts';

export interface Account {
  id: number;
  username: string;
  status: string;
  quotaBytes: number;
  mustChangePassword: boolean;
}

export interface AccountServiceOptions {
  localDomains: string[];
  defaultQuotaBytes: number;
  /** The stored form of an address (alias domain → target, src/core/domains.ts); identity when absent. */
  canonical?: (address: string) => string;
  /** Stored contents, to reclaim what a deleted account alone showed (the mail store's). */
  contents?: ContentStore;
  /** Ends every open session of an account (core/sessions.ts): on disable, password change and reset. */
  sessions?: Pick<SessionRegistry, 'endAllIn'>;
}

const ARGON = { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 };
// Verified against when the user does not exist, so a wrong user costs the same time as a wrong password.
let dummyHash: Promise<string> | null = null;

const ADDRESS_RE = /^[a-z0-9](?:[a-z0-9._+-]{0,62}[a-z0-9])?@[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?$/;

export function normalizeAddress(address: string): string {
  return address.trim().toLowerCase();
}

export function checkPasswordStrength(pw: string): void {
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(pw)).length;
  if (pw.length < 8 || classes < 3) throw new ThutinError('PASSWORD_WEAK');
}

export interface CreateAccountOptions {
  passwordHash?: string; // a precomputed argon2id PHC string (bulk loading)
  mustChangePassword?: boolean; // force a change at the first login
  trx?: Kysely<Database>; // run inside the caller's transaction
  reason?: string; // the document that authorised it (audit)
}

/**
 * Whether `password` matches an argon2id hash; with no hash (no such login) a dummy one is checked,
 * so a wrong user costs the same time as a wrong password.
 */
export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  if (passwordHash === null) {
    dummyHash ??= hash('not-a-password-Xy1!', ARGON);
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  return verify(passwordHash, password).catch(() => false);
}

/** argon2id with the project's parameters (also for loaders that precompute hashes). */
export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON);
}

/** A random password meeting `checkPasswordStrength` (all four classes), without look-alikes. */
export function generatePassword(length = 14): string {
  const sets = ['abcdefghijkmnpqrstuvwxyz', 'ABCDEFGHJKLMNPQRSTUVWXYZ', '23456789', '#@%+=!?*-'];
  const all = sets.join('');
  const pick = (set: string) => set[crypto.randomInt(set.length)];
  const chars = sets.map(pick);
  while (chars.length < length) chars.push(pick(all));
  for (let i = chars.length - 1; i > 0; i--) {
    const j = crypto.randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  const pw = chars.join('');
  checkPasswordStrength(pw);
  return pw;
}

/** A purged leaver's address rests in quarantine (directory.addressQuarantineDays): nobody else gets it before its end. */
async function refuseQuarantined(r: Kysely<Database>, address: string): Promise<void> {
  const q = await quarantineOf(r, address, Date.now());
  if (q) throw new ThutinError('ADDRESS_QUARANTINED', `${address} → ${new Date(q.untilAt).toISOString().slice(0, 10)}`);
}

export class AccountService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly audit: AuditLog,
    private readonly opts: AccountServiceOptions,
  ) {
    this.tx = transactor(db);
  }

  private readonly tx: Transactor;

  /** Run `work` in the caller's transaction when given one, else in a new one. */
  private run<T>(trx: Kysely<Database> | undefined, work: (tx: Tx) => Promise<T>): Promise<T> {
    return trx ? work(trx as Tx) : this.tx.transaction(work);
  }

  isLocalDomain(domain: string): boolean {
    return this.opts.localDomains.includes(domain.toLowerCase());
  }

  /**
   * Create an account with its primary address and the default folders. Bulk loaders may pass a
   * precomputed argon2id hash (`passwordHash`, then `password` is ignored) and their transaction.
   */
  async create(address: string, password: string, actor: string, opts: CreateAccountOptions = {}): Promise<Account> {
    const addr = normalizeAddress(address);
    if (!ADDRESS_RE.test(addr)) throw new ThutinError('ADDRESS_INVALID', address);
    if (!this.isLocalDomain(addr.split('@')[1])) throw new ThutinError('DOMAIN_NOT_LOCAL', addr.split('@')[1]);
    let passwordHash = opts.passwordHash;
    if (passwordHash === undefined) {
      checkPasswordStrength(password);
      passwordHash = await hashPassword(password);
    } else if (!passwordHash.startsWith('$argon2id$')) throw new ThutinError('PASSWORD_WEAK', 'argon2id hash expected');
    const now = Date.now();
    const id = await this.run(opts.trx, async (trx) => {
      if ((await repo.isAccountAddress(trx, addr)) || (await isListAddress(trx, addr))) throw new ThutinError('ACCOUNT_EXISTS', addr);
      await refuseQuarantined(trx, addr);
      const id = await repo.insertAccount(trx, {
        username: addr,
        passwordHash: passwordHash,
        status: 'active',
        quotaBytes: this.opts.defaultQuotaBytes,
        mustChangePassword: !!opts.mustChangePassword,
        createdAt: now,
      });
      await repo.insertAddress(trx, addr, id, now);
      await createFolders(trx, id, DEFAULT_MAILBOXES, now);
      await this.audit.record({ actor, action: 'account.create', target: addr, reason: opts.reason }, trx);
      return id;
    });
    if (opts.trx) return { id, username: addr, status: 'active', quotaBytes: this.opts.defaultQuotaBytes, mustChangePassword: !!opts.mustChangePassword };
    return (await this.byId(id))!;
  }

  /**
   * Replace the password with a generated one that meets the policy and force a change at the next
   * login (must_change_password = 1). Returns the new password (shown once, never logged).
   */
  async resetPassword(address: string, actor: string, opts: { reason?: string; trx?: Kysely<Database> } = {}): Promise<string> {
    const acct = await (opts.trx ? this.byAddressIn(opts.trx, address) : this.byAddress(address));
    if (!acct) throw new ThutinError('ACCOUNT_NOT_FOUND', address);
    const password = generatePassword();
    const passwordHash = await hashPassword(password);
    await this.run(opts.trx, async (trx) => {
      await repo.setPasswordHash(trx, acct.id, passwordHash, true);
      await this.opts.sessions?.endAllIn(trx as Tx, acct.id, 'password-reset');
      await this.audit.record({ actor, action: 'account.password-reset', target: acct.username, reason: opts.reason }, trx);
    });
    return password;
  }

  /** Another address delivering to the same account (an old address kept as an alias). */
  async addAlias(accountId: number, alias: string, actor: string, opts: { reason?: string; trx?: Kysely<Database> } = {}): Promise<void> {
    const addr = normalizeAddress(alias);
    if (!ADDRESS_RE.test(addr)) throw new ThutinError('ADDRESS_INVALID', alias);
    if (!this.isLocalDomain(addr.split('@')[1])) throw new ThutinError('DOMAIN_NOT_LOCAL', addr.split('@')[1]);
    await this.run(opts.trx, async (trx) => {
      const owner = await repo.addressOwner(trx, addr);
      if (owner === accountId) return;
      if (owner !== null || (await isListAddress(trx, addr))) throw new ThutinError('ACCOUNT_EXISTS', addr);
      await refuseQuarantined(trx, addr);
      const acct = await repo.accountById(trx, accountId);
      if (!acct) throw new ThutinError('ACCOUNT_NOT_FOUND', String(accountId));
      await repo.insertAddress(trx, addr, accountId);
      await this.audit.record({ actor, action: 'account.alias-add', target: acct.username, details: { alias: addr }, reason: opts.reason }, trx);
    });
  }

  /** Remove an alias (never the account's primary address). */
  async removeAddress(address: string, actor: string, opts: { reason?: string; trx?: Kysely<Database> } = {}): Promise<void> {
    const addr = normalizeAddress(address);
    await this.run(opts.trx, async (trx) => {
      const row = await repo.accountByAddress(trx, addr);
      if (!row) throw new ThutinError('ACCOUNT_NOT_FOUND', addr);
      if (row.username === addr) throw new ThutinError('ADDRESS_INVALID', `${addr} (địa chỉ chính / primary address)`);
      await repo.deleteAddress(trx, addr);
      await this.audit.record({ actor, action: 'account.alias-remove', target: row.username, details: { alias: addr }, reason: opts.reason }, trx);
    });
  }

  /** Make `address` the primary address (login name); the old primary stays as an alias. */
  async changePrimary(accountId: number, address: string, actor: string, opts: { reason?: string; trx?: Kysely<Database> } = {}): Promise<void> {
    const addr = normalizeAddress(address);
    await this.run(opts.trx, async (trx) => {
      const acct = await repo.accountById(trx, accountId);
      if (!acct) throw new ThutinError('ACCOUNT_NOT_FOUND', String(accountId));
      await this.addAlias(accountId, addr, actor, { ...opts, trx });
      await repo.setUsername(trx, accountId, addr);
      await this.audit.record({ actor, action: 'account.rename', target: addr, details: { from: acct.username }, reason: opts.reason }, trx);
    });
  }

  /** Enable or disable inside a caller's transaction (the directory's status changes). */
  async setStatusIn(trx: Kysely<Database>, accountId: number, status: 'active' | 'disabled', actor: string, reason?: string): Promise<void> {
    const acct = await repo.accountById(trx, accountId);
    if (!acct) throw new ThutinError('ACCOUNT_NOT_FOUND', String(accountId));
    await repo.setStatus(trx as Tx, accountId, status);
    if (status === 'disabled') await this.opts.sessions?.endAllIn(trx as Tx, accountId, 'disabled');
    await this.audit.record({ actor, action: `account.${status === 'active' ? 'enable' : 'disable'}`, target: acct.username, reason }, trx);
  }

  /**
   * The legal hold (core/legal-hold.ts, set by the composition root): `check` refuses to delete a
   * held account (RETENTION_LEGAL_HOLD); `dropKept` removes what a released hold kept of it and
   * names those blobs.
   */
  holds: { check(tx: Tx, accountId: number): Promise<void>; dropKept(tx: Tx, accountId: number): Promise<string[]> } | null = null;

  /** Refused (RETENTION_LEGAL_HOLD) when the account is under legal hold: call before anything that leads to deleteIn. */
  async checkDeletable(trx: Kysely<Database>, accountId: number): Promise<void> {
    await this.holds?.check(trx as Tx, accountId);
  }

  /**
   * Delete an account with its addresses, folders and messages (cascades) — the end of a leaver's
   * retention period. Contents no other message or queue entry shows are removed with it: the
   * rows (index and search text) in this transaction, the blobs right after it commits. Refused
   * under legal hold.
   */
  async deleteIn(trx: Kysely<Database>, accountId: number, actor: string, reason?: string): Promise<void> {
    const acct = await repo.accountById(trx, accountId);
    if (!acct) throw new ThutinError('ACCOUNT_NOT_FOUND', String(accountId));
    await this.checkDeletable(trx, accountId);
    const kept = this.holds ? await this.holds.dropKept(trx as Tx, accountId) : [];
    const shown = [...(await accountBlobs(trx, accountId)), ...kept];
    await detachQueuedFrom(trx as Tx, accountId);
    await repo.deleteAccount(trx as Tx, accountId); // addresses, folders and messages cascade
    // Contents only this account showed go with it (their search text too); the blobs after the commit.
    if (this.opts.contents) this.opts.contents.reclaimSoon(await this.opts.contents.dropUnreferenced(trx as Tx, shown));
    await this.audit.record({ actor, action: 'account.delete', target: acct.username, details: { usedBytes: acct.usedBytes }, reason }, trx);
  }

  private async byAddressIn(trx: Kysely<Database>, address: string): Promise<Account | null> {
    const r = await repo.accountByAddress(trx, normalizeAddress(address));
    return r ? toAccount(r) : null;
  }

  /**
   * Set a new password (the forced change ends). Every open session of the account ends, but the
   * API session `keepTokenHash` (the one that changed it) when given.
   */
  async setPassword(address: string, password: string, actor: string, opts: { keepTokenHash?: string } = {}): Promise<void> {
    const acct = await this.byAddress(address);
    if (!acct) throw new ThutinError('ACCOUNT_NOT_FOUND', address);
    checkPasswordStrength(password);
    const passwordHash = await hashPassword(password);
    await this.tx.transaction(async (trx) => {
      await repo.setPasswordHash(trx, acct.id, passwordHash, false);
      await this.opts.sessions?.endAllIn(trx, acct.id, 'password-changed', opts.keepTokenHash);
      await this.audit.record({ actor, action: 'account.password', target: acct.username }, trx);
    });
  }

  async setStatus(address: string, status: 'active' | 'disabled', actor: string): Promise<void> {
    const acct = await this.byAddress(address);
    if (!acct) throw new ThutinError('ACCOUNT_NOT_FOUND', address);
    await this.tx.transaction(async (trx) => {
      await repo.setStatus(trx, acct.id, status);
      if (status === 'disabled') await this.opts.sessions?.endAllIn(trx, acct.id, 'disabled');
      await this.audit.record({ actor, action: `account.${status === 'active' ? 'enable' : 'disable'}`, target: acct.username }, trx);
    });
  }

  /**
   * The stored address a login names: a full address or, for the primary domain, the local part;
   * an alias domain's x@alias is x@target. '' for an empty login.
   */
  loginAddress(login: string): string {
    let addr = normalizeAddress(login);
    if (!addr) return '';
    if (!addr.includes('@')) addr = `${addr}@${this.opts.localDomains[0]}`;
    if (this.opts.canonical) addr = this.opts.canonical(addr); // x@alias-domain logs in as x@target
    return addr;
  }

  /**
   * Check a password, without throttling: for tools and tests only. Every door signs in through
   * core/sign-in.ts, which counts attempts before it checks.
   */
  async authenticate(login: string, password: string): Promise<Account | null> {
    const addr = this.loginAddress(login);
    const row = addr ? await repo.credentialsByAddress(this.db, addr) : null;
    const ok = await verifyPassword(row?.passwordHash ?? null, password);
    if (!ok || !row || row.status !== 'active') return null;
    return this.byId(row.id);
  }

  async byId(id: number): Promise<Account | null> {
    const r = await repo.accountById(this.db, id);
    return r ? toAccount(r) : null;
  }

  async byAddress(address: string): Promise<Account | null> {
    return this.byAddressIn(this.db, address);
  }

  /** The active account an address delivers to, or null. */
  async resolveRecipient(address: string): Promise<Account | null> {
    const a = await this.byAddress(address);
    return a && a.status === 'active' ? a : null;
  }

  async addresses(accountId: number): Promise<string[]> {
    return repo.addressesOf(this.db, accountId);
  }

  async list(): Promise<Array<Account & { addresses: string[] }>> {
    return (await repo.listAccounts(this.db)).map((r) => ({ ...toAccount(r), addresses: r.addresses }));
  }

  /** Bytes the account's messages take (kept by the mail store with every change). */
  async usageBytes(accountId: number): Promise<number> {
    return repo.usageBytes(this.db, accountId);
  }
}

/** The public Account (without the usage the repository row carries). */
function toAccount(r: repo.AccountRow): Account {
  return { id: r.id, username: r.username, status: r.status, quotaBytes: r.quotaBytes, mustChangePassword: r.mustChangePassword };
}

/** Mailboxes and distribution lists share one address space: an account may not take a list's address. */
async function isListAddress(trx: Kysely<Database>, addr: string): Promise<boolean> {
  return !!(await listByAddress(trx, addr));
}
