// Versions of directory rows (units, people) in `directory_history`: each change closes the current
// version (valid_to) and opens a new one with a JSON snapshot, who and why; a removal writes a
// tombstone. Reading "as of" a date picks the version that held then. The highest history id is
// also the directory's version number: the search index compares it to notice other processes'
// changes.
import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';

export type HistoryEntity = 'unit' | 'person' | 'list' | 'delegation';

export const TOMBSTONE = '{"deleted":true}';

/** Record a new version of an entity (or a tombstone when `data` is null) at time `at`. */
export async function recordVersion(
  trx: Kysely<Database>,
  entity: HistoryEntity,
  entityId: number,
  data: Record<string, unknown> | null,
  ctx: { actor: string; reason?: string },
  at = Date.now(),
): Promise<void> {
  await trx.updateTable('directory_history').set({ valid_to: at }).where('entity', '=', entity).where('entity_id', '=', entityId).where('valid_to', 'is', null).execute();
  await trx
    .insertInto('directory_history')
    .values({
      entity,
      entity_id: entityId,
      valid_from: at,
      // a tombstone holds for no time at all: as-of reads never see it
      valid_to: data ? null : at,
      data: data ? JSON.stringify(data) : TOMBSTONE,
      actor: ctx.actor,
      reason: ctx.reason ?? '',
    })
    .execute();
}

/** Snapshots of every entity of a kind as they stood at `at`. */
export async function snapshotsAsOf<T>(db: Kysely<Database>, entity: HistoryEntity, at: number): Promise<T[]> {
  const rows = await db
    .selectFrom('directory_history')
    .select(['entity_id', 'data'])
    .where('entity', '=', entity)
    .where('valid_from', '<=', at)
    .where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>', at)]))
    .orderBy('entity_id')
    .execute();
  return rows.filter((r) => r.data !== TOMBSTONE).map((r) => JSON.parse(r.data) as T);
}

/** The versions of one entity, oldest first (for `show` and audits). */
export async function versionsOf(
  db: Kysely<Database>,
  entity: HistoryEntity,
  entityId: number,
): Promise<Array<{ validFrom: number; validTo: number | null; data: unknown; actor: string; reason: string }>> {
  const rows = await db.selectFrom('directory_history').selectAll().where('entity', '=', entity).where('entity_id', '=', entityId).orderBy('id').execute();
  return rows.map((r) => ({ validFrom: Number(r.valid_from), validTo: r.valid_to === null ? null : Number(r.valid_to), data: JSON.parse(r.data), actor: r.actor, reason: r.reason }));
}

/** The directory's version: the highest history id (0 when empty). */
export async function directoryVersion(db: Kysely<Database>): Promise<number> {
  const r = await db
    .selectFrom('directory_history')
    .select((eb) => eb.fn.max('id').as('v'))
    .executeTakeFirst();
  return Number(r?.v ?? 0);
}

/** Entities changed since `version`, with the new version. */
export async function changedSince(db: Kysely<Database>, version: number): Promise<{ version: number; changed: Array<{ entity: string; entityId: number }> }> {
  const rows = await db.selectFrom('directory_history').select(['id', 'entity', 'entity_id']).where('id', '>', version).orderBy('id').execute();
  const seen = new Set<string>();
  const changed: Array<{ entity: string; entityId: number }> = [];
  for (const r of rows) {
    const k = `${r.entity}:${r.entity_id}`;
    if (!seen.has(k)) {
      seen.add(k);
      changed.push({ entity: r.entity, entityId: Number(r.entity_id) });
    }
  }
  return { version: rows.length ? Number(rows[rows.length - 1].id) : version, changed };
}
