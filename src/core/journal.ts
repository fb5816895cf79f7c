// The journal archive (issue 14, optional per unit): every message sent or received by the
// mailboxes of a journaled unit's subtree is recorded — a `journal_entries` row naming the stored
// content (no second copy of the bytes; the row keeps the contents row and blob alive), kept
// read-only for the unit's period (`keep_years`, expired by the retention run unless the unit is
// under legal hold). Hooked once where the core commits deliveries (core/delivery.ts DeliveryHook,
// through MailStore.commit): SMTP in and out, list copies, Sieve redirects, notices; never APPEND,
// nor a commit whose origin is not a delivery (an import, a migration, a restore: mail received
// elsewhere or earlier, core/delivery.ts CommitOrigin).
// Auditors search it (diacritic-insensitive through core/text folding: people, subject and body
// text; by date, unit and direction) and export what they find as mboxrd; every search and export
// is audited with its reason, which is required (R10.1).
// Owns: which units journal, what a commit journals, searching, exporting and expiring the journal.
import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import type { Reader, Tx } from '../storage/tx.ts';
import * as repo from '../storage/repositories/journal.ts';
import { unitsOfAccounts } from '../storage/repositories/retention.ts';
import { accountByAddress } from '../storage/repositories/accounts.ts';
import { unitByCode, unitById, unitParents } from '../storage/repositories/directory-units.ts';
import { ThutinError } from './errors.ts';
import type { AuditLog, ChangeContext } from './audit.ts';
import type { Committed, DeliveryHook, DeliveryPlan, StoredContent } from './delivery.ts';
import type { MailStore } from './mailstore.ts';
import type { Addr } from './mime/types.ts';
import { foldVietnamese } from './text/fold.ts';
import { unitPath } from './legal-hold.ts';
import { yearsBefore } from './calendar.ts';
import { mbox } from './mbox-writer.ts';

export interface JournalUnit {
  unit: string;
  unitId: number;
  keepYears: number;
  enabled: boolean;
  createdAt: number;
  createdBy: string;
  document: string;
}

export interface JournalQuery {
  /** A unit's code: its subtree's entries (absent: every unit). */
  unit?: string;
  from?: number;
  to?: number;
  /** Words that must appear in the sender, the recipients or their names (diacritics ignored). */
  people?: string;
  /** Words that must appear in the subject or the body (diacritics ignored). */
  text?: string;
  direction?: 'sent' | 'received';
  limit?: number;
}

export interface JournalHit {
  id: number;
  unit: string;
  direction: 'sent' | 'received';
  at: number;
  sentDate: number | null;
  sender: string;
  recipients: string[];
  subject: string;
  size: number;
}

/** How long the list of journaled units is trusted before it is read again (another process may change it). */
const UNITS_TTL_MS = 10_000;

function address(a: Addr): string | null {
  return a.mailbox && a.host ? `${a.mailbox}@${a.host}`.toLowerCase() : null;
}

function words(s: string | undefined): string[] {
  return foldVietnamese(s ?? '')
    .split(/\s+/)
    .filter(Boolean);
}

export class JournalService implements DeliveryHook {
  private units: { at: number; enabled: repo.JournalUnitRow[]; parents: Map<number, number | null> } | null = null;
  private readonly now: () => number;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly store: MailStore,
    private readonly audit: AuditLog,
    opts: { now?: () => number } = {},
  ) {
    this.now = opts.now ?? (() => Date.now());
  }

  // ---------------------------------------------------------------- settings

  async list(): Promise<JournalUnit[]> {
    const out: JournalUnit[] = [];
    for (const u of await repo.listJournalUnits(this.db)) out.push({ ...u, unit: (await unitById(this.db, u.unitId))?.code ?? `#${u.unitId}` });
    return out;
  }

  /** Journal a unit's subtree (or stop: `enabled` false keeps what was journaled until its period ends), by the document `ctx.reason`. */
  async setUnit(code: string, o: { keepYears: number; enabled?: boolean }, ctx: ChangeContext): Promise<JournalUnit> {
    const document = ctx.reason?.trim();
    if (!document) throw new ThutinError('REASON_REQUIRED');
    if (!Number.isInteger(o.keepYears) || o.keepYears < 1 || o.keepYears > 100) throw new ThutinError('POLICY_INVALID', `keep-years ${o.keepYears}`);
    const row = await this.db.transaction().execute(async (tx) => {
      const u = await unitByCode(tx, code.trim().toUpperCase());
      if (!u) throw new ThutinError('UNIT_NOT_FOUND', code);
      const r: repo.JournalUnitRow = { unitId: u.id, keepYears: o.keepYears, enabled: o.enabled ?? true, createdAt: this.now(), createdBy: ctx.actor, document };
      await repo.upsertJournalUnit(tx, r);
      await this.audit.record({ actor: ctx.actor, action: 'journal.set', target: u.code, details: { keepYears: r.keepYears, enabled: r.enabled }, reason: document }, tx);
      return { ...r, unit: u.code };
    });
    this.units = null;
    return row;
  }

  /** The journaled units and, when there are any, the unit tree (both read again after UNITS_TTL_MS: no read per delivery). */
  private async enabledUnits(r: Reader): Promise<{ enabled: repo.JournalUnitRow[]; parents: Map<number, number | null> }> {
    const t = Date.now();
    if (!this.units || t - this.units.at > UNITS_TTL_MS) {
      const enabled = (await repo.listJournalUnits(r)).filter((u) => u.enabled);
      this.units = { at: t, enabled, parents: enabled.length ? await unitParents(r) : new Map() };
    }
    return this.units;
  }

  // ---------------------------------------------------------------- the delivery hook

  /** DeliveryHook: in the commit's transaction, one entry per journaled unit and direction. */
  async written(tx: Tx, content: StoredContent, plan: DeliveryPlan, out: Committed, now: number): Promise<void> {
    if ((plan.origin ?? 'delivery') !== 'delivery') return;
    const { enabled: journaled, parents } = await this.enabledUnits(tx);
    if (!journaled.length) return;
    const env = content.index.envelope;
    const from = (env.from ?? []).map(address).find((a): a is string => !!a) ?? '';
    const senderIds = new Set<number>();
    for (const c of plan.copies) if (c.remote?.accountId) senderIds.add(c.remote.accountId);
    if (!senderIds.size && from) {
      const a = await accountByAddress(tx, from);
      if (a) senderIds.add(Number(a.id));
    }
    const recipientIds = new Set(out.delivered.map((d) => d.accountId));
    const units = await unitsOfAccounts(tx, [...senderIds, ...recipientIds]);
    if (!units.size) return;
    const under = (ids: Set<number>) => new Set([...ids].flatMap((id) => (units.has(id) ? unitPath(parents, units.get(id)!) : [])));
    const sentBy = under(senderIds);
    const receivedBy = under(recipientIds);
    const listed = [...(env.to ?? []), ...(env.cc ?? [])].map(address).filter((a): a is string => !!a);
    const remote = plan.copies.flatMap((c) => c.remote?.recipients ?? []);
    const recipients = [...new Set([...listed, ...remote.map((r) => r.toLowerCase())])];
    const s = content.index.search;
    const people = foldVietnamese([from, ...recipients, s.from, s.to, s.cc].join(' ')).replace(/\0/g, '');
    const first = plan.copies.find((c) => c.local?.length || c.remote?.recipients.length);
    const prefix = first?.headerPrefix && first.headerPrefix.length ? first.headerPrefix : null;
    const sentDate = content.index.sentDate ? Date.parse(content.index.sentDate) || null : null;
    const rows: repo.NewJournalEntry[] = [];
    for (const j of journaled) {
      for (const [direction, set] of [
        ['sent', sentBy],
        ['received', receivedBy],
      ] as const) {
        if (!set.has(j.unitId)) continue;
        rows.push({
          unitId: j.unitId,
          direction,
          sha256: content.sha256,
          size: (prefix?.length ?? 0) + content.size - (plan.prefixReplaces ?? 0),
          headerPrefix: prefix,
          prefixReplaces: plan.prefixReplaces ?? 0,
          sender: from,
          recipients,
          subject: (s.subject ?? '').replace(/\0/g, ''),
          searchPeople: people,
          sentDate,
          createdAt: now,
        });
      }
    }
    if (rows.length) await repo.insertEntries(tx, rows);
  }

  // ---------------------------------------------------------------- auditors

  private async resolve(q: JournalQuery): Promise<repo.EntryQuery> {
    let unitIds: number[] | undefined;
    if (q.unit) {
      const u = await unitByCode(this.db, q.unit.trim().toUpperCase());
      if (!u) throw new ThutinError('UNIT_NOT_FOUND', q.unit);
      const parents = await unitParents(this.db);
      unitIds = [...parents.keys()].filter((id) => unitPath(parents, id).includes(u.id));
    }
    return { unitIds, from: q.from, to: q.to, people: words(q.people), text: words(q.text), direction: q.direction, limit: Math.min(Math.max(q.limit ?? 500, 1), 10_000) };
  }

  private async hits(rows: repo.JournalEntryRow[]): Promise<JournalHit[]> {
    const codes = new Map<number, string>();
    for (const id of new Set(rows.map((r) => r.unitId))) codes.set(id, (await unitById(this.db, id))?.code ?? `#${id}`);
    return rows.map((r) => ({
      id: r.id,
      unit: codes.get(r.unitId)!,
      direction: r.direction,
      at: r.createdAt,
      sentDate: r.sentDate,
      sender: r.sender,
      recipients: r.recipients,
      subject: r.subject,
      size: r.size,
    }));
  }

  /** Search the journal; audited `journal.search` with the query, the count and the reason (required). */
  async search(q: JournalQuery, ctx: ChangeContext): Promise<JournalHit[]> {
    const reason = ctx.reason?.trim();
    if (!reason) throw new ThutinError('JOURNAL_REASON_REQUIRED');
    const rows = await repo.searchEntries(this.db, await this.resolve(q));
    await this.audit.record({ actor: ctx.actor, action: 'journal.search', target: q.unit ?? '*', details: { query: { ...q }, found: rows.length }, reason });
    return this.hits(rows);
  }

  /**
   * Export what a query finds (or the entries `ids`) as mboxrd; audited `journal.export` with the
   * query, the ids exported and the reason (required), before the first byte.
   */
  async export(q: JournalQuery & { ids?: number[] }, ctx: ChangeContext): Promise<{ count: number; stream: AsyncIterable<Buffer> }> {
    const reason = ctx.reason?.trim();
    if (!reason) throw new ThutinError('JOURNAL_REASON_REQUIRED');
    const rows = q.ids?.length ? await repo.entriesByIds(this.db, q.ids) : await repo.searchEntries(this.db, await this.resolve(q));
    const { ids: _ids, ...query } = q;
    void _ids;
    await this.audit.record({ actor: ctx.actor, action: 'journal.export', target: q.unit ?? '*', details: { query, ids: rows.map((r) => r.id), count: rows.length }, reason });
    const store = this.store;
    return { count: rows.length, stream: mbox(rows.map((r) => ({ sender: r.sender, date: r.createdAt, open: () => store.streamMessage(r) }))) };
  }

  // ---------------------------------------------------------------- expiry

  /**
   * Remove entries past their unit's period: not those of a unit under legal hold, nor those naming
   * a held mailbox's address (`heldAddresses`); returns how many.
   */
  async expire(at: number, isHeld: (r: Reader, unitId: number) => Promise<boolean>, heldAddresses: string[] = []): Promise<number> {
    let n = 0;
    const keep = heldAddresses.map((a) => foldVietnamese(a));
    for (const u of await repo.listJournalUnits(this.db)) {
      if (await isHeld(this.db, u.unitId)) continue;
      const freed = await this.db.transaction().execute(async (tx) => {
        const d = await repo.deleteEntriesBefore(tx, u.unitId, yearsBefore(at, u.keepYears), keep);
        n += d.count;
        return this.store.contents.dropUnreferenced(tx, d.sha256s);
      });
      await this.store.contents.reclaim(freed);
    }
    return n;
  }
}
