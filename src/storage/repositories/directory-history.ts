// The directory history repository: the only code that reads or writes `directory_history`
// (every version of every unit, person, list and delegation, with who and the authorising
// document). Owns: closing an entity's current version, adding a version, reading the versions
// that held at a time, one entity's versions, the versions added since an id, and the directory's
// version stamp. What a version holds (snapshots, tombstones) is src/directory/history.ts's.
import { sql } from 'kysely';
import type { Reader, Tx } from '../tx.ts';

export interface HistoryRow {
  id: number;
  entity: string;
  entityId: number;
  validFrom: number;
  validTo: number | null;
  data: string; // JSON, as stored
  actor: string;
  reason: string;
  /** The request (issue 11) the change was made by; null = outside any request. */
  requestId: number | null;
}

/** Mark the current version of an entity (if any) as ending at `at`. */
export async function closeCurrentVersion(tx: Tx, entity: string, entityId: number, at: number): Promise<void> {
  await tx.updateTable('directory_history').set({ valid_to: at }).where('entity', '=', entity).where('entity_id', '=', entityId).where('valid_to', 'is', null).execute();
}

export async function insertVersion(tx: Tx, v: Omit<HistoryRow, 'id'>): Promise<void> {
  await tx
    .insertInto('directory_history')
    .values({ entity: v.entity, entity_id: v.entityId, valid_from: v.validFrom, valid_to: v.validTo, data: v.data, actor: v.actor, reason: v.reason, request_id: v.requestId })
    .execute();
}

/** The data of every version of an entity kind that held at `at` (from ≤ at < to), by entity id. */
export async function versionsHeldAt(r: Reader, entity: string, at: number): Promise<Array<{ entityId: number; data: string }>> {
  const rows = await r
    .selectFrom('directory_history')
    .select(['entity_id', 'data'])
    .where('entity', '=', entity)
    .where('valid_from', '<=', at)
    .where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>', at)]))
    .orderBy('entity_id')
    .execute();
  return rows.map((row) => ({ entityId: Number(row.entity_id), data: row.data }));
}

/** Every version of one entity, oldest first. */
export async function versionsOfEntity(r: Reader, entity: string, entityId: number): Promise<HistoryRow[]> {
  const rows = await r.selectFrom('directory_history').selectAll().where('entity', '=', entity).where('entity_id', '=', entityId).orderBy('id').execute();
  return rows.map((row) => ({
    id: Number(row.id),
    entity: row.entity,
    entityId: Number(row.entity_id),
    validFrom: Number(row.valid_from),
    validTo: row.valid_to === null ? null : Number(row.valid_to),
    data: row.data,
    actor: row.actor,
    reason: row.reason,
    requestId: row.request_id === null ? null : Number(row.request_id),
  }));
}

/** The versions a request made (issue 11), oldest first: which entities it changed. */
export async function versionsOfRequest(r: Reader, requestId: number): Promise<Array<{ entity: string; entityId: number; validFrom: number; data: string }>> {
  const rows = await r.selectFrom('directory_history').select(['entity', 'entity_id', 'valid_from', 'data']).where('request_id', '=', requestId).orderBy('id').execute();
  return rows.map((row) => ({ entity: row.entity, entityId: Number(row.entity_id), validFrom: Number(row.valid_from), data: row.data }));
}

/** Which entities got versions after id `afterId`, in id order. */
export async function versionsAfter(r: Reader, afterId: number): Promise<Array<{ id: number; entity: string; entityId: number }>> {
  const rows = await r.selectFrom('directory_history').select(['id', 'entity', 'entity_id']).where('id', '>', afterId).orderBy('id').execute();
  return rows.map((row) => ({ id: Number(row.id), entity: row.entity, entityId: Number(row.entity_id) }));
}

/**
 * The directory's version stamp in one cheap statement: the highest history id, and the number
 * of distribution lists and their last change (list rows also change without a history version).
 */
export async function directoryStamp(r: Reader): Promise<{ history: number; lists: number; listsChangedAt: number }> {
  const res = await sql<{ v: number | null; n: number | string; u: number | null }>`
    SELECT (SELECT MAX(id) FROM directory_history) AS v,
           (SELECT COUNT(*) FROM distribution_lists) AS n,
           (SELECT MAX(updated_at) FROM distribution_lists) AS u`.execute(r);
  const row = res.rows[0];
  return { history: Number(row?.v ?? 0), lists: Number(row?.n ?? 0), listsChangedAt: Number(row?.u ?? 0) };
}
