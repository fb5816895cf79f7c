// The Sieve lexer (RFC 5228 §2.4, §8.1): identifiers, tags, numbers with K/M/G, quoted strings,
// `text:` multi-line strings (dot-unstuffed), brackets and separators; `#` and `/* */` comments
// skipped. Pure: a string in, tokens (with their line) out, or a SieveError naming the line.
// Owns: Sieve's lexical grammar.

export class SieveError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'SieveError';
  }
}

export type Token =
  | { type: 'identifier'; value: string; line: number }
  | { type: 'tag'; value: string; line: number }
  | { type: 'number'; value: number; line: number }
  | { type: 'string'; value: string; line: number }
  | { type: 'punct'; value: '[' | ']' | ',' | '(' | ')' | '{' | '}' | ';'; line: number };

const QUANTIFIER: Record<string, number> = { K: 1024, M: 1024 ** 2, G: 1024 ** 3 };
const MAX_NUMBER = 2 ** 53 - 1;

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  const n = src.length;
  while (i < n) {
    const c = src[i];
    if (c === '\n') {
      line++;
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r') i++;
    else if (c === '#') {
      while (i < n && src[i] !== '\n') i++;
    } else if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      if (end < 0) throw new SieveError('unterminated comment', line);
      for (let k = i; k < end; k++) if (src[k] === '\n') line++;
      i = end + 2;
    } else if ('[],(){};'.includes(c)) {
      out.push({ type: 'punct', value: c as '[', line });
      i++;
    } else if (c === '"') {
      const start = line;
      let v = '';
      i++;
      for (;;) {
        if (i >= n) throw new SieveError('unterminated string', start);
        const ch = src[i];
        if (ch === '"') break;
        if (ch === '\\' && i + 1 < n) {
          v += src[i + 1]; // \" and \\; other escapes keep the character (RFC 5228 2.4.2)
          if (src[i + 1] === '\n') line++;
          i += 2;
          continue;
        }
        if (ch === '\n') line++;
        v += ch;
        i++;
      }
      i++;
      out.push({ type: 'string', value: v.replace(/\r?\n/g, '\r\n'), line: start });
    } else if (c === ':') {
      const m = /^:([A-Za-z_][A-Za-z0-9_]*)/.exec(src.slice(i, i + 128));
      if (!m) throw new SieveError('invalid tag', line);
      out.push({ type: 'tag', value: m[1].toLowerCase(), line });
      i += m[0].length;
    } else if (c >= '0' && c <= '9') {
      const m = /^(\d+)([KMGkmg])?/.exec(src.slice(i, i + 32))!;
      const v = Number(m[1]) * (m[2] ? QUANTIFIER[m[2].toUpperCase()] : 1);
      if (!Number.isSafeInteger(v) || v > MAX_NUMBER) throw new SieveError('number too large', line);
      out.push({ type: 'number', value: v, line });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i, i + 256))!;
      const word = m[0].toLowerCase();
      i += m[0].length;
      if (word === 'text' && src[i] === ':') {
        // text: [spaces] [comment] CRLF, then lines up to a line holding only "."
        i++;
        while (i < n && (src[i] === ' ' || src[i] === '\t')) i++;
        if (src[i] === '#') while (i < n && src[i] !== '\n') i++;
        if (src[i] === '\r') i++;
        if (src[i] !== '\n') throw new SieveError('text: must be followed by a line break', line);
        i++;
        const start = line;
        line++;
        const lines: string[] = [];
        for (;;) {
          if (i >= n) throw new SieveError('unterminated text: block (a line with a single "." ends it)', start);
          let e = src.indexOf('\n', i);
          if (e < 0) e = n;
          const l = src.slice(i, e).replace(/\r$/, '');
          i = e + 1;
          line++;
          if (l === '.') break;
          lines.push(l.startsWith('.') ? l.slice(1) : l);
        }
        out.push({ type: 'string', value: lines.map((l) => l + '\r\n').join(''), line: start });
      } else out.push({ type: 'identifier', value: word, line });
    } else throw new SieveError(`unexpected character ${JSON.stringify(c)}`, line);
  }
  return out;
}
