// The audit trail (R10.1): every administrative action is recorded with who, when, what, the
// target and why (`reason` = the reference of the official document that authorised it).
// Append-only and tamper-evident: each entry carries hash = sha256(prev_hash + canonical JSON of
// the entry), prev_hash being the previous entry's hash; `verify` walks the chain and names the
// first entry that was altered or whose predecessor was deleted. Secrets never enter `details`.
// Owns: the chain's rules (canonical JSON, the hash, verification); rows through
// storage/repositories/audit.ts.
import crypto from 'node:crypto';
import type { Reader, Tx } from '../storage/tx.ts';
import { transactor } from '../storage/tx.ts';
import { entriesAfter, insertEntry, lockChain, newestEntries, newestHash, type AuditFilter, type AuditLogRow } from '../storage/repositories/audit.ts';

export interface AuditEntry {
  actor: string;
  action: string;
  target: string;
  details?: Record<string, unknown>;
  reason?: string; // số/ký hiệu văn bản: the document that authorised the change ('' when none)
}

export type AuditRow = AuditLogRow;

/** Who made a change and why (every audited change of the core and the directory): `reason` is the reference of the official document (số/ký hiệu văn bản). */
export interface ChangeContext {
  actor: string;
  reason?: string;
  /** The request (issue 11, src/requests/) the change executes: the directory's history links the version to it. */
  requestId?: number;
}

export interface VerifyResult {
  ok: boolean;
  checked: number;
  legacy: number; // entries written before the chain existed (no hash), at the start of the log
  broken?: { id: number; problem: 'hash' | 'link' | 'unhashed'; message: string };
}

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
  constructor(private readonly db: Reader) {}

  /** Append an entry, inside the caller's transaction when given (so it commits with the change). */
  async record(e: AuditEntry, trx: Reader = this.db): Promise<void> {
    if (!trx.isTransaction) {
      await transactor(trx).transaction((t) => this.append(e, t));
      return;
    }
    await this.append(e, trx as Tx);
  }

  private async append(e: AuditEntry, tx: Tx): Promise<void> {
    // One appender at a time, held until the caller's transaction ends.
    await lockChain(tx);
    const prevHash = await newestHash(tx);
    const row = { at: Date.now(), actor: e.actor, action: e.action, target: e.target, details: canonicalJson(e.details ?? {}), reason: e.reason ?? '' };
    await insertEntry(tx, { ...row, prevHash, hash: entryHash(prevHash, row) });
  }

  async list(limit = 100, opts: AuditFilter = {}): Promise<AuditRow[]> {
    return newestEntries(this.db, limit, opts);
  }

  /** Walk the chain from the first entry; report the first one that does not hold. */
  async verify(): Promise<VerifyResult> {
    let prev: string | null = null; // null: still in the legacy (unhashed) prefix
    let checked = 0;
    let legacy = 0;
    let lastId = 0;
    for (;;) {
      const rows = await entriesAfter(this.db, lastId, 5000);
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
