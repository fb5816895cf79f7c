// RFC 5230 (with RFC 3834's rules for automatic responses): whether a vacation action answers a
// message, and the answer itself. Pure: the caller records the reply (one per sender, handle and
// period) and queues it with the null envelope sender.
// Owns: the vacation decision and the reply's format.
import { decodeEncodedWords, parseAddressList } from '../mime/index.ts';
import type { SieveAction, SieveMessage } from './interpret.ts';

type Vacation = Extract<SieveAction, { type: 'vacation' }>;

const NEVER_ANSWER = /^(?:mailer-daemon|postmaster|owner-.*|.*-request|.*-owner|listserv|majordomo|no-?reply|bounces?(?:\+.*)?)$/i;

function addressesIn(msg: SieveMessage, names: string[]): string[] {
  const out: string[] = [];
  for (const n of names) for (const v of msg.header(n)) for (const a of parseAddressList(v) ?? []) if (a.mailbox && a.host) out.push(`${a.mailbox}@${a.host}`.toLowerCase());
  return out;
}

/** Why not to answer (RFC 5230 §4.5, RFC 3834 §2), or null when the message may be answered. */
export function vacationRefusal(msg: SieveMessage, v: Vacation, ownAddresses: string[]): string | null {
  const sender = msg.envelope.from;
  if (!sender) return 'null sender';
  if (NEVER_ANSWER.test(sender.split('@')[0])) return 'system or list sender';
  const auto = msg.header('auto-submitted')[0];
  if (auto && auto.trim().toLowerCase().split(/[\s;]/)[0] !== 'no') return 'auto-submitted';
  if (['list-id', 'list-post', 'list-unsubscribe', 'list-help'].some((h) => msg.header(h).length)) return 'list mail';
  if (msg.header('precedence').some((p) => /^(bulk|list|junk)$/i.test(p.trim()))) return 'bulk';
  if (msg.header('x-auto-response-suppress').some((p) => /\b(all|oof|autoreply)\b/i.test(p))) return 'suppressed';
  const mine = new Set([...ownAddresses, ...v.addresses].map((a) => a.toLowerCase()));
  if (mine.has(sender.toLowerCase())) return 'own address';
  const to = addressesIn(msg, ['to', 'cc', 'bcc', 'resent-to', 'resent-cc', 'resent-bcc']);
  if (!to.some((a) => mine.has(a))) return 'not addressed to the user';
  return null;
}

function encodeWord(s: string): string {
  return /^[\x20-\x7e]*$/.test(s) ? s : `=?UTF-8?B?${Buffer.from(s).toString('base64')}?=`;
}

/** The reply: From the user, To the envelope sender, "Auto: " + subject, threaded, Auto-Submitted: auto-replied. */
export function vacationReply(msg: SieveMessage, v: Vacation, opts: { from: string; now: Date; messageId: string }): Buffer {
  const original = msg.header('subject')[0];
  const subject = v.subject ?? `Auto: ${original ? decodeEncodedWords(original) : ''}`.trim();
  const inReplyTo = msg.header('message-id')[0]?.trim();
  const refs = [msg.header('references')[0]?.trim(), inReplyTo].filter(Boolean).join(' ');
  const head = [
    `From: ${v.from ?? opts.from}`,
    `To: <${msg.envelope.from}>`,
    `Subject: ${encodeWord(subject.replace(/[\r\n]+/g, ' '))}`,
    `Date: ${opts.now.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: ${opts.messageId}`,
    ...(inReplyTo ? [`In-Reply-To: ${inReplyTo}`] : []),
    ...(refs ? [`References: ${refs}`] : []),
    'Auto-Submitted: auto-replied (vacation)',
    'MIME-Version: 1.0',
  ];
  // :mime — the reason is a MIME entity (its own header fields, a blank line, its body).
  const body = v.mime ? v.reason.replace(/\r?\n/g, '\r\n') : ['Content-Type: text/plain; charset=UTF-8', 'Content-Transfer-Encoding: 8bit', '', v.reason.replace(/\r?\n/g, '\r\n')].join('\r\n');
  return Buffer.from(`${head.join('\r\n')}\r\n${body.endsWith('\r\n') ? body : body + '\r\n'}`, 'utf8');
}
