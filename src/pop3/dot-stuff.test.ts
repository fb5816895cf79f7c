// RFC 1939 §3 byte-stuffing and TOP's cut, fed in chunks of every size: the receiver's un-stuffing
// gives the message back byte for byte.
import { describe, expect, it } from 'vitest';
import { DotStuffer, TopCutter } from './dot-stuff.ts';

function stuffIn(msg: Buffer, size: number): Buffer {
  const s = new DotStuffer();
  const out: Buffer[] = [];
  for (let i = 0; i < msg.length; i += size) out.push(s.push(msg.subarray(i, i + size)));
  out.push(s.end());
  return Buffer.concat(out);
}

/** What a client does (RFC 1939 §3): strip the end line, then one leading "." of each line. */
function unstuff(wire: Buffer): string {
  const text = wire.toString('latin1');
  expect(text.endsWith('\r\n.\r\n') || text === '.\r\n').toBe(true);
  const body = text === '.\r\n' ? '' : text.slice(0, -3);
  return body
    .split('\n')
    .map((l) => (l.startsWith('.') ? l.slice(1) : l))
    .join('\n');
}

describe('dot-stuffing', () => {
  const msg = Buffer.from('Subject: .x\r\n\r\n.\r\n..hai\r\nmột.\r\n.\r\n.ba\r\n', 'utf8');
  it('doubles a leading dot on every line, whatever the chunk size, and ends with CRLF . CRLF', () => {
    for (const size of [1, 2, 3, 7, 64]) {
      const wire = stuffIn(msg, size);
      expect(wire.toString('utf8')).toBe('Subject: .x\r\n\r\n..\r\n...hai\r\nmột.\r\n..\r\n..ba\r\n.\r\n');
      expect(unstuff(wire)).toBe(msg.toString('latin1'));
    }
  });

  it('a message not ending in CRLF gets one before the end line; the first byte counts as a line start', () => {
    expect(stuffIn(Buffer.from('.a\r\nb'), 1).toString()).toBe('..a\r\nb\r\n.\r\n');
    expect(stuffIn(Buffer.from('a\r'), 1).toString()).toBe('a\r\n.\r\n');
    expect(stuffIn(Buffer.alloc(0), 1).toString()).toBe('.\r\n');
  });

  it('a chunk with no line starting with "." is passed on without a copy', () => {
    const s = new DotStuffer();
    const c = Buffer.from('abc\r\ndef');
    expect(s.push(c)).toBe(c);
  });
});

describe('TOP cut', () => {
  const msg = 'From: a\r\nSubject: b\r\n\r\nline 1\r\nline 2\r\nline 3\r\n';
  function top(n: number, size: number, m = msg): string {
    const c = new TopCutter(n);
    const out: Buffer[] = [];
    const buf = Buffer.from(m);
    for (let i = 0; i < buf.length; i += size) {
      const r = c.push(buf.subarray(i, i + size));
      out.push(r.out);
      if (r.done) break;
    }
    return Buffer.concat(out).toString();
  }
  it('header, blank line, then n body lines, in any chunking', () => {
    for (const size of [1, 2, 5, 100]) {
      expect(top(0, size)).toBe('From: a\r\nSubject: b\r\n\r\n');
      expect(top(2, size)).toBe('From: a\r\nSubject: b\r\n\r\nline 1\r\nline 2\r\n');
      expect(top(10, size)).toBe(msg);
    }
  });
  it('bare LF line ends, and a message without a body', () => {
    expect(top(1, 3, 'A: 1\n\nx\ny\n')).toBe('A: 1\n\nx\n');
    expect(top(1, 3, 'A: 1\r\nB: 2\r\n')).toBe('A: 1\r\nB: 2\r\n');
  });
});
