// Account forwarding (issue 12): an official may have the mail delivered to their account also
// sent on to one other address, keeping a copy or not. Article 9: never to a free-mail service
// (FORWARD_FREE_MAIL, checked when set and again at delivery, should the list grow). Setting and
// removing are audited. At delivery (`expand`, called by the SMTP DATA phase on the plan it is about
// to commit) each local target with a forward gets a copy for the forward address in the same
// transaction — queued, with the original envelope sender and the copy's header prefix, like a
// list's remote members, or delivered at once when the address is ours — and loses its own copy
// unless it keeps one. Mail a stage sent to Junk is not forwarded. One hop only: a forward to an account that forwards again is not followed.
// Owns: the forwarding rules; its table is repositories/forwarding.ts's.
import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import { deleteForward, forwardOf, forwardsOf, putForward, type ForwardRow } from '../storage/repositories/forwarding.ts';
import type { AuditLog } from './audit.ts';
import type { Copy, DeliveryTarget } from './delivery.ts';
import { ThutinError } from './errors.ts';
import { domainOf, type FreeMailMatcher } from './free-mail.ts';

export interface Forward {
  address: string;
  keepCopy: boolean;
  updatedAt: number;
  updatedBy: string;
}

export interface ForwardingOptions {
  isFreeMail: FreeMailMatcher;
  /** The account an address of ours delivers to (null: not ours, or no such account). */
  localAccount: (address: string) => Promise<number | null>;
  isLocalDomain: (domain: string) => boolean;
  now?: () => number;
}

const ADDRESS = /^[^\s@<>()[\]\\,;:"]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/i;

function toForward(r: ForwardRow): Forward {
  return { address: r.address, keepCopy: r.keepCopy, updatedAt: r.updatedAt, updatedBy: r.updatedBy };
}

export class ForwardingService {
  private readonly now: () => number;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly audit: AuditLog,
    private readonly opts: ForwardingOptions,
  ) {
    this.now = opts.now ?? Date.now;
  }

  async get(accountId: number): Promise<Forward | null> {
    const r = await forwardOf(this.db, accountId);
    return r ? toForward(r) : null;
  }

  /** Forward the account's mail to `address` (refused: free-mail, itself, not an address). Audited. */
  async set(account: { id: number; username: string }, address: string, keepCopy: boolean, actor: string): Promise<Forward> {
    const a = address.trim().toLowerCase();
    if (!ADDRESS.test(a)) throw new ThutinError('FORWARD_INVALID', address);
    if (this.opts.isFreeMail(a)) throw new ThutinError('FORWARD_FREE_MAIL', domainOf(a));
    if (this.opts.isLocalDomain(domainOf(a)) && (await this.opts.localAccount(a)) === account.id) throw new ThutinError('FORWARD_SELF', a);
    const row: ForwardRow = { accountId: account.id, address: a, keepCopy, updatedAt: this.now(), updatedBy: actor };
    await this.db.transaction().execute(async (tx) => {
      await putForward(tx, row);
      await this.audit.record({ actor, action: 'forwarding.set', target: account.username, details: { address: a, keepCopy } }, tx);
    });
    return toForward(row);
  }

  /** Stop forwarding. Audited. */
  async remove(account: { id: number; username: string }, actor: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      if (!(await deleteForward(tx, account.id))) throw new ThutinError('FORWARD_NOT_FOUND', account.username);
      await this.audit.record({ actor, action: 'forwarding.remove', target: account.username }, tx);
    });
  }

  /**
   * The plan with forwards applied: for each copy, its local targets that forward get the copy
   * sent to the forward address too (one remote copy per original copy, envelope sender kept, or
   * a local INBOX target when the address is ours), and lose their own unless they keep one.
   */
  async expand(copies: Copy[], sender: string): Promise<Copy[]> {
    const ids = [...new Set(copies.flatMap((c) => (c.local ?? []).map((t) => t.accountId)))];
    if (!ids.length) return copies;
    const forwards = new Map((await forwardsOf(this.db, ids)).map((f) => [f.accountId, f]));
    if (!forwards.size) return copies;
    const out: Copy[] = [];
    const localOf = new Map<string, number | null>();
    for (const c of copies) {
      const keep: DeliveryTarget[] = [];
      const remote = new Set<string>();
      const local: DeliveryTarget[] = [];
      for (const t of c.local ?? []) {
        const f = forwards.get(t.accountId);
        // Junk (a stage's choice) is not forwarded: spam must not leave under our name.
        if (!f || this.opts.isFreeMail(f.address) || (t.mailbox && t.mailbox.toUpperCase() !== 'INBOX')) {
          keep.push(t);
          continue;
        }
        if (f.keepCopy) keep.push(t);
        if (this.opts.isLocalDomain(domainOf(f.address))) {
          if (!localOf.has(f.address)) localOf.set(f.address, await this.opts.localAccount(f.address));
          const id = localOf.get(f.address);
          if (id !== null && id !== undefined && !keep.some((k) => k.accountId === id) && !local.some((k) => k.accountId === id)) local.push({ accountId: id, mailbox: 'INBOX' });
        } else remote.add(f.address);
      }
      out.push({ ...c, local: keep });
      if (local.length || remote.size) out.push({ headerPrefix: c.headerPrefix, local, remote: remote.size ? { sender, recipients: [...remote], accountId: null } : null });
    }
    return out;
  }
}
