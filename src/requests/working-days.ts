// Working days in Vietnam (issue 11, the service level of requests): Monday to Friday, less the
// public holidays the configuration lists (`requests.holidays`: 'MM-DD' every year — 01-01, 04-30,
// 05-01, 09-02 — or 'YYYY-MM-DD' once: Tết and the Hùng Kings' day follow the lunar calendar and
// the Government's yearly announcement, with its swapped days). Days are counted in Vietnam's time
// (UTC+7, no daylight saving). Pure: no clock, no I/O.
// Owns: the working-day calculator (addWorkingDays, workingDaysBetween, isWorkingDay).

const VN_OFFSET_MS = 7 * 3600_000;
const DAY_MS = 86_400_000;

/** A holiday list, parsed once. */
export interface Holidays {
  yearly: Set<string>; // 'MM-DD'
  once: Set<string>; // 'YYYY-MM-DD'
}

export function parseHolidays(list: readonly string[]): Holidays {
  const h: Holidays = { yearly: new Set(), once: new Set() };
  for (const raw of list) {
    const s = raw.trim();
    if (/^\d{2}-\d{2}$/.test(s)) h.yearly.add(s);
    else if (/^\d{4}-\d{2}-\d{2}$/.test(s)) h.once.add(s);
    else throw new Error(`ngày nghỉ không hợp lệ / invalid holiday "${raw}" (MM-DD or YYYY-MM-DD)`);
  }
  return h;
}

/** The Vietnamese calendar day (days since 1970-01-01 in UTC+7) of an instant. */
function vnDay(ms: number): number {
  return Math.floor((ms + VN_OFFSET_MS) / DAY_MS);
}

function dayString(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function isWorkingDayNumber(day: number, h: Holidays): boolean {
  const weekday = new Date(day * DAY_MS).getUTCDay(); // 0 Sunday … 6 Saturday
  if (weekday === 0 || weekday === 6) return false;
  const s = dayString(day);
  return !h.once.has(s) && !h.yearly.has(s.slice(5));
}

/** Whether the Vietnamese calendar day holding `ms` is a working day. */
export function isWorkingDay(ms: number, h: Holidays): boolean {
  return isWorkingDayNumber(vnDay(ms), h);
}

/**
 * The deadline `n` working days after `fromMs`: the end (24:00, UTC+7) of the n-th working day
 * after the day of `fromMs` (the day itself does not count, as a request filed on Friday evening
 * counts from Monday). n = 0: the end of that day.
 */
export function addWorkingDays(fromMs: number, n: number, h: Holidays): number {
  let day = vnDay(fromMs);
  let left = n;
  while (left > 0) {
    day++;
    if (isWorkingDayNumber(day, h)) left--;
  }
  return (day + 1) * DAY_MS - VN_OFFSET_MS;
}

/** Working days strictly after the day of `fromMs` up to and including the day of `toMs` (0 when `toMs` is not later). */
export function workingDaysBetween(fromMs: number, toMs: number, h: Holidays): number {
  let count = 0;
  for (let day = vnDay(fromMs) + 1; day <= vnDay(toMs); day++) if (isWorkingDayNumber(day, h)) count++;
  return count;
}
