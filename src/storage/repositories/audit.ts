// The audit repository: the only code that reads or writes the `audit_log` table.
// Owns: appending an entry (after the chain lock on PostgreSQL), the newest hash, and reading
// entries newest first (with filters) or in id order for verification. The chain's rules — what
// is hashed and how it is checked — are core/audit.ts's.
import { sql, type Selectable } from 'kysely';
import type { Database } from '../schema.ts';
import { isPostgres, type Reader, type Tx } from '../tx.ts';

export interface AuditLogRow {
  id: number;
  at: number;
  actor: string;
  action: string;
  target: string;
  details: string;
  reason: string;
  prevHash: string;
  hash: string;
}

export type NewAuditLogRow = Omit<AuditLogRow, 'id'>;

// Any fixed number: the PostgreSQL advisory lock that serialises appends to the chain.
const CHAIN_LOCK = 0x74687574; // 'thut'

function toRow(r: Selectable<Database['audit_log']>): AuditLogRow {
  return {
    id: Number(r.id),
    at: Number(r.at),
    actor: r.actor,
    action: r.action,
    target: r.target,
    details: r.details,
    reason: r.reason ?? '',
    prevHash: r.prev_hash ?? '',
    hash: r.hash ?? '',
  };
}

/**
 * Make `tx` the only appender until it ends. PostgreSQL: an advisory transaction lock; SQLite
 * transactions are already serial (one writer).
 */
export async function lockChain(tx: Tx): Promise<void> {
  if (isPostgres(tx)) await sql`SELECT pg_advisory_xact_lock(${CHAIN_LOCK})`.execute(tx);
}

/** The hash of the newest entry ('' when the log is empty or the newest predates the chain). */
export async function newestHash(tx: Tx): Promise<string> {
  const last = await tx.selectFrom('audit_log').select('hash').orderBy('id', 'desc').limit(1).executeTakeFirst();
  return last?.hash ?? '';
}

export async function insertEntry(tx: Tx, e: NewAuditLogRow): Promise<void> {
  await tx.insertInto('audit_log').values({ at: e.at, actor: e.actor, action: e.action, target: e.target, details: e.details, reason: e.reason, prev_hash: e.prevHash, hash: e.hash }).execute();
}

export interface AuditFilter {
  target?: string;
  action?: string;
  actor?: string;
  before?: number;
  from?: number;
  to?: number;
}

/** Newest first; `action` matches as a prefix ('role.' → every role action); `before` (an id) pages back, `from`/`to` (ms) bound `at`. */
export async function newestEntries(r: Reader, limit: number, filter: AuditFilter = {}): Promise<AuditLogRow[]> {
  let q = r.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(limit);
  if (filter.target) q = q.where('target', '=', filter.target);
  if (filter.action) q = q.where('action', 'like', `${filter.action}%`);
  if (filter.actor) q = q.where('actor', '=', filter.actor);
  if (filter.before !== undefined) q = q.where('id', '<', filter.before);
  if (filter.from !== undefined) q = q.where('at', '>=', filter.from);
  if (filter.to !== undefined) q = q.where('at', '<', filter.to);
  return (await q.execute()).map(toRow);
}

/** Up to `limit` entries after id `afterId`, oldest first (walking the chain). */
export async function entriesAfter(r: Reader, afterId: number, limit: number): Promise<AuditLogRow[]> {
  const rows = await r.selectFrom('audit_log').selectAll().where('id', '>', afterId).orderBy('id').limit(limit).execute();
  return rows.map(toRow);
}
