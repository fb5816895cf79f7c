// Owns: writing messages as an mboxrd file (the auditors' exports: a held mailbox, the journal):
// a "From " separator line per message with its envelope sender and date (asctime, UTC), lines
// turned from CRLF to LF, every line that matches /^>*From / quoted with one more '>', and a blank
// line after each message. Streamed: one message's bytes in memory at a time.
import type { Readable } from 'node:stream';

export interface MboxItem {
  /** Envelope sender for the separator line ('' → MAILER-DAEMON). */
  sender: string;
  date: number;
  /** The message's served bytes. */
  open(): Readable;
}

function asctime(ms: number): string {
  const d = new Date(ms);
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getUTCDay()];
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${day} ${mon} ${String(d.getUTCDate()).padStart(2, ' ')} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

/** One message as mboxrd text: separator, quoted lines (LF), blank line. */
export async function* mboxMessage(item: MboxItem): AsyncIterable<Buffer> {
  const sender = item.sender && !/\s/.test(item.sender) ? item.sender : 'MAILER-DAEMON';
  yield Buffer.from(`From ${sender} ${asctime(item.date)}\n`);
  let rest = '';
  for await (const chunk of item.open() as AsyncIterable<Buffer>) {
    rest += chunk.toString('latin1'); // byte-transparent
    const lines = rest.split('\n');
    rest = lines.pop()!;
    if (lines.length) yield Buffer.from(lines.map(quote).join('\n') + '\n', 'latin1');
  }
  if (rest.length) yield Buffer.from(quote(rest) + '\n', 'latin1');
  yield Buffer.from('\n');
}

function quote(line: string): string {
  const l = line.endsWith('\r') ? line.slice(0, -1) : line;
  return /^>*From /.test(l) ? '>' + l : l;
}

/** Every item as one mboxrd stream. */
export async function* mbox(items: AsyncIterable<MboxItem> | Iterable<MboxItem>): AsyncIterable<Buffer> {
  for await (const item of items) yield* mboxMessage(item);
}
