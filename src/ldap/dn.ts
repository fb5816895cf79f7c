// Distinguished names (RFC 4514): parsing a DN string into normalised RDNs (attribute aliases
// resolved, escapes undone, values folded) so DNs can be compared and scoped, and escaping
// values when this server writes DNs.
import { attributeKey, normalizeValue } from './attributes.ts';

export class DnSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DnSyntaxError';
  }
}

/** A parsed DN: normalised RDNs from the leaf to the root (`['uid=annv', 'ou=people', 'dc=kontum', …]`). */
export type Rdns = string[];

/** Split on unescaped `sep`. */
function splitUnescaped(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && i + 1 < s.length) {
      cur += c + s[i + 1];
      i++;
    } else if (c === sep) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** Undo RFC 4514 escapes: `\,` and `\XX` hex pairs (UTF-8 bytes). */
export function unescapeDnValue(v: string): string {
  if (!v.includes('\\')) return v;
  const bytes: number[] = [];
  const enc = Buffer.from(v, 'utf8');
  for (let i = 0; i < enc.length; i++) {
    if (enc[i] !== 0x5c) {
      bytes.push(enc[i]);
      continue;
    }
    const hex = enc.toString('latin1', i + 1, i + 3);
    if (/^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (i + 1 < enc.length) {
      bytes.push(enc[i + 1]);
      i += 1;
    } else throw new DnSyntaxError('trailing backslash');
  }
  return Buffer.from(bytes).toString('utf8');
}

const NEEDS_ESCAPE = /[\\,+"<>;=]|^[# ]| $/;

export function escapeDnValue(v: string): string {
  if (!NEEDS_ESCAPE.test(v)) return v;
  let out = v.replace(/[\\,+"<>;=]/g, (c) => `\\${c}`);
  if (out.startsWith('#') || out.startsWith(' ')) out = `\\${out}`;
  if (out.endsWith(' ') && out.length > 1) out = `${out.slice(0, -1)}\\ `;
  return out;
}

/** Trim spaces, keeping an escaped trailing space (`\ `). */
function trimUnescaped(v: string): string {
  const s = v.trimStart();
  let end = s.length;
  while (end > 0 && s[end - 1] === ' ' && s[end - 2] !== '\\') end--;
  return s.slice(0, end);
}

/** Parse and normalise a DN. '' is the root DSE (no RDNs). */
export function parseDn(dn: string): Rdns {
  const s = trimUnescaped(dn);
  if (s === '') return [];
  return splitUnescaped(s, ',').map((rdn) => {
    const parts = splitUnescaped(rdn, '+').map((ava) => {
      const eq = ava.indexOf('=');
      if (eq <= 0) throw new DnSyntaxError(`not an attribute=value pair: ${ava}`);
      const type = ava.slice(0, eq).trim();
      if (!/^[A-Za-z][A-Za-z0-9-]*$|^[0-9]+(\.[0-9]+)*$/.test(type)) throw new DnSyntaxError(`invalid attribute type: ${type}`);
      const key = attributeKey(type) ?? type.toLowerCase();
      const value = unescapeDnValue(trimUnescaped(ava.slice(eq + 1)));
      return `${key}=${normalizeValue(key, value)}`;
    });
    return parts.length > 1 ? parts.sort().join('+') : parts[0];
  });
}

/** The value of the leaf RDN when it is `key=value` (normalised), else null. */
export function leafValue(rdns: Rdns, key: string): string | null {
  if (!rdns.length) return null;
  const first = rdns[0];
  return first.startsWith(`${key}=`) ? first.slice(key.length + 1) : null;
}

/** Whether `child` equals `parent` or lies below it. */
export function isWithin(child: Rdns, parent: Rdns): boolean {
  const off = child.length - parent.length;
  if (off < 0) return false;
  for (let i = 0; i < parent.length; i++) if (child[off + i] !== parent[i]) return false;
  return true;
}

export function sameDn(a: Rdns, b: Rdns): boolean {
  return a.length === b.length && isWithin(a, b);
}
