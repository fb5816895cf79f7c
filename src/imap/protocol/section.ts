// FETCH BODY[section]<partial> (RFC 3501 6.4.5): which bytes of the served message a section is.
// Owns: resolving a part path against the indexed tree, the HEADER / HEADER.FIELDS[.NOT] /
// TEXT / MIME specifiers, HEADER.FIELDS filtering, and <partial> ranges.
//
// Part paths follow RFC 3501 as Dovecot implements it: a multipart's parts are numbered
// from 1; a non-multipart part has only part 1, itself (so BODY[1] of a single-part message
// is its body, and BODY[2.1] of a text part 2 is part 2); a message/rfc822 part followed by
// more path steps into the embedded message, whose parts are numbered the same way.
// HEADER, TEXT and HEADER.FIELDS apply to the whole message (empty path) or to an
// embedded message (a message/rfc822 part); on any other part they are empty. MIME is the
// part's own header block, including its blank line. Anything that does not exist is empty.
import { splitHeaderFields } from '../../core/mime/header-block.ts';
import type { MessageIndex, MimeNode } from '../../core/mime/types.ts';

export interface ByteRange {
  start: number;
  end: number;
}

export interface SectionSpec {
  path: number[];
  part: 'HEADER' | 'HEADER.FIELDS' | 'HEADER.FIELDS.NOT' | 'TEXT' | 'MIME' | null;
  /** Field names for HEADER.FIELDS[.NOT] (any case). */
  fields?: string[];
}

export type SectionResult = ByteRange | { filterHeaders: ByteRange & { fields: string[]; not: boolean } } | { empty: true };

const EMPTY: { empty: true } = { empty: true };

function findPart(root: MimeNode, path: number[]): MimeNode | null {
  let node: MimeNode = root;
  for (let i = 0; i < path.length; i++) {
    const num = path[i];
    const more = i < path.length - 1;
    if (!Number.isInteger(num) || num < 1) return null;
    if (node.children !== undefined) {
      const child = node.children[num - 1];
      if (child === undefined) return null;
      node = child;
    } else if (num !== 1 || (more && node.message === undefined)) {
      return null;
    }
    if (more && node.message !== undefined) node = node.message.root;
  }
  return node;
}

function headerOf(node: MimeNode): ByteRange {
  return { start: node.headerStart, end: node.bodyStart };
}

/** Which bytes of the stored message `section` is. */
export function resolveSection(index: MessageIndex, section: SectionSpec): SectionResult {
  let msg: MimeNode; // the message HEADER/TEXT/HEADER.FIELDS refer to
  if (section.path.length === 0) {
    if (section.part === null) return { start: 0, end: index.size };
    if (section.part === 'MIME') return EMPTY;
    msg = index.root;
  } else {
    const node = findPart(index.root, section.path);
    if (node === null) return EMPTY;
    if (section.part === null) return { start: node.bodyStart, end: node.end };
    if (section.part === 'MIME') return headerOf(node);
    if (node.message === undefined) return EMPTY;
    msg = node.message.root;
  }
  switch (section.part) {
    case 'HEADER':
      return headerOf(msg);
    case 'TEXT':
      return { start: msg.bodyStart, end: msg.end };
    case 'HEADER.FIELDS':
    case 'HEADER.FIELDS.NOT':
      return {
        filterHeaders: { ...headerOf(msg), fields: section.fields ?? [], not: section.part === 'HEADER.FIELDS.NOT' },
      };
  }
}

const CRLF = Buffer.from('\r\n');

/**
 * The header fields of `headerBytes` whose names are (not, when `not`) in `fields`,
 * byte-exact with their folding, followed by the blank line (the block's own, else CRLF).
 * No match gives just the blank line.
 */
export function filterHeaderFields(headerBytes: Buffer, fields: string[], not: boolean): Buffer {
  const wanted = new Set(fields.map((f) => f.toLowerCase()));
  const { fields: all, blankLineStart } = splitHeaderFields(headerBytes);
  const out: Buffer[] = [];
  for (const f of all) {
    if (f.name === '') continue;
    if (wanted.has(f.lname) === not) continue;
    out.push(headerBytes.subarray(f.start, f.end));
    if (headerBytes[f.end - 1] !== 0x0a) out.push(CRLF);
  }
  if (blankLineStart >= 0) {
    const lf = headerBytes.indexOf(0x0a, blankLineStart);
    out.push(headerBytes.subarray(blankLineStart, lf === -1 ? headerBytes.length : lf + 1));
  } else out.push(CRLF);
  return Buffer.concat(out);
}

/**
 * BODY[...]<offset.length>: the sub-range of `range` (clamped; empty when offset is past
 * the end). For a filtered header, apply it to {start: 0, end: filtered.length}.
 */
export function partialRange(range: ByteRange, offset: number, length?: number): ByteRange {
  const size = Math.max(0, range.end - range.start);
  const from = Math.min(Math.max(0, offset), size);
  const to = length === undefined ? size : Math.min(size, from + Math.max(0, length));
  return { start: range.start + from, end: range.start + to };
}
