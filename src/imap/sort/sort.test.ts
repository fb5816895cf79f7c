// SORT's order (RFC 5256 §3, RFC 5957): keys, REVERSE, ties by sequence number, Vietnamese text order.
import { describe, it, expect } from 'vitest';
import { sortItems, compareText, type SortItem } from './sort.ts';
import type { Addr, Envelope } from '../../core/mime/types.ts';

const addr = (name: string | null, mailbox: string, host = 'kontum.gov.vn'): Addr => ({ name, adl: null, mailbox, host });
function item(n: number, p: { subject?: string; from?: Addr; to?: Addr; size?: number; arrival?: number; date?: number }): SortItem {
  const envelope: Envelope = {
    date: null,
    subject: p.subject ?? null,
    from: p.from ? [p.from] : null,
    sender: null,
    replyTo: null,
    to: p.to ? [p.to] : null,
    cc: null,
    bcc: null,
    inReplyTo: null,
    messageId: null,
  };
  return { n, seq: n, size: p.size ?? 0, arrival: p.arrival ?? 0, date: p.date ?? 0, envelope };
}

describe('SORT', () => {
  it('orders base subjects the Vietnamese way, case-insensitively, ties by sequence number', () => {
    const items = [
      item(1, { subject: 'Re: Đào tạo' }),
      item(2, { subject: 'dự toán' }),
      item(3, { subject: 'Ân xá' }),
      item(4, { subject: 'an toàn' }),
      item(5, { subject: 'AN TOÀN' }),
      item(6, { subject: 'Fwd: Dự toán' }),
    ];
    expect(sortItems(items, [{ key: 'SUBJECT', reverse: false }]).map((i) => i.n)).toEqual([4, 5, 3, 2, 6, 1]);
  });

  it('applies REVERSE per key, and keys in order', () => {
    const items = [item(1, { size: 10, date: 3 }), item(2, { size: 20, date: 1 }), item(3, { size: 10, date: 2 })];
    expect(
      sortItems(items, [
        { key: 'SIZE', reverse: true },
        { key: 'DATE', reverse: false },
      ]).map((i) => i.n),
    ).toEqual([2, 3, 1]);
    expect(sortItems(items, [{ key: 'SIZE', reverse: false }]).map((i) => i.n)).toEqual([1, 3, 2]);
  });

  it('FROM sorts by the mailbox, DISPLAYFROM by the decoded display name or else the address', () => {
    const items = [item(1, { from: addr('=?UTF-8?Q?=C4=90=E1=BA=B7ng_V=C4=83n_B?=', 'aaa') }), item(2, { from: addr('Bùi Thị C', 'zzz') }), item(3, { from: addr(null, 'bbb') })];
    expect(sortItems(items, [{ key: 'FROM', reverse: false }]).map((i) => i.n)).toEqual([1, 3, 2]);
    expect(sortItems(items, [{ key: 'DISPLAYFROM', reverse: false }]).map((i) => i.n)).toEqual([3, 2, 1]); // bbb@… < Bùi < Đặng
  });

  it('compares text with diacritics significant but case not', () => {
    expect(compareText('an', 'AN')).toBe(0);
    expect(compareText('an', 'ân')).toBeLessThan(0);
    expect(compareText('do', 'đo')).toBeLessThan(0);
    expect(compareText('đo', 'e')).toBeLessThan(0);
  });
});
