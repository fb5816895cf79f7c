// Notices of requests (issue 11), by mail in Vietnamese with English below, delivered into the
// INBOX of local accounts the way the sign-in notices are (core/sign-in.ts): the requester, the
// approvers (sysadmins and directory managers) and the person concerned are told of a submission,
// a decision, an execution or a failure, and approvers of an overdue request. A notice never holds
// a credential (the one-time code is shown to the head in the app, never mailed); a notice that
// cannot be delivered is logged and does not fail the request.
// Owns: the texts of the notices and their delivery.
import type { Logger } from 'pino';
import type { MailStore } from '../core/mailstore.ts';

export interface NoticeDeps {
  store: Pick<MailStore, 'ingest' | 'deliver' | 'release'>;
  /** An address's account (null: not one of ours, or gone). */
  accountOf: (address: string) => Promise<{ id: number; username: string; status: string } | null>;
  from: string;
  log: Logger;
  now: () => number;
}

export interface Notice {
  subject: string; // Vietnamese / English
  vi: string[];
  en: string[];
}

const b64 = (s: string) => `=?UTF-8?B?${Buffer.from(s).toString('base64')}?=`;

export class RequestNotices {
  constructor(private readonly deps: NoticeDeps) {}

  /** Deliver `notice` to each address once (a disabled account's INBOX too: a leaver's mailbox is kept). Returns the addresses reached. */
  async send(to: Array<string | null | undefined>, notice: Notice, requestId: number): Promise<string[]> {
    const reached: string[] = [];
    const seen = new Set<string>();
    for (const a of to) {
      if (!a || seen.has(a.toLowerCase())) continue;
      seen.add(a.toLowerCase());
      try {
        const acct = await this.deps.accountOf(a);
        if (!acct) continue;
        await this.deliver(acct.id, acct.username, notice, requestId);
        reached.push(acct.username);
      } catch (e) {
        this.deps.log.warn({ err: e, to: a, requestId }, 'thông báo yêu cầu không gửi được / request notice not delivered');
      }
    }
    return reached;
  }

  private async deliver(accountId: number, to: string, n: Notice, requestId: number): Promise<void> {
    const at = new Date(this.deps.now());
    const domain = this.deps.from.split('@')[1];
    const raw = Buffer.from(
      [
        `From: ${b64('Hệ thống thư điện tử')} <${this.deps.from}>`,
        `To: <${to}>`,
        `Subject: ${b64(n.subject)}`,
        `Date: ${at.toUTCString().replace('GMT', '+0000')}`,
        `Message-ID: <request-${requestId}-${at.getTime()}-${accountId}-${Math.random().toString(36).slice(2)}@${domain}>`,
        'Auto-Submitted: auto-generated',
        `X-Thutin-Request: ${requestId}`,
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=UTF-8',
        'Content-Transfer-Encoding: 8bit',
        '',
        ...n.vi,
        '',
        '--',
        ...n.en,
        '',
      ].join('\r\n'),
      'utf8',
    );
    const content = await this.deps.store.ingest([raw]);
    try {
      await this.deps.store.deliver(content, [{ accountId, mailbox: 'INBOX' }]);
    } finally {
      await this.deps.store.release(content);
    }
  }
}
