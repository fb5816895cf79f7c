// Reading requests (issue 11): a request as the API and CLI show it (its state in Vietnamese, the
// overdue flag, progress), with its rows, events, documents and the directory versions it made; and
// the list a reader may see — province-wide readers all, an agency head or clerk their subtrees'
// requests and their own.
// Owns: the views of requests and the list's scope; rows through storage/repositories/requests.ts.
import type { Reader } from '../storage/tx.ts';
import * as repo from '../storage/repositories/requests.ts';
import { authorize } from '../core/policy.ts';
import { KIND_LABEL, type ItemKind, type RequestKind, type RequestView } from './types.ts';
import { PENDING, STATE_LABEL, type RequestState } from './lifecycle.ts';
import type { RequestActor, RequestCore, RequestDetail } from './core.ts';

export type { RequestDetail } from './core.ts';

export interface ListFilter {
  states?: string[];
  kind?: string;
  overdue?: boolean;
  mine?: boolean;
  limit?: number;
  offset?: number;
}

export function toView(row: repo.RequestRow, now: number): RequestView {
  const state = row.state as RequestState;
  return {
    id: row.id,
    kind: row.kind as RequestKind,
    kindLabel: KIND_LABEL[row.kind as RequestKind] ?? row.kind,
    state,
    stateLabel: STATE_LABEL[state] ?? row.state,
    unitCode: row.unitCode,
    requester: row.requester,
    summary: row.summary,
    note: row.note,
    effectiveAt: row.effectiveAt,
    dueAt: row.dueAt,
    overdue: PENDING.includes(state) && row.dueAt !== null && now > row.dueAt,
    rejectReason: row.rejectReason,
    error: row.error,
    createdAt: row.createdAt,
    submittedAt: row.submittedAt,
    decidedAt: row.decidedAt,
    executedAt: row.executedAt,
    notifiedAt: row.notifiedAt,
    progress: { done: row.itemsDone, total: row.itemsTotal },
  };
}

/** A request with its rows, events, documents and the directory versions it made. */
export async function readDetail(s: RequestCore, r: Reader, id: number): Promise<RequestDetail> {
  const row = await s.requireRow(r, id);
  const items = await repo.itemsOf(r, id);
  return {
    ...toView(row, s.now()),
    items: items.map((i) => ({
      line: i.line,
      kind: i.kind as ItemKind,
      state: i.state,
      payload: JSON.parse(i.payload),
      result: i.result ? JSON.parse(i.result) : null,
      error: i.error,
      credential: i.kind === 'joiner' || i.kind === 'password-reset' ? { issued: i.credentialIssued, redeemed: i.credentialRedeemedAt !== null, expiresAt: i.credentialExpiresAt } : null,
    })),
    events: await repo.eventsOf(r, id),
    documents: await repo.documentsOf(r, id),
    changes: (await s.deps.directory.changesOfRequest(id)).map((c) => ({ entity: c.entity, entityId: c.entityId, at: c.at })),
  };
}

export async function listFor(s: RequestCore, actor: RequestActor, f: ListFilter): Promise<RequestView[]> {
  const limit = Math.min(Math.max(f.limit ?? 100, 1), 1000);
  const offset = Math.max(f.offset ?? 0, 0);
  const states = f.overdue ? [...PENDING] : f.states;
  let unitIds: number[] | null = null;
  if (!authorize(actor.principal, 'request.read', {}).allowed) {
    const ids = new Set<number>();
    for (const r of actor.principal.roles) {
      if (r.unitId !== null && authorize({ roles: [r] }, 'request.read', { unitPath: [r.unitId] }).allowed) for (const u of await s.deps.directory.subtreeIds(r.unitId)) ids.add(u);
    }
    unitIds = [...ids];
  }
  const rows = await repo.listRequests(s.deps.db, { states, kind: f.kind, unitIds, limit, offset, ...(f.mine ? { requesterAccountId: actor.principal.accountId } : {}) });
  let views = rows.map((r) => toView(r, s.now()));
  if (unitIds !== null && !f.mine) {
    const own = await repo.listRequests(s.deps.db, { states, kind: f.kind, requesterAccountId: actor.principal.accountId, limit, offset: 0 });
    const have = new Set(views.map((v) => v.id));
    views = [...views, ...own.filter((r) => !have.has(r.id)).map((r) => toView(r, s.now()))].sort((a, b) => b.id - a.id).slice(0, limit);
  }
  return f.overdue ? views.filter((v) => v.overdue) : views;
}
