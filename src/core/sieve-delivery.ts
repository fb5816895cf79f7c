// Sieve at delivery (issue 13, RFC 5228 §2.10): between the plan and the commit of a received
// message, each local recipient's active script decides where its copy goes — kept (where the
// stages put it: INBOX or Junk), filed into folders (created with :create), discarded, redirected
// (locally, or queued for a remote address: Article 9's free-mail rule and the sending limits
// apply; a loop is stopped), rejected (a notice to the sender) — with its IMAP flags. Vacation
// replies and rejection notices follow the commit, once the message is durable, and never fail it.
// A recipient without an active script, or whose script fails at run time, keeps the message.
// Owns: turning Sieve actions into delivery targets and after-commit replies.
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Committed, Copy, DeliveryTarget, StoredContent } from './delivery.ts';
import type { MailStore } from './mailstore.ts';
import type { SieveScriptService } from './sieve-scripts.ts';
import { indexMessage } from './mime/index.ts';
import { run, type SieveAction, type SieveMessage } from './sieve/interpret.ts';
import { sieveMessage } from './sieve/message.ts';
import { vacationRefusal, vacationReply } from './sieve/vacation.ts';

export interface SieveDeliveryDeps {
  scripts: Pick<SieveScriptService, 'active' | 'vacationDue'>;
  store: Pick<MailStore, 'listMailboxes' | 'createMailbox' | 'streamContent' | 'ingest' | 'commit' | 'release'>;
  /** An account's address (its username), null when gone. */
  addressOf(accountId: number): Promise<string | null>;
  /** The account a local address delivers to, null when none; whether a domain is ours. */
  localAccount(address: string): Promise<number | null>;
  isLocalDomain(domain: string): boolean;
  isFreeMail(address: string): boolean;
  /** Counts a redirect against the redirecting account's sending limits: hold its copy when past them. */
  countRedirect(account: { id: number; username: string }): Promise<{ hold: boolean }>;
  hostname: string;
  maxRedirects: number;
  log: Logger;
  now?: () => Date;
}

export interface SieveFacts {
  /** Envelope sender ('' for the null sender). */
  sender: string;
  content: StoredContent;
  copies: Copy[];
  /** Blob bytes every copy's prefix replaces (the plan's prefixReplaces). */
  prefixReplaces: number;
}

const REDIRECT_MARK = 'x-thutin-sieve-redirect';

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export class SieveDelivery {
  private readonly now: () => Date;
  constructor(private readonly deps: SieveDeliveryDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async beforeCommit(f: SieveFacts): Promise<{ copies: Copy[]; after: (c: Committed) => Promise<void> }> {
    const afters: Array<() => Promise<void>> = [];
    const out: Copy[] = [];
    let body: Buffer | null = null; // the blob, read once if a script asks for the body
    for (const copy of f.copies) {
      const keep: DeliveryTarget[] = [];
      const extra: Copy[] = [];
      for (const t of copy.local ?? []) {
        const active = await this.deps.scripts.active(t.accountId);
        const address = active ? await this.deps.addressOf(t.accountId) : null;
        if (!active || !address) {
          keep.push(t);
          continue;
        }
        try {
          const prefix = copy.headerPrefix ?? Buffer.alloc(0);
          // The header section the ingest kept is enough unless the script reads the body (or the header was too large to keep).
          const needsBody = active.script.requires.has('body') || !f.content.header;
          if (needsBody && !body) body = await readAll(this.deps.store.streamContent(f.content));
          const raw = Buffer.concat([prefix, (needsBody ? body! : f.content.header!).subarray(f.prefixReplaces)]);
          const msg = sieveMessage(raw, indexMessage(raw), { from: f.sender, to: address }, prefix.length + f.content.size - f.prefixReplaces);
          if (msg.header(REDIRECT_MARK).some((v) => v.toLowerCase().includes(address.toLowerCase()))) {
            keep.push(t); // it came back through this account's own redirect: deliver, do not loop
            continue;
          }
          const folders = new Set((await this.deps.store.listMailboxes(t.accountId)).map((m) => m.name));
          const result = run(active.script, msg, { now: this.now(), mailboxExists: (n) => folders.has(n), maxRedirects: this.deps.maxRedirects });
          if (result.error) this.deps.log.info({ account: address, script: active.name, error: result.error }, 'Sieve script failed at run time: implicit keep');
          await this.apply(result.actions, t, address, copy, msg, f, folders, keep, extra, afters);
        } catch (e) {
          this.deps.log.warn({ err: e, accountId: t.accountId }, 'Sieve not applied: implicit keep');
          keep.push(t);
        }
      }
      out.push({ ...copy, local: keep }, ...extra);
    }
    return {
      copies: out,
      after: async () => {
        for (const a of afters) {
          try {
            await a();
          } catch (e) {
            this.deps.log.warn({ err: e }, 'Sieve reply after the commit failed');
          }
        }
      },
    };
  }

  private async apply(
    actions: SieveAction[],
    t: DeliveryTarget,
    address: string,
    copy: Copy,
    msg: SieveMessage,
    f: SieveFacts,
    folders: Set<string>,
    keep: DeliveryTarget[],
    extra: Copy[],
    afters: Array<() => Promise<void>>,
  ): Promise<void> {
    const seen = new Set<string>();
    const target = (mailbox: string, flags: string[]) => {
      if (seen.has(mailbox.toUpperCase())) return;
      seen.add(mailbox.toUpperCase());
      keep.push({ ...t, mailbox, flags: [...(t.flags ?? []), ...flags], orInbox: true });
    };
    for (const a of actions) {
      switch (a.type) {
        case 'keep':
          target(t.mailbox ?? 'INBOX', a.flags);
          break;
        case 'fileinto':
          if (!folders.has(a.mailbox) && a.create) {
            try {
              await this.deps.store.createMailbox(t.accountId, a.mailbox);
              folders.add(a.mailbox);
            } catch (e) {
              this.deps.log.info({ err: e, account: address, mailbox: a.mailbox }, 'Sieve fileinto :create failed: INBOX');
            }
          }
          target(folders.has(a.mailbox) ? a.mailbox : 'INBOX', a.flags);
          break;
        case 'discard':
          break;
        case 'redirect': {
          const to = a.address.toLowerCase();
          if (this.deps.isFreeMail(to)) {
            this.deps.log.info({ account: address, to }, 'Sieve redirect to free-mail refused (Article 9): kept');
            target(t.mailbox ?? 'INBOX', []);
            break;
          }
          const mark = Buffer.from(`X-Thutin-Sieve-Redirect: ${address}\r\n`);
          const headerPrefix = Buffer.concat([mark, copy.headerPrefix ?? Buffer.alloc(0)]);
          const domain = to.slice(to.lastIndexOf('@') + 1);
          if (this.deps.isLocalDomain(domain)) {
            const id = await this.deps.localAccount(to);
            if (id !== null) extra.push({ headerPrefix, local: [{ accountId: id, mailbox: 'INBOX' }] });
            else this.deps.log.info({ account: address, to }, 'Sieve redirect to an unknown local address dropped');
          } else {
            const { hold } = await this.deps.countRedirect({ id: t.accountId, username: address });
            extra.push({ headerPrefix, remote: { sender: f.sender, recipients: [to], accountId: t.accountId, hold } });
          }
          break;
        }
        case 'reject':
          if (f.sender) afters.push(() => this.send(this.rejection(msg, a.reason, address), f.sender, null));
          break;
        case 'vacation': {
          const why = vacationRefusal(msg, a, [address]);
          if (why) {
            this.deps.log.debug({ account: address, why }, 'vacation: no reply');
            break;
          }
          afters.push(async () => {
            if (!(await this.deps.scripts.vacationDue(t.accountId, a.handle, f.sender, a.seconds))) return;
            const reply = vacationReply(msg, a, { from: address, now: this.now(), messageId: this.messageId() });
            await this.send(reply, f.sender, t.accountId);
          });
          break;
        }
      }
    }
  }

  private messageId(): string {
    return `<sieve-${this.now().getTime()}-${randomBytes(6).toString('hex')}@${this.deps.hostname}>`;
  }

  /** RFC 5429 §2.1: the refusal goes back to the sender, from the mailer daemon, with the reason. */
  private rejection(msg: SieveMessage, reason: string, address: string): Buffer {
    const subject = `=?UTF-8?B?${Buffer.from('Thư bị từ chối / Message rejected').toString('base64')}?=`;
    const original = msg.header('message-id')[0]?.trim();
    return Buffer.from(
      [
        `From: MAILER-DAEMON@${this.deps.hostname}`,
        `To: <${msg.envelope.from}>`,
        `Subject: ${subject}`,
        `Date: ${this.now().toUTCString().replace('GMT', '+0000')}`,
        `Message-ID: ${this.messageId()}`,
        ...(original ? [`In-Reply-To: ${original}`] : []),
        'Auto-Submitted: auto-replied (rejected)',
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=UTF-8',
        'Content-Transfer-Encoding: 8bit',
        '',
        `Thư của bạn gửi tới <${address}> đã bị người nhận từ chối.`,
        `Your message to <${address}> was rejected by its recipient.`,
        '',
        reason.replace(/\r?\n/g, '\r\n'),
        '',
      ].join('\r\n'),
      'utf8',
    );
  }

  /** Deliver a reply to `to` with the null envelope sender: locally, or through the outbound queue. */
  private async send(raw: Buffer, to: string, accountId: number | null): Promise<void> {
    const content = await this.deps.store.ingest([raw]);
    try {
      const domain = to.slice(to.lastIndexOf('@') + 1).toLowerCase();
      const local = this.deps.isLocalDomain(domain) ? await this.deps.localAccount(to) : null;
      const copy: Copy = local !== null ? { local: [{ accountId: local, mailbox: 'INBOX' }] } : { remote: { sender: '', recipients: [to], accountId } };
      await this.deps.store.commit(content, { copies: [copy] });
    } finally {
      await this.deps.store.release(content);
    }
  }
}
