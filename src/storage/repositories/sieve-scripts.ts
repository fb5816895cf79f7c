// The Sieve repository: the only code that reads or writes `sieve_scripts` and
// `sieve_vacation_replies` (migration 0017_sieve).
// Owns: an account's scripts (name, text, which one is active) and the record of whom a vacation
// handle already answered, and when. Compiling, quotas and the rules are core/sieve-scripts.ts's.
import type { Reader, Tx } from '../tx.ts';
import { precompiled } from '../precompiled.ts';

export interface SieveScriptRow {
  id: number;
  accountId: number;
  name: string;
  script: string;
  active: boolean;
  updatedAt: number;
}

function row(r: { id: number; account_id: number; name: string; script: string; active: number; updated_at: number }): SieveScriptRow {
  return { id: Number(r.id), accountId: Number(r.account_id), name: r.name, script: r.script, active: Number(r.active) === 1, updatedAt: Number(r.updated_at) };
}

export async function scriptsOf(r: Reader, accountId: number): Promise<SieveScriptRow[]> {
  return (await r.selectFrom('sieve_scripts').selectAll().where('account_id', '=', accountId).orderBy('name').execute()).map(row);
}

export async function scriptNamed(r: Reader, accountId: number, name: string): Promise<SieveScriptRow | null> {
  const x = await r.selectFrom('sieve_scripts').selectAll().where('account_id', '=', accountId).where('name', '=', name).executeTakeFirst();
  return x ? row(x) : null;
}

// Asked for every local recipient of every message: built once (storage/precompiled.ts).
const activeScriptQuery = precompiled((r, accountId: number) => r.selectFrom('sieve_scripts').selectAll().where('account_id', '=', accountId).where('active', '=', 1));

export async function activeScript(r: Reader, accountId: number): Promise<SieveScriptRow | null> {
  const [x] = (await activeScriptQuery(r, accountId)).rows;
  return x ? row(x) : null;
}

/** Insert or replace a script's text (its active mark is kept). */
export async function upsertScript(tx: Tx, accountId: number, name: string, script: string, now: number): Promise<void> {
  await tx
    .insertInto('sieve_scripts')
    .values({ account_id: accountId, name, script, active: 0, created_at: now, updated_at: now })
    .onConflict((oc) => oc.columns(['account_id', 'name']).doUpdateSet({ script, updated_at: now }))
    .execute();
}

/** Make one script active (or none, with null): at most one per account. */
export async function setActive(tx: Tx, accountId: number, name: string | null, now: number): Promise<void> {
  await tx.updateTable('sieve_scripts').set({ active: 0, updated_at: now }).where('account_id', '=', accountId).where('active', '=', 1).execute();
  if (name !== null) await tx.updateTable('sieve_scripts').set({ active: 1, updated_at: now }).where('account_id', '=', accountId).where('name', '=', name).execute();
}

export async function deleteScript(tx: Tx, accountId: number, name: string): Promise<boolean> {
  const r = await tx.deleteFrom('sieve_scripts').where('account_id', '=', accountId).where('name', '=', name).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function renameScript(tx: Tx, accountId: number, from: string, to: string, now: number): Promise<boolean> {
  const r = await tx.updateTable('sieve_scripts').set({ name: to, updated_at: now }).where('account_id', '=', accountId).where('name', '=', from).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** When a vacation handle last answered a sender, or null. */
export async function lastVacationReply(r: Reader, accountId: number, handle: string, sender: string): Promise<number | null> {
  const x = await r.selectFrom('sieve_vacation_replies').select('sent_at').where('account_id', '=', accountId).where('handle', '=', handle).where('sender', '=', sender).executeTakeFirst();
  return x ? Number(x.sent_at) : null;
}

export async function recordVacationReply(tx: Tx, accountId: number, handle: string, sender: string, now: number): Promise<void> {
  await tx
    .insertInto('sieve_vacation_replies')
    .values({ account_id: accountId, handle, sender, sent_at: now })
    .onConflict((oc) => oc.columns(['account_id', 'handle', 'sender']).doUpdateSet({ sent_at: now }))
    .execute();
}

/** Forget replies older than `before` (the longest period is 30 days). */
export async function pruneVacationReplies(tx: Tx, before: number): Promise<number> {
  const r = await tx.deleteFrom('sieve_vacation_replies').where('sent_at', '<', before).executeTakeFirst();
  return Number(r.numDeletedRows);
}
