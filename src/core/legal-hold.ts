// Legal hold (issue 14, R10.1): an auditor holds a mailbox, or every mailbox of a unit's subtree,
// naming the document that orders it. Nothing under hold is really removed: a message leaving a
// held folder for good (IMAP/POP3/JMAP expunge, the folder's deletion, a retention policy) is
// hidden from the user but kept — the mail store's removal hook copies its row into
// `held_messages` in the same transaction, and that row keeps the `contents` row and the blob
// (repositories/contents.ts counts it). Deleting a held account (a leaver's purge, an
// administrator's deletion) is refused with RETENTION_LEGAL_HOLD. Releasing the hold lets the next
// retention run (core/retention-policies.ts) remove what was kept. Every hold set, release and
// export is audited.
// Owns: the hold rules (who is held), the removal hook, the deletion guard, the auditor's export of
// a held mailbox (mboxrd: what it holds now and what was kept), and dropping what a released hold kept.
import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import type { Reader, Tx } from '../storage/tx.ts';
import * as repo from '../storage/repositories/retention.ts';
import { folderById } from '../storage/repositories/folders.ts';
import { unitParents, unitByCode } from '../storage/repositories/directory-units.ts';
import { accountByAddress, accountById } from '../storage/repositories/accounts.ts';
import { ThutinError } from './errors.ts';
import type { AuditLog, ChangeContext } from './audit.ts';
import type { MailStore, RemovalCause, RemovalHook } from './mailstore.ts';
import { mbox, type MboxItem } from './mbox-writer.ts';

export type Hold = repo.HoldRow;

/** Ids from the root down to `unitId` (empty for none or an unknown unit). */
export function unitPath(parents: Map<number, number | null>, unitId: number | null): number[] {
  const out: number[] = [];
  const seen = new Set<number>();
  for (let u = unitId; u !== null && parents.has(u) && !seen.has(u); u = parents.get(u) ?? null) {
    seen.add(u);
    out.unshift(u);
  }
  return out;
}

export interface LegalHoldOptions {
  now?: () => number;
}

export class LegalHoldService implements RemovalHook {
  private readonly now: () => number;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly store: MailStore,
    private readonly audit: AuditLog,
    opts: LegalHoldOptions = {},
  ) {
    this.now = opts.now ?? (() => Date.now());
  }

  // ---------------------------------------------------------------- holds

  /** Hold a mailbox (`mailbox`: an address) or a unit's subtree (`unit`: its code), by the document `ctx.reason`. */
  async set(target: { mailbox?: string; unit?: string }, ctx: ChangeContext): Promise<Hold> {
    const document = ctx.reason?.trim();
    if (!document) throw new ThutinError('REASON_REQUIRED');
    if (!!target.mailbox === !!target.unit) throw new ThutinError('HOLD_NOT_FOUND', 'mailbox | unit');
    return this.db.transaction().execute(async (tx) => {
      let kind: 'mailbox' | 'unit';
      let accountId: number | null = null;
      let unitId: number | null = null;
      let label: string;
      if (target.mailbox) {
        const a = await accountByAddress(tx, target.mailbox.trim().toLowerCase());
        if (!a) throw new ThutinError('ACCOUNT_NOT_FOUND', target.mailbox);
        kind = 'mailbox';
        accountId = Number(a.id);
        label = a.username;
      } else {
        const u = await unitByCode(tx, target.unit!.trim().toUpperCase());
        if (!u) throw new ThutinError('UNIT_NOT_FOUND', target.unit);
        kind = 'unit';
        unitId = u.id;
        label = u.code;
      }
      const active = await repo.listHolds(tx);
      if (active.some((h) => h.kind === kind && h.accountId === accountId && h.unitId === unitId)) throw new ThutinError('HOLD_EXISTS', label);
      const at = this.now();
      const id = await repo.insertHold(tx, { kind, accountId, unitId, label, document, setBy: ctx.actor, setAt: at });
      await this.audit.record({ actor: ctx.actor, action: 'hold.set', target: `${kind}:${label}`, details: { id }, reason: document }, tx);
      return (await repo.holdById(tx, id))!;
    });
  }

  /** Release a hold in force, by the document `ctx.reason`; what it kept goes at the next retention run. */
  async release(id: number, ctx: ChangeContext): Promise<Hold> {
    const document = ctx.reason?.trim();
    if (!document) throw new ThutinError('REASON_REQUIRED');
    return this.db.transaction().execute(async (tx) => {
      const h = await repo.releaseHold(tx, id, ctx.actor, document, this.now());
      if (!h) throw new ThutinError('HOLD_NOT_FOUND', `#${id}`);
      await this.audit.record({ actor: ctx.actor, action: 'hold.release', target: `${h.kind}:${h.label}`, details: { id, setAt: h.setAt, setDocument: h.document }, reason: document }, tx);
      return (await repo.holdById(tx, id))!;
    });
  }

  list(opts: { all?: boolean } = {}): Promise<Hold[]> {
    return repo.listHolds(this.db, opts.all);
  }

  /** Which of these accounts are under a hold in force (their own, or their unit's subtree's). */
  async heldAccounts(r: Reader, accountIds: number[]): Promise<Set<number>> {
    const out = new Set<number>();
    if (!accountIds.length) return out;
    const active = await repo.listHolds(r);
    if (!active.length) return out;
    for (const h of active) if (h.kind === 'mailbox' && h.accountId !== null && accountIds.includes(h.accountId)) out.add(h.accountId);
    const heldUnits = new Set(active.filter((h) => h.kind === 'unit' && h.unitId !== null).map((h) => h.unitId!));
    if (!heldUnits.size) return out;
    const units = await repo.unitsOfAccounts(r, accountIds);
    const parents = await unitParents(r);
    for (const [acct, unit] of units) if (unitPath(parents, unit).some((u) => heldUnits.has(u))) out.add(acct);
    return out;
  }

  /** Whether a unit lies in a held subtree. */
  async unitHeld(r: Reader, unitId: number): Promise<boolean> {
    const held = (await repo.listHolds(r)).filter((h) => h.kind === 'unit').map((h) => h.unitId);
    if (!held.length) return false;
    return unitPath(await unitParents(r), unitId).some((u) => held.includes(u));
  }

  // ---------------------------------------------------------------- the mail store's side

  /** RemovalHook: messages of a held mailbox leaving their folder are kept in `held_messages`. */
  async removing(tx: Tx, mailboxId: number, uids: number[], cause: RemovalCause): Promise<void> {
    if (!(await repo.anyHold(tx))) return; // the usual case: one indexed read per expunge
    const f = await folderById(tx, mailboxId);
    if (!f) return;
    if (!(await this.heldAccounts(tx, [f.accountId])).has(f.accountId)) return;
    await repo.holdMessages(tx, mailboxId, uids, cause, this.now());
  }

  /** AccountService's guard: an account under hold is not deleted (a leaver's purge, an administrator's deletion). */
  async check(tx: Tx, accountId: number): Promise<void> {
    if ((await this.heldAccounts(tx, [accountId])).size) {
      const a = await accountById(tx, accountId);
      throw new ThutinError('RETENTION_LEGAL_HOLD', a?.username ?? `#${accountId}`);
    }
  }

  /** What a released hold kept of an account being deleted goes with it: the blobs those rows named, for the caller to drop. */
  dropKept(tx: Tx, accountId: number): Promise<string[]> {
    return repo.dropHeldOfAccount(tx, accountId);
  }

  /**
   * What released holds kept: every held row of an account no longer held is removed, its content
   * dropped when nothing else names it (the blob after the commit). Returns how many rows went.
   */
  async dropReleased(): Promise<number> {
    const accounts = await repo.heldAccounts(this.db);
    if (!accounts.size) return 0;
    const still = await this.heldAccounts(this.db, [...accounts.keys()]);
    let n = 0;
    for (const [acct, count] of accounts) {
      if (still.has(acct)) continue;
      const freed = await this.db.transaction().execute(async (tx) => {
        if ((await this.heldAccounts(tx, [acct])).size) return []; // held again meanwhile
        return this.store.contents.dropUnreferenced(tx, await repo.dropHeldOfAccount(tx, acct));
      });
      await this.store.contents.reclaim(freed);
      n += count;
    }
    return n;
  }

  // ---------------------------------------------------------------- the auditor's export

  /** Messages kept for a mailbox (hidden from its owner). */
  async kept(address: string): Promise<repo.HeldRow[]> {
    const a = await accountByAddress(this.db, address.trim().toLowerCase());
    if (!a) throw new ThutinError('ACCOUNT_NOT_FOUND', address);
    return repo.heldOfAccount(this.db, Number(a.id));
  }

  /**
   * A held mailbox as mboxrd, for the auditor: every message its folders hold now, then every
   * message kept by the hold (expunged by the user, or due by a policy). Audited `hold.export` with
   * its reason, before the first byte.
   */
  async exportMailbox(address: string, ctx: ChangeContext): Promise<{ messages: number; kept: number; stream: AsyncIterable<Buffer> }> {
    const reason = ctx.reason?.trim();
    if (!reason) throw new ThutinError('REASON_REQUIRED');
    const a = await accountByAddress(this.db, address.trim().toLowerCase());
    if (!a) throw new ThutinError('ACCOUNT_NOT_FOUND', address);
    const accountId = Number(a.id);
    const items: MboxItem[] = [];
    const store = this.store;
    for (const f of await store.listMailboxes(accountId)) {
      for (const m of await store.listMessages(f.id)) items.push({ sender: a.username, date: m.internalDate, open: () => store.streamMessage(m) });
    }
    const live = items.length;
    const kept = await repo.heldOfAccount(this.db, accountId);
    for (const m of kept) items.push({ sender: a.username, date: m.internalDate, open: () => store.streamMessage(m) });
    await this.audit.record({ actor: ctx.actor, action: 'hold.export', target: a.username, details: { messages: live, kept: kept.length }, reason });
    return { messages: live, kept: kept.length, stream: mbox(items) };
  }
}
