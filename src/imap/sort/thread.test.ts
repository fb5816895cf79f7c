// THREAD's algorithms (RFC 5256 §3) and its answer's grammar (§4), on small mailboxes built by hand.
import { describe, it, expect } from 'vitest';
import { formatThreads, msgIds, orderedSubject, references, type ThreadItem } from './thread.ts';

let seq = 0;
function msg(p: Partial<ThreadItem> & { subject: string; day: number }): ThreadItem {
  seq++;
  return { n: p.n ?? seq, seq: p.seq ?? seq, date: Date.UTC(2026, 0, p.day), subject: p.subject, messageId: p.messageId ?? null, inReplyTo: p.inReplyTo ?? null, references: p.references ?? null };
}

describe('THREAD answer grammar (RFC 5256 §4)', () => {
  it('writes a chain flat, several children each in parentheses, and a dummy root as a list of lists', () => {
    const leaf = (n: number) => ({ item: { n } as ThreadItem, children: [] });
    expect(
      formatThreads([
        { item: { n: 2 } as ThreadItem, children: [] },
        {
          item: { n: 3 } as ThreadItem,
          children: [
            {
              item: { n: 6 } as ThreadItem,
              children: [
                { item: { n: 4 } as ThreadItem, children: [leaf(23)] },
                { item: { n: 44 } as ThreadItem, children: [{ item: { n: 7 } as ThreadItem, children: [leaf(96)] }] },
              ],
            },
          ],
        },
        { item: null, children: [leaf(3), leaf(5)] },
      ]),
    ).toBe('(2)(3 6 (4 23)(44 7 96))((3)(5))');
    expect(formatThreads([])).toBe('');
  });

  it('reads msg-ids in order, lower-cased', () => {
    expect(msgIds('<A@x.vn> <b@Y.vn>\t<c@z>')).toEqual(['a@x.vn', 'b@y.vn', 'c@z']);
    expect(msgIds(null)).toEqual([]);
  });
});

describe('THREAD=ORDEREDSUBJECT', () => {
  it('groups by base subject, the first message the parent of the others, threads by their first date', () => {
    seq = 0;
    const items = [
      msg({ subject: 'Kế hoạch', day: 3 }), // 1
      msg({ subject: 'Re: Giao ban', day: 2 }), // 2
      msg({ subject: 'Giao ban', day: 1 }), // 3
      msg({ subject: 'Re: Kế hoạch', day: 4 }), // 4
      msg({ subject: 'RE: giao ban', day: 5 }), // 5
      msg({ subject: 'Re: Kế hoạch', day: 6 }), // 6
    ];
    expect(formatThreads(orderedSubject(items))).toBe('(3 (2)(5))(1 (4)(6))');
  });

  it('a thread of two is a chain', () => {
    seq = 0;
    expect(formatThreads(orderedSubject([msg({ subject: 'A', day: 1 }), msg({ subject: 'Re: A', day: 2 })]))).toBe('(1 2)');
  });
});

describe('THREAD=REFERENCES', () => {
  it('follows References, then In-Reply-To; siblings by date', () => {
    seq = 0;
    const items = [
      msg({ subject: 'Họp', day: 1, messageId: '<a@kt>' }), // 1
      msg({ subject: 'Re: Họp', day: 3, messageId: '<c@kt>', references: '<a@kt>' }), // 2
      msg({ subject: 'Re: Họp', day: 2, messageId: '<b@kt>', inReplyTo: '<a@kt>' }), // 3
      msg({ subject: 'Re: Họp', day: 4, messageId: '<d@kt>', references: '<a@kt> <b@kt>' }), // 4
      msg({ subject: 'Khác', day: 5, messageId: '<e@kt>' }), // 5
    ];
    expect(formatThreads(references(items))).toBe('(1 (3 4)(2))(5)');
  });

  it('keeps a dummy for a missing parent with several replies, and promotes a lone child', () => {
    seq = 0;
    const items = [
      msg({ subject: 'Re: Gốc', day: 2, messageId: '<r1@kt>', references: '<gone@kt>' }), // 1
      msg({ subject: 'Re: Gốc', day: 1, messageId: '<r2@kt>', references: '<gone@kt>' }), // 2
      msg({ subject: 'Re: Khác', day: 3, messageId: '<r3@kt>', references: '<gone2@kt>' }), // 3
    ];
    expect(formatThreads(references(items))).toBe('((2)(1))(3)');
  });

  it('gathers roots of the same base subject: a reply under its original, two originals as siblings', () => {
    seq = 0;
    const items = [
      msg({ subject: 'Báo cáo', day: 1, messageId: '<x1@kt>' }), // 1
      msg({ subject: 'Re: Báo cáo', day: 2, messageId: '<x2@kt>' }), // 2: no references, same subject
      msg({ subject: 'Tuần', day: 3, messageId: '<y1@kt>' }), // 3
      msg({ subject: 'Tuần', day: 4, messageId: '<y2@kt>' }), // 4
    ];
    expect(formatThreads(references(items))).toBe('(1 2)((3)(4))');
  });

  it('survives loops, self-references and duplicate Message-IDs', () => {
    seq = 0;
    const items = [
      msg({ subject: 'A', day: 1, messageId: '<a@kt>', references: '<b@kt>' }),
      msg({ subject: 'B', day: 2, messageId: '<b@kt>', references: '<a@kt>' }),
      msg({ subject: 'C', day: 3, messageId: '<c@kt>', references: '<c@kt>' }),
      msg({ subject: 'D', day: 4, messageId: '<a@kt>' }),
    ];
    const out = formatThreads(references(items));
    for (const n of [1, 2, 3, 4]) expect(out).toMatch(new RegExp(`\\b${n}\\b`));
    expect(out.match(/\d+/g)!.sort()).toEqual(['1', '2', '3', '4']); // every message once
  });
});
