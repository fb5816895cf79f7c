// The pure pieces of the JMAP API: JSON pointers with `*`, back-references, the Request checks,
// states (encode ↔ decode, garbage refused) and ids.
import { describe, it, expect } from 'vitest';
import { evaluatePointer, parseRequest, resolveReferences } from './api.ts';
import { MethodError } from './errors.ts';
import { decodeState, encodeState, shapeOf } from './state.ts';
import { emailId, parseBlobId, parseEmailId, messageBlobId, uploadBlobId, parseAccountId } from './ids.ts';

describe('JSON pointer with * (RFC 8620 §3.7)', () => {
  const v = {
    list: [
      { id: 'a', ids: ['x', 'y'] },
      { id: 'b', ids: ['z'] },
    ],
    'a/b': { 'c~d': 1 },
    n: [10, 20],
  };
  it('walks objects and arrays, with ~0 and ~1 escapes', () => {
    expect(evaluatePointer(v, '/n/1')).toBe(20);
    expect(evaluatePointer(v, '/a~1b/c~0d')).toBe(1);
    expect(evaluatePointer(v, '')).toBe(v);
  });
  it('maps * over an array and flattens arrays it yields', () => {
    expect(evaluatePointer(v, '/list/*/id')).toEqual(['a', 'b']);
    expect(evaluatePointer(v, '/list/*/ids')).toEqual(['x', 'y', 'z']);
  });
  it('gives undefined for what is not there', () => {
    expect(evaluatePointer(v, '/list/5/id')).toBeUndefined();
    expect(evaluatePointer(v, '/nope')).toBeUndefined();
    expect(evaluatePointer(v, 'list')).toBeUndefined();
    expect(evaluatePointer(v, '/n/01')).toBeUndefined();
    expect(evaluatePointer(v, '/list/*/missing')).toBeUndefined();
  });
});

describe('back-references', () => {
  const done: Array<[string, Record<string, unknown>, string]> = [['Email/query', { ids: ['E1_1', 'E1_2'] }, 'q']];
  it('replaces #name by the referenced value', () => {
    expect(resolveReferences({ accountId: 'A1', '#ids': { resultOf: 'q', name: 'Email/query', path: '/ids' } }, done)).toEqual({ accountId: 'A1', ids: ['E1_1', 'E1_2'] });
  });
  it('refuses a wrong name, an unknown call, a missing path and a doubled argument', () => {
    const err = (args: Record<string, unknown>) => {
      try {
        resolveReferences(args, done);
        return null;
      } catch (e) {
        return (e as MethodError).type;
      }
    };
    expect(err({ '#ids': { resultOf: 'q', name: 'Email/get', path: '/ids' } })).toBe('invalidResultReference');
    expect(err({ '#ids': { resultOf: 'x', name: 'Email/query', path: '/ids' } })).toBe('invalidResultReference');
    expect(err({ '#ids': { resultOf: 'q', name: 'Email/query', path: '/nope' } })).toBe('invalidResultReference');
    expect(err({ ids: [], '#ids': { resultOf: 'q', name: 'Email/query', path: '/ids' } })).toBe('invalidArguments');
  });
});

describe('the Request object', () => {
  const body = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));
  it('accepts a well-formed request', () => {
    const r = parseRequest(body({ using: ['urn:ietf:params:jmap:core'], methodCalls: [['Core/echo', {}, 'c']] }), 10);
    expect(r.ok).toBe(true);
  });
  it('tells notJSON, notRequest, unknownCapability and limit apart', () => {
    const type = (v: unknown, max = 10) => {
      const r = parseRequest(body(v), max);
      return r.ok ? 'ok' : r.problem.type.split(':').pop();
    };
    expect(type('{')).toBe('notJSON');
    expect(parseRequest(Buffer.from([0x7b, 0xff, 0x7d]), 10).ok).toBe(false); // not UTF-8
    expect(type({ using: 'x', methodCalls: [] })).toBe('notRequest');
    expect(type({ using: [], methodCalls: [['a', [], 'c']] })).toBe('notRequest');
    expect(type({ using: ['urn:x'], methodCalls: [] })).toBe('unknownCapability');
    expect(
      type(
        {
          using: [],
          methodCalls: [
            ['Core/echo', {}, 'a'],
            ['Core/echo', {}, 'b'],
          ],
        },
        1,
      ),
    ).toBe('limit');
  });
});

describe('states and ids', () => {
  it('round-trips a state and refuses garbage', () => {
    const marks = [
      { id: 7, modseq: 123456, uidnext: 99, shape: shapeOf('INBOX', null, true) },
      { id: 3, modseq: 1, uidnext: 1, shape: shapeOf('Sent', '\\Sent', true) },
    ];
    const s = encodeState(marks);
    expect(s).toMatch(/^s[A-Za-z0-9_-]+$/);
    expect(decodeState(s)).toEqual([marks[1], marks[0]]);
    expect(decodeState(encodeState([]))).toEqual([]);
    for (const bad of ['', 'x', 'sAAAA', 's!!', 42, null]) expect(decodeState(bad)).toBeNull();
  });
  it('a rename changes the shape', () => {
    expect(shapeOf('A', null, true)).not.toBe(shapeOf('B', null, true));
    expect(shapeOf('A', null, true)).not.toBe(shapeOf('A', null, false));
  });
  it('ids parse back and stay in the JMAP alphabet', () => {
    const ref = { mailboxId: 12, uid: 345 };
    expect(parseEmailId(emailId(ref))).toEqual(ref);
    expect(parseBlobId(messageBlobId(ref, '1.2.3'))).toEqual({ kind: 'message', ref, part: '1.2.3' });
    expect(messageBlobId(ref, '1.2')).toMatch(/^[A-Za-z0-9_-]+$/);
    const sha = 'ab'.repeat(32);
    expect(parseBlobId(uploadBlobId(sha))).toEqual({ kind: 'upload', sha256: sha });
    expect(parseAccountId('A12')).toBe(12);
    for (const bad of ['E12', 'E1_x', 'M1', '', 'E1_2_3']) expect(parseEmailId(bad)).toBeNull();
  });
});
