import { describe, expect, it } from 'vitest';
import { CommandFramer, type FramerEvent, type FramerOptions } from './framer.ts';

type Simple = { type: 'command'; raw: string } | { type: 'continue' } | { type: 'error'; tag?: string; message: string };

function simplify(events: FramerEvent[]): Simple[] {
  return events.map((e) => (e.type === 'command' ? { type: 'command', raw: e.raw.toString('latin1') } : e));
}

function feed(input: string | Buffer, opts?: Partial<FramerOptions>, chunkSize?: number): Simple[] {
  const f = new CommandFramer(opts);
  const buf = typeof input === 'string' ? Buffer.from(input, 'latin1') : input;
  if (!chunkSize) return simplify(f.push(buf));
  const events: FramerEvent[] = [];
  for (let i = 0; i < buf.length; i += chunkSize) events.push(...f.push(buf.subarray(i, i + chunkSize)));
  return simplify(events);
}

const cmd = (raw: string): Simple => ({ type: 'command', raw });
const CONTINUE: Simple = { type: 'continue' };

describe('CommandFramer: lines', () => {
  it('emits one command per CRLF line without the CRLF', () => {
    expect(feed('a001 NOOP\r\na002 LOGOUT\r\n')).toEqual([cmd('a001 NOOP'), cmd('a002 LOGOUT')]);
  });

  it('tolerates a bare LF as line end', () => {
    expect(feed('a1 NOOP\na2 NOOP\r\n')).toEqual([cmd('a1 NOOP'), cmd('a2 NOOP')]);
  });

  it('waits for the end of the line', () => {
    const f = new CommandFramer();
    expect(f.push(Buffer.from('a1 NO'))).toEqual([]);
    expect(f.pending).toBe(true);
    expect(simplify(f.push(Buffer.from('OP\r')))).toEqual([]);
    expect(simplify(f.push(Buffer.from('\n')))).toEqual([cmd('a1 NOOP')]);
    expect(f.pending).toBe(false);
  });

  it('emits an empty command for an empty line (the parser rejects it, AUTHENTICATE may use it)', () => {
    expect(feed('\r\na1 NOOP\r\n')).toEqual([cmd(''), cmd('a1 NOOP')]);
  });

  it('gives raw lines such as IDLE DONE as ordinary commands', () => {
    expect(feed('A001 IDLE\r\nDONE\r\n')).toEqual([cmd('A001 IDLE'), cmd('DONE')]);
  });
});

describe('CommandFramer: literals', () => {
  it('asks for continuation after a synchronising literal and keeps the literal inline', () => {
    expect(feed('A1 LOGIN {5}\r\nalice {6}\r\nsecret\r\n')).toEqual([CONTINUE, CONTINUE, cmd('A1 LOGIN {5}\r\nalice {6}\r\nsecret')]);
  });

  it('does not ask for continuation after a non-synchronising literal', () => {
    expect(feed('A1 LOGIN {5+}\r\nalice {6+}\r\nsecret\r\n')).toEqual([cmd('A1 LOGIN {5+}\r\nalice {6+}\r\nsecret')]);
  });

  it('handles literal8 ~{n} with binary data, and literal data containing CRLF and braces', () => {
    const data = 'x\r\n{3}\r\n\u0000\u00ff';
    expect(data.length).toBe(10);
    expect(feed(`A1 APPEND box ~{10}\r\n${data}\r\n`)).toEqual([CONTINUE, cmd(`A1 APPEND box ~{10}\r\n${data}`)]);
  });

  it('handles a zero-length literal', () => {
    expect(feed('A1 LOGIN {0}\r\n {0+}\r\n\r\n')).toEqual([CONTINUE, cmd('A1 LOGIN {0}\r\n {0+}\r\n')]);
  });

  it('keeps a bare LF after a literal announcement exactly as received', () => {
    expect(feed('A1 LOGIN {3}\nbob pw\n')).toEqual([CONTINUE, cmd('A1 LOGIN {3}\nbob pw')]);
  });

  it('does not emit anything for a literal that never completes', () => {
    const f = new CommandFramer();
    expect(simplify(f.push(Buffer.from('A1 APPEND box {100}\r\nonly a bit')))).toEqual([CONTINUE]);
    expect(f.pending).toBe(true);
    expect(f.push(Buffer.from('\r\nA2 NOOP\r\n'))).toEqual([]);
  });

  it('a literal announcement must be at the very end of the line', () => {
    expect(feed('A1 LOGIN {5} x\r\nA2 NOOP\r\n')).toEqual([cmd('A1 LOGIN {5} x'), cmd('A2 NOOP')]);
  });
});

describe('CommandFramer: chunking', () => {
  const stream =
    'A1 LOGIN {5}\r\nalice "pw"\r\n' +
    'A2 APPEND INBOX (\\Seen) {12+}\r\nhello\r\nworld\r\n' +
    'A3 NOOP\n' +
    'A4 APPEND INBOX ~{4}\r\n\u0000\r\n\u0001\r\n' +
    'A5 SEARCH CHARSET UTF-8 TEXT {6}\r\nVi\u00e1\u00bb\u0087t\r\n';

  it('produces the same events for any chunk size, including byte by byte', () => {
    const whole = feed(stream);
    expect(whole.filter((e) => e.type === 'command')).toHaveLength(5);
    expect(whole.filter((e) => e.type === 'continue')).toHaveLength(3);
    for (const size of [1, 2, 3, 5, 7, 13, 64]) expect(feed(stream, undefined, size)).toEqual(whole);
  });

  it('produces the same events for random chunk boundaries', () => {
    const whole = feed(stream);
    const buf = Buffer.from(stream, 'latin1');
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let round = 0; round < 50; round++) {
      const f = new CommandFramer();
      const events: FramerEvent[] = [];
      for (let i = 0; i < buf.length;) {
        const n = 1 + rand(20);
        events.push(...f.push(buf.subarray(i, i + n)));
        i += n;
      }
      expect(simplify(events)).toEqual(whole);
    }
  });

  it('copies data so reusing the caller chunk does not corrupt commands', () => {
    const f = new CommandFramer();
    const chunk = Buffer.from('A1 LOGIN {3}\r\nabc');
    const events = f.push(chunk);
    chunk.fill(0x21);
    events.push(...f.push(Buffer.from(' x\r\n')));
    expect(simplify(events)).toEqual([CONTINUE, cmd('A1 LOGIN {3}\r\nabc x')]);
  });
});

describe('CommandFramer: limits', () => {
  it('rejects an overlong line with its tag and resyncs at the next line', () => {
    const long = `A1 SEARCH ${'X'.repeat(200)}\r\nA2 NOOP\r\n`;
    expect(feed(long, { maxLineLength: 100 })).toEqual([{ type: 'error', tag: 'A1', message: 'Command line too long' }, cmd('A2 NOOP')]);
    expect(feed(long, { maxLineLength: 100 }, 1)).toEqual(feed(long, { maxLineLength: 100 }));
  });

  it('accepts a line of exactly the maximum length', () => {
    const line = `A1 ${'X'.repeat(97)}`;
    expect(line.length).toBe(100);
    expect(feed(`${line}\r\n`, { maxLineLength: 100 })).toEqual([cmd(line)]);
    expect(feed(`${line}X\r\n`, { maxLineLength: 100 })[0].type).toBe('error');
  });

  it('reports an overlong line without a readable tag as untagged', () => {
    const events = feed(`${'('.repeat(300)}\r\nA2 NOOP\r\n`, { maxLineLength: 100 });
    expect(events).toEqual([{ type: 'error', message: 'Command line too long' }, cmd('A2 NOOP')]);
  });

  it('keeps memory bounded while skipping a huge line', () => {
    const f = new CommandFramer({ maxLineLength: 1024 });
    const junk = Buffer.alloc(64 * 1024, 0x41);
    const events: FramerEvent[] = [];
    for (let i = 0; i < 200; i++) {
      events.push(...f.push(junk));
      expect(f.bufferedBytes).toBeLessThanOrEqual(1024 + 64);
    }
    events.push(...f.push(Buffer.from('\r\nA9 NOOP\r\n')));
    expect(simplify(events)).toEqual([{ type: 'error', message: 'Command line too long' }, cmd('A9 NOOP')]);
  });

  it('rejects a too-big synchronising literal without waiting for its data or swallowing the next command', () => {
    const events = feed('A1 APPEND INBOX {999999999999}\r\nA2 NOOP\r\n');
    expect(events).toEqual([{ type: 'error', tag: 'A1', message: '[TOOBIG] Literal too big' }, cmd('A2 NOOP')]);
  });

  it('rejects a literal over maxLiteralSize', () => {
    expect(feed('A1 APPEND INBOX {11}\r\nA2 NOOP\r\n', { maxLiteralSize: 10 })).toEqual([{ type: 'error', tag: 'A1', message: '[TOOBIG] Literal too big' }, cmd('A2 NOOP')]);
    expect(feed('A1 APPEND INBOX {10}\r\n0123456789\r\n', { maxLiteralSize: 10 })).toEqual([CONTINUE, cmd('A1 APPEND INBOX {10}\r\n0123456789')]);
  });

  it('rejects an absurdly long literal length', () => {
    expect(feed(`A1 LOGIN {${'9'.repeat(40)}}\r\nA2 NOOP\r\n`)).toEqual([{ type: 'error', tag: 'A1', message: '[TOOBIG] Literal too big' }, cmd('A2 NOOP')]);
  });

  it('skips the data of a too-big non-synchronising literal, then the rest of that command', () => {
    const data = 'A2 NOOP\r\n'.repeat(3); // looks like commands, but is literal data
    const events = feed(`A1 APPEND INBOX {${data.length}+}\r\n${data} {3+}\r\nabc\r\nA3 NOOP\r\n`, {
      maxLiteralSize: 10,
    });
    expect(events).toEqual([{ type: 'error', tag: 'A1', message: '[TOOBIG] Literal too big' }, cmd('A3 NOOP')]);
  });

  it('does not store the skipped literal data', () => {
    const f = new CommandFramer({ maxLiteralSize: 1000 });
    f.push(Buffer.from('A1 APPEND INBOX {100000+}\r\n'));
    for (let i = 0; i < 10; i++) {
      f.push(Buffer.alloc(10_000, 0x61));
      expect(f.bufferedBytes).toBe(0);
    }
    expect(simplify(f.push(Buffer.from('\r\nA2 NOOP\r\n')))).toEqual([cmd('A2 NOOP')]);
  });

  it('enforces maxCommandSize across several literals', () => {
    const input = 'A1 LOGIN {40}\r\n' + 'u'.repeat(40) + ' {40}\r\n' + 'p'.repeat(40) + '\r\nA2 NOOP\r\n';
    const events = feed(input, { maxLiteralSize: 50, maxCommandSize: 80 });
    expect(events[0]).toEqual(CONTINUE);
    expect(events[1]).toEqual({ type: 'error', tag: 'A1', message: '[TOOBIG] Literal too big' });
    // The client never got "+" for the second literal, so its bytes arrive as a line.
    expect(events.slice(2)).toEqual([cmd('p'.repeat(40)), cmd('A2 NOOP')]);
  });

  it('reports the tag from the first line when a later line is too long', () => {
    const events = feed(`A7 LOGIN {3}\r\nbob ${'x'.repeat(200)}\r\nA8 NOOP\r\n`, { maxLineLength: 100 });
    expect(events).toEqual([CONTINUE, { type: 'error', tag: 'A7', message: 'Command line too long' }, cmd('A8 NOOP')]);
  });
});
