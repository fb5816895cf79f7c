// Reading a mail sent to the tickets address (core/tickets.ts): which ticket it answers (a `[#123]`
// tag in the subject, or In-Reply-To / References naming one of our notices), what category a new
// report is (subject keywords, diacritics folded: "spam"/"thư rác", "virus"/"mã độc", otherwise a
// fault), its text (the first text/plain part outside any attached message, quoted lines of a
// reply dropped), and the attached message (message/rfc822 or message/global) that becomes the
// reported message. Pure functions over the stored index, apart from reading part bytes.
// Owns: the rules of filing by mail; no storage.
import type { MessageIndex, MimeNode } from './mime/index.ts';
import { decodeTransferBody } from './mime/transfer-decoder.ts';
import { decodeBytes } from './mime/charset.ts';
import { foldVietnamese } from './text/fold.ts';

export type TicketCategory = 'spam' | 'virus' | 'fault' | 'other';
export const TICKET_CATEGORIES: readonly TicketCategory[] = ['spam', 'virus', 'fault', 'other'];

/** Longest ticket text kept (characters); the rest of a long mail is cut. */
export const MAX_TEXT = 20000;

/** A category from words of the subject (folded): spam/thư rác, virus/mã độc; otherwise a fault. */
export function guessCategory(subject: string): TicketCategory {
  const s = ` ${foldVietnamese(subject)} `;
  if (/\bspam\b|thu rac|\bjunk\b|lua dao|phishing/.test(s)) return 'spam';
  if (/\bvirus|ma doc|malware|\beicar\b/.test(s)) return 'virus';
  return 'fault';
}

/** The ticket a reply is about: `[#123]` in the subject, else a notice's Message-ID in In-Reply-To / References. */
export function ticketIdOf(subject: string, inReplyTo: string | null, references: string | null, noticeDomain: string): number | null {
  const tag = /\[#(\d{1,12})\]/.exec(subject);
  if (tag) return Number(tag[1]);
  const esc = noticeDomain.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`<ticket-(\\d{1,12})(?:-[^@>]*)?@${esc}>`, 'i');
  for (const h of [inReplyTo, references]) {
    const m = h ? re.exec(h) : null;
    if (m) return Number(m[1]);
  }
  return null;
}

/** The subject without reply / forward prefixes (Re:, Fwd:, TL:, Trả lời:, Chuyển tiếp:) and our tag. */
export function cleanSubject(subject: string): string {
  let s = subject.replace(/\[#\d{1,12}\]/g, ' ').trim();
  for (;;) {
    const next = s.replace(/^\s*(re|fw|fwd|aw|tl|tr|trả lời|chuyển tiếp)\s*:\s*/i, '');
    if (next === s) break;
    s = next;
  }
  return s.replace(/\s+/g, ' ').trim().slice(0, 300);
}

/** A reply's own words: quoted lines (">") and the attribution line before them dropped, trimmed. */
export function replyText(text: string): string {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const out: string[] = [];
  for (const l of lines) {
    if (/^\s*>/.test(l)) continue;
    // "On … wrote:" / "Vào … đã viết:" introduces the quote: the rest is the quoted notice.
    if (/^(on .* wrote:|vào .* (đã )?viết:)\s*$/i.test(l.trim())) break;
    if (/^-----\s*(original message|thư gốc)\s*-----/i.test(l.trim())) break;
    out.push(l);
  }
  return out.join('\n').trim().slice(0, MAX_TEXT);
}

export interface MailParts {
  /** The first text/plain part outside any attached message. */
  text: MimeNode | null;
  /** The first attached message (message/rfc822, message/global). */
  attached: MimeNode | null;
}

/** Walk the structure: the text part and the attached message (not looking inside attached messages). */
export function mailParts(index: MessageIndex): MailParts {
  const out: MailParts = { text: null, attached: null };
  const walk = (n: MimeNode) => {
    if (n.type === 'message' && (n.subtype === 'rfc822' || n.subtype === 'global') && n.message) {
      if (!out.attached) out.attached = n;
      return;
    }
    if (n.children) {
      for (const c of n.children) walk(c);
      return;
    }
    if (!out.text && n.type === 'text' && n.subtype === 'plain' && n.disposition?.type !== 'attachment') out.text = n;
  };
  walk(index.root);
  return out;
}

/** A part body's bytes with its transfer encoding undone. */
export function decodeTransfer(body: Buffer, encoding: string | undefined): Buffer {
  if (!encoding || encoding === '7bit' || encoding === '8bit' || encoding === 'binary') return body;
  return decodeTransferBody(body, encoding);
}

/** The text of a text part as Unicode (its charset, transfer encoding undone), line breaks as "\n". */
export function partText(node: MimeNode, body: Buffer): string {
  return decodeBytes(decodeTransfer(body, node.encoding), node.params.charset ?? null)
    .replace(/\r\n/g, '\n')
    .slice(0, MAX_TEXT);
}
