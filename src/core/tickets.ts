// Incident tickets (R7.6, R7.7): users report spam, viruses and faults; the network administrators
// (accounts holding `ticket.write`: the `sysadmin` role) work them. A ticket holds its reporter,
// category (spam, virus, fault, other), text, state (new → in_progress → answered → closed; a
// reporter's reply reopens an answered or closed one), assignee, replies (internal notes apart)
// and the reported message as a REFERENCE to its `contents` row (`ticket_messages`): the user may
// expunge it, the row and blob stay until the ticket closes, then go like any last reference.
// Filed by the API (a message named by folder id + UID, or by content id), by mail to the tickets
// address from a local account (`receiveMail`: an attached message becomes the reported one; a
// reply to a notice lands on its ticket), and later by the webmail's report buttons (`file`).
// Every change is audited and the reporter told by a notice in their INBOX (ticket-notices.ts).
// Owns: the ticket life cycle and who may see and change what; rows through
// storage/repositories/tickets.ts.
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { isPostgres, transactor, type Reader, type Transactor, type Tx } from '../storage/tx.ts';
import * as repo from '../storage/repositories/tickets.ts';
import { accountByAddress, accountById } from '../storage/repositories/accounts.ts';
import type { AuditLog } from './audit.ts';
import type { MailStore, StoredContent } from './mailstore.ts';
import type { RoleService, Principal } from './roles.ts';
import { authorize } from './policy.ts';
import { ThutinError } from './errors.ts';
import { decodeEncodedWords } from './mime/index.ts';
import { normalizeAddress } from './accounts.ts';
import { cleanSubject, guessCategory, mailParts, decodeTransfer, partText, replyText, ticketIdOf, TICKET_CATEGORIES, MAX_TEXT, type TicketCategory } from './ticket-mail.ts';
import { noticeMessage, type NoticeKind } from './ticket-notices.ts';

export { TICKET_CATEGORIES, type TicketCategory } from './ticket-mail.ts';
export type TicketState = 'new' | 'in_progress' | 'answered' | 'closed';
export const TICKET_STATES: readonly TicketState[] = ['new', 'in_progress', 'answered', 'closed'];
export type TicketAction = 'take' | 'answer' | 'close' | 'reopen';

/** Who acts on tickets: an account (API, mail) or the operator at the CLI (no account, may do everything). */
export interface TicketActor {
  accountId: number | null;
  /** The address of the account, or the CLI's actor; what replies show as their author. */
  name: string;
  /** The audit entry's actor (`api:<address>`, `mail:<address>`, the CLI's). */
  audit: string;
  /** Sees every ticket, internal notes and reported messages (`ticket.read`). */
  canRead: boolean;
  /** Works tickets (`ticket.write`). */
  canWrite: boolean;
}

/** The message a report names: one of the reporter's messages by folder id and UID, or by its content id (sha256). */
export type MessageRef = { mailboxId: number; uid: number } | { contentId: string };

export type Ticket = repo.TicketRow & { category: TicketCategory; state: TicketState };
export interface TicketDetail {
  ticket: Ticket;
  replies: repo.TicketReplyRow[];
  /** The reported message while it is kept (null once the ticket closed, or when none was named). */
  message: { subject: string; size: number; origin: string } | null;
}

export interface TicketServiceOptions {
  /** The tickets address: mail to it files or answers tickets, notices come from it. */
  address: string;
  now?: () => number;
  log: Logger;
}

export class TicketService {
  private readonly tx: Transactor;
  private readonly now: () => number;
  readonly address: string;

  constructor(
    private readonly db: Reader,
    private readonly store: MailStore,
    private readonly roles: RoleService,
    private readonly audit: AuditLog,
    private readonly opts: TicketServiceOptions,
  ) {
    this.tx = transactor(db);
    this.now = opts.now ?? Date.now;
    this.address = normalizeAddress(opts.address);
  }

  /** The actor of a signed-in principal (the API, the webmail). */
  actorOf(principal: Principal, via = 'api'): TicketActor {
    return {
      accountId: principal.accountId,
      name: principal.username,
      audit: `${via}:${principal.username}`,
      canRead: authorize(principal, 'ticket.read').allowed,
      canWrite: authorize(principal, 'ticket.write').allowed,
    };
  }

  /** The operator at the command line: every ticket, no account of their own. */
  static operator(actor: string): TicketActor {
    return { accountId: null, name: actor, audit: actor, canRead: true, canWrite: true };
  }

  /** Whether a (canonical, lower-case) address is the tickets address. */
  isIntakeAddress(address: string): boolean {
    return normalizeAddress(address) === this.address;
  }

  // ---------------------------------------------------------------- filing

  /** A new ticket from `actor` (the reporter), optionally naming one of their messages, which it keeps until it closes. */
  async file(actor: TicketActor, input: { category: string; text: string; subject?: string; message?: MessageRef }, source = 'api'): Promise<Ticket> {
    if (actor.accountId === null) throw new ThutinError('FORBIDDEN', 'reporter');
    const category = checkCategory(input.category);
    const reporterId = actor.accountId;
    const ref = input.message;
    const write = async (tx: Tx, held: Omit<repo.TicketMessageRow, 'ticketId' | 'createdAt'> | null, subject: string): Promise<number> => {
      const id = await repo.insertTicket(tx, { reporterId, reporter: actor.name, category, subject, body: input.text.slice(0, MAX_TEXT), source, createdAt: this.now() });
      if (held) await repo.insertTicketMessage(tx, { ...held, ticketId: id, createdAt: this.now() });
      await this.audit.record({ actor: actor.audit, action: 'ticket.file', target: `#${id}`, details: { category, source, message: held?.origin ?? null } }, tx);
      return id;
    };
    let id: number;
    if (!ref) id = await this.tx.transaction((tx) => write(tx, null, cleanSubject(input.subject ?? '')));
    else {
      const loc = 'contentId' in ref ? await repo.ownMessageByContent(this.db, reporterId, ref.contentId) : ref;
      const mb = loc ? await this.store.getMailboxById(loc.mailboxId) : null;
      if (!loc || !mb || mb.accountId !== reporterId) throw new ThutinError('TICKET_MESSAGE_NOT_FOUND');
      // Its subject first (no read outside the transaction once it runs: SQLite has one connection).
      const [seen] = await this.store.getMessages(loc.mailboxId, [loc.uid]);
      const msgSubject = seen ? decodeEncodedWords([...(await this.store.indexesOf([seen])).values()][0]?.envelope.subject ?? '') : '';
      // The folder's lock: an expunge waits until the reference is committed, then leaves the content alone.
      id = await this.store.withMessage(loc.mailboxId, loc.uid, async (tx, m) => {
        if (!m) throw new ThutinError('TICKET_MESSAGE_NOT_FOUND');
        const held = {
          sha256: m.sha256,
          size: m.size,
          headerPrefix: m.headerPrefix,
          prefixReplaces: m.prefixReplaces,
          subject: msgSubject.slice(0, 300),
          origin: `folder ${loc.mailboxId} uid ${loc.uid}`,
        };
        return write(tx, held, cleanSubject(input.subject || msgSubject));
      });
    }
    const t = await this.mustGet(id);
    await this.notify(t, 'filed', actor.name);
    return t;
  }

  /**
   * The webmail's "report this message as spam / virus / fault" button (issue 10): the signed-in
   * account, the category, the message (folder id + UID, or content id) and the user's words.
   */
  async report(accountId: number, category: TicketCategory, message: MessageRef, text: string): Promise<Ticket> {
    return this.file(this.actorOf(await this.roles.principal(accountId), 'webmail'), { category, text, message }, 'webmail');
  }

  /**
   * Mail to the tickets address from a local account (submission, authenticated). A reply to a
   * notice (`[#id]` or In-Reply-To) adds a reply to that ticket when the sender is its reporter or
   * works tickets; anything else files a new ticket, its category guessed from the subject, an
   * attached message — else the reporter's own copy of a message forwarded inline (named by
   * X-Forwarded-Message-Id), else the mail itself — kept as the reported message.
   */
  async receiveMail(content: StoredContent, accountId: number): Promise<{ ticketId: number | null; filed: boolean }> {
    const principal = await this.roles.principal(accountId);
    const actor = this.actorOf(principal, 'mail');
    const idx = content.index;
    // An automatic answer (an absence reply to one of our notices) files nothing: no loop of notices.
    const auto = /^auto-submitted:\s*(\S+)/im.exec(idx.search.headers ?? '')?.[1]?.toLowerCase();
    if (auto && auto !== 'no') {
      this.opts.log.info({ accountId, autoSubmitted: auto }, 'automatic mail to the tickets address ignored');
      return { ticketId: null, filed: false };
    }
    const subject = idx.search.subject ?? '';
    const parts = mailParts(idx);
    const text = parts.text ? partText(parts.text, await this.store.readContent(content, parts.text.bodyStart, parts.text.end)) : (idx.search.body ?? '');
    const references = /^references:\s*(.*)$/im.exec(idx.search.headers ?? '')?.[1] ?? null;
    const answered = ticketIdOf(subject, idx.envelope.inReplyTo, references, this.address.split('@')[1]);
    if (answered !== null) {
      const t = await repo.ticketById(this.db, answered);
      if (t && (t.reporterId === accountId || actor.canWrite)) {
        await this.reply(actor, answered, replyText(text) || '(trống / empty)', { internal: false });
        return { ticketId: answered, filed: false };
      }
    }
    const category = guessCategory(subject);
    // Forwarded inline (Thunderbird names the original in X-Forwarded-Message-Id): the reporter's own copy is the reported message.
    const forwarded = /^x-forwarded-message-id:\s*(<[^>\s]+>)/im.exec(idx.search.headers ?? '')?.[1];
    const own = !parts.attached && forwarded ? await repo.ownMessageByMessageId(this.db, accountId, forwarded) : null;
    if (own) {
      const t = await this.file(actor, { category, text: text.trim(), subject: cleanSubject(subject), message: own }, 'mail');
      return { ticketId: t.id, filed: true };
    }
    let inner: StoredContent | null = null;
    if (parts.attached) {
      const n = parts.attached;
      inner = await this.store.ingest([decodeTransfer(await this.store.readContent(content, n.bodyStart, n.end), n.encoding)]);
    }
    try {
      const held = inner ?? content;
      const heldSubject = (inner ? inner.index.search.subject : subject) ?? '';
      const id = await this.tx.transaction(async (tx) => {
        await this.store.contents.save(tx, held);
        const ticketId = await repo.insertTicket(tx, {
          reporterId: accountId,
          reporter: actor.name,
          category,
          subject: cleanSubject(subject),
          body: text.trim().slice(0, MAX_TEXT),
          source: 'mail',
          createdAt: this.now(),
        });
        await repo.insertTicketMessage(tx, {
          ticketId,
          sha256: held.sha256,
          size: held.size,
          headerPrefix: null,
          prefixReplaces: 0,
          subject: heldSubject.slice(0, 300),
          origin: inner ? 'attachment' : 'mail',
          createdAt: this.now(),
        });
        await this.audit.record({ actor: actor.audit, action: 'ticket.file', target: `#${ticketId}`, details: { category, source: 'mail', message: inner ? 'attachment' : 'mail' } }, tx);
        return ticketId;
      });
      await this.notify(await this.mustGet(id), 'filed', actor.name);
      return { ticketId: id, filed: true };
    } finally {
      if (inner) await this.store.release(inner);
    }
  }

  // ---------------------------------------------------------------- reading

  /** Tickets newest first: every ticket (with filters) for `ticket.read`, otherwise the actor's own. */
  async list(actor: TicketActor, f: { state?: string; category?: string; assignee?: string; limit?: number; before?: number } = {}): Promise<Ticket[]> {
    const filter: repo.TicketFilter = { limit: Math.min(f.limit ?? 100, 1000), before: f.before, state: f.state, category: f.category };
    if (!actor.canRead) {
      if (actor.accountId === null) return [];
      filter.reporterId = actor.accountId;
    } else if (f.assignee === 'none') filter.assigneeId = null;
    else if (f.assignee) {
      const a = await accountByAddress(this.db, normalizeAddress(f.assignee));
      if (!a) return [];
      filter.assigneeId = a.id;
    }
    return (await repo.listTickets(this.db, filter)) as Ticket[];
  }

  async get(actor: TicketActor, id: number): Promise<TicketDetail> {
    const t = await this.visible(actor, id);
    const m = await repo.ticketMessage(this.db, id);
    return { ticket: t, replies: await repo.repliesOf(this.db, id, actor.canRead), message: m ? { subject: m.subject, size: m.size, origin: m.origin } : null };
  }

  /** The reported message as it was served to the reporter (header prefix, then blob), while the ticket keeps it. */
  async message(actor: TicketActor, id: number): Promise<{ size: number; stream: Readable }> {
    await this.visible(actor, id);
    const m = await repo.ticketMessage(this.db, id);
    if (!m) throw new ThutinError('TICKET_MESSAGE_RELEASED', `#${id}`);
    // Read the first bytes before answering: a missing blob is a clean error.
    await this.store.readMessage(m, 0, Math.min(m.size, 1));
    return { size: m.size, stream: this.store.streamMessage(m) };
  }

  private async visible(actor: TicketActor, id: number): Promise<Ticket> {
    const t = await repo.ticketById(this.db, id);
    if (!t) throw new ThutinError('TICKET_NOT_FOUND', `#${id}`);
    if (!actor.canRead && t.reporterId !== actor.accountId) throw new ThutinError('FORBIDDEN', `#${id}`);
    return t as Ticket;
  }

  private async mustGet(id: number): Promise<Ticket> {
    const t = await repo.ticketById(this.db, id);
    if (!t) throw new ThutinError('TICKET_NOT_FOUND', `#${id}`);
    return t as Ticket;
  }

  // ---------------------------------------------------------------- changes

  /**
   * A reply. The reporter's (never internal) reopens an answered or closed ticket; one by an
   * administrator (`ticket.write`) is told to the reporter unless it is an internal note.
   */
  async reply(actor: TicketActor, id: number, text: string, opts: { internal?: boolean } = {}): Promise<Ticket> {
    const body = text.trim().slice(0, MAX_TEXT);
    if (!body) throw new ThutinError('VALIDATION_FAILED', 'text');
    let reopened = false;
    let internal = false;
    const t = await this.change(id, async (tx, t) => {
      const reporter = t.reporterId !== null && t.reporterId === actor.accountId;
      if (!reporter && !actor.canWrite) throw new ThutinError('FORBIDDEN', `#${id}`);
      internal = !!opts.internal && actor.canWrite;
      if (opts.internal && !actor.canWrite) throw new ThutinError('FORBIDDEN', 'internal');
      await repo.insertReply(tx, { ticketId: id, authorId: actor.accountId, author: actor.name, body, internal, createdAt: this.now() });
      await this.audit.record({ actor: actor.audit, action: 'ticket.reply', target: `#${id}`, details: { internal, chars: body.length } }, tx);
      if (reporter && !actor.canWrite && (t.state === 'answered' || t.state === 'closed')) {
        reopened = true;
        return this.transitionIn(tx, actor, t, 'reopen');
      }
      return null;
    });
    if (reopened) await this.notify(t, 'reopened', actor.name);
    else if (!internal && actor.accountId !== t.reporterId) await this.notify(t, 'replied', actor.name, body);
    return t;
  }

  /** take, answer (with an optional answer text), close (the reported message is let go), reopen. */
  async transition(actor: TicketActor, id: number, action: TicketAction, text?: string): Promise<Ticket> {
    const answer = text?.trim().slice(0, MAX_TEXT);
    const t = await this.change(id, async (tx, t) => {
      const reporter = t.reporterId !== null && t.reporterId === actor.accountId;
      const reporterMay = action === 'close' || action === 'reopen';
      if (!actor.canWrite && !(reporter && reporterMay)) throw new ThutinError('FORBIDDEN', `#${id}`);
      if (answer && action === 'answer') await repo.insertReply(tx, { ticketId: id, authorId: actor.accountId, author: actor.name, body: answer, internal: false, createdAt: this.now() });
      return this.transitionIn(tx, actor, t, action);
    });
    const kind: Record<TicketAction, NoticeKind> = { take: 'taken', answer: 'answered', close: 'closed', reopen: 'reopened' };
    await this.notify(t, kind[action], actor.name, action === 'answer' ? answer : undefined);
    return t;
  }

  /** Give the ticket to an administrator who works tickets (`ticket.write`), or to nobody (null). */
  async assign(actor: TicketActor, id: number, assignee: string | null): Promise<Ticket> {
    if (!actor.canWrite) throw new ThutinError('FORBIDDEN', `#${id}`);
    let assigneeId: number | null = null;
    let name = '';
    if (assignee) {
      const a = await accountByAddress(this.db, normalizeAddress(assignee));
      if (!a || a.status !== 'active' || !authorize(await this.roles.principal(a.id), 'ticket.write').allowed) throw new ThutinError('TICKET_ASSIGNEE_INVALID', assignee);
      assigneeId = a.id;
      name = a.username;
    }
    const t = await this.change(id, async (tx, t) => {
      if (t.state === 'closed') throw new ThutinError('TICKET_STATE_CONFLICT', `#${id} ${t.state}`);
      await repo.updateTicket(tx, id, { assigneeId, updatedAt: this.now() });
      await this.audit.record({ actor: actor.audit, action: 'ticket.assign', target: `#${id}`, details: { assignee: name || null, from: t.assignee } }, tx);
      return null;
    });
    if (assigneeId !== null) await this.notify(t, 'assigned', name);
    return t;
  }

  /** Run `work` on the locked ticket in one transaction; reclaim what a close let go after the commit; the ticket as it is now. */
  private async change(id: number, work: (tx: Tx, t: Ticket) => Promise<string[] | null>): Promise<Ticket> {
    const freed = await this.tx.transaction(async (tx) => {
      const t = await repo.lockTicket(tx, id, isPostgres(this.db));
      if (!t) throw new ThutinError('TICKET_NOT_FOUND', `#${id}`);
      return (await work(tx, t as Ticket)) ?? [];
    });
    await this.store.contents.reclaim(freed);
    return this.mustGet(id);
  }

  /** One state change inside a transaction, audited; closing drops the message reference (and the content, if that was its last). */
  private async transitionIn(tx: Tx, actor: TicketActor, t: Ticket, action: TicketAction): Promise<string[]> {
    const from = t.state;
    const allowed: Record<TicketAction, TicketState[]> = {
      take: ['new', 'in_progress', 'answered'],
      answer: ['new', 'in_progress'],
      close: ['new', 'in_progress', 'answered'],
      reopen: ['answered', 'closed'],
    };
    if (!allowed[action].includes(from)) throw new ThutinError('TICKET_STATE_CONFLICT', `#${t.id} ${from} → ${action}`);
    if (action === 'take' && actor.accountId === null) throw new ThutinError('TICKET_ASSIGNEE_INVALID', actor.name);
    const now = this.now();
    let to: TicketState;
    let freed: string[] = [];
    if (action === 'take') {
      to = 'in_progress';
      await repo.updateTicket(tx, t.id, { state: to, assigneeId: actor.accountId, updatedAt: now });
    } else if (action === 'answer') {
      to = 'answered';
      await repo.updateTicket(tx, t.id, { state: to, updatedAt: now });
    } else if (action === 'close') {
      to = 'closed';
      await repo.updateTicket(tx, t.id, { state: to, closedAt: now, updatedAt: now });
      const sha = await repo.deleteTicketMessage(tx, t.id);
      if (sha) freed = await this.store.contents.dropUnreferenced(tx, [sha]);
    } else {
      to = t.assigneeId !== null ? 'in_progress' : 'new';
      await repo.updateTicket(tx, t.id, { state: to, closedAt: null, updatedAt: now });
    }
    await this.audit.record({ actor: actor.audit, action: `ticket.${action}`, target: `#${t.id}`, details: { from, to } }, tx);
    return freed;
  }

  // ---------------------------------------------------------------- notices

  /** Tell the reporter (a notice in their INBOX, delivered by the core). Never fails the change. */
  private async notify(t: Ticket, kind: NoticeKind, by: string, text?: string): Promise<void> {
    if (t.reporterId === null) return;
    try {
      const acct = await accountById(this.db, t.reporterId);
      if (!acct || acct.status !== 'active') return;
      const at = new Date(this.now());
      const raw = noticeMessage(
        { kind, ticketId: t.id, subject: t.subject, category: t.category, state: t.state, by, text },
        { from: this.address, to: acct.username, at, unique: `${at.getTime()}-${Math.random().toString(36).slice(2, 10)}` },
      );
      const content = await this.store.ingest([raw]);
      try {
        await this.store.deliver(content, [{ accountId: acct.id, mailbox: 'INBOX' }]);
      } finally {
        await this.store.release(content);
      }
    } catch (e) {
      this.opts.log.warn({ err: e, ticket: t.id, kind }, 'ticket notice not delivered');
    }
  }
}

function checkCategory(c: string): TicketCategory {
  if (!(TICKET_CATEGORIES as readonly string[]).includes(c)) throw new ThutinError('TICKET_CATEGORY_INVALID', c);
  return c as TicketCategory;
}
