// The DATA phase common to both listeners: stream the message into the store behind our
// Received header (never whole in memory), refuse it if it is over the limit (the stream is
// drained first), run the `data` hook of the stage pipeline on the stored content (stages may
// add header fields: the message is then copied, streamed, with them below our Received), then
// let the listener deliver it. The promise resolves with the queue id only after delivery committed, so
// the caller sends 250 only for a durable message. A client that goes away mid-DATA leaves
// nothing behind (the blob store removes its temporary file).
import crypto from 'node:crypto';
import type { SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import type { App } from '../app.ts';
import type { StoredContent } from '../core/mailstore.ts';
import { SizeLimitError } from '../storage/blobs.ts';
import type { Pipeline } from './pipeline.ts';
import { receivedHeader } from './received.ts';
import { REPLIES, replyError, verdictError, type SmtpReplyError } from './replies.ts';
import { sessionView, type Listener } from './session.ts';

const HEADER_READ_CAP = 1024 * 1024;

export interface DataPhase {
  app: App;
  pipeline: Pipeline;
  listener: Listener;
  /** Make the content visible / queued; must resolve only once committed. `mailbox`: a stage's choice of folder. */
  deliver(content: StoredContent, queueId: string, recipients: string[], opts?: { mailbox?: string }): Promise<void>;
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
  if (stream.sizeExceeded) {
    await removeOrphan(app, content.sha256);
    throw replyError(REPLIES.tooBig);
  }

  let headerText: Promise<string> | null = null;
  const added: string[] = [];
  const drops: HeaderDrop[] = [];
  let mailbox: string | undefined;
  const verdict = await pipeline.run('data', {
    session: sessionView(session, phase.listener),
    sender,
    recipients,
    queueId,
    content,
    messageSize,
    header: () => (headerText ??= app.store.readBlob(content.sha256, 0, Math.min(content.index.headerSize, content.size, HEADER_READ_CAP)).then((b) => b.toString('latin1'))),
    open: () => app.store.streamBlob(content.sha256),
    addHeader: (field) => void added.push(field.replace(/(\r?\n)+$/, '').replace(/\r?\n/g, '\r\n') + '\r\n'),
    dropHeader: (name, test) => void drops.push({ name: name.toLowerCase(), test }),
    setMailbox: (m) => void (mailbox = m),
    shared: new Map(),
  });
  if (verdict.kind === 'reject' || verdict.kind === 'tempfail') {
    await removeOrphan(app, content.sha256);
    throw verdictError(verdict);
  }
  if (added.length) content = await withAddedHeaders(app, content, prefix, added, drops, log, queueId);

  try {
    await phase.deliver(content, queueId, recipients, { mailbox });
  } catch (e) {
    if (isReplyError(e)) throw e;
    // The blob stays: if the commit did happen after all, the message needs it (a sweep of
    // unreferenced blobs is the store's business).
    log.error({ err: e, queueId }, 'delivery failed');
    throw replyError(REPLIES.tempFailure);
  }
  log.info({ queueId, from: sender, rcpt: recipients.length, size: messageSize }, 'message accepted');
  return queueId;
}

/**
 * The message with header fields added by stages just below our Received header (where an MTA
 * puts its milters' fields, RFC 8601 §5): a new blob (content-addressed, so a copy), streamed
 * from the old one; the old one is removed. On failure a 4xx, never a silent loss of the fields.
 */
async function withAddedHeaders(app: App, content: StoredContent, received: Buffer, fields: string[], drops: HeaderDrop[], log: App['log'], queueId: string): Promise<StoredContent> {
  try {
    const parts = [received, Buffer.from(fields.join(''), 'utf8')];
    let from = received.length;
    const headerEnd = Math.min(content.index.headerSize, content.size);
    if (drops.length && headerEnd > from && headerEnd - from <= HEADER_READ_CAP) {
      // The client's header section, minus the dropped fields, then the body streamed.
      const header = (await app.store.readBlob(content.sha256, from, headerEnd)).toString('latin1');
      parts.push(Buffer.from(withoutFields(header, drops), 'latin1'));
      from = headerEnd;
    }
    const next = await app.store.rewrite(content, Buffer.concat(parts), from);
    await removeOrphan(app, content.sha256);
    return next;
  } catch (e) {
    log.error({ err: e, queueId }, 'adding header fields to a message failed');
    await removeOrphan(app, content.sha256);
    throw replyError(REPLIES.tempFailure);
  }
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

/**
 * A blob refused before delivery is referenced by nothing (our Received header, with its queue
 * id and time, makes the bytes unique), so it is removed unless a content row names it after all.
 */
async function removeOrphan(app: App, sha256: string): Promise<void> {
  try {
    await app.store.removeIfUnreferenced(sha256);
  } catch (e) {
    app.log.warn({ err: e, sha256 }, 'could not remove a refused message blob');
  }
}
