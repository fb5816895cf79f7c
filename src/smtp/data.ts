// The DATA phase common to both listeners: stream the message into the store behind our
// Received header (never whole in memory, written and fsynced once), refuse it if it is over the
// limit (the stream is drained first), run the `data` hook of the stage pipeline on the stored
// content (stages may add header fields: they are kept beside the blob and served in front of
// it, nothing is copied), ask the listener which copies to make, let the hygiene rules (forwards,
// sending limits, free-mail: core/hygiene.ts) adjust them, and commit them all in one
// transaction. The promise resolves with the queue id only after the commit, so the caller
// sends 250 only for a durable message. A refused message, or a client that goes away mid-DATA,
// leaves nothing behind.
import crypto from 'node:crypto';
import type { SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import type { App } from '../app.ts';
import type { Copy, StoredContent } from '../core/delivery.ts';
import { readHeader } from './header-fields.ts';
import { SizeLimitError } from '../core/mailstore.ts';
import type { Pipeline } from './pipeline.ts';
import { receivedHeader } from './received.ts';
import { REPLIES, replyError, verdictError, type SmtpReplyError } from './replies.ts';
import { sessionView, type Listener } from './session.ts';

const HEADER_READ_CAP = 1024 * 1024;

export interface DataPhase {
  app: App;
  pipeline: Pipeline;
  listener: Listener;
  /**
   * The listener's rules at the end of DATA: which copies to commit (local folders, remote
   * recipients, list copies with their own List-Id). `headerPrefix`: the fields stages added (the
   * listener may put its own in front, e.g. Sender:); `mailbox`: a stage's choice of folder.
   * Throws an SMTP reply error to refuse.
   */
  plan(content: StoredContent, queueId: string, recipients: string[], opts: { headerPrefix: Buffer | null; mailbox?: string; mailboxes?: ReadonlyMap<string, string> }): Promise<Copy[]>;
}

/** Queue ids: 12 upper-case hex digits, unique enough to find a message in the logs. */
export function newQueueId(): string {
  return crypto.randomBytes(6).toString('hex').toUpperCase();
}

class ClientGone extends Error {
  constructor() {
    super('client went away during DATA');
    this.name = 'ClientGone';
  }
}

function isReplyError(e: unknown): e is SmtpReplyError {
  return e instanceof Error && typeof (e as SmtpReplyError).responseCode === 'number';
}

/** Receive, check and deliver one message. Resolves with the queue id; rejects with an SMTP reply error. */
export async function receiveMessage(stream: SMTPServerDataStream, session: SMTPServerSession, phase: DataPhase): Promise<string> {
  const { app, pipeline } = phase;
  const log = app.log.child({ component: 'smtp', listener: phase.listener, session: session.id });
  // Listen from the first moment: smtp-server destroys the stream with an error when the client
  // disconnects mid-message, and only when someone listens (otherwise it just ends it).
  let aborted = false;
  stream.on('error', () => {
    aborted = true;
  });

  const queueId = newQueueId();
  const recipients = session.envelope.rcptTo.map((a) => a.address);
  const sender = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
  const prefix = Buffer.from(
    receivedHeader({
      helo: session.hostNameAppearsAs || '',
      clientHostname: session.clientHostname,
      remoteAddress: session.remoteAddress,
      hostname: app.config.hostname,
      protocol: session.transmissionType,
      queueId,
      recipient: recipients.length === 1 ? recipients[0] : undefined,
    }),
    'latin1',
  );

  let content: StoredContent;
  try {
    content = await app.store.ingest(stream, { maxSize: app.config.smtp.maxMessageSize, prefix });
    if (aborted || !stream.readableEnded) throw new ClientGone();
  } catch (e) {
    if (e instanceof SizeLimitError) {
      log.info({ queueId, bytes: stream.byteLength }, 'message over the size limit refused');
      throw replyError(REPLIES.tooBig);
    }
    if (aborted || e instanceof ClientGone) {
      log.info({ queueId }, 'client went away during DATA; nothing stored');
      throw replyError(REPLIES.tempFailure, 'connection lost');
    }
    log.error({ err: e, queueId }, 'storing a message failed');
    throw replyError(REPLIES.tempFailure);
  }
  const messageSize = content.size - prefix.length;
  let after: (() => Promise<void>) | null = null;
  try {
    if (stream.sizeExceeded) throw replyError(REPLIES.tooBig);
    if (content.index.headerTooLarge) {
      log.info({ queueId, headerBytes: content.index.headerSize }, 'message with an oversized header section refused');
      throw replyError(REPLIES.headerTooBig);
    }
    // Past the MIME structure limits (depth, parts) the rest is kept as an opaque body: accepted.
    if (content.index.truncated) log.info({ queueId, truncated: content.index.truncated }, 'MIME structure past its limits stored as opaque');
    let headerText: Promise<string> | null = null;
    const added: string[] = [];
    const drops: HeaderDrop[] = [];
    let mailbox: string | undefined;
    const mailboxes = new Map<string, string>(); // per recipient (lower case), ahead of `mailbox`
    const verdict = await pipeline.run('data', {
      session: sessionView(session, phase.listener),
      sender,
      recipients,
      queueId,
      content,
      messageSize,
      header: () => (headerText ??= readHeader(app, content).then((h) => h.block.toString('latin1'))),
      open: () => app.store.streamContent(content),
      addHeader: (field) => void added.push(field.replace(/(\r?\n)+$/, '').replace(/\r?\n/g, '\r\n') + '\r\n'),
      dropHeader: (name, test) => void drops.push({ name: name.toLowerCase(), test }),
      setMailbox: (m, rcpt) => void (rcpt === undefined ? (mailbox = m) : mailboxes.set(rcpt.toLowerCase(), m)),
      shared: new Map(),
    });
    if (verdict.kind === 'reject' || verdict.kind === 'tempfail') throw verdictError(verdict);
    const head = await headerPrefix(app, content, prefix, added, drops);
    const planned = await phase.plan(content, queueId, recipients, { headerPrefix: head.prefix, mailbox, mailboxes });
    // Each local recipient's Sieve script (core/sieve-delivery.ts, issue 13), then forwards, sending
    // limits and Article 9's free-mail rules (core/hygiene.ts, issue 12).
    const sieve = await app.sieveDelivery.beforeCommit({ sender, content, copies: planned, prefixReplaces: head.replaces });
    const hygiene = await app.hygiene.beforeCommit({ listener: phase.listener, account: sessionView(session, phase.listener).account, sender, recipients, content, copies: sieve.copies });
    const committed = await app.store.commit(content, { copies: hygiene.copies, prefixReplaces: head.replaces });
    after = async () => {
      await sieve.after(committed);
      await hygiene.after(committed);
    };
  } catch (e) {
    if (isReplyError(e)) throw e;
    // If the commit did happen after all, the release below keeps the blob (a row names it).
    log.error({ err: e, queueId }, 'delivery failed');
    throw replyError(REPLIES.tempFailure);
  } finally {
    // Refused or committed: the blob is unpinned, and removed when no committed row names it.
    await release(app, content);
  }
  // Notices and counters of the hygiene rules: the message is durable; these never fail it.
  if (after) await after();
  log.info({ queueId, from: sender, rcpt: recipients.length, size: messageSize }, 'message accepted');
  return queueId;
}

/**
 * The header fields stages added, to be served in front of the stored blob (RFC 8601 §5 and
 * RFC 7208 §9.1 want Authentication-Results and Received-SPF at the top): nothing is copied.
 * When a stage dropped fields of the client's header (a forged Authentication-Results), the
 * prefix holds the whole new header section — added fields, our Received, the client's fields
 * minus the dropped ones — and replaces the blob's header section.
 */
async function headerPrefix(app: App, content: StoredContent, received: Buffer, fields: string[], drops: HeaderDrop[]): Promise<{ prefix: Buffer | null; replaces: number }> {
  if (!fields.length && !drops.length) return { prefix: null, replaces: 0 };
  const added = Buffer.from(fields.join(''), 'utf8');
  const headerEnd = Math.min(content.index.headerSize, content.size);
  if (drops.length && headerEnd > received.length && headerEnd - received.length <= HEADER_READ_CAP) {
    const header = (await app.store.readContent(content, received.length, headerEnd)).toString('latin1');
    // Most messages carry none of the fields to drop: no need to take the header apart then.
    const lower = header.toLowerCase();
    if (!drops.some((d) => lower.includes(d.name))) return { prefix: added.length ? added : null, replaces: 0 };
    const kept = withoutFields(header, drops);
    if (kept.length !== header.length) return { prefix: Buffer.concat([added, received, Buffer.from(kept, 'latin1')]), replaces: headerEnd };
  }
  return { prefix: added.length ? added : null, replaces: 0 };
}

interface HeaderDrop {
  name: string;
  test?: (value: string) => boolean;
}

/** A header section (fields + blank line) without the fields a stage asked to drop. */
export function withoutFields(header: string, drops: HeaderDrop[]): string {
  const fields = header.split(/(?<=\n)(?=[^ \t])/);
  return fields
    .filter((f) => {
      const colon = f.indexOf(':');
      if (colon <= 0 || /^\r?\n$/.test(f)) return true;
      const name = f.slice(0, colon).trim().toLowerCase();
      const value = f.slice(colon + 1);
      return !drops.some((d) => d.name === name && (!d.test || d.test(value)));
    })
    .join('');
}

/** Done with the ingested blob: unpinned, and removed if nothing was committed that names it. */
async function release(app: App, content: StoredContent): Promise<void> {
  try {
    await app.store.release(content);
  } catch (e) {
    app.log.warn({ err: e, sha256: content.sha256 }, 'could not release a message blob');
  }
}
