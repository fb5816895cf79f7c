// Fuzzing the pure ManageSieve layer with a seeded generator (replayable): the framer and the
// parser never throw on random or mutated input, every command is parsed or refused with a reason,
// and the framer gives the same result however the bytes are chunked.
import { describe, expect, it } from 'vitest';
import { SieveFramer, type Framed } from './framer.ts';
import { parseCommand, parseSaslResponse } from './parser.ts';
import { rng } from '../../test/helpers/rng.ts';

const CORPUS = [
  'AUTHENTICATE "PLAIN" "AGFubnYAc2VjcmV0"\r\n',
  'STARTTLS\r\n',
  'CAPABILITY\r\n',
  'HAVESPACE "lọc thư" 4096\r\n',
  'PUTSCRIPT "lọc" {20+}\r\nrequire "fileinto";\r\n\r\n',
  'PUTSCRIPT {3}\r\nabc "keep;"\r\n',
  'LISTSCRIPTS\r\n',
  'SETACTIVE ""\r\n',
  'GETSCRIPT "a\\"b"\r\n',
  'DELETESCRIPT "x"\r\n',
  'RENAMESCRIPT "a" "b"\r\n',
  'CHECKSCRIPT {5+}\r\nkeep;\r\n',
  'NOOP "tag"\r\n',
  'UNAUTHENTICATE\r\n',
  'LOGOUT\r\n',
];
const ALPHABET = ' "\\{}+\r\n\0=*-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyzđĐ';

function run(input: Buffer, chunk: number): Framed[] {
  const f = new SieveFramer({ maxLine: 100, maxLiteral: 200 });
  const out: Framed[] = [];
  for (let i = 0; i < input.length; i += chunk) out.push(...f.push(input.subarray(i, i + chunk)));
  expect(f.pending).toBeLessThanOrEqual(200 + 4 * 100 + 101);
  return out;
}

describe('ManageSieve fuzz', () => {
  it('random and mutated input never throws, and chunking never changes the commands', () => {
    const r = rng(5804);
    const pick = (n: number) => Math.floor(r() * n);
    for (let i = 0; i < 5_000; i++) {
      let text: string;
      if (i % 2) {
        text = '';
        for (let k = pick(120); k > 0; k--) text += ALPHABET[pick(ALPHABET.length)];
      } else {
        const chars = [...(CORPUS[pick(CORPUS.length)] + CORPUS[pick(CORPUS.length)])];
        for (let k = pick(4); k >= 0; k--) {
          const at = pick(chars.length + 1);
          const op = pick(3);
          if (op === 0) chars.splice(at, 1);
          else if (op === 1) chars.splice(at, 0, ALPHABET[pick(ALPHABET.length)]);
          else chars[at] = ALPHABET[pick(ALPHABET.length)];
        }
        text = chars.join('');
      }
      const input = Buffer.from(text, 'utf8');
      const whole = run(input, input.length || 1);
      expect(run(input, 1 + pick(7))).toEqual(whole);
      for (const f of whole) {
        if (f.type !== 'command') continue;
        const p = parseCommand(f.tokens);
        if (!p.ok) expect(p.message.length).toBeGreaterThan(0);
        parseSaslResponse(f.tokens);
      }
    }
  });
});
