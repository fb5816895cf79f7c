// The requests repository (issue 11): the only code that reads or writes `requests`,
// `request_items`, `request_events` and `request_documents` (migration 0015_requests).
// Owns: inserting a request with its rows, reading requests (by id, filtered lists, due ones),
// compare-and-set state changes (an executor's claim included), item results and credentials,
// events, documents and their scanned content. What the states mean and who may change them is
// src/requests/'s.
import { sql } from 'kysely';
import type { Reader, Tx } from '../tx.ts';

export interface RequestRow {
  id: number;
  kind: string;
  state: string;
  unitId: number | null;
  unitCode: string | null;
  requesterAccountId: number | null;
  requester: string;
  summary: string;
  note: string;
  effectiveAt: number | null;
  dueAt: number | null;
  rejectReason: string | null;
  error: string | null;
  leaseUntil: number | null;
  createdAt: number;
  updatedAt: number;
  submittedAt: number | null;
  decidedAt: number | null;
  executedAt: number | null;
  notifiedAt: number | null;
  overdueNotifiedAt: number | null;
  itemsTotal: number;
  itemsDone: number;
}

export interface RequestItemRow {
  id: number;
  requestId: number;
  line: number;
  kind: string;
  payload: string;
  state: string;
  error: string | null;
  result: string | null;
  doneAt: number | null;
  credentialExpiresAt: number | null;
  credentialRedeemedAt: number | null;
  credentialIssued: boolean;
}

export interface RequestEventRow {
  id: number;
  at: number;
  actor: string;
  event: string;
  fromState: string | null;
  toState: string | null;
  note: string;
}

export interface RequestDocumentRow {
  id: number;
  requestId: number;
  number: string;
  issuedOn: string;
  signer: string;
  filename: string | null;
  contentType: string | null;
  size: number | null;
  sha256: string | null;
  addedBy: string;
  createdAt: number;
}

const n = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function baseQuery(r: Reader) {
  return r
    .selectFrom('requests')
    .leftJoin('units', 'units.id', 'requests.unit_id')
    .selectAll('requests')
    .select('units.code as unit_code')
    .select((eb) => [
      eb.selectFrom('request_items').select(eb.fn.countAll().as('c')).whereRef('request_items.request_id', '=', 'requests.id').as('items_total'),
      eb.selectFrom('request_items').select(eb.fn.countAll().as('c')).whereRef('request_items.request_id', '=', 'requests.id').where('request_items.state', '=', 'done').as('items_done'),
    ]);
}

type BaseRow = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;

function toRow(row: BaseRow): RequestRow {
  return {
    id: Number(row.id),
    kind: row.kind,
    state: row.state,
    unitId: n(row.unit_id),
    unitCode: row.unit_code ?? null,
    requesterAccountId: n(row.requester_account_id),
    requester: row.requester,
    summary: row.summary,
    note: row.note,
    effectiveAt: n(row.effective_at),
    dueAt: n(row.due_at),
    rejectReason: row.reject_reason,
    error: row.error,
    leaseUntil: n(row.lease_until),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    submittedAt: n(row.submitted_at),
    decidedAt: n(row.decided_at),
    executedAt: n(row.executed_at),
    notifiedAt: n(row.notified_at),
    overdueNotifiedAt: n(row.overdue_notified_at),
    itemsTotal: Number(row.items_total ?? 0),
    itemsDone: Number(row.items_done ?? 0),
  };
}

export interface NewRequest {
  kind: string;
  state: string;
  unitId: number | null;
  requesterAccountId: number | null;
  requester: string;
  summary: string;
  note: string;
  effectiveAt: number | null;
  createdAt: number;
  items: Array<{ line: number; kind: string; payload: string }>;
}

export async function insertRequest(tx: Tx, q: NewRequest): Promise<number> {
  const row = await tx
    .insertInto('requests')
    .values({
      kind: q.kind,
      state: q.state,
      unit_id: q.unitId,
      requester_account_id: q.requesterAccountId,
      requester: q.requester,
      summary: q.summary,
      note: q.note,
      effective_at: q.effectiveAt,
      due_at: null,
      reject_reason: null,
      error: null,
      lease_until: null,
      created_at: q.createdAt,
      updated_at: q.createdAt,
      submitted_at: null,
      decided_at: null,
      executed_at: null,
      notified_at: null,
      overdue_notified_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const id = Number(row.id);
  for (let i = 0; i < q.items.length; i += 200) {
    await tx
      .insertInto('request_items')
      .values(
        q.items.slice(i, i + 200).map((it) => ({
          request_id: id,
          line: it.line,
          kind: it.kind,
          payload: it.payload,
          error: null,
          result: null,
          done_at: null,
          credential_hash: null,
          credential_expires_at: null,
          credential_redeemed_at: null,
        })),
      )
      .execute();
  }
  return id;
}

export async function requestById(r: Reader, id: number): Promise<RequestRow | null> {
  const row = await baseQuery(r).where('requests.id', '=', id).executeTakeFirst();
  return row ? toRow(row) : null;
}

/** Lock a request's row for the rest of the transaction (PostgreSQL; SQLite's writer lock is the transaction). */
export async function lockRequest(tx: Tx, id: number, postgres: boolean): Promise<void> {
  if (postgres) await sql`SELECT id FROM requests WHERE id = ${id} FOR UPDATE`.execute(tx);
  else
    await tx
      .updateTable('requests')
      .set({ updated_at: sql`updated_at` })
      .where('id', '=', id)
      .execute();
}

export interface RequestFilter {
  states?: string[];
  kind?: string;
  unitIds?: number[] | null; // null/undefined: every unit
  requesterAccountId?: number;
  limit: number;
  offset: number;
}

/** Newest first. `unitIds` limits to requests about those units (a scoped reader's subtree). */
export async function listRequests(r: Reader, f: RequestFilter): Promise<RequestRow[]> {
  let q = baseQuery(r);
  if (f.states?.length) q = q.where('requests.state', 'in', f.states);
  if (f.kind) q = q.where('requests.kind', '=', f.kind);
  if (f.unitIds) {
    const ids = f.unitIds;
    if (ids.length === 0) return [];
    q = q.where('requests.unit_id', 'in', ids);
  }
  if (f.requesterAccountId !== undefined) q = q.where('requests.requester_account_id', '=', f.requesterAccountId);
  const rows = await q.orderBy('requests.id', 'desc').limit(f.limit).offset(f.offset).execute();
  return rows.map(toRow);
}

/** Scheduled requests whose effective date has come, and executions whose executor's claim lapsed (a crash), oldest first. */
export async function dueRequestIds(r: Reader, now: number, limit: number): Promise<number[]> {
  const rows = await r
    .selectFrom('requests')
    .select('id')
    .where('state', 'in', ['scheduled', 'executing'])
    .where((eb) => eb.or([eb('effective_at', 'is', null), eb('effective_at', '<=', now)]))
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((x) => Number(x.id));
}

/** Pending requests past their service level that no one was told of yet. */
export async function overdueUnnotified(r: Reader, now: number, states: readonly string[]): Promise<number[]> {
  const rows = await r
    .selectFrom('requests')
    .select('id')
    .where('state', 'in', [...states])
    .where('due_at', '<', now)
    .where('overdue_notified_at', 'is', null)
    .orderBy('id')
    .limit(100)
    .execute();
  return rows.map((x) => Number(x.id));
}

export interface RequestPatch {
  state?: string;
  summary?: string;
  note?: string;
  effectiveAt?: number | null;
  dueAt?: number | null;
  rejectReason?: string | null;
  error?: string | null;
  leaseUntil?: number | null;
  submittedAt?: number;
  decidedAt?: number;
  executedAt?: number;
  notifiedAt?: number;
  overdueNotifiedAt?: number;
  unitId?: number | null;
}

/** Change a request if it is (still) in one of `fromStates`: compare-and-set; false when another got there first. */
export async function updateRequestIf(tx: Reader, id: number, fromStates: readonly string[], p: RequestPatch, at: number): Promise<boolean> {
  const set: Record<string, unknown> = { updated_at: at };
  const cols: Record<keyof RequestPatch, string> = {
    state: 'state',
    summary: 'summary',
    note: 'note',
    effectiveAt: 'effective_at',
    dueAt: 'due_at',
    rejectReason: 'reject_reason',
    error: 'error',
    leaseUntil: 'lease_until',
    submittedAt: 'submitted_at',
    decidedAt: 'decided_at',
    executedAt: 'executed_at',
    notifiedAt: 'notified_at',
    overdueNotifiedAt: 'overdue_notified_at',
    unitId: 'unit_id',
  };
  for (const [k, v] of Object.entries(p)) if (v !== undefined) set[cols[k as keyof RequestPatch]] = v;
  const res = await tx
    .updateTable('requests')
    .set(set as never)
    .where('id', '=', id)
    .where('state', 'in', [...fromStates])
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

// ---------------------------------------------------------------- items

function toItem(row: {
  id: unknown;
  request_id: unknown;
  line: unknown;
  kind: string;
  payload: string;
  state: string;
  error: string | null;
  result: string | null;
  done_at: unknown;
  credential_hash: string | null;
  credential_expires_at: unknown;
  credential_redeemed_at: unknown;
}): RequestItemRow {
  return {
    id: Number(row.id),
    requestId: Number(row.request_id),
    line: Number(row.line),
    kind: row.kind,
    payload: row.payload,
    state: row.state,
    error: row.error,
    result: row.result,
    doneAt: n(row.done_at),
    credentialExpiresAt: n(row.credential_expires_at),
    credentialRedeemedAt: n(row.credential_redeemed_at),
    credentialIssued: row.credential_hash !== null,
  };
}

export async function itemsOf(r: Reader, requestId: number): Promise<RequestItemRow[]> {
  return (await r.selectFrom('request_items').selectAll().where('request_id', '=', requestId).orderBy('line').orderBy('id').execute()).map(toItem);
}

export async function setItemResult(tx: Reader, itemId: number, p: { state: 'pending' | 'done' | 'failed'; error: string | null; result?: string | null; doneAt?: number | null }): Promise<void> {
  await tx
    .updateTable('request_items')
    .set({ state: p.state, error: p.error, ...(p.result !== undefined ? { result: p.result } : {}), ...(p.doneAt !== undefined ? { done_at: p.doneAt } : {}) })
    .where('id', '=', itemId)
    .execute();
}

export async function setItemCredential(tx: Reader, itemId: number, hash: string, expiresAt: number): Promise<void> {
  await tx.updateTable('request_items').set({ credential_hash: hash, credential_expires_at: expiresAt, credential_redeemed_at: null }).where('id', '=', itemId).execute();
}

/** The item a credential token's hash belongs to, if any. */
export async function itemByCredential(r: Reader, hash: string): Promise<RequestItemRow | null> {
  const row = await r.selectFrom('request_items').selectAll().where('credential_hash', '=', hash).executeTakeFirst();
  return row ? toItem(row) : null;
}

/** Mark a credential used, once: false when it was already used (compare-and-set). */
export async function redeemCredential(tx: Reader, itemId: number, hash: string, at: number): Promise<boolean> {
  const res = await tx
    .updateTable('request_items')
    .set({ credential_redeemed_at: at })
    .where('id', '=', itemId)
    .where('credential_hash', '=', hash)
    .where('credential_redeemed_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

// ---------------------------------------------------------------- events

export async function insertEvent(tx: Reader, e: { requestId: number; at: number; actor: string; event: string; fromState: string | null; toState: string | null; note: string }): Promise<void> {
  await tx.insertInto('request_events').values({ request_id: e.requestId, at: e.at, actor: e.actor, event: e.event, from_state: e.fromState, to_state: e.toState, note: e.note }).execute();
}

export async function eventsOf(r: Reader, requestId: number): Promise<RequestEventRow[]> {
  const rows = await r.selectFrom('request_events').selectAll().where('request_id', '=', requestId).orderBy('id').execute();
  return rows.map((row) => ({ id: Number(row.id), at: Number(row.at), actor: row.actor, event: row.event, fromState: row.from_state, toState: row.to_state, note: row.note }));
}

// ---------------------------------------------------------------- documents

export async function insertDocument(
  tx: Reader,
  d: {
    requestId: number;
    number: string;
    issuedOn: string;
    signer: string;
    filename: string | null;
    contentType: string | null;
    content: Buffer | null;
    sha256: string | null;
    addedBy: string;
    createdAt: number;
  },
): Promise<number> {
  const row = await tx
    .insertInto('request_documents')
    .values({
      request_id: d.requestId,
      number: d.number,
      issued_on: d.issuedOn,
      signer: d.signer,
      filename: d.filename,
      content_type: d.contentType,
      size: d.content ? d.content.length : null,
      sha256: d.sha256,
      content: d.content,
      added_by: d.addedBy,
      created_at: d.createdAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

export async function documentsOf(r: Reader, requestId: number): Promise<RequestDocumentRow[]> {
  const rows = await r
    .selectFrom('request_documents')
    .select(['id', 'request_id', 'number', 'issued_on', 'signer', 'filename', 'content_type', 'size', 'sha256', 'added_by', 'created_at'])
    .where('request_id', '=', requestId)
    .orderBy('id')
    .execute();
  return rows.map((row) => ({
    id: Number(row.id),
    requestId: Number(row.request_id),
    number: row.number,
    issuedOn: row.issued_on,
    signer: row.signer,
    filename: row.filename,
    contentType: row.content_type,
    size: n(row.size),
    sha256: row.sha256,
    addedBy: row.added_by,
    createdAt: Number(row.created_at),
  }));
}

/** A document's scanned file (null when it has none). */
export async function documentContent(r: Reader, requestId: number, documentId: number): Promise<{ content: Buffer; contentType: string; filename: string } | null> {
  const row = await r.selectFrom('request_documents').select(['content', 'content_type', 'filename']).where('request_id', '=', requestId).where('id', '=', documentId).executeTakeFirst();
  if (!row?.content) return null;
  return { content: Buffer.from(row.content), contentType: row.content_type ?? 'application/pdf', filename: row.filename ?? `document-${documentId}.pdf` };
}

/** Attach a scanned file to a document that has none yet. */
export async function setDocumentContent(tx: Reader, documentId: number, d: { filename: string; contentType: string; content: Buffer; sha256: string }): Promise<void> {
  await tx
    .updateTable('request_documents')
    .set({ filename: d.filename, content_type: d.contentType, content: d.content, size: d.content.length, sha256: d.sha256 })
    .where('id', '=', documentId)
    .execute();
}

/** How many requests are in each of these states (the console's pending requests). */
export async function countByState(r: Reader, states: readonly string[]): Promise<Map<string, number>> {
  if (states.length === 0) return new Map();
  const rows = await r
    .selectFrom('requests')
    .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
    .where('state', 'in', [...states])
    .groupBy('state')
    .execute();
  return new Map(rows.map((row) => [row.state, Number(row.n)]));
}

export interface AcknowledgementRow {
  requestId: number;
  line: number;
  role: string;
  address: string;
  accountId: number | null;
  acknowledgedAt: number;
}

/** Record an acknowledgement of a handover record; false when this role had already acknowledged it. */
export async function insertAcknowledgement(tx: Reader, a: AcknowledgementRow): Promise<boolean> {
  const r = await tx
    .insertInto('request_acknowledgements')
    .values({ request_id: a.requestId, line: a.line, role: a.role, address: a.address, account_id: a.accountId, acknowledged_at: a.acknowledgedAt })
    .onConflict((oc) => oc.columns(['request_id', 'line', 'role']).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function acknowledgementsOf(r: Reader, requestId: number): Promise<AcknowledgementRow[]> {
  const rows = await r.selectFrom('request_acknowledgements').selectAll().where('request_id', '=', requestId).orderBy('acknowledged_at').orderBy('id').execute();
  return rows.map((x) => ({
    requestId: Number(x.request_id),
    line: Number(x.line),
    role: x.role,
    address: x.address,
    accountId: x.account_id === null ? null : Number(x.account_id),
    acknowledgedAt: Number(x.acknowledged_at),
  }));
}
