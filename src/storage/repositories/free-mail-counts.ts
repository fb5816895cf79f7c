// The free-mail counter repository: the only code that reads or writes `free_mail_counts`
// (migration 0013_forwarding_send_limits): messages exchanged with free-mail domains per day,
// unit and direction, added to as mail is delivered or submitted. It reads `people` and `units`
// (the unit of an account: its person's, or the unit whose mailbox it is; the unit's head) without
// writing them. No rules: core/free-mail-report.ts decides what is counted.
// Owns: the rows of `free_mail_counts`.
import type { Reader, Tx } from '../tx.ts';

/** Add `n` messages to a day's counter of a unit (0: none) and direction. */
export async function addCount(tx: Tx, day: string, unitId: number, direction: 'in' | 'out', n: number): Promise<void> {
  await tx
    .insertInto('free_mail_counts')
    .values({ day, unit_id: unitId, direction, messages: n })
    .onConflict((oc) => oc.columns(['day', 'unit_id', 'direction']).doUpdateSet((eb) => ({ messages: eb('free_mail_counts.messages', '+', eb.ref('excluded.messages')) })))
    .execute();
}

export interface CountRow {
  unitId: number;
  unitCode: string | null;
  unitName: string | null;
  direction: 'in' | 'out';
  messages: number;
}

/** Sums per unit and direction over the days [fromDay, toDay] (YYYY-MM-DD, inclusive). */
export async function countsBetween(r: Reader, fromDay: string, toDay: string): Promise<CountRow[]> {
  const rows = await r
    .selectFrom('free_mail_counts')
    .leftJoin('units', 'units.id', 'free_mail_counts.unit_id')
    .select((eb) => ['free_mail_counts.unit_id', 'units.code', 'units.name', 'free_mail_counts.direction', eb.fn.sum<number>('free_mail_counts.messages').as('messages')])
    .where('free_mail_counts.day', '>=', fromDay)
    .where('free_mail_counts.day', '<=', toDay)
    .groupBy(['free_mail_counts.unit_id', 'units.code', 'units.name', 'free_mail_counts.direction'])
    .orderBy('free_mail_counts.unit_id')
    .orderBy('free_mail_counts.direction')
    .execute();
  return rows.map((x) => ({ unitId: Number(x.unit_id), unitCode: x.code ?? null, unitName: x.name ?? null, direction: x.direction as 'in' | 'out', messages: Number(x.messages) }));
}

/** The unit of each account: its person's unit, else the unit whose mailbox it is (absent: none). */
export async function unitsOfAccounts(r: Reader, accountIds: number[]): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  if (!accountIds.length) return out;
  for (const u of await r.selectFrom('units').select(['id', 'mailbox_account_id']).where('mailbox_account_id', 'in', accountIds).execute()) out.set(Number(u.mailbox_account_id), Number(u.id));
  for (const p of await r.selectFrom('people').select(['account_id', 'unit_id']).where('account_id', 'in', accountIds).where('unit_id', 'is not', null).execute()) {
    out.set(Number(p.account_id), Number(p.unit_id));
  }
  return out;
}

/** The account of a unit's head (null when the unit has no head or the head no mailbox). */
export async function headAccountOf(r: Reader, unitId: number): Promise<number | null> {
  const row = await r.selectFrom('units').innerJoin('people', 'people.id', 'units.head_person_id').select('people.account_id').where('units.id', '=', unitId).executeTakeFirst();
  return row?.account_id == null ? null : Number(row.account_id);
}
