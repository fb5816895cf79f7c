// The unit mailbox as a shared work queue (issue 10, R8.4): the delegates of a unit mailbox see, on
// each of its messages, whom it is assigned to, whether it is handled and a short internal note;
// every change is kept with who and when (the message's history, and the audit chain).
//
// Who: the unit's head and every account the mailbox is delegated to with `read` or `manage` (and
// the unit mailbox's own account) may see and change the queue; the assignee must be one of them.
// A `read` delegate may not change the message over IMAP, but the queue is the unit's shared
// bookkeeping, not the message: the service writes the keywords itself.
//
// The record is the truth; IMAP and every other client see it as keywords on the message,
// `$Assigned` (someone took it) and `$Handled`, written through the mail store after the record's
// transaction (a failure there is logged and mended by the next change). Rows are keyed by the
// `messages` row: an expunge takes them away (cascade), a copy or move carries them to the new row
// (this service is a mail-store copy hook).
// Owns: the work queue's rules (who may see, change, be assigned; the keywords; carrying on moves);
// rows through storage/repositories/work-queue.ts.
import type { Logger } from 'pino';
import { transactor, type Reader, type Transactor, type Tx } from '../storage/tx.ts';
import * as repo from '../storage/repositories/work-queue.ts';
import type { AuditLog } from './audit.ts';
import type { CopyHook, MailStore } from './mailstore.ts';
import type { DelegationService } from './delegations.ts';
import type { AccountService } from './accounts.ts';
import { ThutinError } from './errors.ts';

export const ASSIGNED_KEYWORD = '$Assigned';
export const HANDLED_KEYWORD = '$Handled';
export const MAX_NOTE = 1000;

/** One message in the queue (a message nobody touched: no assignee, not handled, no note). */
export interface WorkItem {
  mailboxId: number;
  uid: number;
  assignee: string | null;
  handled: boolean;
  note: string;
  updatedAt: number | null;
  updatedBy: string | null;
}

export interface WorkEvent {
  at: number;
  actor: string;
  kind: 'assign' | 'unassign' | 'handled' | 'unhandled' | 'note';
  value: string;
}

export interface WorkPatch {
  /** An address, or null to take the assignment away. */
  assignee?: string | null;
  handled?: boolean;
  note?: string;
}

export interface WorkFilter {
  /** An address; 'none' = nobody took it. */
  assignee?: string;
  handled?: boolean;
}

/** Who may work a unit mailbox's queue. */
export interface WorkQueueMember {
  accountId: number;
  address: string;
  name: string | null;
  isHead: boolean;
}

export interface WorkQueueAccess {
  ownerAccountId: number;
  owner: string;
  unit: { code: string; name: string };
  isHead: boolean;
}

/** The caller as the queue sees them. */
export interface WorkCaller {
  accountId: number;
  address: string;
}

const blank = (mailboxId: number, uid: number): WorkItem => ({ mailboxId, uid, assignee: null, handled: false, note: '', updatedAt: null, updatedBy: null });

function toItem(r: repo.AssignmentRow): WorkItem {
  return { mailboxId: r.mailboxId, uid: r.uid, assignee: r.assignee, handled: r.handled, note: r.note, updatedAt: r.updatedAt, updatedBy: r.updatedBy };
}

export class WorkQueue implements CopyHook {
  private readonly tx: Transactor;
  private readonly now: () => number;

  constructor(
    private readonly db: Reader,
    private readonly store: MailStore,
    private readonly delegations: Pick<DelegationService, 'rightsOn' | 'list'>,
    private readonly accounts: Pick<AccountService, 'byId' | 'byAddress'>,
    private readonly audit: AuditLog,
    private readonly log: Logger,
    opts: { now?: () => number } = {},
  ) {
    this.tx = transactor(db);
    this.now = opts.now ?? Date.now;
  }

  // ------------------------------------------------------------ who

  /** The caller's access to a unit mailbox's queue; FORBIDDEN (or not a unit mailbox) otherwise. */
  async access(caller: WorkCaller, ownerAccountId: number): Promise<WorkQueueAccess> {
    const unit = await repo.unitOfMailbox(this.db, ownerAccountId);
    const owner = await this.accounts.byId(ownerAccountId);
    if (!owner) throw new ThutinError('ACCOUNT_NOT_FOUND', String(ownerAccountId));
    if (!unit) throw new ThutinError('WORK_QUEUE_NOT_UNIT_MAILBOX', owner.username);
    const isHead = unit.headAccountId === caller.accountId;
    if (!isHead) {
      const rights = await this.delegations.rightsOn(ownerAccountId, caller.accountId);
      if (!rights.includes('read') && !rights.includes('manage')) throw new ThutinError('FORBIDDEN', owner.username);
    }
    return { ownerAccountId, owner: owner.username, unit: { code: unit.code, name: unit.name }, isHead };
  }

  /** `access` by the unit mailbox's address. */
  async accessByAddress(caller: WorkCaller, ownerAddress: string): Promise<WorkQueueAccess> {
    const owner = await this.accounts.byAddress(ownerAddress);
    if (!owner) throw new ThutinError('ACCOUNT_NOT_FOUND', ownerAddress);
    return this.access(caller, owner.id);
  }

  /** Whether an account is a unit mailbox the caller may work (for front ends that list accounts). */
  async mayWork(caller: WorkCaller, ownerAccountId: number): Promise<boolean> {
    try {
      await this.access(caller, ownerAccountId);
      return true;
    } catch {
      return false;
    }
  }

  /** The people who may be assigned: the head and the delegates who read the mailbox. */
  async members(caller: WorkCaller, ownerAccountId: number): Promise<WorkQueueMember[]> {
    const a = await this.access(caller, ownerAccountId);
    return this.membersOf(a.ownerAccountId, a.owner);
  }

  private async membersOf(ownerAccountId: number, owner: string): Promise<WorkQueueMember[]> {
    const unit = await repo.unitOfMailbox(this.db, ownerAccountId);
    const out = new Map<number, WorkQueueMember>();
    if (unit?.headAccountId) {
      const head = await this.accounts.byId(unit.headAccountId);
      if (head) out.set(head.id, { accountId: head.id, address: head.username, name: null, isHead: true });
    }
    for (const d of await this.delegations.list(owner)) {
      if (!d.rights.includes('read') && !d.rights.includes('manage')) continue;
      if (!out.has(d.granteeAccountId)) out.set(d.granteeAccountId, { accountId: d.granteeAccountId, address: d.grantee, name: null, isHead: false });
    }
    const names = await repo.namesOfAccounts(this.db, [...out.keys()]);
    return [...out.values()].map((m) => ({ ...m, name: names.get(m.accountId) ?? null })).sort((x, y) => Number(y.isHead) - Number(x.isHead) || x.address.localeCompare(y.address));
  }

  // ------------------------------------------------------------ reading

  private async folderOwner(mailboxId: number): Promise<number> {
    const f = await this.store.getMailboxById(mailboxId);
    if (!f) throw new ThutinError('MAILBOX_NOT_FOUND', String(mailboxId));
    return f.accountId;
  }

  /** The queue state of messages of a folder (those nobody touched as blank items). */
  async items(caller: WorkCaller, mailboxId: number, uids: number[]): Promise<WorkItem[]> {
    await this.access(caller, await this.folderOwner(mailboxId));
    const rows = new Map((await repo.assignmentsOf(this.db, mailboxId, uids)).map((r) => [r.uid, r]));
    return uids.map((uid) => {
      const r = rows.get(uid);
      return r ? toItem(r) : blank(mailboxId, uid);
    });
  }

  /** A message's item and its history. */
  async item(caller: WorkCaller, mailboxId: number, uid: number): Promise<WorkItem & { history: WorkEvent[] }> {
    await this.access(caller, await this.folderOwner(mailboxId));
    const [r] = await repo.assignmentsOf(this.db, mailboxId, [uid]);
    if (!r) {
      if ((await this.store.getMessages(mailboxId, [uid])).length === 0) throw new ThutinError('WORK_ITEM_NOT_FOUND', `${mailboxId}/${uid}`);
      return { ...blank(mailboxId, uid), history: [] };
    }
    return { ...toItem(r), history: (await repo.eventsOf(this.db, r.id)) as WorkEvent[] };
  }

  /**
   * The messages of a folder of a unit mailbox that match a filter (the head's view of the queue:
   * what is whose, what is still open), newest first, with their items.
   */
  async query(caller: WorkCaller, mailboxId: number, filter: WorkFilter = {}): Promise<WorkItem[]> {
    await this.access(caller, await this.folderOwner(mailboxId));
    const rows = new Map((await repo.assignmentsOf(this.db, mailboxId)).map((r) => [r.uid, r]));
    const wantAssignee = filter.assignee === undefined ? undefined : filter.assignee.toLowerCase();
    const out: WorkItem[] = [];
    const metas = await this.store.listFlags(mailboxId);
    for (let i = metas.length - 1; i >= 0; i--) {
      const uid = metas[i].uid;
      const r = rows.get(uid);
      const item = r ? toItem(r) : blank(mailboxId, uid);
      if (filter.handled !== undefined && item.handled !== filter.handled) continue;
      if (wantAssignee !== undefined && (wantAssignee === 'none' ? item.assignee !== null : item.assignee !== wantAssignee)) continue;
      out.push(item);
    }
    return out;
  }

  // ------------------------------------------------------------ changing

  /** Assign, hand back, mark handled or not, or change the note of one message; returns the item. */
  async update(caller: WorkCaller, mailboxId: number, uid: number, patch: WorkPatch): Promise<WorkItem> {
    const ownerAccountId = await this.folderOwner(mailboxId);
    const a = await this.access(caller, ownerAccountId);
    if (patch.note !== undefined && patch.note.length > MAX_NOTE) throw new ThutinError('WORK_QUEUE_NOTE_TOO_LONG');
    let assigneeId: number | null | undefined;
    let assigneeAddress: string | null = null;
    if (patch.assignee !== undefined && patch.assignee !== null) {
      const members = await this.membersOf(ownerAccountId, a.owner);
      const acct = await this.accounts.byAddress(patch.assignee);
      const m = acct ? members.find((x) => x.accountId === acct.id) : undefined;
      if (!m) throw new ThutinError('WORK_QUEUE_ASSIGNEE_INVALID', patch.assignee);
      assigneeId = m.accountId;
      assigneeAddress = m.address;
    } else if (patch.assignee === null) assigneeId = null;
    const at = this.now();
    const result = await this.store.withMessage(mailboxId, uid, async (tx, m) => {
      if (!m) throw new ThutinError('WORK_ITEM_NOT_FOUND', `${mailboxId}/${uid}`);
      const messageId = await repo.messageRowId(tx, mailboxId, uid);
      if (messageId === null) throw new ThutinError('WORK_ITEM_NOT_FOUND', `${mailboxId}/${uid}`);
      const [cur] = await repo.assignmentsOf(tx, mailboxId, [uid]);
      const before = cur ? toItem(cur) : blank(mailboxId, uid);
      const next = {
        assigneeAccountId: assigneeId === undefined ? (cur?.assigneeAccountId ?? null) : assigneeId,
        assignee: assigneeId === undefined ? before.assignee : assigneeAddress,
        handled: patch.handled ?? before.handled,
        note: patch.note === undefined ? before.note : patch.note.trim(),
      };
      const events: repo.AssignmentEventRow[] = [];
      if (next.assigneeAccountId !== (cur?.assigneeAccountId ?? null))
        events.push(next.assignee ? { at, actor: caller.address, kind: 'assign', value: next.assignee } : { at, actor: caller.address, kind: 'unassign', value: '' });
      if (next.handled !== before.handled) events.push({ at, actor: caller.address, kind: next.handled ? 'handled' : 'unhandled', value: '' });
      if (next.note !== before.note) events.push({ at, actor: caller.address, kind: 'note', value: next.note });
      if (!events.length) return { item: before, changed: false };
      const values = { assigneeAccountId: next.assigneeAccountId, handled: next.handled, note: next.note, updatedAt: at, updatedBy: caller.address };
      const id = cur ? cur.id : await repo.insertAssignment(tx, { messageId, ownerAccountId, ...values });
      if (cur) await repo.updateAssignment(tx, id, values);
      await repo.insertEvents(tx, id, events);
      await this.audit.record(
        {
          actor: caller.address,
          action: 'workqueue.update',
          target: a.owner,
          details: { mailboxId, uid, changes: events.map((e) => (e.kind === 'note' ? { kind: e.kind, length: e.value.length } : { kind: e.kind, value: e.value || undefined })) },
        },
        tx,
      );
      return { item: { mailboxId, uid, assignee: next.assignee, handled: next.handled, note: next.note, updatedAt: at, updatedBy: caller.address } as WorkItem, changed: true };
    });
    if (result.changed) await this.mirrorKeywords(mailboxId, uid, result.item);
    return result.item;
  }

  /** The keywords every client sees, set to what the record says. */
  private async mirrorKeywords(mailboxId: number, uid: number, item: WorkItem): Promise<void> {
    try {
      const add = [item.assignee ? ASSIGNED_KEYWORD : null, item.handled ? HANDLED_KEYWORD : null].filter((k): k is string => !!k);
      const remove = [item.assignee ? null : ASSIGNED_KEYWORD, item.handled ? null : HANDLED_KEYWORD].filter((k): k is string => !!k);
      if (add.length) await this.store.storeFlags(mailboxId, [uid], 'add', { mask: 0, keywords: add });
      if (remove.length) await this.store.storeFlags(mailboxId, [uid], 'remove', { mask: 0, keywords: remove });
    } catch (err) {
      this.log.warn({ err, mailboxId, uid }, 'work queue: keywords not mirrored');
    }
  }

  // ------------------------------------------------------------ the mail store's copy hook

  /** A move keeps a message's work and history (its new row); a copy within the unit mailbox gets its own. */
  async copied(tx: Tx, c: { srcMailboxId: number; dstMailboxId: number; moved: boolean; pairs: ReadonlyArray<[number, number]> }): Promise<void> {
    const carry = await repo.pairsToCarry(tx, c.srcMailboxId, c.dstMailboxId, c.pairs);
    if (!carry.length) return;
    const dstOwner = await repo.folderAccount(tx, c.dstMailboxId); // inside the copy's transaction (SQLite has one connection)
    for (const x of carry) {
      if (dstOwner !== x.ownerAccountId) continue; // out of the unit mailbox: the work stays behind (and goes with the source)
      if (c.moved) await repo.repointAssignment(tx, x.assignmentId, x.dstMessageId);
      else await repo.duplicateAssignment(tx, x.assignmentId, x.dstMessageId);
    }
  }
}
