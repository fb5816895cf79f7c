// Requests of the decision's processes (issue 11), exposed as `app.requests`: an agency files a
// request (joiner, mover, leaver, information update, password reset, unit-head handover, unit
// changes, or a batch of them from CSV) with the official document behind it; its head submits it
// (a clerk's submission waits for the head's sign-off); the Provincial Office approves or rejects
// it; on its effective date the executor (`runDue(now)`, every `requests.runIntervalMs` under
// `serve`) carries it out through the directory's services (execution.ts), and the requester,
// approvers and person concerned are told by mail. Every transition is one transaction with its
// `request_events` row and its audit entry. Scope: an agency head or clerk files and reads only for
// their own subtree (`request.file`, `request.read`); only the Provincial Office approves
// (`request.approve`); a sysadmin may execute at once (`request.execute`).
// Owns: RequestService — filing, the transitions and who may cause them, documents, the service
// level (due dates); views and lists in reads.ts; rows through storage/repositories/requests.ts.
import crypto from 'node:crypto';
import type { Reader, Tx } from '../storage/tx.ts';
import { isPostgres, transactor, type Transactor } from '../storage/tx.ts';
import * as repo from '../storage/repositories/requests.ts';
import { ThutinError } from '../core/errors.ts';
import { authorize, type Action } from '../core/policy.ts';
import type { Principal } from '../core/roles.ts';
import { formatDate, parseDate } from '../directory/csv.ts';
import { DOCUMENT_REQUIRED, KIND_LABEL, ITEM_KINDS, type DocumentRef, type FileInput, type ItemInput, type ItemKind, type RequestView } from './types.ts';
import { STATE_LABEL, statesFor, transition, type RequestEvent, type RequestState, type Standing } from './lifecycle.ts';
import { addWorkingDays, parseHolidays, type Holidays } from './working-days.ts';
import { resolveItem, type ResolvedItem } from './effects.ts';
import { readBatchCsv } from './batch-csv.ts';
import { RequestExecution } from './execution.ts';
import { HandoverRecords } from './handover.ts';
import { renderCredentialLetter } from './pdf/credential-letter.ts';
import type { RequestDetail } from './reads.ts';
export type { RequestDetail } from './reads.ts';
import type { RequestActor, RequestCore, RequestServiceDeps } from './core.ts';
import { notice } from './notice-texts.ts';
import { listFor, readDetail, toView, type ListFilter } from './reads.ts';

export type { RequestActor, RequestsConfig, RequestServiceDeps } from './core.ts';

/** A batch whose rows do not all hold: each refused row with its line; nothing was filed. */
export class BatchInvalidError extends ThutinError {
  constructor(readonly errors: Array<{ line: number; message: string }>) {
    super('REQUEST_BATCH_INVALID', errors.map((e) => `dòng / line ${e.line}: ${e.message}`).join('; '));
  }
}

export class RequestService implements RequestCore {
  readonly now: () => number;
  readonly tx: Transactor;
  readonly holidays: Holidays;
  readonly execution: RequestExecution;
  /** Handover records: read, acknowledged by both heads, as PDF (handover.ts). */
  readonly handover: HandoverRecords;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(readonly deps: RequestServiceDeps) {
    this.now = deps.now ?? Date.now;
    this.tx = transactor(deps.db);
    this.holidays = parseHolidays(deps.config.holidays);
    this.execution = new RequestExecution(this);
    this.handover = new HandoverRecords(this);
  }

  // ---------------------------------------------------------------- standing and scope

  async pathOf(unitId: number | null): Promise<number[] | null> {
    return unitId === null ? null : this.deps.directory.unitPath(unitId);
  }

  /** Whether the principal may do `action` on every unit in `unitIds` (no unit: needs a province-wide grant). */
  async allowed(p: Principal, action: Action, unitIds: number[]): Promise<boolean> {
    const paths = await Promise.all(unitIds.map((u) => this.deps.directory.unitPath(u)));
    const [first, ...also] = paths;
    return authorize(p, action, { unitPath: first ?? null, alsoPaths: also }).allowed;
  }

  async standing(actor: RequestActor, row: repo.RequestRow): Promise<Standing> {
    const units = row.unitId === null ? [] : [row.unitId];
    const withoutClerk = { roles: actor.principal.roles.filter((r) => r.role !== 'agency-clerk') };
    const head = await this.allowed(withoutClerk as Principal, 'request.file', units);
    return {
      head,
      clerk: !head && (await this.allowed(actor.principal, 'request.file', units)),
      approver: authorize(actor.principal, 'request.approve', {}).allowed,
      requester: row.requesterAccountId !== null && row.requesterAccountId === actor.principal.accountId,
      executor: false,
    };
  }

  private async readable(actor: RequestActor, row: repo.RequestRow): Promise<boolean> {
    if (row.requesterAccountId !== null && row.requesterAccountId === actor.principal.accountId) return true;
    return this.allowed(actor.principal, 'request.read', row.unitId === null ? [] : [row.unitId]);
  }

  async assertReadable(actor: RequestActor, id: number): Promise<void> {
    if (!(await this.readable(actor, await this.requireRow(this.deps.db, id)))) throw new ThutinError('REQUEST_OUT_OF_SCOPE', `#${id}`);
  }

  async requireRow(r: Reader, id: number): Promise<repo.RequestRow> {
    const row = await repo.requestById(r, id);
    if (!row) throw new ThutinError('REQUEST_NOT_FOUND', `#${id}`);
    return row;
  }

  // ---------------------------------------------------------------- filing

  /** The lowest unit every touched unit lies under (the request's scope unit); null when they share none. */
  private async commonUnit(unitIds: number[]): Promise<number | null> {
    if (unitIds.length === 0) return null;
    const paths = await Promise.all([...new Set(unitIds)].map((u) => this.deps.directory.unitPath(u)));
    let common = paths[0];
    for (const p of paths.slice(1)) {
      let i = 0;
      while (i < common.length && i < p.length && common[i] === p[i]) i++;
      common = common.slice(0, i);
    }
    return common.length ? common[common.length - 1] : null;
  }

  /** Check the items of a filing against the directory and the actor's scope; every refused row is reported, nothing is filed. */
  private async resolveAll(actor: RequestActor, items: ItemInput[]): Promise<ResolvedItem[]> {
    const resolved: ResolvedItem[] = [];
    const errors: Array<{ line: number; message: string }> = [];
    const seen = new Map<string, number>();
    for (const [i, it] of items.entries()) {
      const line = it.line ?? i + 1;
      try {
        if (!ITEM_KINDS.includes(it.kind)) throw new ThutinError('REQUEST_INVALID', `loại / kind "${it.kind}"`);
        const r = await resolveItem(this.deps.directory, it.kind, it.payload);
        if (!(await this.allowed(actor.principal, 'request.file', r.unitIds))) throw new ThutinError('REQUEST_OUT_OF_SCOPE', r.summary);
        const k = r.personId !== undefined ? `person:${r.personId}` : `${r.kind}:${JSON.stringify(r.payload)}`;
        if (seen.has(k)) throw new ThutinError('REQUEST_INVALID', `trùng dòng ${seen.get(k)} / same as line ${seen.get(k)}`);
        seen.set(k, line);
        resolved.push(r);
      } catch (e) {
        if (items.length === 1) throw e;
        errors.push({ line, message: e instanceof ThutinError ? `${e.vi}${e.detail ? `: ${e.detail}` : ''} / ${e.en}` : String(e) });
      }
    }
    if (errors.length) throw new BatchInvalidError(errors);
    return resolved;
  }

  /** File a request as a draft (with its document when given). A batch's rows are all checked first. */
  async file(actor: RequestActor, input: FileInput): Promise<RequestDetail> {
    let items: ItemInput[];
    if (input.kind === 'batch') {
      if (input.csv !== undefined) {
        const rows = readBatchCsv(input.csv);
        if (rows.errors.length) throw new BatchInvalidError(rows.errors);
        items = rows.items;
      } else items = input.items ?? [];
      if (items.length === 0) throw new ThutinError('REQUEST_INVALID', 'lô rỗng / empty batch');
    } else {
      if (!ITEM_KINDS.includes(input.kind)) throw new ThutinError('REQUEST_INVALID', `loại / kind "${input.kind}"`);
      items = [{ kind: input.kind, payload: input.payload ?? {}, line: 1 }];
    }
    const effectiveAt = input.effectiveDate ? this.parseDay(input.effectiveDate, 'effectiveDate') : null;
    const doc = input.document ? this.checkDocument(input.document) : null;
    const resolved = await this.resolveAll(actor, items);
    const unitId = await this.commonUnit(resolved.flatMap((r) => r.unitIds));
    const now = this.now();
    const summary = resolved.length === 1 ? resolved[0].summary : `${resolved.length} dòng / rows`;
    const id = await this.tx.transaction(async (trx) => {
      const id = await repo.insertRequest(trx, {
        kind: input.kind,
        state: 'draft',
        unitId,
        requesterAccountId: actor.principal.accountId || null,
        requester: actor.principal.username,
        summary: summary.slice(0, 500),
        note: (input.note ?? '').slice(0, 2000),
        effectiveAt,
        createdAt: now,
        items: resolved.map((r, i) => ({ line: items[i].line ?? i + 1, kind: r.kind, payload: JSON.stringify(r.payload) })),
      });
      if (doc) await repo.insertDocument(trx, { requestId: id, ...doc, filename: null, contentType: null, content: null, sha256: null, addedBy: actor.label, createdAt: now });
      await repo.insertEvent(trx, { requestId: id, at: now, actor: actor.label, event: 'create', fromState: null, toState: 'draft', note: summary.slice(0, 500) });
      await this.deps.audit.record({ actor: actor.label, action: 'request.create', target: `request:${id}`, details: { kind: input.kind, items: resolved.length, summary }, reason: doc?.number }, trx);
      return id;
    });
    return this.detail(this.deps.db, id);
  }

  private parseDay(s: string, field: string): number {
    const t = parseDate(s.trim());
    if (t === null || t === 'invalid') throw new ThutinError('REQUEST_INVALID', `${field}: "${s}" (YYYY-MM-DD, DD/MM/YYYY)`);
    return t;
  }

  private checkDocument(d: DocumentRef): { number: string; issuedOn: string; signer: string } {
    const number = (d.number ?? '').trim();
    const signer = (d.signer ?? '').trim();
    if (!number || !signer || !(d.date ?? '').trim())
      throw new ThutinError('REQUEST_DOCUMENT_REQUIRED', [!number && 'số/ký hiệu (number)', !d.date && 'ngày ký (date)', !signer && 'người ký (signer)'].filter(Boolean).join(', '));
    return { number: number.slice(0, 200), issuedOn: formatDate(this.parseDay(d.date, 'document.date')), signer: signer.slice(0, 200) };
  }

  /** Add the official document (reference, and optionally its scanned PDF) to a request not yet decided. */
  async addDocument(actor: RequestActor, id: number, d: DocumentRef, file?: { filename: string; contentType: string; content: Buffer }): Promise<repo.RequestDocumentRow> {
    const doc = this.checkDocument(d);
    if (file && file.content.length > this.deps.config.maxDocumentBytes) throw new ThutinError('REQUEST_DOCUMENT_TOO_BIG', `${file.content.length} > ${this.deps.config.maxDocumentBytes}`);
    if (file && !file.content.subarray(0, 5).equals(Buffer.from('%PDF-'))) throw new ThutinError('REQUEST_INVALID', 'tệp không phải PDF / the file is not a PDF');
    const st = await this.standing(actor, await this.requireRow(this.deps.db, id));
    if (!st.requester && !st.head && !st.clerk && !st.approver) throw new ThutinError('REQUEST_NOT_ALLOWED', `#${id}`);
    return this.tx.transaction(async (trx) => {
      await repo.lockRequest(trx, id, isPostgres(this.deps.db));
      const row = await this.requireRow(trx, id);
      if (!['draft', 'awaiting-signoff', 'submitted'].includes(row.state)) throw new ThutinError('REQUEST_STATE_CONFLICT', `#${id}: ${STATE_LABEL[row.state as RequestState]}`);
      const now = this.now();
      const sha256 = file ? crypto.createHash('sha256').update(file.content).digest('hex') : null;
      const docId = await repo.insertDocument(trx, {
        requestId: id,
        ...doc,
        filename: file?.filename ?? null,
        contentType: file?.contentType ?? null,
        content: file?.content ?? null,
        sha256,
        addedBy: actor.label,
        createdAt: now,
      });
      await repo.insertEvent(trx, { requestId: id, at: now, actor: actor.label, event: 'document', fromState: row.state, toState: row.state, note: `${doc.number} ${doc.issuedOn} ${doc.signer}` });
      await this.deps.audit.record(
        {
          actor: actor.label,
          action: 'request.document',
          target: `request:${id}`,
          details: { number: doc.number, date: doc.issuedOn, signer: doc.signer, sha256, size: file?.content.length ?? null },
          reason: doc.number,
        },
        trx,
      );
      return (await repo.documentsOf(trx, id)).find((x) => x.id === docId)!;
    });
  }

  async documentFile(actor: RequestActor, id: number, documentId: number): Promise<{ content: Buffer; contentType: string; filename: string }> {
    await this.get(actor, id);
    const f = await repo.documentContent(this.deps.db, id, documentId);
    if (!f) throw new ThutinError('NOT_FOUND', `document ${documentId}`);
    return f;
  }

  // ---------------------------------------------------------------- transitions

  /**
   * Apply `event` to request `id` in one transaction: the row locked, the transition checked
   * (state, then who), the row changed only if still in the state read, the event and the audit
   * entry written. `standingOf` says who the actor is for this request (read before the transaction).
   */
  async transit(
    id: number,
    event: RequestEvent,
    actorLabel: string,
    standingOf: (row: repo.RequestRow) => Promise<Standing> | Standing,
    patch: (row: repo.RequestRow, to: RequestState, trx: Tx) => Promise<repo.RequestPatch> | repo.RequestPatch = () => ({}),
    note = '',
  ): Promise<{ before: repo.RequestRow; to: RequestState }> {
    // Who the actor is depends on the request's unit and requester, which never change: read before
    // the transaction (SQLite has one connection: nothing outside the transaction may be read inside it).
    const standing = await standingOf(await this.requireRow(this.deps.db, id));
    return this.tx.transaction(async (trx) => {
      await repo.lockRequest(trx, id, isPostgres(this.deps.db));
      const row = await this.requireRow(trx, id);
      const t = transition(row.state as RequestState, event, standing);
      if (!t.ok && t.why === 'state') {
        const allowed = statesFor(event)
          .map((s) => STATE_LABEL[s])
          .join(', ');
        throw new ThutinError('REQUEST_STATE_CONFLICT', `#${id} đang ở trạng thái "${STATE_LABEL[row.state as RequestState]}"; thao tác này chỉ được khi yêu cầu ${allowed} / #${id} is ${row.state}`);
      }
      if (!t.ok) throw new ThutinError('REQUEST_NOT_ALLOWED', `#${id}: ${event}`);
      const now = this.now();
      const p = await patch(row, t.to, trx);
      if (!(await repo.updateRequestIf(trx, id, [row.state], { ...p, state: t.to }, now))) throw new ThutinError('REQUEST_STATE_CONFLICT', `#${id}`);
      await repo.insertEvent(trx, { requestId: id, at: now, actor: actorLabel, event, fromState: row.state, toState: t.to, note });
      const docs = await repo.documentsOf(trx, id);
      await this.deps.audit.record(
        { actor: actorLabel, action: `request.${event}`, target: `request:${id}`, details: { kind: row.kind, from: row.state, to: t.to, ...(note ? { note } : {}) }, reason: docs[0]?.number },
        trx,
      );
      return { before: row, to: t.to };
    });
  }

  /** Submit (a head: to the Provincial Office; a clerk: to the head), or sign off a clerk's submission (the head). */
  async submit(actor: RequestActor, id: number): Promise<RequestDetail> {
    const row = await this.requireRow(this.deps.db, id);
    const event: RequestEvent = row.state === 'awaiting-signoff' ? 'signoff' : 'submit';
    if (event === 'submit') await this.requireDocument(row);
    const { to } = await this.transit(
      id,
      event,
      actor.label,
      (r) => this.standing(actor, r),
      (r) => {
        const now = this.now();
        return r.submittedAt === null ? { submittedAt: now, dueAt: addWorkingDays(now, this.deps.config.serviceLevelDays, this.holidays) } : {};
      },
    );
    const d = await this.detail(this.deps.db, id);
    if (to === 'submitted') await this.tell(d, [...(await this.deps.approvers()), d.requester], 'submitted');
    return d;
  }

  private async requireDocument(row: repo.RequestRow): Promise<void> {
    const kinds = new Set((await repo.itemsOf(this.deps.db, row.id)).map((i) => i.kind as ItemKind));
    const needs = [...kinds].filter((k) => DOCUMENT_REQUIRED.includes(k));
    if (needs.length && (await repo.documentsOf(this.deps.db, row.id)).length === 0) {
      throw new ThutinError('REQUEST_DOCUMENT_REQUIRED', `#${row.id} (${needs.map((k) => KIND_LABEL[k]).join(', ')})`);
    }
  }

  /** The Provincial Office approves: the request is scheduled for its effective date (or at once). */
  async approve(actor: RequestActor, id: number, note = ''): Promise<RequestDetail> {
    await this.transit(
      id,
      'approve',
      actor.label,
      (r) => this.standing(actor, r),
      () => ({ decidedAt: this.now() }),
      note.slice(0, 2000),
    );
    const d = await this.detail(this.deps.db, id);
    await this.tell(d, [d.requester], 'approved');
    return d;
  }

  async reject(actor: RequestActor, id: number, reason: string): Promise<RequestDetail> {
    const why = (reason ?? '').trim();
    if (!why) throw new ThutinError('REQUEST_REJECT_REASON_REQUIRED', `#${id}`);
    await this.transit(
      id,
      'reject',
      actor.label,
      (r) => this.standing(actor, r),
      () => ({ decidedAt: this.now(), rejectReason: why.slice(0, 2000) }),
      why.slice(0, 2000),
    );
    const d = await this.detail(this.deps.db, id);
    await this.tell(d, [d.requester], 'rejected');
    return d;
  }

  async withdraw(actor: RequestActor, id: number): Promise<RequestDetail> {
    await this.transit(id, 'withdraw', actor.label, (r) => this.standing(actor, r));
    return this.detail(this.deps.db, id);
  }

  // ---------------------------------------------------------------- execution (execution.ts)

  /** Execute now, whatever the effective date (a sysadmin), or retry a failed execution. */
  async execute(actor: RequestActor, id: number, opts: { onProgress?: (done: number, total: number) => void } = {}): Promise<RequestDetail> {
    if (!authorize(actor.principal, 'request.execute', {}).allowed) throw new ThutinError('REQUEST_NOT_ALLOWED', `#${id}: execute`);
    await this.execution.executeOne(id, actor.label, { force: true, onProgress: opts.onProgress });
    return this.detail(this.deps.db, id);
  }

  /** Execute every scheduled request whose effective date has come; flag overdue requests to the approvers once. */
  async runDue(now = this.now()): Promise<{ executed: number[]; failed: number[]; overdue: number[] }> {
    return this.execution.runDue(now);
  }

  /** The one-time credential of an executed joiner or password reset: shown once to the head, redeemed by the person. */
  async issueCredential(actor: RequestActor, id: number, line = 1): Promise<{ token: string; expiresAt: number; address: string | null; redeemPath: string }> {
    return this.execution.issueCredential(actor, id, line);
  }

  /**
   * The credential as a printable letter (PDF) for the head to hand over: a new one-time code is
   * issued (audited `request.credential`, any earlier code replaced) and printed; never mailed.
   */
  async credentialLetter(actor: RequestActor, id: number, line: number, host: string): Promise<{ pdf: Buffer; address: string | null; expiresAt: number }> {
    const c = await this.execution.issueCredential(actor, id, line);
    const row = await this.requireRow(this.deps.db, id);
    const item = (await repo.itemsOf(this.deps.db, id)).find((i) => i.line === line)!;
    const personId = (JSON.parse(item.result ?? '{}') as { personId?: number }).personId;
    const p = personId === undefined ? null : await this.deps.directory.getPerson(personId);
    const pdf = await renderCredentialLetter({
      requestId: id,
      kind: item.kind === 'joiner' ? 'joiner' : 'password-reset',
      name: p?.fullName ?? c.address ?? '',
      address: c.address ?? p?.email ?? '',
      unit: p?.unitName ?? row.unitCode ?? '',
      code: c.token,
      expiresAt: c.expiresAt,
      redeemUrl: `https://${host}${c.redeemPath.replace(c.token, '<mã / code>')}`,
      host,
      issuedAt: this.now(),
      issuedBy: actor.principal.username,
    });
    return { pdf, address: c.address, expiresAt: c.expiresAt };
  }

  async redeemCredential(token: string): Promise<{ address: string; password: string; mustChangePassword: true }> {
    return this.execution.redeemCredential(token);
  }

  /** Run `runDue` now and then every `requests.runIntervalMs` until `stop` (`serve`). */
  start(): void {
    if (this.timer) return;
    const tick = () => {
      this.running = this.runDue()
        .catch((e: unknown) => this.deps.log.warn({ err: e }, 'thực hiện yêu cầu đến hạn thất bại / running due requests failed'))
        .finally(() => {
          this.running = null;
          if (this.timer) this.timer = setTimeout(tick, this.deps.config.runIntervalMs);
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  // ---------------------------------------------------------------- reading

  view(row: repo.RequestRow): RequestView {
    return toView(row, this.now());
  }

  /** A request with its rows, events, documents and the directory versions it made. */
  async detail(r: Reader, id: number): Promise<RequestDetail> {
    return readDetail(this, r, id);
  }

  async get(actor: RequestActor, id: number): Promise<RequestDetail> {
    const row = await this.requireRow(this.deps.db, id);
    if (!(await this.readable(actor, row))) throw new ThutinError('REQUEST_OUT_OF_SCOPE', `#${id}`);
    return this.detail(this.deps.db, id);
  }

  /** Requests the actor may read, newest first: province-wide readers see all, scoped ones their subtrees' and their own. */
  async list(actor: RequestActor, f: ListFilter = {}): Promise<RequestView[]> {
    return listFor(this, actor, f);
  }

  // ---------------------------------------------------------------- notices

  /** Tell people of a step of a request (never fails the step). */
  async tell(d: RequestDetail, to: Array<string | null | undefined>, what: 'submitted' | 'approved' | 'rejected' | 'executed' | 'failed' | 'overdue'): Promise<string[]> {
    return this.deps.notices.send(to, notice(d, what), d.id);
  }
}
