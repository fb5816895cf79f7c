// Owns: what a reply, reply-all, forward or a saved draft starts from: recipients, subject, the
// quoted original as editor HTML (its HTML through the compose allow-list, or its text escaped),
// threading headers.
import type { TFunction } from 'i18next';
import type { Email, EmailAddress } from '../api/types.ts';
import { fullAddress, longDate, who } from '../mail/format.ts';
import { escapeHtml, sanitizeCompose, textToHtml } from './html.ts';

export type Mode = 'new' | 'reply' | 'replyAll' | 'forward' | 'draft';

export interface Start {
  to: EmailAddress[];
  cc: EmailAddress[];
  bcc?: EmailAddress[];
  subject: string;
  /** Editor HTML, already safe (html.ts). */
  html: string;
  inReplyTo?: string[];
  references?: string[];
}

function bodyText(e: Email): string {
  return (e.textBody ?? [])
    .map((p) => (p.partId ? (e.bodyValues?.[p.partId]?.value ?? '') : ''))
    .join('\n')
    .trim();
}

/** The original's body as safe editor HTML: its HTML part sanitised, else its text. */
function bodyHtml(e: Email): string {
  const part = e.htmlBody?.find((p) => p.type === 'text/html' && p.partId);
  const html = part?.partId ? e.bodyValues?.[part.partId]?.value : undefined;
  return html !== undefined ? sanitizeCompose(html) : textToHtml(bodyText(e));
}

function prefixed(prefix: string, subject: string | null): string {
  const s = subject ?? '';
  return new RegExp(`^${prefix}:`, 'i').test(s) ? s : `${prefix}: ${s}`;
}

export function startFrom(mode: Mode, e: Email, myAddresses: string[], t: TFunction, lang: string): Start {
  const mine = new Set(myAddresses.map((x) => x.toLowerCase()));
  const date = longDate(e.sentAt ?? e.receivedAt, lang);
  if (mode === 'draft') {
    // A saved draft goes on as it was (its signature already in its text).
    return { to: e.to ?? [], cc: e.cc ?? [], bcc: e.bcc ?? [], subject: e.subject ?? '', html: bodyHtml(e), inReplyTo: e.inReplyTo ?? undefined, references: e.references ?? undefined };
  }
  if (mode === 'forward') {
    const head = [
      t('compose.forwardHeader'),
      `${t('read.from')}: ${(e.from ?? []).map(fullAddress).join(', ')}`,
      `${t('read.date')}: ${date}`,
      `${t('compose.subject')}: ${e.subject ?? ''}`,
      `${t('read.to')}: ${(e.to ?? []).map(fullAddress).join(', ')}`,
    ];
    return { to: [], cc: [], subject: prefixed('Fwd', e.subject), html: `<div>${head.map(escapeHtml).join('<br>')}</div><div><br></div>${bodyHtml(e)}` };
  }
  const replyTo = e.replyTo?.length ? e.replyTo : (e.from ?? []);
  let to = replyTo;
  let cc: EmailAddress[] = [];
  if (mode === 'replyAll') {
    const seen = new Set(to.map((x) => x.email.toLowerCase()));
    const rest = [...(e.to ?? []), ...(e.cc ?? [])].filter((x) => !mine.has(x.email.toLowerCase()) && !seen.has(x.email.toLowerCase()));
    cc = rest.filter((x, i) => rest.findIndex((y) => y.email.toLowerCase() === x.email.toLowerCase()) === i);
    if (to.every((x) => mine.has(x.email.toLowerCase())) && e.to?.length) to = e.to.filter((x) => !mine.has(x.email.toLowerCase()));
  }
  const refs = [...(e.references ?? []), ...(e.messageId ?? [])];
  return {
    to,
    cc,
    subject: prefixed('Re', e.subject),
    html: `<div>${escapeHtml(t('compose.quoteHeader', { date, who: who(e.from) }))}</div><blockquote type="cite">${bodyHtml(e)}</blockquote>`,
    inReplyTo: e.messageId ?? undefined,
    references: refs.length ? refs : undefined,
  };
}
