// Delivery status notifications (RFC 3464): a multipart/report; report-type=delivery-status
// with a human part in Vietnamese then English, the machine-readable message/delivery-status
// (one block per recipient: Final-Recipient, Action, Status, Remote-MTA, Diagnostic-Code), and
// the original message's header (text/rfc822-headers). Used for bounces (Action: failed) and
// for the one delay warning (Action: delayed). Sent from the null sender, so a notice is never
// answered by another notice.
import crypto from 'node:crypto';

export interface DsnRecipient {
  recipient: string;
  status: string; // enhanced status code: '5.1.1', '4.4.1'
  reason: string; // the remote's reply or our reason
  remoteMta: string | null; // "name [address]"
  lastAttemptAt: number | null;
}

export interface DsnInput {
  kind: 'failed' | 'delayed';
  /** Our host name (Reporting-MTA, From: MAILER-DAEMON@…). */
  hostname: string;
  /** Where the notice goes (the original envelope sender). */
  to: string;
  queueId: number;
  arrivalDate: number;
  /** For 'delayed': when we stop trying. */
  expiresAt?: number;
  recipients: DsnRecipient[];
  /** The original message's header block. */
  originalHeaders: string;
  now?: number;
}

const CRLF = '\r\n';

/** RFC 2047 encoded words (UTF-8, base64), split on whole characters, folded. */
export function mimeWordEncode(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return text;
  const words: string[] = [];
  let chunk = '';
  for (const ch of text) {
    if (Buffer.byteLength(chunk + ch) > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`).join(CRLF + ' ');
}

function rfc2822Date(ms: number): string {
  // e.g. "Sun, 29 Nov 2026 14:45:40 +0000"
  return new Date(ms).toUTCString().replace('GMT', '+0000');
}

/** Vietnamese date and time for the human part, in the province's time (UTC+7). */
function viDate(ms: number): string {
  const d = new Date(ms + 7 * 3600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCHours())}:${p(d.getUTCMinutes())} ngày ${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} (giờ Việt Nam)`;
}

function base64Lines(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64').replace(/.{76}/g, '$&\r\n').replace(/\r\n$/, '') + CRLF;
}

/** A header field value must not carry a line break from a remote reply. */
function field(s: string): string {
  return s.replace(/[\r\n]+\s*/g, ' ').replace(/[^\x20-\x7e]/g, '?');
}

function humanText(i: DsnInput): string {
  const lines: string[] = [];
  const list = i.recipients.map((r) => `  <${r.recipient}>: ${r.reason}`).join('\n');
  if (i.kind === 'failed') {
    lines.push(
      'Đây là thông báo tự động của hệ thống thư tín điện tử.',
      '',
      'Rất tiếc, thư của quý vị không gửi được tới người nhận dưới đây. Việc gửi đã dừng hẳn;',
      'xin kiểm tra lại địa chỉ người nhận hoặc liên hệ quản trị hệ thống. Phần đầu của thư gốc',
      'được đính kèm.',
      '',
      list,
      '',
      '----------------------------------------------------------------------',
      '',
      'This is an automatic message from the mail system.',
      '',
      'Your message could not be delivered to the recipients below. Delivery has been given up;',
      'please check the addresses or contact the administrator. The original header is attached.',
      '',
      list,
    );
  } else {
    const until = i.expiresAt ?? i.arrivalDate;
    lines.push(
      'Đây là thông báo tự động của hệ thống thư tín điện tử.',
      '',
      `Thư của quý vị gửi lúc ${viDate(i.arrivalDate)} CHƯA tới được người nhận dưới đây.`,
      `Hệ thống vẫn đang tiếp tục thử gửi lại đến ${viDate(until)};`,
      'quý vị KHÔNG cần gửi lại thư này. Nếu đến lúc đó vẫn không gửi được, quý vị sẽ nhận được thông báo.',
      '',
      list,
      '',
      '----------------------------------------------------------------------',
      '',
      'This is an automatic message from the mail system.',
      '',
      `Your message of ${rfc2822Date(i.arrivalDate)} has NOT yet been delivered to the recipients below.`,
      `The system keeps trying until ${rfc2822Date(until)}; you do NOT need to send it again.`,
      'You will be told if it still cannot be delivered by then.',
      '',
      list,
    );
  }
  return lines.join(CRLF).replace(/\r?\n/g, CRLF) + CRLF;
}

function deliveryStatus(i: DsnInput): string {
  const out: string[] = [`Reporting-MTA: dns; ${field(i.hostname)}`, `X-Thutin-Queue-ID: ${i.queueId}`, `Arrival-Date: ${rfc2822Date(i.arrivalDate)}`, ''];
  for (const r of i.recipients) {
    out.push(`Final-Recipient: rfc822; ${field(r.recipient)}`);
    out.push(`Action: ${i.kind}`);
    out.push(`Status: ${field(r.status)}`);
    if (r.remoteMta) out.push(`Remote-MTA: dns; ${field(r.remoteMta.split(' ')[0])}`);
    const reason = field(r.reason);
    const smtpReply = /^\S+ \[[^\]]*\](?::\d+)? (?:\([A-Z ]+\) )?([245]\d\d[ -].*)$/.exec(reason);
    out.push(`Diagnostic-Code: ${smtpReply ? `smtp; ${smtpReply[1]}` : `x-thutin; ${reason}`}`);
    if (r.lastAttemptAt) out.push(`Last-Attempt-Date: ${rfc2822Date(r.lastAttemptAt)}`);
    if (i.kind === 'delayed' && i.expiresAt) out.push(`Will-Retry-Until: ${rfc2822Date(i.expiresAt)}`);
    out.push('');
  }
  return out.join(CRLF);
}

/** Build the notice as a complete RFC 5322 message (CRLF line ends). */
export function buildDsn(i: DsnInput): Buffer {
  const now = i.now ?? Date.now();
  const boundary = `=_thutin_${crypto.randomBytes(12).toString('hex')}`;
  const subject = i.kind === 'failed' ? 'Thư không gửi được / Undelivered Mail Returned to Sender' : 'Thư chưa gửi được, đang thử lại / Delayed Mail (still being retried)';
  const headers = [
    `From: ${mimeWordEncode('Hệ thống thư tín')} <MAILER-DAEMON@${field(i.hostname)}>`,
    `To: <${field(i.to)}>`,
    `Subject: ${mimeWordEncode(subject)}`,
    `Date: ${rfc2822Date(now)}`,
    `Message-ID: <${now}.${crypto.randomBytes(6).toString('hex')}.dsn@${field(i.hostname)}>`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
  ];
  let original = i.originalHeaders.replace(/\r?\n/g, CRLF);
  original = original.replace(/(\r\n)+$/, '') + CRLF;
  const parts = [
    headers.join(CRLF),
    '',
    'This is a MIME-encapsulated delivery status notification (RFC 3464).',
    '',
    `--${boundary}`,
    'Content-Description: Thông báo / Notification',
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(humanText(i)),
    `--${boundary}`,
    'Content-Description: Delivery report',
    'Content-Type: message/delivery-status',
    '',
    deliveryStatus(i),
    `--${boundary}`,
    'Content-Description: Undelivered Message Headers',
    'Content-Type: text/rfc822-headers',
    '',
    original,
    `--${boundary}--`,
    '',
  ];
  return Buffer.from(parts.join(CRLF), 'utf8');
}
