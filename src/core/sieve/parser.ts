// The Sieve grammar (RFC 5228 §8.2) over the lexer's tokens: commands with arguments, tests and
// blocks. Pure; no command is known here (validate.ts checks names, arguments and `require`).
// Nesting and size are bounded so a hostile script cannot exhaust the stack.
// Owns: the Sieve syntax tree.
import { SieveError, tokenize, type Token } from './lexer.ts';

export type Argument = { type: 'tag'; name: string; line: number } | { type: 'number'; value: number; line: number } | { type: 'strings'; values: string[]; list: boolean; line: number };

export interface TestNode {
  name: string;
  args: Argument[];
  tests: TestNode[];
  line: number;
}

export interface CommandNode {
  name: string;
  args: Argument[];
  tests: TestNode[];
  /** The block of if/elsif/else (null for a command ended by ";"). */
  block: CommandNode[] | null;
  line: number;
}

const MAX_DEPTH = 32;

export function parseScript(src: string): CommandNode[] {
  const toks = tokenize(src);
  let p = 0;
  const peek = (): Token | undefined => toks[p];
  const lastLine = () => toks[toks.length - 1]?.line ?? 1;
  const isPunct = (t: Token | undefined, v: string) => t?.type === 'punct' && t.value === v;
  const expect = (v: string, what: string) => {
    const t = toks[p];
    if (!isPunct(t, v)) throw new SieveError(`expected "${v}" ${what}`, t?.line ?? lastLine());
    p++;
  };

  const stringList = (): Argument => {
    const open = toks[p++];
    const values: string[] = [];
    for (;;) {
      const t = toks[p++];
      if (t?.type !== 'string') throw new SieveError('expected a string in the list', t?.line ?? open.line);
      values.push(t.value);
      if (isPunct(peek(), ',')) {
        p++;
        continue;
      }
      expect(']', 'to close the string list');
      return { type: 'strings', values, list: true, line: open.line };
    }
  };

  const args = (): Argument[] => {
    const out: Argument[] = [];
    for (;;) {
      const t = peek();
      if (t?.type === 'tag') out.push({ type: 'tag', name: t.value, line: t.line });
      else if (t?.type === 'number') out.push({ type: 'number', value: t.value, line: t.line });
      else if (t?.type === 'string') out.push({ type: 'strings', values: [t.value], list: false, line: t.line });
      else if (isPunct(t, '[')) {
        out.push(stringList());
        continue;
      } else return out;
      p++;
    }
  };

  const test = (depth: number): TestNode => {
    if (depth > MAX_DEPTH) throw new SieveError('tests nested too deeply', peek()?.line ?? lastLine());
    const t = toks[p++];
    if (t?.type !== 'identifier') throw new SieveError('expected a test', t?.line ?? lastLine());
    const a = args();
    return { name: t.value, args: a, tests: tests(depth), line: t.line };
  };

  const tests = (depth: number): TestNode[] => {
    const t = peek();
    if (t?.type === 'identifier') return [test(depth + 1)];
    if (!isPunct(t, '(')) return [];
    p++;
    const out = [test(depth + 1)];
    while (isPunct(peek(), ',')) {
      p++;
      out.push(test(depth + 1));
    }
    expect(')', 'to close the test list');
    return out;
  };

  const commands = (depth: number, inBlock: boolean): CommandNode[] => {
    if (depth > MAX_DEPTH) throw new SieveError('blocks nested too deeply', peek()?.line ?? lastLine());
    const out: CommandNode[] = [];
    for (;;) {
      const t = peek();
      if (!t) {
        if (inBlock) throw new SieveError('expected "}" to close the block', lastLine());
        return out;
      }
      if (inBlock && isPunct(t, '}')) {
        p++;
        return out;
      }
      if (t.type !== 'identifier') throw new SieveError('expected a command', t.line);
      p++;
      const a = args();
      const ts = tests(0);
      if (isPunct(peek(), ';')) {
        p++;
        out.push({ name: t.value, args: a, tests: ts, block: null, line: t.line });
      } else if (isPunct(peek(), '{')) {
        p++;
        out.push({ name: t.value, args: a, tests: ts, block: commands(depth + 1, true), line: t.line });
      } else throw new SieveError(`expected ";" after ${t.value}`, peek()?.line ?? t.line);
    }
  };

  return commands(0, false);
}
