// Owns: writing FETCH responses to the client with bounded memory. A response's body sections
// are not built in memory: each is a BodyRange (served bytes [start, end) of a message) until it
// is written. Small ones (≤ SMALL_LITERAL) are read whole and gathered with the responses around
// them into one socket write of up to FLUSH_AT bytes; larger ones are written as `{n}\r\n` and
// then streamed from the store chunk by chunk, waiting for the socket to drain. So a FETCH of
// 1:* BODY.PEEK[] over gigabytes holds at most FLUSH_AT bytes of small bodies, or one chunk of a
// large one, plus the socket's buffer — whatever the number and size of the messages.
//
// A message's sections are read (small) or opened with their first chunk read (large) before any
// of its response is written, so a message that cannot be read fails the command cleanly (NO).
// Once a literal's length has been sent it must be followed by exactly that many bytes: a store
// stream that fails or yields another length mid-literal leaves nothing sensible to say, and the
// connection is dropped (as Dovecot does). NUL bytes go out as 0x80 (RFC 3501 4.3, as Dovecot).
import type { Logger } from 'pino';
import type { MessageSource } from '../core/served-message.ts';
import type { ImapStore } from './context.ts';
import { WireWriter } from './protocol/serialize.ts';
import { literal, type ImapValue } from './protocol/value.ts';

/** A body section to send as a literal: served bytes [start, end) of a message, read when written. */
export interface BodyRange {
  body: MessageSource;
  start: number;
  end: number;
}

export type FetchValue = ImapValue | BodyRange;

/** Sections up to this size are read whole; larger ones stream. */
export const SMALL_LITERAL = 64 * 1024;
/** Responses gathered into one socket write up to about this many body bytes. */
export const FLUSH_AT = 256 * 1024;
/** At most this many responses gathered into one write (metadata-heavy FETCHes). */
const FLUSH_EVERY = 200;

/**
 * Message bytes read from the store by FETCH and not yet handed to a socket, now and at most,
 * over the process. The structural proof of bounded memory: tests fetch big folders and assert
 * that `peak` stays near FLUSH_AT + one chunk, never near a message's size.
 */
export const fetchBodyBytes = {
  held: 0,
  peak: 0,
  reset(): void {
    this.peak = this.held;
  },
};

function hold(n: number): void {
  fetchBodyBytes.held += n;
  if (fetchBodyBytes.held > fetchBodyBytes.peak) fetchBodyBytes.peak = fetchBodyBytes.held;
}

function release(n: number): void {
  fetchBodyBytes.held -= n;
}

/** What the writer needs of the session. */
export interface FetchSink {
  write(buf: Buffer): void;
  drain(): Promise<void>;
  abort(): void;
  log: Logger;
}

export function isBodyRange(v: FetchValue): v is BodyRange {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'body' in v;
}

interface Opened {
  length: number;
  iterator: AsyncIterator<Buffer>;
  first: Buffer | null;
}

const EMPTY = Buffer.alloc(0);

/**
 * RFC 3501 4.3: an ordinary literal carries no NUL. A body section that has them is sent with
 * each NUL as 0x80, its length unchanged (what Dovecot does; BINARY's literal8 is for raw bytes).
 * The store's buffer is never changed: a copy when there is a NUL, the same buffer otherwise.
 */
export function withoutNuls(buf: Buffer): Buffer {
  let i = buf.indexOf(0);
  if (i < 0) return buf;
  const out = Buffer.from(buf);
  for (; i >= 0; i = out.indexOf(0, i + 1)) out[i] = 0x80;
  return out;
}

/** Small sections read ahead of the message being written, at most (reads in flight or done and not yet written). */
export const READ_AHEAD = 32;
/** Bytes of the sections read ahead, at most (they are held until written). */
export const READ_AHEAD_BYTES = 512 * 1024;

export class FetchWriter {
  private readonly w = new WireWriter();
  /** Body bytes in `w`, not yet written. */
  private bodyBytes = 0;
  private responses = 0;
  /** Small sections being read ahead (readAhead), by message and range; their bytes are held once read. */
  private readonly ahead = new Map<MessageSource, { start: number; end: number; bytes: Promise<Buffer>; held: number }>();
  /** Bytes of the sections in `ahead` (asked for: read or not yet). */
  private aheadBytes = 0;

  constructor(
    private readonly sink: FetchSink,
    private readonly store: Pick<ImapStore, 'readMessage' | 'streamMessage'>,
  ) {}

  /** Write `* seq FETCH (items…)`; body ranges are read or streamed as they are reached. */
  async message(seq: number, items: FetchValue[]): Promise<void> {
    const ready = await this.prepare(items);
    this.w.add(`* ${seq} FETCH (`);
    for (let i = 0; i < ready.length; i++) {
      if (i > 0) this.w.add(' ');
      const v = ready[i];
      if (v !== null && typeof v === 'object' && 'iterator' in v) await this.stream(v);
      else this.w.value(v);
    }
    this.w.add(')\r\n');
    this.responses++;
    if (this.bodyBytes >= FLUSH_AT || this.responses >= FLUSH_EVERY) await this.flush();
  }

  /**
   * Start reading a message's small section [start, end) now, so that it is ready when the message
   * is written (when reads go through the thread pool, storage/file-range.ts, those of a FETCH of many
   * bodies overlap instead of taking turns; read inline, they are simply done ahead). At most
   * READ_AHEAD at a time; a large section is streamed when written, as before. `dispose` drops
   * what was read ahead and not written.
   */
  readAhead(body: MessageSource, start: number, end: number): void {
    const length = end - start;
    if (length <= 0 || length > SMALL_LITERAL || this.ahead.size >= READ_AHEAD || this.aheadBytes + length > READ_AHEAD_BYTES || this.ahead.has(body)) return;
    const entry = { start, end, held: 0, bytes: this.store.readMessage(body, start, end) };
    this.aheadBytes += length;
    entry.bytes.then(
      (b) => {
        if (this.ahead.get(body) !== entry) return; // disposed meanwhile
        entry.held = b.length;
        hold(b.length);
      },
      () => {}, // read again (and failed there) when the message is written
    );
    this.ahead.set(body, entry);
  }

  /**
   * Whether to ask for more reads ahead: once half of READ_AHEAD (or of READ_AHEAD_BYTES) is left,
   * so that they are asked for many at a time rather than one per message written.
   */
  get wantsReadAhead(): boolean {
    return this.ahead.size <= READ_AHEAD / 2 && this.aheadBytes <= READ_AHEAD_BYTES / 2;
  }

  /** Drop the sections read ahead and not written (a FETCH that ended early). */
  dispose(): void {
    for (const e of this.ahead.values()) release(e.held);
    this.ahead.clear();
    this.aheadBytes = 0;
  }

  /** A section's bytes: read ahead if it was, else read now. Held once (by readAhead or here). */
  private async read(v: BodyRange): Promise<{ bytes: Buffer; heldAlready: number }> {
    const e = this.ahead.get(v.body);
    if (e && e.start === v.start && e.end === v.end) {
      this.ahead.delete(v.body);
      this.aheadBytes -= e.end - e.start;
      try {
        const bytes = await e.bytes;
        return { bytes, heldAlready: e.held };
      } catch {
        release(e.held);
      }
    }
    return { bytes: await this.store.readMessage(v.body, v.start, v.end), heldAlready: 0 };
  }

  /** Hand what is gathered to the socket and wait until it drains. */
  async flush(): Promise<void> {
    const chunks = this.w.take();
    if (chunks.length) this.sink.write(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
    release(this.bodyBytes);
    this.bodyBytes = 0;
    this.responses = 0;
    await this.sink.drain();
  }

  /** Small sections read whole, large ones opened; on failure nothing of the message was written. */
  private async prepare(items: FetchValue[]): Promise<Array<ImapValue | Opened>> {
    const out: Array<ImapValue | Opened> = [];
    let read = 0;
    try {
      for (const v of items) {
        if (!isBodyRange(v)) {
          out.push(v);
          continue;
        }
        const length = Math.max(0, v.end - v.start);
        if (length > SMALL_LITERAL) {
          out.push(await this.open(v, length));
          continue;
        }
        const { bytes, heldAlready } = length ? await this.read(v) : { bytes: EMPTY, heldAlready: 0 };
        hold(bytes.length - heldAlready);
        read += bytes.length;
        if (bytes.length !== length) throw new Error(`message bytes ${v.start}-${v.end}: read ${bytes.length}`);
        out.push(literal(withoutNuls(bytes)));
      }
    } catch (e) {
      release(read);
      for (const o of out) if (o !== null && typeof o === 'object' && 'iterator' in o) await this.close(o);
      throw e;
    }
    this.bodyBytes += read;
    return out;
  }

  private async open(r: BodyRange, length: number): Promise<Opened> {
    const iterator = this.store.streamMessage(r.body, { start: r.start, end: r.end })[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    const first = await iterator.next();
    const chunk = first.done ? null : first.value;
    if (chunk) hold(chunk.length);
    return { length, iterator, first: chunk };
  }

  private async close(o: Opened): Promise<void> {
    if (o.first) release(o.first.length);
    o.first = null;
    await o.iterator.return?.();
  }

  /** `{n}\r\n`, then the bytes from the store, one chunk at a time, waiting for the socket. */
  private async stream(o: Opened): Promise<void> {
    this.w.add(`{${o.length}}\r\n`);
    await this.flush();
    let sent = 0;
    try {
      let chunk = o.first;
      o.first = null;
      while (chunk) {
        if (sent + chunk.length > o.length) {
          release(chunk.length);
          throw new Error(`message longer than its size ${o.length}`);
        }
        this.sink.write(withoutNuls(chunk));
        release(chunk.length);
        sent += chunk.length;
        await this.sink.drain();
        const next = await o.iterator.next();
        chunk = next.done ? null : next.value;
        if (chunk) hold(chunk.length);
      }
      if (sent !== o.length) throw new Error(`message shorter than its size: ${sent} of ${o.length}`);
    } catch (e) {
      // Mid-literal: the client counts bytes, so nothing more can be said on this connection.
      this.sink.log.error({ err: (e as Error).message }, 'FETCH literal could not be completed; dropping the connection');
      this.sink.abort();
      await o.iterator.return?.().catch(() => undefined);
      throw e;
    }
  }
}
