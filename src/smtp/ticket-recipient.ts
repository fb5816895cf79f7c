// The tickets address (`tickets.address`, default baocao@<primary domain>) as an SMTP recipient.
// It is no mailbox: mail to it is handed to the core (`app.tickets.receiveMail`), which files a
// ticket or adds a reply to one. Only our own users may write to it, through authenticated
// submission: the reporter is the signed-in account, never a From: field. The MX refuses it
// (`550 5.7.1`): a local sender cannot be believed there, and outsiders filing tickets would let
// anyone fill the administrators' queue; they report abuse to postmaster@ / abuse@ instead.
// Owns: routing that recipient on both listeners; the rules of tickets are core/tickets.ts's.
import type { SMTPServerSession } from 'smtp-server';
import type { App } from '../app.ts';
import type { StoredContent } from '../core/delivery.ts';
import { normalizeAddress } from '../core/accounts.ts';
import { replyError, type Reply } from './replies.ts';

export const TICKETS_LOCAL_ONLY: Reply = {
  code: 550,
  enhanced: '5.7.1',
  text: 'Địa chỉ báo cáo sự cố chỉ nhận thư của tài khoản trong hệ thống, gửi qua cổng gửi thư có đăng nhập / The incident report address takes mail from our own accounts only, over authenticated submission',
};

/** Per SMTP session: the tickets-address recipients of the current transaction (lower-cased RCPT). */
const bySession = new WeakMap<SMTPServerSession, Set<string>>();

export function ticketRecipients(session: SMTPServerSession): Set<string> {
  let s = bySession.get(session);
  if (!s) {
    s = new Set();
    bySession.set(session, s);
  }
  return s;
}

/** MAIL FROM starts a new transaction. */
export function clearTicketRecipients(session: SMTPServerSession): void {
  bySession.get(session)?.clear();
}

/**
 * Whether `rcpt` is the tickets address; remembered for the end of DATA. Refused with
 * `550 5.7.1` when the sender is not an authenticated account of ours (`authenticated` false: the MX).
 */
export function checkTicketRecipient(app: App, session: SMTPServerSession, rcpt: string, authenticated: boolean): boolean {
  if (!app.tickets.isIntakeAddress(app.domains.canonical(normalizeAddress(rcpt)))) return false;
  if (!authenticated) {
    app.log.info({ session: session.id, rcpt, ip: session.remoteAddress }, 'mail to the tickets address from outside refused');
    throw replyError(TICKETS_LOCAL_ONLY);
  }
  ticketRecipients(session).add(rcpt.toLowerCase());
  return true;
}

/** At the end of DATA: when the tickets address is a recipient, the core files the ticket (or the reply) from the signed-in account. */
export async function fileTicketMail(app: App, session: SMTPServerSession, content: StoredContent, accountId: number): Promise<void> {
  if (!ticketRecipients(session).size) return;
  const r = await app.tickets.receiveMail(content, accountId);
  app.log.info({ session: session.id, ticket: r.ticketId, filed: r.filed }, r.filed ? 'ticket filed by mail' : 'ticket reply by mail');
}
