import { describe, expect, it } from 'vitest';
import { isIdleDone, parseSaslResponse } from './continuation.ts';

describe('AUTHENTICATE continuation lines', () => {
  it('decodes base64 responses', () => {
    expect(parseSaslResponse(Buffer.from('dGVzdAB0ZXN0AHRlc3Q='))).toEqual({
      type: 'data',
      data: Buffer.from('test\u0000test\u0000test', 'latin1'),
    });
  });

  it('treats "*" as cancel and an empty line as an empty response', () => {
    expect(parseSaslResponse(Buffer.from('*'))).toEqual({ type: 'cancel' });
    expect(parseSaslResponse(Buffer.alloc(0))).toEqual({ type: 'data', data: Buffer.alloc(0) });
  });

  it('rejects malformed base64', () => {
    expect(parseSaslResponse(Buffer.from('abc'))).toEqual({ type: 'invalid' });
    expect(parseSaslResponse(Buffer.from('ab!d'))).toEqual({ type: 'invalid' });
    expect(parseSaslResponse(Buffer.from('A1 NOOP'))).toEqual({ type: 'invalid' });
  });
});

describe('IDLE DONE (RFC 2177)', () => {
  it('recognises DONE case-insensitively and nothing else', () => {
    expect(isIdleDone(Buffer.from('DONE'))).toBe(true);
    expect(isIdleDone(Buffer.from('done'))).toBe(true);
    expect(isIdleDone(Buffer.from('A2 DONE'))).toBe(false);
    expect(isIdleDone(Buffer.from('DONEX'))).toBe(false);
    expect(isIdleDone(Buffer.alloc(0))).toBe(false);
  });
});
