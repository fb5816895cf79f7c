// Article 9 at delivery and submission (issue 12). Mail an official submits WITH attachments to a
// free-mail address follows hygiene.freeMail.attachments: 'warn' delivers it and sends the sender
// a notice; 'hold' queues its outbound copy on hold and tells the head of the sender's unit;
// 'allow' does nothing. And every message exchanged with a free-mail domain is counted per day,
// unit and direction (in: from a free-mail sender to our accounts, once per recipient unit; out: a
// submission to a free-mail recipient, once, for the sender's unit) for the Provincial Office's
// report (`report`).
// Owns: the attachment policy and the free-mail counters' meaning; the table is
// repositories/free-mail-counts.ts's.
import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import { addCount, countsBetween, headAccountOf, unitsOfAccounts } from '../storage/repositories/free-mail-counts.ts';
import { hasAttachments, type FreeMailMatcher } from './free-mail.ts';
import type { MimeNode } from './mime/index.ts';
import type { Notices } from './notices.ts';
import { ThutinError } from './errors.ts';

export type AttachmentPolicy = 'warn' | 'hold' | 'allow';

export interface FreeMailReportRow {
  unitId: number | null;
  unitCode: string | null;
  unitName: string | null;
  in: number;
  out: number;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
export const dayOf = (t: number): string => new Date(t).toISOString().slice(0, 10);

export class FreeMailPolicy {
  private readonly now: () => number;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly notices: Notices,
    private readonly opts: { isFreeMail: FreeMailMatcher; attachments: AttachmentPolicy; now?: () => number },
  ) {
    this.now = opts.now ?? Date.now;
  }

  /** The free-mail recipients among these. */
  freeMailOf(recipients: readonly string[]): string[] {
    return recipients.filter((r) => this.opts.isFreeMail(r));
  }

  /** What the attachment policy asks of a submission: hold its outbound copies, and a notice after the commit. */
  onSubmission(s: { accountId: number; username: string; remote: readonly string[]; root: MimeNode; subject: string }): { hold: boolean; after: (queued: number[]) => Promise<void> } {
    const free = this.freeMailOf(s.remote);
    const none = { hold: false, after: async () => {} };
    if (!free.length || this.opts.attachments === 'allow' || !hasAttachments(s.root)) return none;
    if (this.opts.attachments === 'warn') {
      return {
        hold: false,
        after: () =>
          this.notices.send([s.accountId], 'Cảnh báo: gửi tệp đính kèm tới hộp thư miễn phí / Warning: attachments sent to a free-mail address', [
            `Thư "${s.subject}" có tệp đính kèm đã được gửi tới địa chỉ thư miễn phí: ${free.join(', ')}.`,
            'Theo Điều 9 của Quy chế, không dùng hộp thư miễn phí cho công việc: hãy dùng địa chỉ thư công vụ của người nhận.',
            '',
            `The message "${s.subject}" with attachments was sent to a free-mail address: ${free.join(', ')}.`,
            "Article 9 of the rules forbids free-mail for official work: use the recipient's official address.",
          ]),
      };
    }
    return {
      hold: true,
      after: async (queued) => {
        const unit = (await unitsOfAccounts(this.db, [s.accountId])).get(s.accountId);
        const head = unit === undefined ? null : await headAccountOf(this.db, unit);
        const ids = queued.map((q) => `#${q}`).join(', ');
        const lines = [
          `Thư "${s.subject}" của ${s.username} có tệp đính kèm gửi tới địa chỉ thư miễn phí (${free.join(', ')}) đang được giữ lại trong hàng đợi (${ids}).`,
          'Quản trị viên cho gửi tiếp bằng `thutin queue release <số>` khi thủ trưởng đơn vị đồng ý, hoặc xoá bằng `thutin queue delete <số>`.',
          '',
          `The message "${s.subject}" from ${s.username} with attachments to a free-mail address (${free.join(', ')}) is held in the queue (${ids}).`,
          'An administrator releases it (`thutin queue release <id>`) when the unit head agrees, or deletes it.',
        ];
        await this.notices.send(head === null ? [s.accountId] : [head, s.accountId], 'Thư có tệp đính kèm tới hộp thư miễn phí đang được giữ / Message with attachments to free-mail held', lines);
      },
    };
  }

  /** Count one message exchanged with a free-mail domain for the units of these accounts (a unit once; 0: none). */
  async count(direction: 'in' | 'out', accountIds: number[]): Promise<void> {
    if (!accountIds.length) return;
    const units = await unitsOfAccounts(this.db, accountIds);
    const day = dayOf(this.now());
    const unitIds = new Set(accountIds.map((a) => units.get(a) ?? 0));
    await this.db.transaction().execute(async (tx) => {
      for (const u of [...unitIds].sort((a, b) => a - b)) await addCount(tx, day, u, direction, 1);
    });
  }

  /** Messages exchanged with free-mail domains per unit over the days [from, to] (YYYY-MM-DD, UTC, inclusive). */
  async report(from: string, to: string): Promise<FreeMailReportRow[]> {
    if (!DAY.test(from) || !DAY.test(to)) throw new ThutinError('VALIDATION_FAILED', 'from/to: YYYY-MM-DD');
    const byUnit = new Map<number, FreeMailReportRow>();
    for (const r of await countsBetween(this.db, from, to)) {
      const row = byUnit.get(r.unitId) ?? { unitId: r.unitId || null, unitCode: r.unitCode, unitName: r.unitName, in: 0, out: 0 };
      row[r.direction] += r.messages;
      byUnit.set(r.unitId, row);
    }
    return [...byUnit.values()];
  }
}
