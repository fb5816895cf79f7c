// Accounts: who may log in, their password (argon2id) and the addresses that deliver to them.
// A small module on purpose: the directory issue grows it into people and units.
import { hash, verify, Algorithm } from '@node-rs/argon2';
import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import { ThutinError } from './errors.ts';
import type { AuditLog } from './audit.ts';
import { DEFAULT_MAILBOXES } from './mailboxes.ts';

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

export class AccountService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly audit: AuditLog,
    private readonly opts: AccountServiceOptions,
  ) {}

  isLocalDomain(domain: string): boolean {
    return this.opts.localDomains.includes(domain.toLowerCase());
  }

  /** Create an account with its primary address and the default folders. */
  async create(address: string, password: string, actor: string): Promise<Account> {
    const addr = normalizeAddress(address);
    if (!ADDRESS_RE.test(addr)) throw new ThutinError('ADDRESS_INVALID', address);
    if (!this.isLocalDomain(addr.split('@')[1])) throw new ThutinError('DOMAIN_NOT_LOCAL', addr.split('@')[1]);
    checkPasswordStrength(password);
    const passwordHash = await hash(password, ARGON);
    const now = Date.now();
    const id = await this.db.transaction().execute(async (trx) => {
      const taken = await trx.selectFrom('addresses').select('address').where('address', '=', addr).executeTakeFirst();
      if (taken) throw new ThutinError('ACCOUNT_EXISTS', addr);
      const row = await trx
        .insertInto('accounts')
        .values({ username: addr, password_hash: passwordHash, status: 'active', quota_bytes: this.opts.defaultQuotaBytes, must_change_password: 0, created_at: now, updated_at: now })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx.insertInto('addresses').values({ address: addr, account_id: row.id, created_at: now }).execute();
      let validity = Math.floor(now / 1000);
      for (const mb of DEFAULT_MAILBOXES) {
        await trx
          .insertInto('mailboxes')
          .values({ account_id: row.id, name: mb.name, special_use: mb.specialUse, uidvalidity: validity++, uidnext: 1, highest_modseq: 1, first_recent_uid: 1, subscribed: 1, created_at: now })
          .execute();
      }
      await this.audit.record({ actor, action: 'account.create', target: addr }, trx);
      return row.id;
    });
    return (await this.byId(id))!;
  }

  async setPassword(address: string, password: string, actor: string): Promise<void> {
    const acct = await this.byAddress(address);
    if (!acct) throw new ThutinError('ACCOUNT_NOT_FOUND', address);
    checkPasswordStrength(password);
    const passwordHash = await hash(password, ARGON);
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('accounts').set({ password_hash: passwordHash, must_change_password: 0, updated_at: Date.now() }).where('id', '=', acct.id).execute();
      await this.audit.record({ actor, action: 'account.password', target: acct.username }, trx);
    });
  }

  async setStatus(address: string, status: 'active' | 'disabled', actor: string): Promise<void> {
    const acct = await this.byAddress(address);
    if (!acct) throw new ThutinError('ACCOUNT_NOT_FOUND', address);
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('accounts').set({ status, updated_at: Date.now() }).where('id', '=', acct.id).execute();
      await this.audit.record({ actor, action: `account.${status === 'active' ? 'enable' : 'disable'}`, target: acct.username }, trx);
    });
  }

  /** Check a login. `login` is a full address or, for the primary domain, the local part. */
  async authenticate(login: string, password: string): Promise<Account | null> {
    let addr = normalizeAddress(login);
    if (!addr.includes('@')) addr = `${addr}@${this.opts.localDomains[0]}`;
    const row = await this.db
      .selectFrom('addresses')
      .innerJoin('accounts', 'accounts.id', 'addresses.account_id')
      .select(['accounts.id', 'accounts.password_hash', 'accounts.status'])
      .where('addresses.address', '=', addr)
      .executeTakeFirst();
    if (!row) {
      dummyHash ??= hash('not-a-password-Xy1!', ARGON);
      await verify(await dummyHash, password).catch(() => false);
      return null;
    }
    const ok = await verify(row.password_hash, password).catch(() => false);
    if (!ok || row.status !== 'active') return null;
    return this.byId(row.id);
  }

  async byId(id: number): Promise<Account | null> {
    const r = await this.db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toAccount(r) : null;
  }

  async byAddress(address: string): Promise<Account | null> {
    const r = await this.db
      .selectFrom('addresses')
      .innerJoin('accounts', 'accounts.id', 'addresses.account_id')
      .selectAll('accounts')
      .where('addresses.address', '=', normalizeAddress(address))
      .executeTakeFirst();
    return r ? toAccount(r) : null;
  }

  /** The active account an address delivers to, or null. */
  async resolveRecipient(address: string): Promise<Account | null> {
    const a = await this.byAddress(address);
    return a && a.status === 'active' ? a : null;
  }

  async addresses(accountId: number): Promise<string[]> {
    const rows = await this.db.selectFrom('addresses').select('address').where('account_id', '=', accountId).orderBy('address').execute();
    return rows.map((r) => r.address);
  }

  async list(): Promise<Array<Account & { addresses: string[] }>> {
    const rows = await this.db.selectFrom('accounts').selectAll().orderBy('username').execute();
    const addrs = await this.db.selectFrom('addresses').select(['address', 'account_id']).orderBy('address').execute();
    return rows.map((r) => ({ ...toAccount(r), addresses: addrs.filter((a) => a.account_id === r.id).map((a) => a.address) }));
  }

  /** Bytes the account's messages take (kept by the mail store with every change). */
  async usageBytes(accountId: number): Promise<number> {
    const r = await this.db.selectFrom('accounts').select('used_bytes').where('id', '=', accountId).executeTakeFirst();
    return Number(r?.used_bytes ?? 0);
  }

}

function toAccount(r: Database['accounts'] extends infer T ? { [K in keyof T]: unknown } : never): Account {
  return {
    id: Number(r.id),
    username: String(r.username),
    status: String(r.status),
    quotaBytes: Number(r.quota_bytes),
    mustChangePassword: Number(r.must_change_password) === 1,
  };
}
