// Retention policies (issue 14, R5.7): per folder (a special use such as \Trash or \Junk, a
// folder name, or every folder), per unit (its subtree; none = the province) and per mailbox type
// (a person's, a unit's own, or any): "keep N years" (mail older than that goes) and "delete after
// N days" (mail that entered the folder N days ago goes: Trash, Junk). For each folder and kind the
// most specific policy wins (deeper unit, then folder name over special use over every folder,
// then a mailbox type over any). A run removes due mail through the mail store (as an expunge:
// IMAP sessions are told, contents reclaimed; the legal hold keeps what it holds), expires the
// journal, removes what released holds kept, and is audited with its counts (`retention.run`).
// Owns: the policies' rules, when a message entered a folder (the copy hook), the run and its schedule.
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../storage/schema.ts';
import type { Tx } from '../storage/tx.ts';
import * as repo from '../storage/repositories/retention.ts';
import { unitByCode, unitById, unitParents } from '../storage/repositories/directory-units.ts';
import { ThutinError } from './errors.ts';
import type { AuditLog, ChangeContext } from './audit.ts';
import type { CopyHook, MailStore } from './mailstore.ts';
import { canonicalMailboxName } from './mailboxes.ts';
import { unitPath, type LegalHoldService } from './legal-hold.ts';
import type { JournalService } from './journal.ts';
import { yearsBefore } from './calendar.ts';

export const POLICY_KINDS = ['keep-years', 'delete-after-days'] as const;
export type PolicyKind = (typeof POLICY_KINDS)[number];
export const MAILBOX_TYPES = ['any', 'personal', 'unit'] as const;
export type MailboxType = (typeof MAILBOX_TYPES)[number];

export interface Policy {
  id: number;
  folder: string;
  /** The unit's code (null: the whole province). */
  unit: string | null;
  mailboxType: MailboxType;
  kind: PolicyKind;
  amount: number;
  createdAt: number;
  createdBy: string;
  document: string;
}

export interface PolicyInput {
  folder: string;
  unit?: string | null;
  mailboxType?: MailboxType;
  kind: PolicyKind;
  amount: number;
}

export interface RunResult {
  at: number;
  folders: number;
  /** Messages the policies removed from folders (of them, `held` were kept by a legal hold). */
  removed: number;
  held: number;
  /** Journal entries past their unit's period. */
  journalRemoved: number;
  /** Messages released holds had kept, removed now. */
  releasedRemoved: number;
  byPolicy: Record<number, number>;
}

const DAY = 86_400_000;
const SPECIAL = /^\\[A-Za-z]+$/;

/** How specific a policy is for a folder it matches (higher wins); -1 when it does not match. */
export function specificity(p: Pick<repo.PolicyRow, 'folder' | 'unitId' | 'mailboxType'>, f: { name: string; specialUse: string | null; type: 'personal' | 'unit'; path: number[] }): number {
  let folder: number;
  if (p.folder === '*') folder = 0;
  else if (SPECIAL.test(p.folder)) folder = f.specialUse !== null && f.specialUse.toLowerCase() === p.folder.toLowerCase() ? 1 : -1;
  else folder = canonicalMailboxName(p.folder) === f.name ? 2 : -1;
  if (folder < 0) return -1;
  let depth = 0;
  if (p.unitId !== null) {
    const i = f.path.indexOf(p.unitId);
    if (i < 0) return -1;
    depth = i + 1;
  }
  if (p.mailboxType !== 'any' && p.mailboxType !== f.type) return -1;
  return depth * 100 + folder * 10 + (p.mailboxType === 'any' ? 0 : 1);
}

export interface RetentionOptions {
  now?: () => number;
  runIntervalMs?: number;
  log?: Logger;
}

export class RetentionPolicies implements CopyHook {
  private readonly now: () => number;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<RunResult> | null = null;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly store: MailStore,
    private readonly audit: AuditLog,
    private readonly holds: LegalHoldService,
    private readonly journal: JournalService,
    private readonly opts: RetentionOptions = {},
  ) {
    this.now = opts.now ?? (() => Date.now());
  }

  // ---------------------------------------------------------------- policies

  async list(): Promise<Policy[]> {
    const rows = await repo.listPolicies(this.db);
    const codes = new Map<number, string>();
    for (const id of new Set(rows.map((r) => r.unitId).filter((u): u is number => u !== null))) codes.set(id, (await unitById(this.db, id))?.code ?? `#${id}`);
    return rows.map((r) => this.toPolicy(r, r.unitId === null ? null : (codes.get(r.unitId) ?? null)));
  }

  private toPolicy(r: repo.PolicyRow, unit: string | null): Policy {
    return {
      id: r.id,
      folder: r.folder,
      unit,
      mailboxType: r.mailboxType as MailboxType,
      kind: r.kind as PolicyKind,
      amount: r.amount,
      createdAt: r.createdAt,
      createdBy: r.createdBy,
      document: r.document,
    };
  }

  /** Set a policy (the same folder, unit, mailbox type and kind again replaces its N), by the document `ctx.reason`. */
  async set(input: PolicyInput, ctx: ChangeContext): Promise<Policy> {
    const document = ctx.reason?.trim();
    if (!document) throw new ThutinError('REASON_REQUIRED');
    const folder = input.folder.trim();
    const mailboxType = input.mailboxType ?? 'any';
    if (!folder || !POLICY_KINDS.includes(input.kind) || !MAILBOX_TYPES.includes(mailboxType) || !Number.isInteger(input.amount) || input.amount < 1 || input.amount > 100_000) {
      throw new ThutinError('POLICY_INVALID', `${input.kind} ${input.amount} ${folder}`);
    }
    return this.db.transaction().execute(async (tx) => {
      let unitId: number | null = null;
      let code: string | null = null;
      if (input.unit) {
        const u = await unitByCode(tx, input.unit.trim().toUpperCase());
        if (!u) throw new ThutinError('UNIT_NOT_FOUND', input.unit);
        unitId = u.id;
        code = u.code;
      }
      const key = { folder: SPECIAL.test(folder) ? folder : canonicalMailboxName(folder), unitId, mailboxType, kind: input.kind };
      const at = this.now();
      const old = await repo.findPolicy(tx, key);
      let id: number;
      if (old) {
        id = old.id;
        await repo.updatePolicy(tx, id, input.amount, ctx.actor, document, at);
      } else id = await repo.insertPolicy(tx, { ...key, amount: input.amount, createdAt: at, createdBy: ctx.actor, document });
      await this.audit.record(
        {
          actor: ctx.actor,
          action: 'retention.set',
          target: `#${id}`,
          details: { folder: key.folder, unit: code, mailboxType, kind: input.kind, amount: input.amount, was: old?.amount ?? null },
          reason: document,
        },
        tx,
      );
      return this.toPolicy({ id, ...key, amount: input.amount, createdAt: at, createdBy: ctx.actor, document }, code);
    });
  }

  async remove(id: number, ctx: ChangeContext): Promise<void> {
    const document = ctx.reason?.trim();
    if (!document) throw new ThutinError('REASON_REQUIRED');
    await this.db.transaction().execute(async (tx) => {
      const old = await repo.deletePolicy(tx, id);
      if (!old) throw new ThutinError('POLICY_NOT_FOUND', `#${id}`);
      await this.audit.record(
        {
          actor: ctx.actor,
          action: 'retention.remove',
          target: `#${id}`,
          details: { folder: old.folder, unitId: old.unitId, mailboxType: old.mailboxType, kind: old.kind, amount: old.amount },
          reason: document,
        },
        tx,
      );
    });
  }

  // ---------------------------------------------------------------- when mail entered a folder

  /** CopyHook: a copy or move into a folder starts its "days in the folder" now. */
  async copied(tx: Tx, c: { dstMailboxId: number; pairs: ReadonlyArray<[number, number]> }): Promise<void> {
    await repo.recordEntries(
      tx,
      c.dstMailboxId,
      c.pairs.map((p) => p[1]),
      this.now(),
    );
  }

  // ---------------------------------------------------------------- the run

  /** Apply every policy now (one run at a time; a second call waits for the first's result). */
  run(ctx: { actor: string; now?: number }): Promise<RunResult> {
    this.running ??= this.runOnce(ctx).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async runOnce(ctx: { actor: string; now?: number }): Promise<RunResult> {
    const at = ctx.now ?? this.now();
    const policies = await repo.listPolicies(this.db);
    const result: RunResult = { at, folders: 0, removed: 0, held: 0, journalRemoved: 0, releasedRemoved: 0, byPolicy: {} };
    if (policies.length) {
      const parents = await unitParents(this.db);
      const folders = await repo.allFolders(this.db);
      const heldAccounts = await this.holds.heldAccounts(this.db, [...new Set(folders.map((f) => f.accountId))]);
      for (const f of folders) {
        const type = f.ownUnitId !== null ? 'unit' : 'personal';
        const info = { name: f.name, specialUse: f.specialUse, type: type as 'personal' | 'unit', path: unitPath(parents, f.ownUnitId ?? f.personUnitId) };
        const uids = new Set<number>();
        for (const kind of POLICY_KINDS) {
          let best: repo.PolicyRow | null = null;
          let score = -1;
          for (const p of policies) {
            if (p.kind !== kind) continue;
            const s = specificity(p, info);
            if (s > score) [best, score] = [p, s];
          }
          if (!best) continue;
          const due = kind === 'keep-years' ? await repo.uidsOlderThan(this.db, f.mailboxId, yearsBefore(at, best.amount)) : await repo.uidsEnteredBefore(this.db, f.mailboxId, at - best.amount * DAY);
          const fresh = due.filter((u) => !uids.has(u));
          for (const u of fresh) uids.add(u);
          if (fresh.length) result.byPolicy[best.id] = (result.byPolicy[best.id] ?? 0) + fresh.length;
        }
        if (!uids.size) continue;
        const gone = await this.store.removeMessages(
          f.mailboxId,
          [...uids].sort((a, b) => a - b),
          'retention',
        );
        result.folders++;
        result.removed += gone.length;
        if (heldAccounts.has(f.accountId)) result.held += gone.length;
      }
    }
    const heldMailboxes = (await this.holds.list()).filter((h) => h.kind === 'mailbox').map((h) => h.label);
    result.journalRemoved = await this.journal.expire(at, (tx, unitId) => this.holds.unitHeld(tx, unitId), heldMailboxes);
    result.releasedRemoved = await this.holds.dropReleased();
    await this.db.transaction().execute((tx) => repo.pruneEntries(tx));
    await this.audit.record({
      actor: ctx.actor,
      action: 'retention.run',
      target: new Date(at).toISOString(),
      details: {
        policies: policies.length,
        folders: result.folders,
        removed: result.removed,
        held: result.held,
        journalRemoved: result.journalRemoved,
        releasedRemoved: result.releasedRemoved,
        byPolicy: result.byPolicy,
      },
    });
    return result;
  }

  /** `serve`: run every `retention.runIntervalMs` (0 = never). */
  start(): void {
    const every = this.opts.runIntervalMs ?? 0;
    if (!every || this.timer) return;
    this.timer = setInterval(() => {
      this.run({ actor: 'system:retention' }).catch((e: unknown) => this.opts.log?.error({ err: e }, 'chạy chính sách lưu giữ thất bại / retention run failed'));
    }, every);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => {});
  }
}
