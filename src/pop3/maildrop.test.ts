// The maildrop of a POP3 session (RFC 1939 §5–6): numbering from 1, messages marked deleted left out
// of STAT and refused by number, RSET, UIDL from UID and UIDVALIDITY (Dovecot's %08Xu%08Xv), what
// QUIT applies (expunge the deleted, \Seen for the retrieved kept and not yet seen), and the one
// message read ahead.
import { describe, expect, it } from 'vitest';
import { Maildrop } from './maildrop.ts';
import type { MessageMeta } from '../core/mailstore.ts';
import { SEEN } from '../core/flags.ts';

const meta = (uid: number, size: number, flags = 0): MessageMeta =>
  ({ uid, size, flags, modseq: 1, keywords: '', internalDate: 0, sha256: `s${uid}`, headerPrefix: null, prefixReplaces: 0 }) as MessageMeta;

describe('Maildrop', () => {
  const drop = () => new Maildrop(7, 0x5f3e1a2b, [meta(3, 100), meta(9, 250, SEEN), meta(12, 40)]);

  it('numbers from 1; STAT counts what is not marked deleted; DELE, then RSET', () => {
    const d = drop();
    expect(d.stat()).toEqual({ count: 3, octets: 390 });
    expect(d.get(2).uid).toBe(9);
    d.dele(2);
    expect(d.stat()).toEqual({ count: 2, octets: 140 });
    expect(() => d.get(2)).toThrow(/already deleted/);
    expect(() => d.dele(2)).toThrow(/already deleted/);
    expect(() => d.get(4)).toThrow(/no such message/);
    expect([...d.live()].map((x) => x.n)).toEqual([1, 3]);
    d.reset();
    expect(d.stat().count).toBe(3);
  });

  it('UIDL: UID then UIDVALIDITY, eight upper-case hex digits each', () => {
    expect(drop().uidl(meta(3, 1))).toBe('000000035F3E1A2B');
  });

  it('QUIT applies: the deleted expunged, the retrieved kept and unseen marked \\Seen', () => {
    const d = drop();
    d.retrieved(1);
    d.retrieved(2); // already \Seen
    d.retrieved(3);
    d.dele(3);
    expect(d.changes(SEEN)).toEqual({ expunge: [12], seen: [3] });
  });

  it('one message read ahead, taken once, for its number only', async () => {
    const d = drop();
    d.setAhead(2, Promise.resolve(Buffer.from('x')));
    expect(d.takeAhead(3)).toBeNull(); // another number drops it
    expect(d.takeAhead(2)).toBeNull();
    d.setAhead(2, Promise.resolve(Buffer.from('y')));
    expect(String(await d.takeAhead(2))).toBe('y');
    expect(d.peek(2)?.uid).toBe(9);
    d.dele(2);
    expect(d.peek(2)).toBeNull();
  });
});
