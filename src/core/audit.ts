// The audit trail (R10.1): every administrative action is recorded with who, when, what and
// the target. Secrets never enter `details`. The directory issue extends this into a hash chain.
import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';

export interface AuditEntry {
  actor: string;
  action: string;
  target: string;
  details?: Record<string, unknown>;
}

export class AuditLog {
  constructor(private readonly db: Kysely<Database>) {}

  async record(e: AuditEntry, trx: Kysely<Database> = this.db): Promise<void> {
    await trx
      .insertInto('audit_log')
      .values({ at: Date.now(), actor: e.actor, action: e.action, target: e.target, details: JSON.stringify(e.details ?? {}) })
      .execute();
  }

  async list(limit = 100): Promise<Array<{ id: number; at: number; actor: string; action: string; target: string; details: string }>> {
    return this.db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(limit).execute();
  }
}
