// The quarantine (issue 12, R5.6): infected messages refused at SMTP but kept for administrators,
// never in a user's folder. Keeping one saves its `contents` row and a `quarantine` row naming the
// blob in one transaction (the row is a reference: core/reclaim.ts never unlinks it meanwhile).
// Administrators list them, read their header section, release one to its original recipients
// (local ones into INBOX, list addresses expanded, remote ones queued from the original sender —
// in one transaction with the row's removal) or delete it; deleting or releasing drops the
// `contents` row when nothing else names it, and the blob goes after the commit. Every step is
// audited (`quarantine.keep`, `quarantine.release`, `quarantine.delete`, and `quarantine.expire`
// past hygiene.virus.quarantineDays, pruned by the store's maintenance); reading is authorised
// by the role table (`quarantine.read`, `quarantine.write`).
// Owns: the quarantine's rules; rows through storage/repositories/quarantine.ts.
import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import { deleteQuarantined, insertQuarantined, listQuarantined, quarantinedBefore, quarantinedById, type QuarantineRow } from '../storage/repositories/quarantine.ts';
import type { AuditLog, ChangeContext } from './audit.ts';
import { writeDelivery, type Copy, type StoredContent } from './delivery.ts';
import { ThutinError } from './errors.ts';
import type { MailStore } from './mailstore.ts';

export type Quarantined = QuarantineRow;

export interface QuarantinedDetail extends Quarantined {
  /** The message's header section as it arrived (our Received first), up to the blank line. */
  headers: string;
}

/** Where a released message's recipients are (the composition root wires it to accounts, directory, lists). */
export interface ReleaseResolver {
  isLocalDomain(domain: string): boolean;
  /** The account a local address delivers to (postmaster@, abuse@ included), null when none. */
  localAccount(address: string): Promise<number | null>;
  /** The members of a distribution list address, null when the address is no list. */
  listMembers(address: string): Promise<string[] | null>;
}

export interface Released {
  id: number;
  delivered: string[];
  queued: string[];
  /** Recipients that no longer exist (an account removed since, a list dissolved). */
  skipped: string[];
}

export interface KeepInput {
  listener: 'inbound' | 'submission';
  sender: string;
  recipients: string[];
  accountId: number | null;
  virus: string;
  remoteAddress: string;
  helo: string;
  smtpQueueId: string;
}

const HEADER_CAP = 256 * 1024;

function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0 ? '' : address.slice(at + 1).toLowerCase();
}

export class QuarantineService {
  private readonly now: () => Date;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly store: MailStore,
    private readonly audit: AuditLog,
    private readonly resolver: ReleaseResolver,
    opts: { now?: () => Date; retentionDays?: number } = {},
  ) {
    this.now = opts.now ?? (() => new Date());
    this.retentionDays = opts.retentionDays ?? 0;
  }

  private readonly retentionDays: number;

  /** Keep an ingested (still pinned) infected message. Returns the quarantine id. */
  async keep(content: StoredContent, input: KeepInput): Promise<number> {
    const at = this.now().getTime();
    return this.db.transaction().execute(async (tx) => {
      await this.store.contents.save(tx, content);
      const id = await insertQuarantined(tx, {
        sha256: content.sha256,
        size: content.size,
        listener: input.listener,
        sender: input.sender,
        recipients: input.recipients,
        accountId: input.accountId,
        virus: input.virus,
        subject: content.index.search.subject ?? '',
        remoteAddress: input.remoteAddress,
        helo: input.helo,
        smtpQueueId: input.smtpQueueId,
        createdAt: at,
      });
      await this.audit.record(
        {
          actor: `smtp:${input.listener}`,
          action: 'quarantine.keep',
          target: `#${id}`,
          details: { virus: input.virus, sender: input.sender, recipients: input.recipients, remote: input.remoteAddress },
        },
        tx,
      );
      return id;
    });
  }

  /** Newest first, a page at a time (`before`: the last id of the previous page). */
  list(opts: { limit?: number; before?: number } = {}): Promise<Quarantined[]> {
    return listQuarantined(this.db, Math.min(Math.max(opts.limit ?? 100, 1), 1000), opts.before);
  }

  async get(id: number): Promise<Quarantined> {
    const q = await quarantinedById(this.db, id);
    if (!q) throw new ThutinError('QUARANTINE_NOT_FOUND', `#${id}`);
    return q;
  }

  /** One kept message with its header section (read from the blob; the body is never shown). */
  async show(id: number): Promise<QuarantinedDetail> {
    const q = await this.get(id);
    const source = { sha256: q.sha256, size: q.size };
    const idx = (await this.store.indexesOf([source])).get(source);
    const end = Math.min(idx ? idx.headerSize : HEADER_CAP, HEADER_CAP, q.size);
    const headers = (await this.store.readMessage(source, 0, end)).toString('utf8');
    return { ...q, headers };
  }

  /**
   * Deliver a kept message to its original recipients, marked as released (an `X-Virus-Scan`
   * field in front naming the virus and who released it), and forget it — one transaction.
   */
  async release(id: number, ctx: ChangeContext): Promise<Released> {
    const q = await this.get(id);
    const local = new Set<number>();
    const remote: string[] = [];
    const delivered: string[] = [];
    const skipped: string[] = [];
    const seenRemote = new Set<string>();
    const add = async (address: string, depth: number): Promise<void> => {
      if (this.resolver.isLocalDomain(domainOf(address))) {
        const accountId = await this.resolver.localAccount(address);
        if (accountId !== null) {
          if (!local.has(accountId)) delivered.push(address);
          local.add(accountId);
          return;
        }
        const members = depth < 1 ? await this.resolver.listMembers(address) : null;
        if (members) {
          for (const m of members) await add(m, depth + 1);
          return;
        }
        skipped.push(address);
      } else if (!seenRemote.has(address.toLowerCase())) {
        seenRemote.add(address.toLowerCase());
        remote.push(address);
      }
    };
    for (const r of q.recipients) await add(r, 0);

    const when = this.now().toUTCString();
    const prefix = Buffer.from(`X-Virus-Scan: infected (${q.virus.replace(/[\r\n]/g, ' ')}); released from quarantine #${q.id} by ${ctx.actor.replace(/[\r\n]/g, ' ')}; ${when}\r\n`, 'utf8');
    const copy: Copy = {
      headerPrefix: prefix,
      local: [...local].map((accountId) => ({ accountId, mailbox: 'INBOX' })),
      remote: remote.length ? { sender: q.sender, recipients: remote, accountId: q.accountId } : null,
    };
    // The kept content's stored index: the commit threads the released copies by it (core/threads.ts).
    const source = { sha256: q.sha256, size: q.size };
    const index = (await this.store.indexesOf([source])).get(source);
    if (!index) throw new ThutinError('QUARANTINE_NOT_FOUND', `#${id}`);
    const content: StoredContent = { ...source, index };
    const { committed, freed } = await this.db.transaction().execute(async (tx) => {
      if (!(await deleteQuarantined(tx, id))) throw new ThutinError('QUARANTINE_NOT_FOUND', `#${id}`);
      const c = await writeDelivery(tx, content, { copies: [copy] }, this.now().getTime());
      await this.audit.record(
        { actor: ctx.actor, action: 'quarantine.release', target: `#${id}`, reason: ctx.reason, details: { virus: q.virus, sender: q.sender, delivered, queued: remote, skipped } },
        tx,
      );
      return { committed: c, freed: await this.store.contents.dropUnreferenced(tx, [q.sha256]) };
    });
    await this.store.contents.reclaim(freed);
    for (const mb of new Set(committed.delivered.map((d) => d.mailboxId))) this.store.events.notify(mb);
    if (committed.queued.length) this.store.onQueued?.();
    return { id, delivered, queued: remote, skipped };
  }

  /**
   * Forget what was kept longer than hygiene.virus.quarantineDays (0: kept until deleted), each
   * audited `quarantine.expire`; run by the store's maintenance (core/maintenance.ts).
   */
  async prune(): Promise<{ removed: number }> {
    if (this.retentionDays <= 0) return { removed: 0 };
    const cutoff = this.now().getTime() - this.retentionDays * 86_400_000;
    let removed = 0;
    for (;;) {
      const due = await quarantinedBefore(this.db, cutoff, 100);
      for (const q of due) {
        const freed = await this.db.transaction().execute(async (tx) => {
          if (!(await deleteQuarantined(tx, q.id))) return [];
          removed++;
          await this.audit.record({ actor: 'thutin', action: 'quarantine.expire', target: `#${q.id}`, details: { virus: q.virus, sender: q.sender, days: this.retentionDays } }, tx);
          return this.store.contents.dropUnreferenced(tx, [q.sha256]);
        });
        await this.store.contents.reclaim(freed);
      }
      if (due.length < 100) return { removed };
    }
  }

  /** Forget a kept message; its blob goes when nothing else names it. */
  async delete(id: number, ctx: ChangeContext): Promise<void> {
    const q = await this.get(id);
    const freed = await this.db.transaction().execute(async (tx) => {
      if (!(await deleteQuarantined(tx, id))) throw new ThutinError('QUARANTINE_NOT_FOUND', `#${id}`);
      await this.audit.record({ actor: ctx.actor, action: 'quarantine.delete', target: `#${id}`, reason: ctx.reason, details: { virus: q.virus, sender: q.sender, recipients: q.recipients } }, tx);
      return this.store.contents.dropUnreferenced(tx, [q.sha256]);
    });
    await this.store.contents.reclaim(freed);
  }
}
