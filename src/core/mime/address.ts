// RFC 5322 address lists → IMAP ENVELOPE addresses (RFC 3501 7.4.2), and back to text.
// Owns: tokenising address headers (atoms, quoted strings, comments, domain literals),
// mailboxes, angle-addrs with obsolete routes, groups, and Dovecot-compatible repair of
// broken addresses (MISSING_MAILBOX / MISSING_DOMAIN, so that a NIL host always means a
// group marker). Never throws.
import { decodeEncodedWords } from './encoded-words.ts';
import type { Addr } from './types.ts';

export const MISSING_MAILBOX = 'MISSING_MAILBOX';
export const MISSING_DOMAIN = 'MISSING_DOMAIN';

type Tok = { k: 'word'; v: string; quoted: boolean } | { k: 'comment'; v: string } | { k: 'literal'; v: string } | { k: 'special'; v: string };

const SPECIAL = new Set(['<', '>', ':', ';', '@', ',']);

function tokenize(s: string): Tok[] {
  const out: Tok[] = [];
  const n = s.length;
  let i = 0;
  while (i < n) {
    const c = s[i];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      i++;
    } else if (c === '"') {
      let v = '';
      i++;
      while (i < n && s[i] !== '"') {
        if (s[i] === '\\' && i + 1 < n) i++;
        if (s[i] !== '\r' && s[i] !== '\n') v += s[i];
        i++;
      }
      i++;
      out.push({ k: 'word', v, quoted: true });
    } else if (c === '(') {
      let depth = 0;
      let v = '';
      for (; i < n; i++) {
        const d = s[i];
        if (d === '\\' && i + 1 < n) {
          v += s[++i];
          continue;
        }
        if (d === '(') {
          if (depth++ > 0) v += d;
        } else if (d === ')') {
          if (--depth === 0) {
            i++;
            break;
          }
          v += d;
        } else v += d;
      }
      out.push({ k: 'comment', v: v.trim() });
    } else if (c === '[') {
      const close = s.indexOf(']', i);
      const end = close === -1 ? n : close + 1;
      out.push({ k: 'literal', v: s.slice(i, end).replace(/[ \t\r\n]+/g, '') });
      i = end;
    } else if (SPECIAL.has(c)) {
      out.push({ k: 'special', v: c });
      i++;
    } else {
      const start = i;
      while (i < n && !' \t\r\n"()[<>:;@,'.includes(s[i])) i++;
      if (i === start) i++; // stray ')' or ']'
      const v = s.slice(start, i);
      if (v !== ')' && v !== ']') out.push({ k: 'word', v, quoted: false });
    }
  }
  return out;
}

class Parser {
  private pos = 0;
  constructor(private readonly t: Tok[]) {}

  private peek(): Tok | undefined {
    return this.t[this.pos];
  }
  private isSpecial(v: string): boolean {
    const x = this.t[this.pos];
    return x !== undefined && x.k === 'special' && x.v === v;
  }

  list(): Addr[] {
    const out: Addr[] = [];
    while (this.pos < this.t.length) {
      if (this.isSpecial(',') || this.isSpecial(';') || this.isSpecial('>')) {
        this.pos++;
        continue;
      }
      this.item(out, false);
    }
    return out;
  }

  /** One mailbox, or a group when not already inside one. */
  private item(out: Addr[], inGroup: boolean): void {
    const words: string[] = [];
    const local: string[] = [];
    let comment: string | null = null;
    while (this.pos < this.t.length) {
      const x = this.t[this.pos];
      if (x.k === 'special') break;
      if (x.k === 'word') {
        words.push(x.v);
        local.push(x.v);
      } else if (x.k === 'literal') {
        words.push(x.v);
        local.push(x.v);
      } else if (x.k === 'comment' && words.length > 0) comment = x.v;
      this.pos++;
    }
    const next = this.peek();
    const phrase = words.join(' ');
    if (next?.k === 'special' && next.v === ':' && !inGroup) {
      this.pos++;
      out.push({ name: null, adl: null, mailbox: phrase, host: null });
      while (this.pos < this.t.length) {
        if (this.isSpecial(';')) {
          this.pos++;
          break;
        }
        if (this.isSpecial(',') || this.isSpecial(':') || this.isSpecial('>')) {
          this.pos++;
          continue;
        }
        this.item(out, true);
      }
      out.push({ name: null, adl: null, mailbox: null, host: null });
      return;
    }
    if (next?.k === 'special' && next.v === '<') {
      this.pos++;
      out.push(this.angleAddr(phrase === '' ? null : phrase));
      this.skipToSeparator();
      return;
    }
    if (next?.k === 'special' && next.v === '@') {
      this.pos++;
      const domain: string[] = [];
      let trailing: string | null = null;
      while (this.pos < this.t.length) {
        const x = this.t[this.pos];
        if (x.k === 'special') break;
        if (x.k === 'comment') trailing = x.v;
        else domain.push(x.v);
        this.pos++;
      }
      const mailbox = local.join('');
      const host = domain.join('');
      out.push({
        name: trailing ? trailing : null,
        adl: null,
        mailbox: mailbox || MISSING_MAILBOX,
        host: host || MISSING_DOMAIN,
      });
      if (this.isSpecial('<')) this.skipToSeparator();
      return;
    }
    if (next?.k === 'special' && next.v === ':' && inGroup) this.pos++;
    // no '@' and no angle-addr: a bare local part, or only a display name
    if (words.length === 1) {
      out.push({ name: comment, adl: null, mailbox: words[0], host: MISSING_DOMAIN });
    } else if (words.length > 1) {
      out.push({ name: phrase, adl: null, mailbox: MISSING_MAILBOX, host: MISSING_DOMAIN });
    }
  }

  private angleAddr(name: string | null): Addr {
    const route: string[] = [];
    const local: string[] = [];
    const domain: string[] = [];
    // obsolete route: <@a,@b:local@domain>
    if (this.isSpecial('@')) {
      const save = this.pos;
      const parts: string[] = [];
      let cur = '';
      let ok = false;
      while (this.pos < this.t.length) {
        const x = this.t[this.pos];
        if (x.k === 'special' && x.v === ':') {
          ok = true;
          this.pos++;
          break;
        }
        if (x.k === 'special' && x.v === '>') break;
        if (x.k === 'special' && x.v === ',') {
          if (cur) parts.push(cur);
          cur = '';
        } else if (x.k !== 'comment') cur += x.v;
        this.pos++;
      }
      if (cur) parts.push(cur);
      if (ok) route.push(parts.join(','));
      else this.pos = save;
    }
    let seenAt = false;
    while (this.pos < this.t.length) {
      const x = this.t[this.pos];
      if (x.k === 'special' && x.v === '>') {
        this.pos++;
        break;
      }
      if (x.k === 'special' && x.v === '@') {
        if (seenAt) domain.push('@');
        seenAt = true;
      } else if (x.k === 'word' || x.k === 'literal') {
        (seenAt ? domain : local).push(x.v);
      } else if (x.k === 'special' && (x.v === ',' || x.v === ';')) {
        break; // unterminated angle-addr
      }
      this.pos++;
    }
    return {
      name,
      adl: route.length > 0 && route[0] !== '' ? route[0] : null,
      mailbox: local.join('') || MISSING_MAILBOX,
      host: domain.join('') || MISSING_DOMAIN,
    };
  }

  private skipToSeparator(): void {
    while (this.pos < this.t.length && !this.isSpecial(',') && !this.isSpecial(';')) this.pos++;
  }
}

/**
 * Parse an unfolded address header value. Returns null when it holds no address at all
 * (IMAP NIL). Group syntax yields start/end markers.
 */
export function parseAddressList(value: string): Addr[] | null {
  try {
    const list = new Parser(tokenize(value)).list();
    return list.length > 0 ? list : null;
  } catch {
    return null;
  }
}

/** Decoded, human-readable form for search: "Nguyễn Văn A <a@b.vn>, Group: x@y;". */
export function formatAddressList(list: Addr[] | null): string {
  if (!list) return '';
  const parts: string[] = [];
  let group: string[] | null = null;
  let groupName = '';
  for (const a of list) {
    if (a.host === null) {
      if (a.mailbox !== null) {
        group = [];
        groupName = decodeEncodedWords(a.mailbox);
      } else if (group) {
        parts.push(`${groupName}: ${group.join(', ')};`);
        group = null;
      }
      continue;
    }
    const mb = a.mailbox !== MISSING_MAILBOX ? a.mailbox : null;
    const host = a.host !== MISSING_DOMAIN ? a.host : null;
    const email = mb && host ? `${mb}@${host}` : (mb ?? '');
    const name = a.name ? decodeEncodedWords(a.name) : '';
    const s = name && email ? `${name} <${email}>` : name || email;
    if (!s) continue;
    if (group) group.push(s);
    else parts.push(s);
  }
  if (group) parts.push(`${groupName}: ${group.join(', ')};`);
  return parts.join(', ').normalize('NFC');
}
