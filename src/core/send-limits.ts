// Sending rate limits (issue 12): messages and recipients per hour for each account, with other
// limits for unit mailboxes (hygiene.sendLimits) — a message a delegate sends as a unit mailbox
// counts for both (core/hygiene.ts). Counted at submission in the database (every
// process sees the same count: one `send_log` row per accepted message). An account that goes past
// a limit — a stolen password sending spam — is held: its messages are still accepted but their
// outbound copies are queued on hold (the queue's hold state), the account carries a visible flag
// (`send_holds`: `thutin account send-limit`, GET /api/v1/send-limits), and the administrators are
// told: an audit entry `send-limit.hold` and a notice to postmaster@ and every sysadmin. Clearing
// the flag (audited) releases every held queue entry of the account and starts the count afresh.
// Owns: the limit rules and the hold flag; the tables are repositories/send-limits.ts's.
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../storage/schema.ts';
import { allHolds, deleteHold, holdOf, insertHold, isUnitMailbox, logSend, pruneSends, sentSince, sysadminAccounts, type HoldRow } from '../storage/repositories/send-limits.ts';
import type { AuditLog } from './audit.ts';
import { ThutinError } from './errors.ts';
import type { OutboundQueue } from './queue.ts';
import type { Notices } from './notices.ts';

export interface Limits {
  messagesPerHour: number;
  recipientsPerHour: number;
}

export interface SendLimitOptions {
  account: Limits;
  unitMailbox: Limits;
  /** postmaster@ of the primary domain: told with the sysadmins. */
  postmaster: string;
  /** An account's addresses: mail its delegates sent from them is released with it. */
  addressesOf?: (accountId: number) => Promise<string[]>;
  now?: () => number;
}

export type SendHold = HoldRow;

const HOUR = 3600_000;

export class SendLimits {
  private readonly now: () => number;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly audit: AuditLog,
    private readonly queue: OutboundQueue,
    private readonly notices: Notices,
    private readonly log: Logger,
    private readonly opts: SendLimitOptions,
  ) {
    this.now = opts.now ?? Date.now;
  }

  /**
   * Count one accepted submission of `recipients` recipients. Whether its outbound copies are to be
   * held: the account is held already, or this message takes it past a limit (then it is held now,
   * audited, and the administrators are told).
   */
  async submitted(account: { id: number; username: string }, recipients: number): Promise<{ hold: boolean }> {
    const at = this.now();
    const unit = await isUnitMailbox(this.db, account.id);
    const limits = unit ? this.opts.unitMailbox : this.opts.account;
    const held = await this.db.transaction().execute(async (tx) => {
      await pruneSends(tx, account.id, at - 2 * HOUR);
      await logSend(tx, account.id, at, recipients);
      const sent = await sentSince(tx, account.id, at - HOUR);
      if (await holdOf(tx, account.id)) return { hold: true, now: false, sent };
      if (sent.messages <= limits.messagesPerHour && sent.recipients <= limits.recipientsPerHour) return { hold: false, now: false, sent };
      const now = await insertHold(tx, { accountId: account.id, heldAt: at, messages: sent.messages, recipients: sent.recipients, limitKind: unit ? 'unit-mailbox' : 'account' });
      if (now) {
        await this.audit.record({ actor: 'system:send-limits', action: 'send-limit.hold', target: account.username, details: { ...sent, limits, kind: unit ? 'unit-mailbox' : 'account' } }, tx);
      }
      return { hold: true, now, sent };
    });
    if (held.now) {
      this.log.warn({ account: account.username, ...held.sent }, 'sending limit passed: account held');
      await this.tellAdmins(account.username, held.sent, limits);
    }
    return { hold: held.hold };
  }

  /** Hold an account by hand (a suspicious account an administrator stops at once). Audited; whether it was not held before. */
  async hold(account: { id: number; username: string }, actor: string, reason = ''): Promise<boolean> {
    const at = this.now();
    const sent = await sentSince(this.db, account.id, at - HOUR);
    return this.db.transaction().execute(async (tx) => {
      const now = await insertHold(tx, { accountId: account.id, heldAt: at, messages: sent.messages, recipients: sent.recipients, limitKind: 'manual' });
      if (now) await this.audit.record({ actor, action: 'send-limit.hold', target: account.username, details: { ...sent, kind: 'manual' }, reason }, tx);
      return now;
    });
  }

  /** The hold flag of an account (null: not held). */
  holdOf(accountId: number): Promise<SendHold | null> {
    return holdOf(this.db, accountId);
  }

  /** Every held account. */
  holds(): Promise<SendHold[]> {
    return allHolds(this.db);
  }

  /** Lift the hold and release every held outbound message of the account. Audited. The queue ids released. */
  async clear(account: { id: number; username: string }, actor: string, reason = ''): Promise<number[]> {
    await this.db.transaction().execute(async (tx) => {
      if (!(await deleteHold(tx, account.id))) throw new ThutinError('SEND_HOLD_NOT_FOUND', account.username);
      // Counting starts afresh: the burst that held it must not hold it again at the next message.
      await pruneSends(tx, account.id, this.now() + 1);
      await this.audit.record({ actor, action: 'send-limit.clear', target: account.username, reason }, tx);
    });
    const released: number[] = [];
    const senders = this.opts.addressesOf ? (await this.opts.addressesOf(account.id)).map((a) => a.toLowerCase()) : [];
    for (const id of await this.queue.heldOf(account.id, senders)) {
      await this.queue.release(id, actor);
      released.push(id);
    }
    return released;
  }

  private async tellAdmins(username: string, sent: { messages: number; recipients: number }, limits: Limits): Promise<void> {
    const to = new Set<number>(await sysadminAccounts(this.db));
    const pm = await this.notices.accountOf(this.opts.postmaster);
    if (pm !== null) to.add(pm);
    await this.notices.send([...to], 'Tài khoản bị tạm giữ thư gửi đi / Account held for sending', [
      `Tài khoản ${username} đã gửi ${sent.messages} thư tới ${sent.recipients} người nhận trong một giờ, vượt giới hạn (${limits.messagesPerHour} thư, ${limits.recipientsPerHour} người nhận).`,
      'Thư gửi đi của tài khoản này đang được giữ lại trong hàng đợi. Có thể mật khẩu đã bị lộ: hãy kiểm tra, đổi mật khẩu, rồi gỡ bằng',
      `  thutin account send-limit clear ${username} --reason <văn bản>`,
      '',
      `${username} sent ${sent.messages} messages to ${sent.recipients} recipients within an hour, past the limits (${limits.messagesPerHour} messages, ${limits.recipientsPerHour} recipients).`,
      'Its outbound mail is held in the queue. The password may be stolen: check, change it, then clear with the command above.',
    ]);
  }
}
