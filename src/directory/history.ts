// Versions of directory rows (units, people) in `directory_history`: each change closes the current
// version (valid_to) and opens a new one with a JSON snapshot, who and why; a removal writes a
// tombstone. Reading "as of" a date picks the version that held then. The highest history id is
// also the directory's version number: the search index compares it to notice other processes'
// changes.
// Owns: what a version is (snapshot, tombstone, who, why); rows through
// storage/repositories/directory-history.ts.
import type { Reader, Tx } from '../storage/tx.ts';
import { closeCurrentVersion, insertVersion, versionsAfter, versionsHeldAt, versionsOfEntity, versionsOfRequest } from '../storage/repositories/directory-history.ts';

export type HistoryEntity = 'unit' | 'person' | 'list' | 'delegation';

export const TOMBSTONE = '{"deleted":true}';

/** Record a new version of an entity (or a tombstone when `data` is null) at time `at`. */
export async function recordVersion(
  trx: Tx,
  entity: HistoryEntity,
  entityId: number,
  data: Record<string, unknown> | null,
  ctx: { actor: string; reason?: string; requestId?: number },
  at = Date.now(),
): Promise<void> {
  await closeCurrentVersion(trx, entity, entityId, at);
  await insertVersion(trx, {
    entity,
    entityId,
    validFrom: at,
    // a tombstone holds for no time at all: as-of reads never see it
    validTo: data ? null : at,
    data: data ? JSON.stringify(data) : TOMBSTONE,
    actor: ctx.actor,
    reason: ctx.reason ?? '',
    requestId: ctx.requestId ?? null,
  });
}

/** Snapshots of every entity of a kind as they stood at `at`. */
export async function snapshotsAsOf<T>(db: Reader, entity: HistoryEntity, at: number): Promise<T[]> {
  const rows = await versionsHeldAt(db, entity, at);
  return rows.filter((r) => r.data !== TOMBSTONE).map((r) => JSON.parse(r.data) as T);
}

/**
 * The versions of one entity, oldest first (for `show` and audits). `requestId` names the request
 * (issue 11) the change was made by; `outsideRequest` marks a change made directly (a sysadmin's
 * correction, a CSV import, a change from before requests existed).
 */
export async function versionsOf(
  db: Reader,
  entity: HistoryEntity,
  entityId: number,
): Promise<Array<{ validFrom: number; validTo: number | null; data: unknown; actor: string; reason: string; requestId: number | null; outsideRequest: boolean }>> {
  const rows = await versionsOfEntity(db, entity, entityId);
  return rows.map((r) => ({ validFrom: r.validFrom, validTo: r.validTo, data: JSON.parse(r.data), actor: r.actor, reason: r.reason, requestId: r.requestId, outsideRequest: r.requestId === null }));
}

/** What a request changed in the directory: each entity's versions it made (traceability from a request to its changes). */
export async function changesOfRequest(db: Reader, requestId: number): Promise<Array<{ entity: string; entityId: number; at: number; data: unknown }>> {
  return (await versionsOfRequest(db, requestId)).map((v) => ({ entity: v.entity, entityId: v.entityId, at: v.validFrom, data: JSON.parse(v.data) }));
}

/** Entities changed since `version`, with the new version. */
export async function changedSince(db: Reader, version: number): Promise<{ version: number; changed: Array<{ entity: string; entityId: number }> }> {
  const rows = await versionsAfter(db, version);
  const seen = new Set<string>();
  const changed: Array<{ entity: string; entityId: number }> = [];
  for (const r of rows) {
    const k = `${r.entity}:${r.entityId}`;
    if (!seen.has(k)) {
      seen.add(k);
      changed.push({ entity: r.entity, entityId: r.entityId });
    }
  }
  return { version: rows.length ? rows[rows.length - 1].id : version, changed };
}
