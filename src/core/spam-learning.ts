// Teaching rspamd from what users do (R5.5, R7.7): a message moved or copied into a Junk folder is
// spam, one moved out of Junk (anywhere but Trash) is ham. The mail store tells us of every copy
// (MailStore.copyHooks), so IMAP, JMAP and the webmail's report button all teach alike.
// Durable, not in-process: the wish to learn is a row of `spam_learn_queue` written in the SAME
// transaction as the move (a crash, a restart or rspamd being away loses nothing, and nothing is
// learnt for a move that rolled back); a worker then streams each message from the store to
// rspamd's controller (/learnspam, /learnham), audits `spam.learn` and deletes the row. While
// rspamd is away rows wait `hygiene.spam.learnRetryMs` and are tried again. Several thutin
// processes on one PostgreSQL database share the queue: a row is claimed before it is sent.
// Owns: when a copy means spam or ham, and the learn queue's worker; rows through
// storage/repositories/spam.ts.
import type { Logger } from 'pino';
import type { Reader, Tx } from '../storage/tx.ts';
import { transactor, type Transactor } from '../storage/tx.ts';
import * as repo from '../storage/repositories/spam.ts';
import type { AuditLog } from './audit.ts';
import type { CopyHook, MailStore } from './mailstore.ts';
import { RspamdUnavailable, type RspamdClient } from '../hygiene/rspamd.ts';

export interface SpamLearnerOptions {
  retryMs: number;
  now?: () => number;
  /** Rows taken per pass. */
  batch?: number;
  /** After this many failed attempts a row is dropped (audited as failed). */
  maxAttempts?: number;
}

const isJunk = (f: { specialUse: string | null; name: string } | undefined) => !!f && (f.specialUse === '\\Junk' || f.name === 'Junk');
const isTrash = (f: { specialUse: string | null; name: string } | undefined) => !!f && (f.specialUse === '\\Trash' || f.name === 'Trash');

/** What a copy between these folders teaches: spam (into Junk), ham (out of Junk, not to Trash), or nothing. */
export function learnKind(src: { specialUse: string | null; name: string } | undefined, dst: { specialUse: string | null; name: string } | undefined): 'spam' | 'ham' | null {
  if (isJunk(dst) && !isJunk(src)) return 'spam';
  if (isJunk(src) && !isJunk(dst) && !isTrash(dst)) return 'ham';
  return null;
}

export class SpamLearner implements CopyHook {
  private readonly tx: Transactor;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private again = false;
  private stopped = true;

  constructor(
    private readonly db: Reader,
    private readonly store: MailStore,
    private readonly audit: AuditLog,
    private readonly client: RspamdClient | null,
    private readonly log: Logger,
    private readonly opts: SpamLearnerOptions,
  ) {
    this.tx = transactor(db);
    this.now = opts.now ?? Date.now;
  }

  // ------------------------------------------------------------ the mail store's copy hook

  async copied(tx: Tx, c: { srcMailboxId: number; dstMailboxId: number; moved: boolean; pairs: ReadonlyArray<[number, number]> }): Promise<void> {
    if (!this.client) return;
    const folders = await repo.foldersOf(tx, [c.srcMailboxId, c.dstMailboxId]);
    const dst = folders.get(c.dstMailboxId);
    const kind = learnKind(folders.get(c.srcMailboxId), dst);
    if (!kind || !dst) return;
    const at = this.now();
    await repo.enqueueLearn(
      tx,
      c.pairs.map(([, uid]) => ({ accountId: dst.accountId, mailboxId: c.dstMailboxId, uid, kind, at })),
    );
  }

  committed(): void {
    this.wake();
  }

  // ------------------------------------------------------------ the worker

  /** Work the queue now and whenever a move adds to it; retry while rspamd is away. */
  start(): void {
    this.stopped = false;
    this.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => {});
  }

  /** Rows still to be learnt. */
  pending(): Promise<number> {
    return repo.countLearns(this.db);
  }

  private wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.running = this.drain()
      .catch((e: unknown) => this.log.error({ err: e }, 'spam learn queue failed'))
      .finally(() => {
        this.running = null;
        if (this.stopped) return;
        if (this.again) {
          this.again = false;
          this.wake();
        } else this.timer = setTimeout(() => this.wake(), this.opts.retryMs).unref();
      });
  }

  /**
   * One pass over the rows due now: each learnt (or found already learnt) is audited and removed;
   * the first time rspamd is unreachable the rest wait for the retry. Returns what happened.
   */
  async drain(): Promise<{ learned: number; waiting: number; dropped: number }> {
    const out = { learned: 0, waiting: 0, dropped: 0 };
    if (!this.client) return out;
    const max = this.opts.maxAttempts ?? 50;
    for (;;) {
      const now = this.now();
      const rows = await repo.dueLearns(this.db, now, this.opts.batch ?? 50);
      if (!rows.length) return out;
      for (const row of rows) {
        const lease = now + Math.max(this.opts.retryMs, 60_000);
        if (!(await this.tx.transaction((tx) => repo.claimLearn(tx, row, lease)))) continue;
        const r = await this.learnOne(row);
        if (r === 'unavailable') {
          if (row.attempts + 1 >= max) {
            await this.finish(row, 'failed');
            out.dropped++;
          } else {
            await this.tx.transaction((tx) => repo.retryLearnAt(tx, row.id, now + this.opts.retryMs));
            out.waiting++;
          }
          // rspamd is away: leave the rest for the retry (they are due, but not now).
          return out;
        }
        if (r === 'gone') out.dropped++;
        else out.learned++;
      }
    }
  }

  private async learnOne(row: repo.LearnRow): Promise<'learned' | 'already' | 'gone' | 'unavailable'> {
    const [meta] = await this.store.getMessages(row.mailboxId, [row.uid]);
    if (!meta) {
      // Expunged (or moved on) before it was learnt: nothing to teach.
      await this.finish(row, 'gone');
      return 'gone';
    }
    try {
      const r = await this.client!.learn(row.kind, this.store.streamMessage(meta), meta.size);
      await this.finish(row, r);
      return r;
    } catch (e) {
      if (!(e instanceof RspamdUnavailable)) throw e;
      this.log.warn({ err: e.message, id: row.id, attempts: row.attempts + 1 }, 'rspamd could not learn; will retry');
      return 'unavailable';
    }
  }

  private async finish(row: repo.LearnRow, result: 'learned' | 'already' | 'gone' | 'failed'): Promise<void> {
    await this.tx.transaction(async (tx) => {
      await repo.deleteLearn(tx, row.id);
      const owner = (await repo.accountName(tx, row.accountId)) ?? `account:${row.accountId}`;
      await this.audit.record({ actor: 'system:spam-learner', action: 'spam.learn', target: owner, details: { kind: row.kind, mailboxId: row.mailboxId, uid: row.uid, result } }, tx);
    });
  }
}
