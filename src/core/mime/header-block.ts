// A raw header block (RFC 5322 2.2) split into fields, byte-exact.
// Owns: line splitting (CRLF or bare LF), folding (continuation lines), the end of the
// block (first empty line), and unfolding a field value into a string.
// Used by the indexer (parsing) and by IMAP HEADER.FIELDS filtering (byte ranges).
import { headerBytesToString } from './charset.ts';

export interface HeaderField {
  /** Field name as written (whitespace before the colon removed); '' for stray continuation lines. */
  name: string;
  /** Lower-case name. */
  lname: string;
  /** Byte range of the whole field in the block: first line through the last continuation's line break. */
  start: number;
  end: number;
  /** Offset just past the colon (= end of the first line's content when there is no colon). */
  valueStart: number;
  /** False for a line that has no colon (broken header); such a field has an empty value. */
  hasColon: boolean;
}

export interface SplitHeader {
  fields: HeaderField[];
  /** Offset where the terminating empty line starts, or -1 when the block has none. */
  blankLineStart: number;
}

/** Split `block` into fields; stops at the first empty line. Never throws. */
export function splitHeaderFields(block: Uint8Array): SplitHeader {
  const fields: HeaderField[] = [];
  let pos = 0;
  const n = block.length;
  while (pos < n) {
    let nl = block.indexOf(0x0a, pos);
    const lineEnd = nl === -1 ? n : nl + 1;
    let contentEnd = nl === -1 ? n : nl;
    if (contentEnd > pos && block[contentEnd - 1] === 0x0d && nl !== -1) contentEnd--;
    if (contentEnd === pos) {
      // empty line: end of header (a lone CR at the very end of the data counts too)
      return { fields, blankLineStart: pos };
    }
    const first = block[pos];
    if ((first === 0x20 || first === 0x09) && fields.length > 0) {
      fields[fields.length - 1].end = lineEnd;
    } else if (first === 0x20 || first === 0x09) {
      fields.push({ name: '', lname: '', start: pos, end: lineEnd, valueStart: pos, hasColon: false });
    } else {
      let colon = -1;
      for (let i = pos; i < contentEnd; i++) {
        if (block[i] === 0x3a) {
          colon = i;
          break;
        }
      }
      const nameEnd = colon === -1 ? contentEnd : colon;
      const name = Buffer.from(block.buffer, block.byteOffset + pos, nameEnd - pos)
        .toString('latin1')
        .replace(/[ \t]+$/, '');
      fields.push({
        name,
        lname: name.toLowerCase(),
        start: pos,
        end: lineEnd,
        valueStart: colon === -1 ? contentEnd : colon + 1,
        hasColon: colon !== -1,
      });
    }
    pos = lineEnd;
    nl = -1;
  }
  return { fields, blankLineStart: -1 };
}

/** How many `Received:` fields the header block holds (the hop count); the body is not looked at. */
export function countReceived(header: string | Uint8Array): number {
  const block = typeof header === 'string' ? Buffer.from(header, 'latin1') : header;
  let n = 0;
  for (const f of splitHeaderFields(block).fields) if (f.lname === 'received') n++;
  return n;
}

/**
 * The field's value as IMAP shows it: folding line breaks (CR, LF) removed, the whitespace
 * that follows them kept, leading whitespace removed, trailing whitespace kept (this is
 * what Dovecot does). Bytes are decoded by headerBytesToString; encoded-words are kept.
 */
export function rawFieldValue(block: Uint8Array, f: HeaderField): string {
  if (!f.hasColon) return '';
  const bytes = Buffer.from(block.buffer, block.byteOffset + f.valueStart, Math.max(0, f.end - f.valueStart));
  const parts: Buffer[] = [];
  let s = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x0d || bytes[i] === 0x0a) {
      if (i > s) parts.push(bytes.subarray(s, i));
      s = i + 1;
    }
  }
  if (s < bytes.length) parts.push(bytes.subarray(s));
  return headerBytesToString(Buffer.concat(parts)).replace(/^[ \t]+/, '');
}
