// Owns: RETR and TOP (RFC 1939 §7): the message as served (core streamMessage: its header prefix,
// then its blob), streamed chunk by chunk with the socket's back-pressure and dot-stuffed on the way
// — never held whole. The first chunk is read before "+OK" is written, so a message whose content
// is gone (expunged meanwhile by IMAP) is a clean -ERR; a stream that fails after "+OK" drops the
// connection (nothing else can be said mid-answer). RETR remembers the message for \Seen at QUIT.
import { TRANSACTION, type CommandSpec } from './types.ts';
import type { TransactionContext } from '../context.ts';
import { Pop3Error } from '../errors.ts';
import { DotStuffer, TopCutter } from '../dot-stuff.ts';

async function send(s: TransactionContext, n: number, top: number | null): Promise<void> {
  const meta = s.maildrop.get(n);
  const stream = s.store.streamMessage(meta);
  const it = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let first: IteratorResult<Buffer>;
  try {
    first = await it.next();
  } catch (e) {
    stream.destroy();
    s.log.warn({ err: (e as Error).message, uid: meta.uid }, 'pop3: message unreadable');
    throw new Pop3Error('Không đọc được thư (có thể đã bị xoá) / message cannot be read (it may have been expunged)', 'SYS/TEMP');
  }
  s.ok(top === null ? `${meta.size} byte / ${meta.size} octets` : 'Phần đầu thư / top of message follows');
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
