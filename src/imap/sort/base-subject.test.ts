// RFC 5256 §2.1 base subjects, from the RFC's grammar and the forms real clients write.
import { describe, it, expect } from 'vitest';
import { baseSubject } from './base-subject.ts';

describe('baseSubject (RFC 5256 §2.1)', () => {
  it.each([
    ['Re: Họp giao ban', 'Họp giao ban', true],
    ['RE: re: Fwd: FW: Họp giao ban', 'Họp giao ban', true],
    ['Re[2]: Báo cáo', 'Báo cáo', true],
    ['[so-noi-vu] Re: Lịch công tác', 'Lịch công tác', true],
    ['[so-noi-vu] Lịch công tác', 'Lịch công tác', false],
    ['Lịch công tác (fwd)', 'Lịch công tác', true],
    ['[Fwd: Re: Kế hoạch 2027]', 'Kế hoạch 2027', true],
    ['   Kế   hoạch\t2027  ', 'Kế hoạch 2027', false],
    ['[only a blob]', '[only a blob]', false],
    ['Re:', '', true],
    ['', '', false],
    ['Reply: not a leader', 'Reply: not a leader', false],
    ['=?UTF-8?B?UmU6IFRow7RuZyBiw6Fv?=', 'Thông báo', true],
  ])('%j → %j', (raw, base, rf) => {
    expect(baseSubject(raw)).toEqual({ base, replyOrForward: rf });
  });

  it('takes a null subject as empty', () => {
    expect(baseSubject(null)).toEqual({ base: '', replyOrForward: false });
  });
});
