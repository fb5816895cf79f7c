import { describe, expect, it } from 'vitest';
import { addWorkingDays, isWorkingDay, parseHolidays, workingDaysBetween } from './working-days.ts';

// Instants written in Vietnam's time (UTC+7).
const vn = (s: string) => Date.parse(`${s}+07:00`);
const DEFAULT = parseHolidays(['01-01', '04-30', '05-01', '09-02']);

describe('working days in Vietnam', () => {
  it('a request filed on Friday is due at the end of Monday with one working day', () => {
    expect(addWorkingDays(vn('2026-12-04T10:00:00'), 1, DEFAULT)).toBe(vn('2026-12-08T00:00:00'));
  });

  it('the day is the Vietnamese one: Friday 23:30 in Vietnam is still Friday (16:30 UTC)', () => {
    expect(addWorkingDays(vn('2026-12-04T23:30:00'), 1, DEFAULT)).toBe(vn('2026-12-08T00:00:00'));
    // … and Saturday 00:30 in Vietnam (Friday 17:30 UTC) is Saturday: Monday is still the first working day after it
    expect(addWorkingDays(vn('2026-12-05T00:30:00'), 1, DEFAULT)).toBe(vn('2026-12-08T00:00:00'));
  });

  it('skips 30 April and 1 May (Thursday and Friday) and the weekend after them', () => {
    expect(addWorkingDays(vn('2026-04-29T09:00:00'), 1, DEFAULT)).toBe(vn('2026-05-05T00:00:00'));
    expect(addWorkingDays(vn('2026-04-29T09:00:00'), 3, DEFAULT)).toBe(vn('2026-05-07T00:00:00'));
  });

  it('one-off holidays (Tết 2026 as announced) count as well as the yearly ones', () => {
    const tet = parseHolidays(['01-01', '2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20']);
    // Friday 13 Feb + 5 working days: the Tết week is skipped → Monday 23 … Friday 27 Feb
    expect(addWorkingDays(vn('2026-02-13T15:00:00'), 5, tet)).toBe(vn('2026-02-28T00:00:00'));
    expect(isWorkingDay(vn('2026-02-18T12:00:00'), tet)).toBe(false);
    expect(isWorkingDay(vn('2026-02-18T12:00:00'), DEFAULT)).toBe(true);
  });

  it('the new year: 31 December then 1 January (a holiday) then the weekend', () => {
    expect(addWorkingDays(vn('2026-12-30T08:00:00'), 2, DEFAULT)).toBe(vn('2027-01-05T00:00:00'));
  });

  it('zero days is the end of the same day', () => {
    expect(addWorkingDays(vn('2026-12-07T08:00:00'), 0, DEFAULT)).toBe(vn('2026-12-08T00:00:00'));
  });

  it('counts the working days between two instants', () => {
    expect(workingDaysBetween(vn('2026-12-04T10:00:00'), vn('2026-12-11T10:00:00'), DEFAULT)).toBe(5);
    expect(workingDaysBetween(vn('2026-04-29T10:00:00'), vn('2026-05-04T10:00:00'), DEFAULT)).toBe(1);
    expect(workingDaysBetween(vn('2026-12-11T10:00:00'), vn('2026-12-04T10:00:00'), DEFAULT)).toBe(0);
  });

  it('weekends are never working days, holidays or not', () => {
    expect(isWorkingDay(vn('2026-12-05T12:00:00'), DEFAULT)).toBe(false);
    expect(isWorkingDay(vn('2026-12-06T12:00:00'), DEFAULT)).toBe(false);
    expect(isWorkingDay(vn('2026-12-07T12:00:00'), DEFAULT)).toBe(true);
    expect(isWorkingDay(vn('2026-09-02T12:00:00'), DEFAULT)).toBe(false);
  });

  it('refuses a holiday it cannot read', () => {
    expect(() => parseHolidays(['2/9'])).toThrow(/MM-DD/);
  });
});
