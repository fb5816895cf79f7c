// Calendar arithmetic: whole months and years, clamped to the month's last day.
import { describe, it, expect } from 'vitest';
import { addMonths, yearsBefore } from './calendar.ts';

const at = (s: string) => Date.parse(s);

describe('calendar arithmetic', () => {
  it('moves by months, keeping the time of day and clamping the day', () => {
    expect(addMonths(at('2026-01-31T08:30:00Z'), 1)).toBe(at('2026-02-28T08:30:00Z'));
    expect(addMonths(at('2028-03-31T00:00:00Z'), -1)).toBe(at('2028-02-29T00:00:00Z'));
    expect(addMonths(at('2026-12-07T10:00:00Z'), 6)).toBe(at('2027-06-07T10:00:00Z'));
  });
  it('goes back whole years, 29 February to 28 February', () => {
    expect(yearsBefore(at('2028-02-29T12:00:00Z'), 1)).toBe(at('2027-02-28T12:00:00Z'));
    expect(yearsBefore(at('2026-12-07T00:00:00Z'), 5)).toBe(at('2021-12-07T00:00:00Z'));
  });
});
