// The audit trail (R10.1): every administrative action is recorded with who, when, what, the
// target and why (`reason` = the reference of the official document that authorised it).
// Append-only and tamper-evident: each entry carries hash = sha256(prev_hash + canonical JSON of
// the entry), prev_hash being the previous entry's hash; `verify` walks the chain and names the
// first entry that was altered or whose predecessor was deleted. Secrets never enter `details`.
import crypto from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';

export interface AuditEntry {
  actor: string;
  action: string;
  target: string;
  details?: Record<string, unknown>;
  reason?: string; // số/ký hiệu văn bản: the document that authorised the change ('' when none)
}

export interface AuditRow {
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

export interface VerifyResult {
  ok: boolean;
  checked: number;
  legacy: number; // entries written before the chain existed (no hash), at the start of the log
  broken?: { id: number; problem: 'hash' | 'link' | 'unhashed'; message: string };
}

// Any fixed number: the PostgreSQL advisory lock that serialises appends to the chain.
const CHAIN_LOCK = 0x74687574; // 'thut'

/** JSON with object keys sorted at every level: the same entry always gives the same text. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
    .join(',')}}`;
}

export function entryHash(prevHash: string, e: { at: number; actor: string; action: string; target: string; details: string; reason: string }): string {
  const body = canonicalJson({ at: Number(e.at), actor: e.actor, action: e.action, target: e.target, details: e.details, reason: e.reason });
  return crypto
    .createHash('sha256')
    .update(prevHash + body, 'utf8')
    .digest('hex');
}

export class AuditLog {
  constructor(private readonly db: Kysely<Database>) {}

  /** Append an entry, inside the caller's transaction when given (so it commits with the change). */
  async record(e: AuditEntry, trx: Kysely<Database> = this.db): Promise<void> {
    if (!trx.isTransaction) {
      await trx.transaction().execute((t) => this.append(e, t));
      return;
    }
    await this.append(e, trx);
  }

  private async append(e: AuditEntry, trx: Kysely<Database>): Promise<void> {
    // PostgreSQL: one appender at a time, held until the caller's transaction ends. SQLite
    // transactions are already serial (one writer).
    if (isPostgres(trx)) {
      await sql`SELECT pg_advisory_xact_lock(${CHAIN_LOCK})`.execute(trx);
    }
    const last = await trx.selectFrom('audit_log').select('hash').orderBy('id', 'desc').limit(1).executeTakeFirst();
    const prevHash = last?.hash ?? '';
    const row = { at: Date.now(), actor: e.actor, action: e.action, target: e.target, details: canonicalJson(e.details ?? {}), reason: e.reason ?? '' };
    await trx
      .insertInto('audit_log')
      .values({ ...row, prev_hash: prevHash, hash: entryHash(prevHash, row) })
      .execute();
  }

  async list(limit = 100, opts: { target?: string; action?: string; actor?: string } = {}): Promise<AuditRow[]> {
    let q = this.db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(limit);
    if (opts.target) q = q.where('target', '=', opts.target);
    if (opts.action) q = q.where('action', 'like', `${opts.action}%`);
    if (opts.actor) q = q.where('actor', '=', opts.actor);
    return (await q.execute()).map(toRow);
  }

  /** Walk the chain from the first entry; report the first one that does not hold. */
  async verify(): Promise<VerifyResult> {
    let prev: string | null = null; // null: still in the legacy (unhashed) prefix
    let checked = 0;
    let legacy = 0;
    let lastId = 0;
    for (;;) {
      const rows = (await this.db.selectFrom('audit_log').selectAll().where('id', '>', lastId).orderBy('id').limit(5000).execute()).map(toRow);
      if (rows.length === 0) break;
      for (const r of rows) {
        lastId = r.id;
        if (prev === null && r.hash === '' && r.prevHash === '') {
          legacy++;
          continue;
        }
        checked++;
        if (r.hash === '') return { ok: false, checked, legacy, broken: { id: r.id, problem: 'unhashed', message: `mục #${r.id} không có mã băm / entry #${r.id} has no hash` } };
        if (r.prevHash !== (prev ?? '')) {
          return { ok: false, checked, legacy, broken: { id: r.id, problem: 'link', message: `mục trước #${r.id} đã bị xoá hoặc sửa / the entry before #${r.id} was deleted or altered` } };
        }
        if (entryHash(r.prevHash, r) !== r.hash) {
          return { ok: false, checked, legacy, broken: { id: r.id, problem: 'hash', message: `mục #${r.id} đã bị sửa / entry #${r.id} was altered` } };
        }
        prev = r.hash;
      }
    }
    return { ok: true, checked, legacy };
  }
}

const dialectOf = new WeakMap<object, boolean>();
function isPostgres(db: Kysely<Database>): boolean {
  const adapter = db.getExecutor().adapter;
  let v = dialectOf.get(adapter);
  if (v === undefined) {
    v = adapter.constructor.name.toLowerCase().includes('postgres');
    dialectOf.set(adapter, v);
  }
  return v;
}

function toRow(r: Record<string, unknown>): AuditRow {
  return {
    id: Number(r.id),
    at: Number(r.at),
    actor: String(r.actor),
    action: String(r.action),
    target: String(r.target),
    details: String(r.details),
    reason: String(r.reason ?? ''),
    prevHash: String(r.prev_hash ?? ''),
    hash: String(r.hash ?? ''),
  };
}
