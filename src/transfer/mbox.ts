// Owns: the mboxrd format (one file, many folders) — writing a message with its From_ line and
// >From quoting, chunk by chunk, and reading a file back message by message (one message in
// memory at a time). Flags travel in Status / X-Status / X-Keywords header fields, the folder in
// X-Thutin-Folder; thutin writes these four as a block at the very top of each message and takes
// exactly that block away on import, so a message comes back byte for byte. Foreign mbox files
// (mutt, Thunderbird, Dovecot) are read too: their Status fields give the flags and stay in place.
import { flagsFromMbox, mboxFlagFields } from './flags.ts';
import type { TransferMessage } from './types.ts';

const NL = 0x0a;
const FROM_QUOTED = /^>*From /;
const BLOCK_FIRST = 'X-Thutin-Folder:';
const BLOCK_NAMES = ['Status:', 'X-Status:', 'X-Keywords:'];

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** asctime(3) in UTC, as From_ lines carry it: "Sat Jan  3 01:05:34 1996". */
export function asctime(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

/** The date of a From_ line ("From sender asctime"), UTC; null when there is none. */
export function fromLineDate(line: string): number | null {
  const m = /(\w{3}) +(\d{1,2}) +(\d{1,2}):(\d{2})(?::(\d{2}))? +(?:([A-Z]{2,5}|[+-]\d{4}) +)?(\d{4})/.exec(line);
  if (!m) return null;
  const month = MONTHS.indexOf(m[1]);
  if (month < 0) return null;
  return Date.UTC(Number(m[7]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5] ?? 0));
}

/** The header fields thutin puts in front of a message in an mbox file (with the message's own line ending). */
export function mboxBlock(m: Pick<TransferMessage, 'folder' | 'flags'>, eol: string): string {
  const f = mboxFlagFields(m.flags);
  return `${BLOCK_FIRST} ${m.folder}${eol}Status: ${f.status}${eol}X-Status: ${f.xStatus}${eol}X-Keywords: ${f.keywords}${eol}`;
}

/**
 * One message as mboxrd: the From_ line, thutin's block, then the message with every line that
 * starts with any number of '>' and "From " given one more '>', and a blank line after it.
 * Streamed: the message's chunks are quoted as they pass, lines cut across chunks included.
 */
export async function* mboxMessage(m: Pick<TransferMessage, 'folder' | 'flags' | 'internalDate'>, body: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let atLineStart = true;
  let carry: Buffer | null = null; // the start of a line too short yet to decide on
  let eol: string | null = null;
  let last = NL;
  yield Buffer.from(`From MAILER-DAEMON ${asctime(m.internalDate)}\n`);
  for await (const raw of body) {
    let chunk: Buffer = carry ? Buffer.concat([carry, raw]) : raw;
    carry = null;
    if (eol === null) {
      const i = chunk.indexOf(NL);
      if (i < 0 && chunk.length < 4096) {
        carry = chunk;
        continue;
      }
      eol = i > 0 && chunk[i - 1] === 0x0d ? '\r\n' : '\n';
      yield Buffer.from(mboxBlock(m, eol), 'utf8');
    }
    const out: Buffer[] = [];
    let pos = 0;
    while (pos < chunk.length) {
      if (atLineStart) {
        // Decide whether this line needs a '>': enough bytes to see ">>>From " or the line's end.
        let j = pos;
        while (j < chunk.length && chunk[j] === 0x3e) j++;
        if (chunk.length - j < 5 && chunk.indexOf(NL, pos) < 0) {
          carry = chunk.subarray(pos);
          chunk = chunk.subarray(0, pos);
          break;
        }
        if (chunk.toString('latin1', j, j + 5) === 'From ') out.push(Buffer.from('>'));
      }
      const nl = chunk.indexOf(NL, pos);
      if (nl < 0) {
        out.push(chunk.subarray(pos));
        atLineStart = false;
        pos = chunk.length;
      } else {
        out.push(chunk.subarray(pos, nl + 1));
        atLineStart = true;
        pos = nl + 1;
      }
    }
    if (chunk.length) last = chunk[chunk.length - 1];
    if (out.length) yield out.length === 1 ? out[0] : Buffer.concat(out);
  }
  if (eol === null) yield Buffer.from(mboxBlock(m, carry && carry.includes('\r') ? '\r\n' : '\n'), 'utf8');
  if (carry && carry.length) {
    let j = 0;
    while (j < carry.length && carry[j] === 0x3e) j++;
    if (atLineStart && carry.toString('latin1', j, j + 5) === 'From ') yield Buffer.from('>');
    yield carry;
    last = carry[carry.length - 1];
  }
  yield Buffer.from(last === NL ? '\n' : '\n\n');
}

/** Lines of a byte stream, each with its '\n' (the last one may lack it). */
export async function* lines(source: AsyncIterable<Buffer> | Iterable<Buffer>): AsyncGenerator<Buffer> {
  let carry: Buffer | null = null;
  for await (const c of source) {
    const chunk: Buffer = carry ? Buffer.concat([carry, c]) : c;
    carry = null;
    let pos = 0;
    for (;;) {
      const nl = chunk.indexOf(NL, pos);
      if (nl < 0) break;
      yield chunk.subarray(pos, nl + 1);
      pos = nl + 1;
    }
    if (pos < chunk.length) carry = Buffer.from(chunk.subarray(pos));
  }
  if (carry && carry.length) yield carry;
}

function lineText(l: Buffer): string {
  return l.toString('utf8').replace(/\r?\n$/, '');
}

/** A message read back from an mbox file: thutin's block taken away, flags and folder from it (or the message's own Status fields). */
export function finishMboxMessage(fromLine: string, parts: Buffer[], defaultFolder: string): TransferMessage & { body: Buffer } {
  let raw = Buffer.concat(parts);
  // The blank line the writer put after the message.
  if (raw.length >= 2 && raw[raw.length - 1] === NL && raw[raw.length - 2] === NL) raw = raw.subarray(0, raw.length - 1);
  else if (raw.length >= 3 && raw[raw.length - 1] === NL && raw[raw.length - 2] === 0x0d && raw[raw.length - 3] === NL) raw = raw.subarray(0, raw.length - 2);
  const internalDate = fromLineDate(fromLine) ?? Date.now();
  // thutin's own block: exactly four lines, X-Thutin-Folder first.
  if (raw.toString('latin1', 0, BLOCK_FIRST.length) === BLOCK_FIRST) {
    const fields: string[] = [];
    let pos = 0;
    for (let i = 0; i < 4; i++) {
      const nl = raw.indexOf(NL, pos);
      if (nl < 0) break;
      const text = lineText(raw.subarray(pos, nl + 1));
      if (i > 0 && !text.startsWith(BLOCK_NAMES[i - 1])) break;
      fields.push(text);
      pos = nl + 1;
    }
    if (fields.length === 4) {
      const value = (s: string) => s.slice(s.indexOf(':') + 1).trim();
      const folder = value(fields[0]) || defaultFolder;
      return { folder, flags: flagsFromMbox(value(fields[1]), value(fields[2]), value(fields[3])), internalDate, body: raw.subarray(pos) };
    }
  }
  // A foreign mbox: Status / X-Status / X-Keywords anywhere in the header section, left in place.
  const headerEnd = raw.indexOf('\n\n') >= 0 ? raw.indexOf('\n\n') : raw.indexOf('\r\n\r\n');
  const header = raw.toString('utf8', 0, headerEnd < 0 ? Math.min(raw.length, 65536) : headerEnd);
  const get = (name: string) => new RegExp(`^${name}:[ \\t]*(.*?)\\r?$`, 'im').exec(header)?.[1] ?? '';
  return { folder: defaultFolder, flags: flagsFromMbox(get('Status'), get('X-Status'), get('X-Keywords')), internalDate, body: toCrlf(raw) };
}

/** Bare LF line ends become CRLF (a Unix mbox); a message that already has CRLF is left as it is. */
export function toCrlf(raw: Buffer): Buffer {
  const nl = raw.indexOf(NL);
  if (nl < 0 || (nl > 0 && raw[nl - 1] === 0x0d)) return raw;
  const out: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const i = raw.indexOf(NL, pos);
    if (i < 0) break;
    out.push(raw.subarray(pos, i > pos && raw[i - 1] === 0x0d ? i + 1 : i));
    if (!(i > pos && raw[i - 1] === 0x0d)) out.push(Buffer.from('\r\n'));
    pos = i + 1;
  }
  out.push(raw.subarray(pos));
  return Buffer.concat(out);
}

/** The messages of an mboxrd (or mboxo) stream, one at a time. */
export async function* readMbox(source: AsyncIterable<Buffer> | Iterable<Buffer>, defaultFolder = 'INBOX'): AsyncGenerator<TransferMessage & { body: Buffer }> {
  let fromLine: string | null = null;
  let parts: Buffer[] = [];
  let prevBlank = true;
  for await (const line of lines(source)) {
    if (line.length >= 5 && line.toString('latin1', 0, 5) === 'From ' && (prevBlank || fromLine === null)) {
      if (fromLine !== null) yield finishMboxMessage(fromLine, parts, defaultFolder);
      fromLine = lineText(line);
      parts = [];
      prevBlank = false;
      continue;
    }
    if (fromLine === null) {
      if (line.toString('latin1').trim() === '') continue;
      throw new Error('not an mbox file: it does not start with a "From " line');
    }
    prevBlank = line.length === 1 || (line.length === 2 && line[0] === 0x0d);
    let j = 0;
    while (j < line.length && line[j] === 0x3e) j++;
    parts.push(j > 0 && FROM_QUOTED.test(line.toString('latin1', 0, j + 5)) ? line.subarray(1) : line);
  }
  if (fromLine !== null) yield finishMboxMessage(fromLine, parts, defaultFolder);
}
