// The daily mail counter repository: the only code that reads or writes `mail_daily` (migration
// 0024_mail_daily): messages per day and direction, added to as mail passes (core/mail-daily.ts).
// Owns: the rows of `mail_daily`.
import type { Reader } from '../tx.ts';

/** Add `n` messages to a day's counter in one direction. */
export async function addDaily(w: Reader, day: string, direction: 'in' | 'out', n: number): Promise<void> {
  await w
    .insertInto('mail_daily')
    .values({ day, direction, messages: n })
    .onConflict((oc) => oc.columns(['day', 'direction']).doUpdateSet((eb) => ({ messages: eb('mail_daily.messages', '+', eb.ref('excluded.messages')) })))
    .execute();
}

export interface DailyRow {
  day: string;
  direction: 'in' | 'out';
  messages: number;
}

/** The counters of the days [fromDay, toDay] (YYYY-MM-DD, inclusive), oldest first. */
export async function dailyBetween(r: Reader, fromDay: string, toDay: string): Promise<DailyRow[]> {
  const rows = await r.selectFrom('mail_daily').select(['day', 'direction', 'messages']).where('day', '>=', fromDay).where('day', '<=', toDay).orderBy('day').orderBy('direction').execute();
  return rows.map((x) => ({ day: x.day, direction: x.direction as 'in' | 'out', messages: Number(x.messages) }));
}
