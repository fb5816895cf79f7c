// subjectKey: the base subject threads compare (core/threads.ts).
// Owns: the tests of the base subject.
import { describe, it, expect } from 'vitest';
import { subjectKey } from './threads.ts';

describe('subjectKey (the base subject threads compare)', () => {
  it('peels reply and forward leaders, Vietnamese ones too, list tags and (fwd) trailers', () => {
    for (const s of [
      'Kế hoạch tháng 12',
      'Re: Kế hoạch tháng 12',
      'RE: re: Kế hoạch tháng 12',
      'TL: Kế hoạch tháng 12',
      'Trả lời: Fwd: Kế hoạch tháng 12',
      'Chuyển tiếp: Kế hoạch tháng 12',
      '[so-noi-vu] Re: Kế hoạch tháng 12',
      'Kế hoạch tháng 12 (fwd)',
      '[Fwd: Kế hoạch tháng 12]',
      '  Re:   Kế   hoạch tháng 12 ',
    ])
      expect(subjectKey(s), s).toBe('kế hoạch tháng 12');
  });
  it('keeps what is not a leader', () => {
    expect(subjectKey('Trả lời phỏng vấn')).toBe('trả lời phỏng vấn');
    expect(subjectKey('[Khẩn]')).toBe('[khẩn]');
    expect(subjectKey('Việc khác')).not.toBe(subjectKey('Kế hoạch'));
    expect(subjectKey(null)).toBe('');
  });
});
