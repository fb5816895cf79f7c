// Owns: FETCH data items — the ALL/FAST/FULL macros, simple attributes,
// BODY[section]<partial> / BODY.PEEK, BINARY[.PEEK] / BINARY.SIZE (RFC 3516),
// section specs (part path, HEADER, HEADER.FIELDS[.NOT] (list), TEXT, MIME) —
// and the reverse: the label a response must echo for each item
// (e.g. `BODY[HEADER.FIELDS (DATE FROM)]`, `BODY[]<0>`).

import { ParseError, describeToken } from './errors.ts';
import { isAtomChar, isDigit } from './tokenizer.ts';
import type { Reader } from './tokenizer.ts';
import type { FetchItem, Partial, Section, SectionSpecifier, SimpleFetchAttribute } from './types.ts';

const SIMPLE: ReadonlySet<string> = new Set<SimpleFetchAttribute>([
  'ENVELOPE',
  'FLAGS',
  'INTERNALDATE',
  'RFC822',
  'RFC822.HEADER',
  'RFC822.SIZE',
  'RFC822.TEXT',
  'BODY',
  'BODYSTRUCTURE',
  'UID',
  'MODSEQ',
]);

const attr = (attribute: SimpleFetchAttribute): FetchItem => ({ type: 'attribute', attribute });

/** RFC 3501 6.4.5 macros. */
export const FETCH_MACROS: Readonly<Record<'ALL' | 'FAST' | 'FULL', readonly SimpleFetchAttribute[]>> = {
  ALL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE'],
  FAST: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE'],
  FULL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY'],
};

const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const DOT = 0x2e;

function isNameChar(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || isDigit(c) || c === DOT || c === 0x2d; /* - */
}

/** section-part = nz-number *("." nz-number); consumes a trailing "." that introduces a text spec. */
function readPartPath(r: Reader): { part: number[]; more: boolean } {
  const part: number[] = [];
  while (isDigit(r.peek())) {
    const digits = r.readWhile(isDigit);
    if (digits.length > 10 || Number(digits) > 4294967295) throw new ParseError('Number too large in section part');
    const n = Number(digits);
    if (n === 0) throw new ParseError('Invalid section part: zero is not allowed');
    part.push(n);
    if (r.peek() !== DOT) return { part, more: false };
    r.pos++;
    if (!isDigit(r.peek())) return { part, more: true };
  }
  return { part, more: false };
}

function readHeaderList(r: Reader): string[] {
  r.sp('header field list');
  const fields = r.list(
    'header field',
    () => {
      const name = r.astring('header field name').toString('latin1');
      if (name.length === 0 || /[^\x21-\x39\x3b-\x7e]/.test(name)) throw new ParseError('Invalid header field name');
      return name.toUpperCase();
    },
    false,
  );
  return fields;
}

/** section = "[" [section-spec] "]" */
export function readSection(r: Reader): Section {
  r.expectByte(LBRACKET, "'[' of section");
  const { part, more } = readPartPath(r);
  let specifier: SectionSpecifier | null = null;
  let fields: string[] | null = null;
  if (part.length === 0 || more) {
    const name = r.readWhile((c) => isNameChar(c)).toUpperCase();
    if (name.length > 0) {
      switch (name) {
        case 'HEADER':
        case 'TEXT':
          specifier = name;
          break;
        case 'HEADER.FIELDS':
        case 'HEADER.FIELDS.NOT':
          specifier = name;
          fields = readHeaderList(r);
          break;
        case 'MIME':
          if (part.length === 0) throw new ParseError('MIME section requires a part number');
          specifier = 'MIME';
          break;
        default:
          throw new ParseError(`Invalid section specifier ${describeToken(name)}`);
      }
    } else if (more) {
      throw new ParseError('Invalid section specifier');
    }
  }
  if (r.peek() === -1) throw new ParseError("Missing ']' of section");
  if (!r.tryByte(RBRACKET)) throw new ParseError('Invalid section');
  return { part, specifier, fields };
}

/** section-binary = "[" [section-part] "]" */
function readBinarySection(r: Reader): number[] {
  r.expectByte(LBRACKET, "'[' of binary section");
  const { part, more } = readPartPath(r);
  if (more || !r.tryByte(RBRACKET)) throw new ParseError('Invalid binary section');
  return part;
}

/** "<" number "." nz-number ">" */
function readPartial(r: Reader): Partial | null {
  if (!r.tryByte(0x3c /* < */)) return null;
  const offset = r.number('partial offset', true);
  r.expectByte(DOT, "'.' in partial range");
  const length = r.nzNumber('partial length', true);
  r.expectByte(0x3e /* > */, "'>' of partial range");
  return { offset, length };
}

/** One fetch-att. */
export function readFetchAttribute(r: Reader): FetchItem {
  const name = r.readWhile(isNameChar).toUpperCase();
  if (name.length === 0) {
    if (r.peek() === -1) throw new ParseError('Missing fetch attribute');
    throw new ParseError('Invalid fetch attribute');
  }
  let item: FetchItem;
  switch (name) {
    case 'BODY':
    case 'BODY.PEEK': {
      if (r.peek() !== LBRACKET) {
        if (name === 'BODY.PEEK') throw new ParseError('BODY.PEEK requires a section');
        item = attr('BODY');
        break;
      }
      const section = readSection(r);
      item = { type: 'body', peek: name === 'BODY.PEEK', section, partial: readPartial(r) };
      break;
    }
    case 'BINARY':
    case 'BINARY.PEEK': {
      const part = readBinarySection(r);
      item = { type: 'binary', peek: name === 'BINARY.PEEK', part, partial: readPartial(r) };
      break;
    }
    case 'BINARY.SIZE':
      item = { type: 'binary.size', part: readBinarySection(r) };
      break;
    default:
      if (!SIMPLE.has(name)) throw new ParseError(`Unknown fetch attribute ${describeToken(name)}`);
      item = attr(name as SimpleFetchAttribute);
  }
  const next = r.peek();
  if (next !== -1 && next !== 0x20 && next !== 0x29 /* ) */) {
    if (isAtomChar(next) || next === LBRACKET || next === 0x3c) throw new ParseError(`Invalid fetch attribute ${describeToken(name)}`);
    throw new ParseError('Invalid fetch attribute list');
  }
  return item;
}

/** ("ALL" / "FULL" / "FAST" / fetch-att / "(" fetch-att *(SP fetch-att) ")") */
export function readFetchItems(r: Reader): FetchItem[] {
  if (r.peek() === 0x28 /* ( */) return r.list('fetch attribute', () => readFetchAttribute(r), false);
  const save = r.pos;
  const word = r.readWhile(isNameChar).toUpperCase();
  const next = r.peek();
  if ((word === 'ALL' || word === 'FAST' || word === 'FULL') && (next === -1 || next === 0x20)) {
    return FETCH_MACROS[word].map(attr);
  }
  r.pos = save;
  return [readFetchAttribute(r)];
}

function formatPart(part: number[]): string {
  return part.join('.');
}

function formatFieldName(name: string): string {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (!isAtomChar(c) && c !== RBRACKET) return `"${name.replace(/[\\"]/g, '\\$&')}"`;
  }
  return name;
}

/** The text between the brackets of a section: `1.2.HEADER.FIELDS (DATE FROM)`, `` for the whole message. */
export function formatSection(section: Section): string {
  let out = formatPart(section.part);
  if (section.specifier) {
    if (out.length > 0) out += '.';
    out += section.specifier;
    if (section.fields) out += ` (${section.fields.map(formatFieldName).join(' ')})`;
  }
  return out;
}

/**
 * The label a FETCH response uses for `item` (RFC 3501 7.4.2): `.PEEK` is dropped and a
 * partial fetch is echoed with its origin only, e.g. BODY.PEEK[HEADER]<0.100> → `BODY[HEADER]<0>`.
 */
export function fetchItemLabel(item: FetchItem): string {
  switch (item.type) {
    case 'attribute':
      return item.attribute;
    case 'body':
      return `BODY[${formatSection(item.section)}]${item.partial ? `<${item.partial.offset}>` : ''}`;
    case 'binary':
      return `BINARY[${formatPart(item.part)}]${item.partial ? `<${item.partial.offset}>` : ''}`;
    case 'binary.size':
      return `BINARY.SIZE[${formatPart(item.part)}]`;
  }
}

/** Does fetching `item` set \Seen (RFC 3501: BODY[…] and RFC822 / RFC822.TEXT do, .PEEK does not)? */
export function fetchItemSetsSeen(item: FetchItem): boolean {
  if (item.type === 'body' || item.type === 'binary') return !item.peek;
  return item.type === 'attribute' && (item.attribute === 'RFC822' || item.attribute === 'RFC822.TEXT');
}
