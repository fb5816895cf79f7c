// Owns: IMAP date syntaxes — SEARCH `date` ("d-Mon-yyyy", quoted or not,
// a calendar day returned as UTC midnight) and APPEND `date-time`
// ("dd-Mon-yyyy hh:mm:ss +zzzz", day possibly space-padded, returned as the
// instant it denotes).

import { ParseError } from './errors.ts';
import type { Reader } from './tokenizer.ts';

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

function daysInMonth(year: number, month: number): number {
  const t = new Date(0);
  t.setUTCFullYear(year, month + 1, 0);
  return t.getUTCDate();
}

function calendarDay(day: string, month: string, year: string, what: string): number {
  const m = MONTHS.indexOf(month.toUpperCase());
  const d = Number(day);
  const y = Number(year);
  if (m < 0 || d < 1 || d > daysInMonth(y, m)) throw new ParseError(`Invalid ${what}`);
  const t = new Date(0);
  t.setUTCFullYear(y, m, d);
  return t.getTime();
}

/** date-text = date-day "-" date-month "-" date-year → UTC midnight of that day. */
export function parseDateText(text: string, what = 'date'): Date {
  const m = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec(text);
  if (!m) throw new ParseError(`Invalid ${what}`);
  return new Date(calendarDay(m[1], m[2], m[3], what));
}

/** date = date-text / DQUOTE date-text DQUOTE */
export function readDate(r: Reader, what = 'date'): Date {
  const text = r.peek() === 0x22 ? r.quoted(what).toString('latin1') : r.readWhile((c) => c > 0x20 && c < 0x7f && c !== 0x28 && c !== 0x29 && c !== 0x22);
  if (text.length === 0) {
    if (r.peek() === -1) throw new ParseError(`Missing ${what}`);
    throw new ParseError(`Invalid ${what}`);
  }
  return parseDateText(text, what);
}

/** date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE (without the quotes). */
export function parseDateTime(text: string, what = 'date-time'): Date {
  return parseDateTimeZone(text, what).date;
}

/** A date-time: the instant it denotes and its zone, in minutes east of UTC (INTERNALDATE keeps both). */
export function parseDateTimeZone(text: string, what = 'date-time'): { date: Date; zone: number } {
  const m = /^ ?(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/.exec(text);
  if (!m) throw new ParseError(`Invalid ${what}`);
  const [, day, month, year, hh, mm, ss, sign, zh, zm] = m;
  const h = Number(hh);
  const min = Number(mm);
  const s = Number(ss);
  if (h > 23 || min > 59 || s > 60 || Number(zm) > 59) throw new ParseError(`Invalid ${what}`);
  const midnight = calendarDay(day, month, year, what);
  const offset = (sign === '-' ? -1 : 1) * (Number(zh) * 60 + Number(zm));
  return { date: new Date(midnight + ((h * 60 + min - offset) * 60 + s) * 1000), zone: offset };
}

/** Read a quoted date-time. */
export function readDateTime(r: Reader, what = 'date-time'): Date {
  return readDateTimeZone(r, what).date;
}

/** Read a quoted date-time with its zone. */
export function readDateTimeZone(r: Reader, what = 'date-time'): { date: Date; zone: number } {
  if (r.peek() !== 0x22) throw new ParseError(`Invalid ${what}`);
  return parseDateTimeZone(r.quoted(what).toString('latin1'), what);
}
