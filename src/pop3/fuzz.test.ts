// Fuzzing the pure POP3 layer with a seeded generator (replayable): the parser never throws and
// answers every line with a command or a reason; mutated valid commands are parsed or refused, never
// crash; the framer and the dot-stuffer give the same result however the bytes are chunked.
import { describe, expect, it } from 'vitest';
import { parseCommand, parseSaslLine } from './parser.ts';
import { LineFramer } from './framer.ts';
import { DotStuffer, TopCutter } from './dot-stuff.ts';
import { rng } from '../../test/helpers/rng.ts';

const CORPUS = [
  'USER annv@kontum.gov.vn',
  'PASS Mật khẩu 123',
  'AUTH PLAIN AGFubnYAc2VjcmV0',
  'AUTH',
  'STLS',
  'CAPA',
  'STAT',
  'LIST',
  'LIST 3',
  'UIDL',
  'UIDL 9',
  'RETR 1',
  'DELE 2',
  'TOP 4 10',
  'RSET',
  'NOOP',
  'QUIT',
];
const ALPHABET = ' .\r\n\t\0=+/*-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyzđĐ';

describe('POP3 fuzz', () => {
  it('random and mutated lines never throw', () => {
    const r = rng(1939);
    const pick = (n: number) => Math.floor(r() * n);
    for (let i = 0; i < 20_000; i++) {
      let line: string;
      if (i % 2) {
        line = '';
        for (let k = pick(60); k > 0; k--) line += ALPHABET[pick(ALPHABET.length)];
      } else {
        const chars = [...CORPUS[pick(CORPUS.length)]];
        for (let k = pick(4); k >= 0; k--) {
          const at = pick(chars.length + 1);
          const op = pick(3);
          if (op === 0) chars.splice(at, 1);
          else if (op === 1) chars.splice(at, 0, ALPHABET[pick(ALPHABET.length)]);
          else chars[at] = ALPHABET[pick(ALPHABET.length)];
        }
        line = chars.join('');
      }
      const p = parseCommand(Buffer.from(line));
      if (p.ok) {
        expect(typeof p.command.name).toBe('string');
        if ('msg' in p.command && p.command.msg !== null) expect(Number.isInteger(p.command.msg) && p.command.msg >= 1).toBe(true);
      } else expect(p.message).toMatch(/ \/ /); // bilingual
      expect(() => parseSaslLine(line)).not.toThrow();
    }
  });

  it('framing and stuffing do not depend on how the bytes are chunked', () => {
    const r = rng(2449);
    const pick = (n: number) => Math.floor(r() * n);
    for (let round = 0; round < 300; round++) {
      let text = '';
      for (let k = pick(400); k > 0; k--) text += '.\r\nab.\r'[pick(7)];
      const buf = Buffer.from(text);
      const run = (size: () => number) => {
        const f = new LineFramer(50);
        const s = new DotStuffer();
        const top = new TopCutter(3);
        const framed: string[] = [];
        const stuffed: Buffer[] = [];
        const cut: Buffer[] = [];
        let topDone = false;
        for (let i = 0; i < buf.length;) {
          const n = Math.max(1, size());
          const c = buf.subarray(i, i + n);
          i += n;
          for (const e of f.push(c)) framed.push(e.type === 'line' ? e.line.toString() : '!');
          stuffed.push(s.push(c));
          if (!topDone) {
            const t = top.push(c);
            cut.push(t.out);
            topDone = t.done;
          }
        }
        stuffed.push(s.end());
        return { framed: framed.join('|'), stuffed: Buffer.concat(stuffed).toString(), cut: Buffer.concat(cut).toString() };
      };
      const whole = run(() => buf.length);
      expect(run(() => 1)).toEqual(whole);
      expect(run(() => 1 + pick(9))).toEqual(whole);
      expect(whole.stuffed).not.toMatch(/(^|\n)\.[^.\r]/); // no line starts with a single "." but the end
    }
  });
});
