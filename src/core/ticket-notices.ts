// The mail a reporter gets about their ticket (core/tickets.ts): one short notice per change —
// filed, taken, assigned, answered (with the answer), a public reply, closed, reopened — in
// Vietnamese then English, from the tickets address (`tickets.address`, default
// baocao@<primary domain>), subject tagged `[#id]`, Message-ID `<ticket-<id>-…@domain>` and
// References to `<ticket-<id>@domain>`, so a reply by mail finds its ticket (ticket-mail.ts).
// Owns: the notices' texts and their RFC 5322 form; delivery is the service's.
import type { TicketCategory } from './ticket-mail.ts';

export type NoticeKind = 'filed' | 'taken' | 'assigned' | 'answered' | 'replied' | 'closed' | 'reopened';

export const CATEGORY_LABEL: Record<TicketCategory, { vi: string; en: string }> = {
  spam: { vi: 'Thư rác', en: 'Spam' },
  virus: { vi: 'Mã độc / virus', en: 'Virus / malware' },
  fault: { vi: 'Sự cố', en: 'Fault' },
  other: { vi: 'Khác', en: 'Other' },
};

export const STATE_LABEL: Record<string, { vi: string; en: string }> = {
  new: { vi: 'mới', en: 'new' },
  in_progress: { vi: 'đang xử lý', en: 'in progress' },
  answered: { vi: 'đã trả lời', en: 'answered' },
  closed: { vi: 'đã đóng', en: 'closed' },
};

export interface NoticeInput {
  kind: NoticeKind;
  ticketId: number;
  subject: string;
  category: TicketCategory;
  state: string;
  /** Who did it (an address or the administrator's name). */
  by: string;
  /** The answer or reply text, when there is one. */
  text?: string;
}

function heading(n: NoticeInput): { vi: string; en: string } {
  const id = `#${n.ticketId}`;
  switch (n.kind) {
    case 'filed':
      return { vi: `Đã nhận báo cáo ${id}`, en: `Report ${id} received` };
    case 'taken':
      return { vi: `Báo cáo ${id} đang được xử lý`, en: `Report ${id} is being handled` };
    case 'assigned':
      return { vi: `Báo cáo ${id} đã được giao cho ${n.by}`, en: `Report ${id} was assigned to ${n.by}` };
    case 'answered':
      return { vi: `Báo cáo ${id} đã được trả lời`, en: `Report ${id} was answered` };
    case 'replied':
      return { vi: `Trả lời mới cho báo cáo ${id}`, en: `New reply on report ${id}` };
    case 'closed':
      return { vi: `Báo cáo ${id} đã đóng`, en: `Report ${id} was closed` };
    case 'reopened':
      return { vi: `Báo cáo ${id} được mở lại`, en: `Report ${id} was reopened` };
  }
}

/** The notice's subject and body lines (Vietnamese first). */
export function noticeText(n: NoticeInput): { subject: string; lines: string[] } {
  const h = heading(n);
  const cat = CATEGORY_LABEL[n.category];
  const st = STATE_LABEL[n.state] ?? { vi: n.state, en: n.state };
  const lines = [`${h.vi}.`, `Loại: ${cat.vi}. Trạng thái: ${st.vi}. Tiêu đề: ${n.subject || '(không có)'}`];
  if (n.kind === 'taken' || n.kind === 'answered' || n.kind === 'replied') lines.push(`Người xử lý: ${n.by}`);
  if (n.text) lines.push('', n.text, '');
  if (n.kind === 'closed') lines.push('Thư được báo cáo không còn được lưu giữ cho báo cáo này.');
  if (n.kind !== 'closed') lines.push('Trả lời thư này để bổ sung thông tin cho báo cáo.');
  lines.push('', `${h.en}.`, `Category: ${cat.en}. State: ${st.en}. Subject: ${n.subject || '(none)'}`);
  if (n.kind === 'taken' || n.kind === 'answered' || n.kind === 'replied') lines.push(`Handled by: ${n.by}`);
  if (n.kind === 'closed') lines.push('The reported message is no longer kept for this report.');
  if (n.kind !== 'closed') lines.push('Reply to this mail to add to your report.');
  return { subject: `[#${n.ticketId}] ${h.vi} / ${h.en}${n.subject ? `: ${n.subject}` : ''}`, lines };
}

const b64word = (s: string) => `=?UTF-8?B?${Buffer.from(s).toString('base64')}?=`;

/** An encoded-word header value folded into words of at most ~45 bytes each (lines under 78). */
function encodeHeader(s: string): string {
  const words: string[] = [];
  let cur = '';
  for (const ch of s) {
    if (Buffer.byteLength(cur + ch) > 45) {
      words.push(b64word(cur));
      cur = '';
    }
    cur += ch;
  }
  if (cur) words.push(b64word(cur));
  return words.join('\r\n ');
}

/** The whole notice as a message (UTF-8 text, 8bit), ready to ingest. */
export function noticeMessage(n: NoticeInput, opts: { from: string; to: string; at: Date; unique: string }): Buffer {
  const { subject, lines } = noticeText(n);
  const domain = opts.from.split('@')[1] ?? 'localhost';
  return Buffer.from(
    [
      `From: ${b64word('Báo cáo sự cố')} <${opts.from}>`,
      `To: <${opts.to}>`,
      `Subject: ${encodeHeader(subject)}`,
      `Date: ${opts.at.toUTCString().replace('GMT', '+0000')}`,
      `Message-ID: <ticket-${n.ticketId}-${opts.unique}@${domain}>`,
      `References: <ticket-${n.ticketId}@${domain}>`,
      `In-Reply-To: <ticket-${n.ticketId}@${domain}>`,
      'Auto-Submitted: auto-generated',
      `X-Thutin-Ticket: ${n.ticketId}`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=UTF-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      ...lines,
      '',
    ].join('\r\n'),
    'utf8',
  );
}
