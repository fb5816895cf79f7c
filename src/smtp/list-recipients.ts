// Distribution lists as SMTP recipients, on both listeners: at RCPT a list address is accepted
// only if its sender policy lets the envelope sender post (`550 5.7.1` otherwise); at the end
// of DATA the message is refused if it already carries this list's List-Id (a loop), then each
// list is expanded (app.lists) into its members: local members get a copy in their INBOX and
// remote members are queued, in the same transaction as the message's other recipients. Each
// list's copy carries `List-Id: <name> <local.domain>` (RFC 2919) in its header prefix. Members who are also direct recipients, or on
// two lists of the same message, get one copy. The envelope sender of queued copies stays the
// original sender (bounces go back to whoever posted).
import type { SMTPServerSession } from 'smtp-server';
import type { App } from '../app.ts';
import type { Copy, StoredContent } from '../core/delivery.ts';
import type { DistributionList } from '../directory/lists.ts';
import { ListService } from '../directory/lists.ts';
import { ERRORS } from '../core/errors.ts';
import { normalizeAddress } from '../core/accounts.ts';
import { readHeader, encodeHeaderText, prefixWith } from './header-fields.ts';
import { replyError, type Reply } from './replies.ts';
import { canonicalRemote, splitAddress } from './recipients.ts';

export const LIST_POST_REFUSED: Reply = { code: 550, enhanced: '5.7.1', text: `${ERRORS.LIST_POST_REFUSED.vi} / ${ERRORS.LIST_POST_REFUSED.en}` };
export const LIST_LOOP: Reply = { code: 550, enhanced: '5.7.1', text: `${ERRORS.LIST_LOOP.vi} / ${ERRORS.LIST_LOOP.en}` };

/** Per SMTP session: the list recipients of the current transaction (lower-cased RCPT → list). */
const bySession = new WeakMap<SMTPServerSession, Map<string, DistributionList>>();

export function listRecipients(session: SMTPServerSession): Map<string, DistributionList> {
  let m = bySession.get(session);
  if (!m) {
    m = new Map();
    bySession.set(session, m);
  }
  return m;
}

/** MAIL FROM starts a new transaction: forget the lists of the previous one. */
export function clearListRecipients(session: SMTPServerSession): void {
  bySession.get(session)?.clear();
}

/**
 * If `rcpt` is a list address: check the sender may post (throws 550 5.7.1), remember it and
 * return the list; null when it is not a list (the caller goes on with mailbox checks).
 * `authenticated`: the sender was authenticated (submission). On the MX an envelope sender in
 * our own domains is not believed: our users post through submission.
 */
export async function checkListRecipient(app: App, session: SMTPServerSession, rcpt: string, sender: string, authenticated: boolean): Promise<DistributionList | null> {
  const list = await app.lists.get(app.domains.canonical(normalizeAddress(rcpt)));
  if (!list) return null;
  const s = sender ? app.domains.canonical(normalizeAddress(sender)) : '';
  const parts = s ? splitAddress(s) : null;
  const spoofable = !authenticated && parts !== null && app.domains.isLocal(parts.domain);
  const ok = list.senders === 'anyone' || (!spoofable && (await app.lists.mayPost(list.address, s)));
  if (!ok) {
    app.log.info({ session: session.id, list: list.address, sender: s, authenticated }, 'list post refused by its sender policy');
    throw replyError(LIST_POST_REFUSED, list.address);
  }
  listRecipients(session).set(rcpt.toLowerCase(), list);
  return list;
}

interface ListCopy {
  list: DistributionList;
  local: number[];
  remote: string[];
}

/**
 * Refuse a loop, then expand the lists among `recipients`, leaving out members already reached
 * directly (`directLocal` account ids, `directRemote` addresses). Throws 550 5.7.1 on a loop.
 */
export async function planListCopies(
  app: App,
  session: SMTPServerSession,
  content: StoredContent,
  recipients: string[],
  direct: { local: Iterable<number>; remote: Iterable<string> },
): Promise<ListCopy[]> {
  const lists = new Map<string, DistributionList>();
  const known = listRecipients(session);
  for (const r of recipients) {
    const l = known.get(r.toLowerCase());
    if (l) lists.set(l.address, l);
  }
  if (!lists.size) return [];
  const h = await readHeader(app, content);
  const ids = h.values('list-id').join(' ').toLowerCase();
  for (const l of lists.values()) {
    if (ids.includes(`<${ListService.listId(l.address)}>`)) {
      app.log.info({ session: session.id, list: l.address }, 'list loop refused');
      throw replyError(LIST_LOOP, l.address);
    }
  }
  const seenLocal = new Set(direct.local);
  const seenRemote = new Set([...direct.remote].map((a) => a.toLowerCase()));
  const copies: ListCopy[] = [];
  for (const l of lists.values()) {
    const copy: ListCopy = { list: l, local: [], remote: [] };
    const members = await app.lists.expand(l.address);
    // One query for the whole expansion; an address in an alias domain is looked up on its own.
    const accounts = await app.lists.activeAccounts(members);
    for (const m of members) {
      const parts = splitAddress(m);
      if (!parts) continue;
      if (app.domains.isLocal(parts.domain)) {
        const id = accounts.get(m.toLowerCase()) ?? (await app.accounts.resolveRecipient(app.domains.canonical(normalizeAddress(m))))?.id;
        if (id === undefined) {
          app.log.warn({ list: l.address, member: m }, 'list member has no active mailbox; skipped');
          continue;
        }
        if (seenLocal.has(id)) continue;
        seenLocal.add(id);
        copy.local.push(id);
      } else {
        const addr = canonicalRemote(m);
        if (seenRemote.has(addr.toLowerCase())) continue;
        seenRemote.add(addr.toLowerCase());
        copy.remote.push(addr);
      }
    }
    copies.push(copy);
  }
  return copies;
}

/**
 * Each list's copy as a commit step: its List-Id in front of the message's header prefix, local
 * members in the folder a stage chose (or INBOX when a member has none), remote members queued
 * from the original sender.
 */
export function listCopies(copies: ListCopy[], opts: { headerPrefix: Buffer | null; sender: string; accountId: number | null; mailbox?: string }): Copy[] {
  const out: Copy[] = [];
  for (const c of copies) {
    if (!c.local.length && !c.remote.length) continue;
    out.push({
      headerPrefix: prefixWith([`List-Id: ${encodeHeaderText(c.list.name)} <${ListService.listId(c.list.address)}>`], opts.headerPrefix),
      local: c.local.map((accountId) => ({ accountId, mailbox: opts.mailbox ?? 'INBOX', orInbox: true })),
      remote: c.remote.length ? { sender: opts.sender, recipients: c.remote, accountId: opts.accountId } : null,
    });
  }
  return out;
}
