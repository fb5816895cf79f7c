// The sign-in repository: the only code that reads or writes `sign_in_throttle`, `sign_in_known`,
// `sign_ins` and `session_ends` (it reads `accounts`/`addresses` to check a login).
// Owns: locking a set of throttle buckets for the rest of a transaction (rows inserted when missing,
// then SELECT … FOR UPDATE on PostgreSQL; on SQLite the first statement is a write, so the
// transaction holds the one write lock from its start), saving and deleting buckets, the usual
// addresses of an account, the sign-in history (sealed as a hash chain: each row carries
// sha256(previous row's hash + the row), appended under one lock, so an altered or removed row
// shows — pruning removes only the oldest), and the session-end log. No rules: core/throttle.ts
// and core/sign-in.ts decide.
import crypto from 'node:crypto';
import { sql } from 'kysely';
import { isPostgres, type Reader, type Tx } from '../tx.ts';

/** One throttle bucket as stored (its rules are core/throttle.ts's). */
export interface BucketState {
  /** Times (ms) of counted failures, oldest first. */
  failures: number[];
  /** Times (ms) of attempts reserved and still being checked (a right password gives its reservation back). */
  pending: number[];
  consecutive: number;
  lastFailureAt: number;
  lockedUntil: number;
}

function times(json: string): number[] {
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? v.map(Number).filter(Number.isFinite) : [];
  } catch {
    return [];
  }
}

function toState(r: { failures: string; pending: string; consecutive: number; last_failure_at: number; locked_until: number }): BucketState {
  return { failures: times(r.failures), pending: times(r.pending), consecutive: Number(r.consecutive), lastFailureAt: Number(r.last_failure_at), lockedUntil: Number(r.locked_until) };
}

// ---------------------------------------------------------------- throttle buckets

/** Lock these buckets until `tx` ends (in key order, so two transactions never wait on each other in a cycle); their states. */
export async function lockBuckets(tx: Tx, keys: string[], now: number): Promise<Map<string, BucketState>> {
  const sorted = [...new Set(keys)].sort();
  await tx
    .insertInto('sign_in_throttle')
    .values(sorted.map((key) => ({ key, failures: '[]', pending: '[]', consecutive: 0, last_failure_at: 0, locked_until: 0, updated_at: now })))
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  let q = tx.selectFrom('sign_in_throttle').selectAll().where('key', 'in', sorted).orderBy('key');
  if (isPostgres(tx)) q = q.forUpdate();
  const rows = await q.execute();
  return new Map(rows.map((r) => [r.key, toState(r)]));
}

/** The states of these buckets without locking them (a refusal needs no write). */
export async function readBuckets(r: Reader, keys: string[]): Promise<Map<string, BucketState>> {
  const rows = await r.selectFrom('sign_in_throttle').selectAll().where('key', 'in', keys).execute();
  return new Map(rows.map((x) => [x.key, toState(x)]));
}

export async function saveBucket(tx: Tx, key: string, s: BucketState, now: number): Promise<void> {
  await tx
    .updateTable('sign_in_throttle')
    .set({ failures: JSON.stringify(s.failures), pending: JSON.stringify(s.pending), consecutive: s.consecutive, last_failure_at: s.lastFailureAt, locked_until: s.lockedUntil, updated_at: now })
    .where('key', '=', key)
    .execute();
}

export async function deleteBuckets(tx: Tx, keys: string[]): Promise<number> {
  if (!keys.length) return 0;
  const r = await tx.deleteFrom('sign_in_throttle').where('key', 'in', keys).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Buckets whose key starts with `prefix` (a login's usual-address buckets). */
export async function bucketKeysWithPrefix(r: Reader, prefix: string): Promise<string[]> {
  const escaped = prefix.replace(/[\\%_]/g, (c) => `\\${c}`);
  const rows = await r
    .selectFrom('sign_in_throttle')
    .select('key')
    .where(sql<boolean>`key LIKE ${`${escaped}%`} ESCAPE '\\'`)
    .execute();
  return rows.map((x) => x.key);
}

/** Buckets locked at `now`. */
export async function lockedBuckets(r: Reader, now: number): Promise<Array<{ key: string; state: BucketState }>> {
  const rows = await r.selectFrom('sign_in_throttle').selectAll().where('locked_until', '>', now).orderBy('locked_until', 'desc').limit(1000).execute();
  return rows.map((x) => ({ key: x.key, state: toState(x) }));
}

/** Delete buckets untouched since `before` and not locked (their failures are out of every window). */
export async function pruneBuckets(tx: Tx, before: number, now: number): Promise<number> {
  const r = await tx.deleteFrom('sign_in_throttle').where('updated_at', '<', before).where('locked_until', '<=', now).executeTakeFirst();
  return Number(r.numDeletedRows);
}

// ---------------------------------------------------------------- accounts as a sign-in sees them

export interface SignInCredentials {
  id: number;
  username: string;
  passwordHash: string;
  status: string;
  mustChangePassword: boolean;
  createdAt: number;
  /** The last change of the row: when a forced-change password was set (or later, by a status change). */
  updatedAt: number;
}

export async function signInCredentials(r: Reader, address: string): Promise<SignInCredentials | null> {
  const row = await r
    .selectFrom('addresses')
    .innerJoin('accounts', 'accounts.id', 'addresses.account_id')
    .select(['accounts.id', 'accounts.username', 'accounts.password_hash', 'accounts.status', 'accounts.must_change_password', 'accounts.created_at', 'accounts.updated_at'])
    .where('addresses.address', '=', address)
    .executeTakeFirst();
  if (!row) return null;
  return {
    id: Number(row.id),
    username: row.username,
    passwordHash: row.password_hash,
    status: row.status,
    mustChangePassword: Number(row.must_change_password) === 1,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

// ---------------------------------------------------------------- usual addresses

/** Whether the account an address belongs to signed in successfully from `addressKey` since `since`. */
export async function isKnownAddress(r: Reader, loginAddress: string, addressKey: string, since: number): Promise<boolean> {
  const row = await r
    .selectFrom('addresses')
    .innerJoin('sign_in_known', 'sign_in_known.account_id', 'addresses.account_id')
    .select('sign_in_known.last_success_at')
    .where('addresses.address', '=', loginAddress)
    .where('sign_in_known.address_key', '=', addressKey)
    .where('sign_in_known.last_success_at', '>=', since)
    .executeTakeFirst();
  return !!row;
}

/** How many usual addresses the account has (since `since`). */
export async function knownAddressCount(r: Reader, accountId: number, since: number): Promise<number> {
  const row = await r
    .selectFrom('sign_in_known')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', accountId)
    .where('last_success_at', '>=', since)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function rememberAddress(tx: Tx, accountId: number, addressKey: string, now: number): Promise<void> {
  await tx
    .insertInto('sign_in_known')
    .values({ account_id: accountId, address_key: addressKey, last_success_at: now })
    .onConflict((oc) => oc.columns(['account_id', 'address_key']).doUpdateSet({ last_success_at: now }))
    .execute();
}

export async function pruneKnown(tx: Tx, before: number): Promise<number> {
  const r = await tx.deleteFrom('sign_in_known').where('last_success_at', '<', before).executeTakeFirst();
  return Number(r.numDeletedRows);
}

// ---------------------------------------------------------------- sign-in history

export interface SignInRow {
  id: number;
  accountId: number | null;
  login: string;
  protocol: string;
  address: string;
  client: string;
  success: boolean;
  outcome: string;
  at: number;
}

// Any fixed number: the PostgreSQL advisory lock that serialises appends to the sign-in chain.
const SIGN_IN_CHAIN_LOCK = 0x7369676e; // 'sign'

/** The seal of a sign-in row: what is hashed never includes the account id (set null when an account is purged). */
export function signInSeal(prevHash: string, r: { login: string; protocol: string; address: string; client: string; success: boolean; outcome: string; at: number }): string {
  const body = JSON.stringify([r.login, r.protocol, r.address, r.client, r.success ? 1 : 0, r.outcome, Number(r.at)]);
  return crypto
    .createHash('sha256')
    .update(prevHash + body, 'utf8')
    .digest('hex');
}

export async function insertSignIn(tx: Tx, s: Omit<SignInRow, 'id'>): Promise<void> {
  if (isPostgres(tx)) await sql`select pg_advisory_xact_lock(${SIGN_IN_CHAIN_LOCK})`.execute(tx);
  const last = await tx.selectFrom('sign_ins').select('hash').orderBy('id', 'desc').limit(1).executeTakeFirst();
  const row = { login: s.login.slice(0, 320), protocol: s.protocol, address: s.address.slice(0, 100), client: s.client.slice(0, 200), success: s.success, outcome: s.outcome, at: s.at };
  const prevHash = last?.hash ?? '';
  await tx
    .insertInto('sign_ins')
    .values({
      account_id: s.accountId,
      login: row.login,
      protocol: row.protocol,
      address: row.address,
      client: row.client,
      success: row.success ? 1 : 0,
      outcome: row.outcome,
      created_at: row.at,
      prev_hash: prevHash,
      hash: signInSeal(prevHash, row),
    })
    .execute();
}

/** Sign-ins of every account, newest first (auditors), filtered by login and outcome. */
export async function allSignIns(r: Reader, limit: number, filter: { login?: string; success?: boolean; before?: number } = {}): Promise<SignInRow[]> {
  let q = r.selectFrom('sign_ins').selectAll();
  if (filter.login) q = q.where('login', '=', filter.login);
  if (filter.success !== undefined) q = q.where('success', '=', filter.success ? 1 : 0);
  if (filter.before !== undefined) q = q.where('id', '<', filter.before);
  const rows = await q.orderBy('id', 'desc').limit(limit).execute();
  return rows.map(toSignIn);
}

/** Sign-in rows in id order after `afterId`, with their seals (verification). */
export async function sealedSignInsAfter(r: Reader, afterId: number, limit: number): Promise<Array<SignInRow & { prevHash: string; hash: string }>> {
  const rows = await r.selectFrom('sign_ins').selectAll().where('id', '>', afterId).orderBy('id').limit(limit).execute();
  return rows.map((x) => ({ ...toSignIn(x), prevHash: x.prev_hash, hash: x.hash }));
}

function toSignIn(x: { id: number; account_id: number | null; login: string; protocol: string; address: string; client: string; success: number; outcome: string; created_at: number }): SignInRow {
  return {
    id: Number(x.id),
    accountId: x.account_id === null ? null : Number(x.account_id),
    login: x.login,
    protocol: x.protocol,
    address: x.address,
    client: x.client,
    success: Number(x.success) === 1,
    outcome: x.outcome,
    at: Number(x.created_at),
  };
}

/** An account's sign-ins, newest first. */
export async function signInsOf(r: Reader, accountId: number, limit: number, before?: number): Promise<SignInRow[]> {
  let q = r.selectFrom('sign_ins').selectAll().where('account_id', '=', accountId);
  if (before !== undefined) q = q.where('id', '<', before);
  const rows = await q.orderBy('id', 'desc').limit(limit).execute();
  return rows.map(toSignIn);
}

export async function pruneSignIns(tx: Tx, before: number): Promise<number> {
  const r = await tx.deleteFrom('sign_ins').where('created_at', '<', before).executeTakeFirst();
  return Number(r.numDeletedRows);
}

// ---------------------------------------------------------------- session ends

export async function insertSessionEnd(tx: Tx, accountId: number, reason: string, now: number, appPasswordId: number | null): Promise<number> {
  const row = await tx.insertInto('session_ends').values({ account_id: accountId, reason, created_at: now, app_password_id: appPasswordId }).returning('id').executeTakeFirstOrThrow();
  return Number(row.id);
}

/** Session ends recorded after `afterId` (oldest first). */
export async function sessionEndsAfter(r: Reader, afterId: number, limit = 1000): Promise<Array<{ id: number; accountId: number; reason: string; at: number; appPasswordId: number | null }>> {
  const rows = await r.selectFrom('session_ends').select(['id', 'account_id', 'reason', 'created_at', 'app_password_id']).where('id', '>', afterId).orderBy('id').limit(limit).execute();
  return rows.map((x) => ({
    id: Number(x.id),
    accountId: Number(x.account_id),
    reason: x.reason,
    at: Number(x.created_at),
    appPasswordId: x.app_password_id === null ? null : Number(x.app_password_id),
  }));
}

export async function lastSessionEndId(r: Reader): Promise<number> {
  const row = await r
    .selectFrom('session_ends')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst();
  return Number(row?.id ?? 0);
}

export async function pruneSessionEnds(tx: Tx, before: number): Promise<number> {
  const r = await tx.deleteFrom('session_ends').where('created_at', '<', before).executeTakeFirst();
  return Number(r.numDeletedRows);
}
