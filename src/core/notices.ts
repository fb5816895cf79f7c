// Short notices of the system to local accounts (issue 12: a free-mail attachment warning to its
// sender, a held message to the unit head, a held account to the administrators): a plain
// Vietnamese-then-English message from postmaster@<primary domain> delivered straight into each
// account's INBOX. A notice that cannot be delivered is logged, never thrown.
// Owns: the notice message format.
import type { Logger } from 'pino';
import type { MailStore } from './mailstore.ts';

export class Notices {
  constructor(
    private readonly store: MailStore,
    private readonly log: Logger,
    private readonly opts: { from: string; accountOf: (address: string) => Promise<number | null>; now?: () => number },
  ) {}

  /** The account an address delivers to, null when none. */
  accountOf(address: string): Promise<number | null> {
    return this.opts.accountOf(address);
  }

  /** Deliver one notice to each account's INBOX. */
  async send(accountIds: number[], subject: string, lines: string[]): Promise<void> {
    if (!accountIds.length) return;
    const at = new Date((this.opts.now ?? Date.now)());
    const domain = this.opts.from.split('@')[1];
    const raw = Buffer.from(
      [
        `From: =?UTF-8?B?${Buffer.from('Hệ thống thư điện tử').toString('base64')}?= <${this.opts.from}>`,
        `To: undisclosed-recipients:;`,
        `Subject: =?UTF-8?B?${Buffer.from(subject).toString('base64')}?=`,
        `Date: ${at.toUTCString().replace('GMT', '+0000')}`,
        `Message-ID: <notice-${at.getTime()}-${Math.random().toString(36).slice(2)}@${domain}>`,
        'Auto-Submitted: auto-generated',
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=UTF-8',
        'Content-Transfer-Encoding: 8bit',
        '',
        ...lines,
        '',
      ].join('\r\n'),
      'utf8',
    );
    try {
      const content = await this.store.ingest([raw]);
      try {
        await this.store.deliver(
          content,
          [...new Set(accountIds)].map((accountId) => ({ accountId, mailbox: 'INBOX' })),
        );
      } finally {
        await this.store.release(content);
      }
    } catch (e) {
      this.log.warn({ err: e, accountIds, subject }, 'notice not delivered');
    }
  }
}
