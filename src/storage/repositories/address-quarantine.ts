// The address quarantine repository: the only code that reads or writes `address_quarantine`
// (migration 0023_requests_2) — a purged leaver's addresses, given to nobody else before `until_at`.
// Owns: the SQL of that table; the rule (how long, who asks) is directory/retention.ts's and
// core/accounts.ts's.
import type { Reader, Tx } from '../tx.ts';

export interface QuarantinedAddress {
  address: string;
  untilAt: number;
  personName: string;
  leftAt: number | null;
  createdAt: number;
}

/** Put addresses in quarantine (a later end replaces an earlier one). */
export async function quarantine(tx: Tx, rows: QuarantinedAddress[]): Promise<void> {
  for (const r of rows) {
    await tx
      .insertInto('address_quarantine')
      .values({ address: r.address, until_at: r.untilAt, person_name: r.personName, left_at: r.leftAt, created_at: r.createdAt })
      .onConflict((oc) => oc.column('address').doUpdateSet({ until_at: r.untilAt, person_name: r.personName, left_at: r.leftAt, created_at: r.createdAt }))
      .execute();
  }
}

/** The quarantine of an address still running at `now`, or null. */
export async function quarantineOf(r: Reader, address: string, now: number): Promise<QuarantinedAddress | null> {
  const row = await r.selectFrom('address_quarantine').selectAll().where('address', '=', address).where('until_at', '>', now).executeTakeFirst();
  return row
    ? { address: row.address, untilAt: Number(row.until_at), personName: row.person_name, leftAt: row.left_at === null ? null : Number(row.left_at), createdAt: Number(row.created_at) }
    : null;
}

/** Every quarantine still running at `now`, soonest end first. */
export async function runningQuarantines(r: Reader, now: number): Promise<QuarantinedAddress[]> {
  const rows = await r.selectFrom('address_quarantine').selectAll().where('until_at', '>', now).orderBy('until_at').execute();
  return rows.map((row) => ({
    address: row.address,
    untilAt: Number(row.until_at),
    personName: row.person_name,
    leftAt: row.left_at === null ? null : Number(row.left_at),
    createdAt: Number(row.created_at),
  }));
}
