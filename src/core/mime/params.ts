// MIME header values with parameters: Content-Type and Content-Disposition (RFC 2045 5.1,
// RFC 2183, RFC 2231).
// Owns: splitting "value; key=value; ..." (quoted strings, comments, tolerant of common
// breakage such as a missing ';' or unquoted values with spaces), RFC 2231 continuations
// (key*0, key*1*, ...) and charset'language'percent-encoding. Never throws.
import { decodeBytes } from './charset.ts';

export interface ParameterizedValue {
  /** The value before the parameters, comments removed, trimmed (case kept). */
  value: string;
  /** Parameter keys lower-case without RFC 2231 suffixes; values decoded to Unicode. */
  params: Record<string, string>;
  /** Parameter names as written (RFC 2231 suffixes removed), lower-case key → spelling. */
  names: Record<string, string>;
}

const MIME_TOKEN = /^[!#$%&'*+\-.^_`{|}~0-9A-Za-z]+$/;

export function isMimeToken(s: string): boolean {
  return MIME_TOKEN.test(s);
}

/** Remove RFC 822 comments: "(" opens a comment only at the start or after whitespace. */
function stripComments(s: string): string {
  if (!s.includes('(')) return s;
  let out = '';
  let depth = 0;
  let inQuote = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (depth > 0) {
      if (c === '\\') i++;
      else if (c === '(') depth++;
      else if (c === ')') depth--;
      continue;
    }
    if (inQuote) {
      out += c;
      if (c === '\\' && i + 1 < s.length) out += s[++i];
      else if (c === '"') inQuote = false;
      continue;
    }
    if (c === '"') inQuote = true;
    if (c === '(' && (out.length === 0 || /[ \t]$/.test(out))) {
      depth = 1;
      continue;
    }
    out += c;
  }
  return out;
}

interface RawParam {
  /** As written. */
  key: string;
  value: string;
}

function readParams(s: string, start: number): RawParam[] {
  const out: RawParam[] = [];
  const n = s.length;
  let i = start;
  while (i < n) {
    while (i < n && (s[i] === ';' || s[i] === ' ' || s[i] === '\t')) i++;
    if (i >= n) break;
    if (s[i] === '(') {
      // comment between parameters
      let depth = 0;
      for (; i < n; i++) {
        if (s[i] === '\\') i++;
        else if (s[i] === '(') depth++;
        else if (s[i] === ')' && --depth === 0) {
          i++;
          break;
        }
      }
      continue;
    }
    const keyStart = i;
    while (i < n && s[i] !== '=' && s[i] !== ';') i++;
    if (i >= n || s[i] === ';') continue; // no '=': not a parameter, skip it
    const key = s.slice(keyStart, i).trim();
    i++; // '='
    while (i < n && (s[i] === ' ' || s[i] === '\t')) i++;
    let value: string;
    if (s[i] === '"') {
      i++;
      let v = '';
      while (i < n && s[i] !== '"') {
        if (s[i] === '\\' && i + 1 < n) i++;
        v += s[i++];
      }
      i++; // closing quote (or past the end)
      // anything else before the next ';' is junk
      while (i < n && s[i] !== ';') i++;
      value = v;
    } else {
      const vStart = i;
      let inQuote = false;
      while (i < n && (inQuote || s[i] !== ';')) {
        if (s[i] === '"') inQuote = !inQuote;
        i++;
      }
      value = stripComments(s.slice(vStart, i)).trim();
    }
    if (key && !/[\s"]/.test(key)) out.push({ key, value });
  }
  return out;
}

function percentDecode(s: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x25 && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 1, i + 3))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c < 0x80) bytes.push(c);
    else for (const b of Buffer.from(s[i], 'utf8')) bytes.push(b);
  }
  return Buffer.from(bytes);
}

interface Segment {
  index: number;
  encoded: boolean;
  value: string;
}

/**
 * Merge RFC 2231 continuations and decode them; plain keys keep their (first) value.
 * Order as Dovecot shows them: plain parameters first, then the RFC 2231 ones.
 */
function mergeParams(raw: RawParam[]): { params: Record<string, string>; names: Record<string, string> } {
  const plainOrder: string[] = [];
  const extOrder: string[] = [];
  const plain = new Map<string, string>();
  const extended = new Map<string, Segment[]>();
  const names = new Map<string, string>();
  for (const { key: rawKey, value } of raw) {
    const key = rawKey.toLowerCase();
    const m = /^(.+?)\*(\d+)?(\*)?$/.exec(key);
    const spelled = m ? rawKey.slice(0, m[1].length) : rawKey;
    if (spelled !== spelled.toLowerCase() && !names.has(spelled.toLowerCase())) names.set(spelled.toLowerCase(), spelled);
    if (!m) {
      if (!plain.has(key)) plain.set(key, value);
      if (!plainOrder.includes(key)) plainOrder.push(key);
      continue;
    }
    const base = m[1];
    const index = m[2] === undefined ? 0 : Number(m[2]);
    const encoded = m[2] === undefined ? true : m[3] !== undefined;
    let segs = extended.get(base);
    if (!segs) extended.set(base, (segs = []));
    if (!segs.some((x) => x.index === index)) segs.push({ index, encoded, value });
    if (!extOrder.includes(base)) extOrder.push(base);
  }
  const entries: [string, string][] = [];
  const order = [...plainOrder.filter((k) => !extended.has(k)), ...extOrder];
  for (const key of order) {
    const segs = extended.get(key);
    if (!segs) {
      entries.push([key, plain.get(key) ?? '']);
      continue;
    }
    segs.sort((a, b) => a.index - b.index);
    let charset: string | null = null;
    const parts: Buffer[] = [];
    segs.forEach((seg, k) => {
      let v = seg.value;
      if (k === 0 && seg.encoded) {
        const cm = /^([^']*)'([^']*)'([\s\S]*)$/.exec(v);
        if (cm) {
          charset = cm[1] || null;
          v = cm[3];
        }
      }
      parts.push(seg.encoded ? percentDecode(v) : Buffer.from(v, 'utf8'));
    });
    entries.push([key, decodeBytes(Buffer.concat(parts), charset)]);
  }
  return { params: Object.fromEntries(entries), names: Object.fromEntries(names) };
}

/** Parse "value; k1=v1; k2*=utf-8''..." into value and decoded parameters. */
export function parseParameterizedValue(input: string): ParameterizedValue {
  const s = input.replace(/[\r\n]/g, '');
  // the value ends at the first ';' outside quotes/comments
  let i = 0;
  let depth = 0;
  let inQuote = false;
  for (; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inQuote) {
      if (c === '"') inQuote = false;
      continue;
    }
    if (depth > 0) {
      if (c === '(') depth++;
      else if (c === ')') depth--;
      continue;
    }
    if (c === '"') inQuote = true;
    else if (c === '(') depth = 1;
    else if (c === ';') break;
  }
  const head = stripComments(s.slice(0, i)).trim();
  // "text/plain charset=utf-8" (missing ';'): parameters start after the whitespace
  const m = /^(\S+)\s+([^\s=;]+\s*=[\s\S]*)$/.exec(head);
  if (m) return { value: m[1], ...mergeParams(readParams(m[2] + s.slice(i), 0)) };
  return { value: head, ...mergeParams(readParams(s, i)) };
}

export interface ParsedContentType extends ParameterizedValue {
  /** Type and subtype as written; null when the value is not "token/token". */
  type: string | null;
  subtype: string | null;
}

/** Content-Type → type/subtype as written (null when not "token/token") and params. */
export function parseContentType(input: string): ParsedContentType {
  const parsed = parseParameterizedValue(input);
  const slash = parsed.value.indexOf('/');
  const type = slash === -1 ? '' : parsed.value.slice(0, slash).trim();
  const subtype = slash === -1 ? '' : parsed.value.slice(slash + 1).trim();
  if (!isMimeToken(type) || !isMimeToken(subtype)) return { ...parsed, type: null, subtype: null };
  return { ...parsed, type, subtype };
}
