// Recipient policy shared by both listeners: which domain is ours, whether a local address
// exists (`550 5.1.1`; a leaver's `550 5.1.6` naming whom to contact) and has room (`452 4.2.2`);
// postmaster@ and abuse@ of every local domain always exist (the Provincial Office's role mailbox). Written as core logic, not as a stage, so no
// configuration can turn the inbound port into an open relay or deliver to a missing mailbox.
import type { App } from '../app.ts';
import { normalizeAddress } from '../core/accounts.ts';
import type { SMTPServerAddress, SMTPServerSession } from 'smtp-server';
import { REPLIES, replyError, verdictError, type Reply } from './replies.ts';
import type { Pipeline } from './pipeline.ts';
import { paramsOf, sessionState, sessionView, type Listener } from './session.ts';

export interface AddressParts {
  local: string;
  domain: string;
}

/** Split at the last '@'; the domain lower-cased, a root dot dropped. Null if not an address. */
export function splitAddress(address: string): AddressParts | null {
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return null;
  return {
    local: address.slice(0, at),
    domain: address
      .slice(at + 1)
      .toLowerCase()
      .replace(/\.$/, ''),
  };
}

/** The canonical form we store for a remote recipient: local part as given, domain lower case. */
export function canonicalRemote(address: string): string {
  const p = splitAddress(address);
  return p ? `${p.local}@${p.domain}` : address;
}

/** One of our local domains, or an alias domain of one (src/core/domains.ts). */
export function isLocalDomain(app: App, domain: string): boolean {
  return app.domains.isLocal(domain);
}

/**
 * Resolve a recipient in one of our domains to its account, or throw the SMTP refusal.
 * `incomingSize` is the SIZE= the client declared (0 when unknown).
 */
export async function resolveLocalRecipient(app: App, address: string, incomingSize: number): Promise<number> {
  // x@alias-domain is the mailbox of x@target-domain.
  const canonical = app.domains.canonical(normalizeAddress(address));
  // postmaster@ and abuse@ always exist (RFC 5321 §4.5.1, RFC 2142): never refused, not even when full.
  const role = await app.directory.roleRecipient(canonical);
  if (role) return role.accountId;
  const acct = await app.accounts.resolveRecipient(canonical);
  if (!acct) {
    // A leaver's address with its automatic reply on (core/leaver-reply.ts) takes mail into the
    // retained mailbox, and the reply names whom to write to; without it, the refusal says so.
    const left = await app.directory.leaverContact(canonical);
    if (left) {
      const retained = await app.accounts.byAddress(canonical);
      if (retained && (await app.sieveScripts.active(retained.id))) return retained.id;
      throw replyError(leaverReply(left.contact));
    }
    throw replyError(REPLIES.noSuchRecipient);
  }
  // A quota of 0 means "no limit".
  if (acct.quotaBytes > 0) {
    const used = await app.accounts.usageBytes(acct.id);
    if (used >= acct.quotaBytes || used + incomingSize > acct.quotaBytes) throw replyError(REPLIES.mailboxFull);
  }
  return acct.id;
}

/** 550 5.1.6 (RFC 3463: destination mailbox has moved, no forwarding address) naming whom to contact. */
export function leaverReply(contact: string): Reply {
  return {
    code: 550,
    enhanced: '5.1.6',
    text: `Người nhận đã nghỉ việc hoặc chuyển công tác, địa chỉ này không còn nhận thư; xin liên hệ ${contact} / The recipient has left; this address no longer receives mail, please contact ${contact}`,
  };
}

export function declaredSize(args: Record<string, string | true> | false | undefined): number {
  const s = args ? args.SIZE : undefined;
  return typeof s === 'string' && /^\d{1,20}$/.test(s) ? Number(s) : 0;
}

/** After the core checks: run the configured RCPT stages, then remember the accepted recipient. */
export async function acceptRecipient(pipeline: Pipeline, session: SMTPServerSession, listener: Listener, address: SMTPServerAddress, accountId: number | null): Promise<void> {
  const v = await pipeline.run('rcptTo', {
    session: sessionView(session, listener),
    sender: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
    recipient: address.address,
    params: paramsOf(address),
    localAccountId: accountId,
  });
  if (v.kind === 'reject' || v.kind === 'tempfail') throw verdictError(v);
  sessionState(session).recipients.set(address.address.toLowerCase(), accountId);
}
