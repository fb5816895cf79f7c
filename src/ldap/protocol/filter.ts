// Search filters (RFC 4511 4.5.1.7): the Filter type, its BER decoder and encoder, and the
// RFC 4515 string form (parser and printer, with \XX escapes) used by tests and logs.
// Values are kept as UTF-8 strings: every attribute this server publishes is a string.
import { BerError, BerReader, type BerWriter, Tag } from './ber.ts';

export type Filter =
  | { type: 'and'; filters: Filter[] }
  | { type: 'or'; filters: Filter[] }
  | { type: 'not'; filter: Filter }
  | { type: 'equal' | 'ge' | 'le' | 'approx'; attribute: string; value: string }
  | { type: 'substrings'; attribute: string; initial: string | null; any: string[]; final: string | null }
  | { type: 'present'; attribute: string }
  | { type: 'extensible'; rule: string | null; attribute: string | null; value: string; dnAttributes: boolean };

const T = {
  and: 0xa0,
  or: 0xa1,
  not: 0xa2,
  equal: 0xa3,
  substrings: 0xa4,
  ge: 0xa5,
  le: 0xa6,
  present: 0x87,
  approx: 0xa8,
  extensible: 0xa9,
} as const;

const MAX_DEPTH = 32;

/** Decode one Filter at the reader's position. */
export function readFilter(r: BerReader, depth = 0): Filter {
  if (depth > MAX_DEPTH) throw new BerError('filter nested too deeply');
  const t = r.readTlv();
  const s = r.sub(t);
  switch (t.tag) {
    case T.and:
    case T.or: {
      const filters: Filter[] = [];
      while (!s.atEnd()) filters.push(readFilter(s, depth + 1));
      return { type: t.tag === T.and ? 'and' : 'or', filters };
    }
    case T.not: {
      const filter = readFilter(s, depth + 1);
      if (!s.atEnd()) throw new BerError('not: one filter expected');
      return { type: 'not', filter };
    }
    case T.equal:
    case T.ge:
    case T.le:
    case T.approx: {
      const attribute = s.readString(Tag.OCTET_STRING, 'attribute description');
      const value = s.readString(Tag.OCTET_STRING, 'assertion value');
      const type = t.tag === T.equal ? 'equal' : t.tag === T.ge ? 'ge' : t.tag === T.le ? 'le' : 'approx';
      return { type, attribute, value };
    }
    case T.substrings: {
      const attribute = s.readString(Tag.OCTET_STRING, 'attribute description');
      const seq = s.sub(s.expect(Tag.SEQUENCE, 'substrings'));
      let initial: string | null = null;
      let final: string | null = null;
      const any: string[] = [];
      let count = 0;
      while (!seq.atEnd()) {
        const p = seq.readTlv();
        const v = seq.string(p);
        if (p.tag === 0x80) {
          if (count > 0) throw new BerError('substrings: initial must come first');
          initial = v;
        } else if (p.tag === 0x81) {
          if (final !== null) throw new BerError('substrings: any after final');
          any.push(v);
        } else if (p.tag === 0x82) {
          if (final !== null) throw new BerError('substrings: two finals');
          final = v;
        } else throw new BerError('substrings: unknown choice');
        count++;
      }
      if (count === 0) throw new BerError('substrings: at least one part is required');
      return { type: 'substrings', attribute, initial, any, final };
    }
    case T.present:
      return { type: 'present', attribute: r.string(t) };
    case T.extensible: {
      let rule: string | null = null;
      let attribute: string | null = null;
      let value: string | null = null;
      let dnAttributes = false;
      while (!s.atEnd()) {
        const p = s.readTlv();
        if (p.tag === 0x81) rule = s.string(p);
        else if (p.tag === 0x82) attribute = s.string(p);
        else if (p.tag === 0x83) value = s.string(p);
        else if (p.tag === 0x84) dnAttributes = s.booleanOf(p);
        else throw new BerError('extensibleMatch: unknown field');
      }
      if (value === null) throw new BerError('extensibleMatch: matchValue is required');
      return { type: 'extensible', rule, attribute, value, dnAttributes };
    }
    default:
      throw new BerError(`unknown filter choice 0x${t.tag.toString(16)}`);
  }
}

export function writeFilter(w: BerWriter, f: Filter): void {
  switch (f.type) {
    case 'and':
    case 'or':
      w.start(T[f.type]);
      for (const c of f.filters) writeFilter(w, c);
      w.end();
      return;
    case 'not':
      w.start(T.not);
      writeFilter(w, f.filter);
      w.end();
      return;
    case 'equal':
    case 'ge':
    case 'le':
    case 'approx':
      w.start(T[f.type]).string(f.attribute).string(f.value).end();
      return;
    case 'substrings':
      w.start(T.substrings).string(f.attribute).start(Tag.SEQUENCE);
      if (f.initial !== null) w.string(f.initial, 0x80);
      for (const a of f.any) w.string(a, 0x81);
      if (f.final !== null) w.string(f.final, 0x82);
      w.end().end();
      return;
    case 'present':
      w.string(f.attribute, T.present);
      return;
    case 'extensible':
      w.start(T.extensible);
      if (f.rule !== null) w.string(f.rule, 0x81);
      if (f.attribute !== null) w.string(f.attribute, 0x82);
      w.string(f.value, 0x83);
      if (f.dnAttributes) w.boolean(true, 0x84);
      w.end();
      return;
  }
}

// ---- RFC 4515 string form ----

export class FilterSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FilterSyntaxError';
  }
}

/** Parse the string form of a filter, e.g. `(&(objectClass=person)(cn=*\2a*))`. */
export function parseFilter(text: string): Filter {
  const p = { s: text.trim(), i: 0 };
  // RFC 4515 requires the parentheses; a bare item is accepted as ldapsearch does.
  const f = p.s.startsWith('(') ? parseParen(p, 0) : parseItem(p.s);
  if (p.s.startsWith('(') && p.i !== p.s.length) throw new FilterSyntaxError(`unexpected text at ${p.i}`);
  return f;
}

function parseParen(p: { s: string; i: number }, depth: number): Filter {
  if (depth > MAX_DEPTH) throw new FilterSyntaxError('filter nested too deeply');
  if (p.s[p.i] !== '(') throw new FilterSyntaxError(`'(' expected at ${p.i}`);
  p.i++;
  const c = p.s[p.i];
  let f: Filter;
  if (c === '&' || c === '|') {
    p.i++;
    const filters: Filter[] = [];
    while (p.s[p.i] === '(') filters.push(parseParen(p, depth + 1));
    f = { type: c === '&' ? 'and' : 'or', filters };
  } else if (c === '!') {
    p.i++;
    f = { type: 'not', filter: parseParen(p, depth + 1) };
  } else {
    const close = p.s.indexOf(')', p.i);
    if (close < 0) throw new FilterSyntaxError("')' missing");
    f = parseItem(p.s.slice(p.i, close));
    p.i = close;
  }
  if (p.s[p.i] !== ')') throw new FilterSyntaxError(`')' expected at ${p.i}`);
  p.i++;
  return f;
}

function parseItem(item: string): Filter {
  const eq = item.indexOf('=');
  if (eq <= 0) throw new FilterSyntaxError(`not a filter item: ${item}`);
  const op = item[eq - 1];
  const raw = item.slice(eq + 1);
  if (op === ':') {
    // extensible: attr[:dn][:rule]:=value  or  [:dn]:rule:=value
    const parts = item.slice(0, eq - 1).split(':');
    const attribute = parts[0] === '' ? null : parts[0];
    let dnAttributes = false;
    let rule: string | null = null;
    for (const part of parts.slice(1)) {
      if (part.toLowerCase() === 'dn') dnAttributes = true;
      else if (part) rule = part;
    }
    if (attribute === null && rule === null) throw new FilterSyntaxError(`extensible filter needs a type or a rule: ${item}`);
    return { type: 'extensible', rule, attribute, value: unescapeValue(raw), dnAttributes };
  }
  if (op === '~' || op === '>' || op === '<') {
    const attribute = checkAttribute(item.slice(0, eq - 1));
    return { type: op === '~' ? 'approx' : op === '>' ? 'ge' : 'le', attribute, value: unescapeValue(raw) };
  }
  const attribute = checkAttribute(item.slice(0, eq));
  if (raw === '*') return { type: 'present', attribute };
  if (!raw.includes('*')) return { type: 'equal', attribute, value: unescapeValue(raw) };
  const pieces = raw.split('*');
  const initial = pieces[0] === '' ? null : unescapeValue(pieces[0]);
  const final = pieces[pieces.length - 1] === '' ? null : unescapeValue(pieces[pieces.length - 1]);
  const any = pieces
    .slice(1, -1)
    .filter((x) => x !== '')
    .map(unescapeValue);
  return { type: 'substrings', attribute, initial, any, final };
}

function checkAttribute(a: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9.;-]*$/.test(a)) throw new FilterSyntaxError(`invalid attribute description: ${a}`);
  return a;
}

/** `\XX` hex escapes → bytes → UTF-8 text. */
export function unescapeValue(v: string): string {
  if (!v.includes('\\')) return v;
  const bytes: number[] = [];
  const enc = Buffer.from(v, 'utf8');
  for (let i = 0; i < enc.length; i++) {
    if (enc[i] === 0x5c) {
      const hex = enc.toString('latin1', i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new FilterSyntaxError(`bad escape in ${v}`);
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(enc[i]);
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Escape `*`, `(`, `)`, `\` and NUL for the string form. */
export function escapeValue(v: string): string {
  return v.replace(/[*()\\\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export function filterToString(f: Filter): string {
  switch (f.type) {
    case 'and':
      return `(&${f.filters.map(filterToString).join('')})`;
    case 'or':
      return `(|${f.filters.map(filterToString).join('')})`;
    case 'not':
      return `(!${filterToString(f.filter)})`;
    case 'equal':
      return `(${f.attribute}=${escapeValue(f.value)})`;
    case 'approx':
      return `(${f.attribute}~=${escapeValue(f.value)})`;
    case 'ge':
      return `(${f.attribute}>=${escapeValue(f.value)})`;
    case 'le':
      return `(${f.attribute}<=${escapeValue(f.value)})`;
    case 'present':
      return `(${f.attribute}=*)`;
    case 'substrings':
      return `(${f.attribute}=${f.initial !== null ? escapeValue(f.initial) : ''}*${f.any.map((a) => `${escapeValue(a)}*`).join('')}${f.final !== null ? escapeValue(f.final) : ''})`;
    case 'extensible':
      return `(${f.attribute ?? ''}${f.dnAttributes ? ':dn' : ''}${f.rule ? `:${f.rule}` : ''}:=${escapeValue(f.value)})`;
  }
}
