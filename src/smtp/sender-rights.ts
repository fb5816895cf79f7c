// Who a submission client may send as (R8): its own addresses, and the addresses of mailboxes
// delegated to it with `send-as` or `send-on-behalf` (app.delegations, asked for every message,
// so a revoked right takes effect on the next one). Checked on the envelope (MAIL FROM) and on
// the message (From:, Sender:). With only `send-on-behalf` on a From address the message must
// say who sent it: `Sender: <the user>` is added when absent and must be the user when present.
// A From: that two parsers read differently, or whose display name shows another address, is
// refused first (from-field.ts), so the address checked is the address every reader sees.
import type { App } from '../app.ts';
import type { Right } from '../core/delegations.ts';
import type { StoredContent } from '../core/delivery.ts';
import { ERRORS } from '../core/errors.ts';
import { normalizeAddress } from '../core/accounts.ts';
import { readHeader } from './header-fields.ts';
import { checkFromField } from './from-field.ts';
import { replyError, type Reply } from './replies.ts';
import type { AuthUser } from './session.ts';

export const SENDER_NOT_ALLOWED: Reply = {
  code: 550,
  enhanced: '5.7.1',
  text: `${ERRORS.SENDER_NOT_ALLOWED.vi} / ${ERRORS.SENDER_NOT_ALLOWED.en}`,
};

/** A From: field that parsers read differently, or whose display name shows another address (from-field.ts). */
export const FROM_AMBIGUOUS: Reply = {
  code: 550,
  enhanced: '5.7.1',
  text: 'Trường From: không rõ ràng hoặc tên hiển thị chứa một địa chỉ khác / Ambiguous From: field, or its display name shows another address',
};

export interface SenderRights {
  /** The account's own addresses. */
  own: Set<string>;
  /** Delegated addresses → the rights held on their mailbox (send-as and/or send-on-behalf). */
  delegated: Map<string, Right[]>;
}

export async function senderRights(app: App, accountId: number): Promise<SenderRights> {
  const own = new Set(await app.accounts.addresses(accountId));
  const delegated = new Map<string, Right[]>();
  for (const [addr, d] of await app.delegations.sendableAddresses(accountId)) delegated.set(addr, d.rights);
  return { own, delegated };
}

function canonical(app: App, address: string): string {
  return app.domains.canonical(normalizeAddress(address));
}

/** May the envelope sender be `address`: one of the user's, or a mailbox delegated with a send right. */
export function mayUseEnvelope(app: App, r: SenderRights, address: string): boolean {
  const a = canonical(app, address);
  return r.own.has(a) || r.delegated.has(a);
}

/**
 * Check From:/Sender: of a submitted message against the user's rights; returns the header field
 * to add (`Sender:` where send-on-behalf needs it) or null. Throws 550 5.7.1 otherwise.
 */
export async function enforceHeaderSender(app: App, user: AuthUser, content: StoredContent): Promise<string | null> {
  const r = await senderRights(app, user.accountId);
  const h = await readHeader(app, content);
  const refuse = async (why: string, address: string) => {
    app.log.info({ user: user.username, address, why }, 'submission refused: header sender not allowed');
    return replyError(SENDER_NOT_ALLOWED, address);
  };
  if (h.values('from').length > 1) throw await refuse('several From fields', '');
  if (h.values('sender').length > 1) throw await refuse('several Sender fields', '');
  // One reading for every reader: the addresses checked below are the ones mail clients show.
  for (const value of h.values('from')) {
    const verdict = checkFromField(value);
    if (!verdict.ok) {
      app.log.info({ user: user.username, from: value.slice(0, 200), why: verdict.why }, 'submission refused: ambiguous From');
      throw replyError(FROM_AMBIGUOUS);
    }
  }
  const from = h.addresses('from').map((a) => canonical(app, a));
  const sender = h.addresses('sender').map((a) => canonical(app, a));
  let onBehalf = false;
  for (const a of from) {
    if (r.own.has(a)) continue;
    const rights = r.delegated.get(a);
    if (!rights) throw await refuse('From not owned or delegated', a);
    if (!rights.includes('send-as')) onBehalf = true;
  }
  for (const a of sender) {
    // Sender: names who actually sent it — the user, or a mailbox the user may send as.
    if (r.own.has(a)) continue;
    if (!onBehalf && r.delegated.get(a)?.includes('send-as')) continue;
    throw await refuse('Sender not the user', a);
  }
  if (onBehalf && sender.length === 0) return `Sender: <${user.username}>`;
  return null;
}
