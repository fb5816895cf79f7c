// Lines out of a POP3 byte stream: CRLF or a bare LF, split anywhere, and a line over the limit
// reported once while its bytes are dropped (never held).
import { describe, expect, it } from 'vitest';
import { LineFramer, type FramedLine } from './framer.ts';

const lines = (ev: FramedLine[]) => ev.map((e) => (e.type === 'line' ? e.line.toString() : '<too-long>'));

describe('POP3 line framer', () => {
  it('cuts at CRLF or LF, across chunks', () => {
    const f = new LineFramer(100);
    expect(lines(f.push(Buffer.from('USER an\r\nPA')))).toEqual(['USER an']);
    expect(lines(f.push(Buffer.from('SS x\r')))).toEqual([]);
    expect(lines(f.push(Buffer.from('\nSTAT\nLIST\r\n')))).toEqual(['PASS x', 'STAT', 'LIST']);
    expect(f.pending).toBe(0);
  });

  it('a line over the limit is reported once and dropped to its LF, even sent byte by byte', () => {
    const f = new LineFramer(10);
    const out: FramedLine[] = [];
    for (const b of Buffer.from(`${'x'.repeat(5000)}\r\nNOOP\r\n`)) {
      out.push(...f.push(Buffer.from([b])));
      expect(f.pending).toBeLessThanOrEqual(11);
    }
    expect(lines(out)).toEqual(['<too-long>', 'NOOP']);
  });

  it('exactly the limit passes; one more is too long', () => {
    const f = new LineFramer(4);
    expect(lines(f.push(Buffer.from('NOOP\r\nNOOPS\r\nQUIT\r\n')))).toEqual(['NOOP', '<too-long>', 'QUIT']);
  });
});
