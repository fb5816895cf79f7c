// Owns: RETR and TOP (RFC 1939 §7): the message as served (its header prefix, then its blob). A
// message up to 64 KB (most mail) is read in one piece (core readMessage) and its whole answer —
// status, stuffed bytes, end line — goes out in one write, as IMAP's FETCH does for small sections;
// a larger one is streamed (core streamMessage) chunk by chunk with the socket's back-pressure and
// dot-stuffed on the way — never held whole. Clients download in order (RETR 1, 2, 3 …): after
// a RETR the next small message is read ahead while the answer travels (one at most, ≤ 64 KB). The first chunk is read before "+OK" is written, so a message whose content
// is gone (expunged meanwhile by IMAP) is a clean -ERR; a stream that fails after "+OK" drops the
// connection (nothing else can be said mid-answer). RETR remembers the message for \Seen at QUIT.
import { TRANSACTION, type CommandSpec } from './types.ts';
import type { TransactionContext } from '../context.ts';
import { Pop3Error } from '../errors.ts';
import { DotStuffer, TopCutter } from '../dot-stuff.ts';

/** Messages up to this size are read whole and answered in one write. */
const WHOLE_MAX = 64 * 1024;

function unreadable(s: TransactionContext, e: unknown, uid: number): Pop3Error {
  s.log.warn({ err: (e as Error).message, uid }, 'pop3: message unreadable');
  return new Pop3Error('Không đọc được thư (có thể đã bị xoá) / message cannot be read (it may have been expunged)', 'SYS/TEMP');
}

function status(size: number, top: number | null): string {
  return top === null ? `+OK ${size} byte / ${size} octets\r\n` : '+OK Phần đầu thư / top of message follows\r\n';
}

/** Start reading message n (if it exists, is not deleted and is small) for the RETR likely to come. */
function readAhead(s: TransactionContext, n: number): void {
  const next = s.maildrop.peek(n);
  if (!next || next.size > WHOLE_MAX) return;
  s.maildrop.setAhead(
    n,
    s.store.readMessage(next).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e)))),
  );
}

async function send(s: TransactionContext, n: number, top: number | null): Promise<void> {
  const meta = s.maildrop.get(n);
  if (meta.size <= WHOLE_MAX) {
    const ahead = s.maildrop.takeAhead(n);
    let bytes: Buffer;
    try {
      const got = ahead ? await ahead : await s.store.readMessage(meta);
      if (got instanceof Error) throw got;
      bytes = got;
    } catch (e) {
      throw unreadable(s, e, meta.uid);
    }
    if (top !== null) bytes = new TopCutter(top).push(bytes).out;
    const stuffer = new DotStuffer();
    s.write(Buffer.concat([Buffer.from(status(meta.size, top)), stuffer.push(bytes), stuffer.end()]));
    if (top === null) {
      s.maildrop.retrieved(n);
      readAhead(s, n + 1);
    }
    return;
  }
  const stream = s.store.streamMessage(meta);
  const it = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let first: IteratorResult<Buffer>;
  try {
    first = await it.next();
  } catch (e) {
    stream.destroy();
    throw unreadable(s, e, meta.uid);
  }
  s.write(Buffer.from(status(meta.size, top)));
  const stuffer = new DotStuffer();
  const cut = top === null ? null : new TopCutter(top);
  try {
    for (let r = first; !r.done; r = await it.next()) {
      let chunk = r.value;
      let done = false;
      if (cut) ({ out: chunk, done } = cut.push(chunk));
      s.write(stuffer.push(chunk));
      if (done || s.isClosed()) break;
      if (s.needsDrain()) await s.drain();
    }
  } catch (e) {
    s.log.warn({ err: (e as Error).message, uid: meta.uid }, 'pop3: message stream failed mid-answer');
    s.abort();
    return;
  } finally {
    stream.destroy();
  }
  s.write(stuffer.end());
  if (top === null) s.maildrop.retrieved(n);
}

export const retr: CommandSpec<'RETR', TRANSACTION> = {
  states: TRANSACTION,
  async handle(s, cmd) {
    await send(s, cmd.msg, null);
  },
};

export const top: CommandSpec<'TOP', TRANSACTION> = {
  states: TRANSACTION,
  async handle(s, cmd) {
    await send(s, cmd.msg, cmd.lines);
  },
};
