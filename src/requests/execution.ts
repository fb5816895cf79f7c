// Carrying out approved requests (issue 11): the executor claims a request (scheduled, or failed
// when retried; an `executing` one whose lease lapsed after a crash), runs its items in order
// through their effects (effects.ts), each marked done in its own transaction once applied, and
// resumes after the last done item on a retry — every effect checks first whether it is already
// done, so a crash between an effect and its mark changes nothing twice. A failing item stops the
// request as `failed` with the error (visible, retried by a sysadmin's "execute"); the item itself
// was not applied (each effect is one transaction of the directory). Then the requester, the
// approvers and the people concerned are told, and the request is `notified`. Also the one-time
// credential of a joiner or a password reset: a code shown once to the head (its SHA-256 kept),
// redeemed by the person for a password that must be changed at first use.
// Owns: execution (claim, items, progress, failure, notices), runDue, the credential's issue and redemption.
import crypto from 'node:crypto';
import { ThutinError } from '../core/errors.ts';
import { authorize } from '../core/policy.ts';
import * as repo from '../storage/repositories/requests.ts';
import { applyItem } from './effects.ts';
import { buildRecord, handoverFacts } from './handover.ts';
import { PENDING } from './lifecycle.ts';
import type { ItemKind } from './types.ts';
import type { RequestActor, RequestCore } from './core.ts';

const EXECUTOR = { head: false, clerk: false, approver: false, requester: false, executor: true };
/** How long an executor's claim holds without it finishing (a crashed process's claim lapses). */
const LEASE_MS = 10 * 60_000;

export class RequestExecution {
  constructor(private readonly s: RequestCore) {}

  async runDue(now: number): Promise<{ executed: number[]; failed: number[]; overdue: number[] }> {
    const out = { executed: [] as number[], failed: [] as number[], overdue: [] as number[] };
    for (const id of await repo.dueRequestIds(this.s.deps.db, now, 50)) {
      try {
        const ok = await this.executeOne(id, 'executor', { force: false, now });
        (ok ? out.executed : out.failed).push(id);
      } catch (e) {
        if (!(e instanceof ThutinError && e.code === 'REQUEST_STATE_CONFLICT')) throw e; // another executor took it
      }
    }
    for (const id of await repo.overdueUnnotified(this.s.deps.db, now, PENDING)) {
      if (await repo.updateRequestIf(this.s.deps.db, id, PENDING, { overdueNotifiedAt: now }, now)) {
        const d = await this.s.detail(this.s.deps.db, id);
        await this.s.tell(d, [...(await this.s.deps.approvers()), d.requester], 'overdue');
        out.overdue.push(id);
      }
    }
    return out;
  }

  /**
   * Execute request `id`: true when it ended executed (and notified), false when an item failed.
   * Without `force`, a request whose effective date has not come is left alone.
   */
  async executeOne(id: number, actorLabel: string, o: { force: boolean; now?: number; onProgress?: (done: number, total: number) => void }): Promise<boolean> {
    const now = o.now ?? this.s.now();
    await this.s.transit(
      id,
      'start',
      actorLabel,
      (row) => {
        if (!o.force && row.effectiveAt !== null && row.effectiveAt > now) return { ...EXECUTOR, executor: false };
        return EXECUTOR;
      },
      (row) => {
        // another executor holds it (its claim has not lapsed): leave it alone
        if (row.state === 'executing' && (row.leaseUntil ?? 0) > now) throw new ThutinError('REQUEST_STATE_CONFLICT', `#${id}: ${row.state}`);
        return { leaseUntil: now + LEASE_MS, error: null };
      },
    );
    const row = await this.s.requireRow(this.s.deps.db, id);
    const docs = await repo.documentsOf(this.s.deps.db, id);
    const doc = docs[0];
    const reason = `Yêu cầu #${id}${doc ? `: ${doc.number} ngày ${doc.issuedOn}, ${doc.signer}` : ''}`;
    const ctx = { actor: `request:${id}`, reason, requestId: id };
    const items = await repo.itemsOf(this.s.deps.db, id);
    let done = items.filter((i) => i.state === 'done').length;
    o.onProgress?.(done, items.length);
    for (const item of items) {
      if (item.state === 'done') continue;
      try {
        const payload = JSON.parse(item.payload) as Record<string, unknown>;
        // A handover keeps its record: the unit mailbox's folders, delegates and head before and after.
        const ports = item.kind === 'handover' ? this.s.deps.handover : undefined;
        const before = ports ? await handoverFacts(ports, String(payload.unitCode)) : null;
        const result = await applyItem(this.s.deps.directory, item.kind as ItemKind, payload, ctx, row.effectiveAt);
        if (ports && before) {
          const document = doc ? { number: doc.number, date: doc.issuedOn, signer: doc.signer } : null;
          result.record = buildRecord(before, await handoverFacts(ports, String(payload.unitCode)), {
            requestId: id,
            line: item.line,
            at: this.s.now(),
            document,
            mailboxRotated: result.mailboxRotated === true,
          });
        }
        await repo.setItemResult(this.s.deps.db, item.id, { state: 'done', error: null, result: JSON.stringify(result), doneAt: this.s.now() });
        done++;
        o.onProgress?.(done, items.length);
      } catch (e) {
        const msg = e instanceof ThutinError ? `${e.vi}${e.detail ? `: ${e.detail}` : ''} / ${e.en}` : String((e as Error)?.message ?? e);
        await repo.setItemResult(this.s.deps.db, item.id, { state: 'failed', error: msg });
        const error = items.length > 1 ? `dòng / line ${item.line}: ${msg}` : msg;
        await this.s.transit(
          id,
          'fail',
          actorLabel,
          () => EXECUTOR,
          () => ({ error, leaseUntil: null }),
          error.slice(0, 2000),
        );
        const d = await this.s.detail(this.s.deps.db, id);
        await this.s.tell(d, [d.requester, ...(await this.s.deps.approvers())], 'failed');
        return false;
      }
    }
    await this.s.transit(
      id,
      'finish',
      actorLabel,
      () => EXECUTOR,
      () => ({ executedAt: this.s.now(), leaseUntil: null }),
    );
    const d = await this.s.detail(this.s.deps.db, id);
    if (d.executedAt !== null) this.s.deps.onExecuted?.(d.kind, d.submittedAt, d.executedAt);
    // the person each item concerns; a handover's outgoing head too (both heads acknowledge the record)
    const concerned = d.items.flatMap((i) => {
      const r = i.result as { address?: string; record?: { outgoing?: { address?: string | null } | null } } | null;
      return [r?.address ?? null, r?.record?.outgoing?.address ?? null];
    });
    const reached = await this.s.tell(d, [d.requester, ...(await this.s.deps.approvers()), ...concerned], 'executed');
    await this.s.transit(
      id,
      'notify',
      actorLabel,
      () => EXECUTOR,
      () => ({ notifiedAt: this.s.now() }),
      reached.join(', ').slice(0, 2000),
    );
    return true;
  }

  async issueCredential(actor: RequestActor, id: number, line: number): Promise<{ token: string; expiresAt: number; address: string | null; redeemPath: string }> {
    const row = await this.s.requireRow(this.s.deps.db, id);
    const st = await this.s.standing(actor, row);
    // The head (or the Provincial Office) hands the credential over; a clerk does not see it.
    if (!st.head && !authorize(actor.principal, 'request.approve', {}).allowed) throw new ThutinError('REQUEST_NOT_ALLOWED', `#${id}: credential`);
    const item = (await repo.itemsOf(this.s.deps.db, id)).find((i) => i.line === line);
    const result = item?.result ? (JSON.parse(item.result) as { credential?: boolean; address?: string }) : null;
    if (!item || item.state !== 'done' || !result?.credential) throw new ThutinError('REQUEST_NO_CREDENTIAL', `#${id} dòng / line ${line}`);
    const token = crypto.randomBytes(32).toString('base64url');
    const hash = crypto.createHash('sha256').update(token).digest('hex');
    const now = this.s.now();
    const expiresAt = now + this.s.deps.config.credentialTtlHours * 3600_000;
    await this.s.tx.transaction(async (trx) => {
      await repo.setItemCredential(trx, item.id, hash, expiresAt);
      await repo.insertEvent(trx, { requestId: id, at: now, actor: actor.label, event: 'credential', fromState: row.state, toState: row.state, note: `dòng / line ${line}: ${result.address ?? ''}` });
      await this.s.deps.audit.record(
        { actor: actor.label, action: 'request.credential', target: result.address ?? `request:${id}`, details: { request: id, line, expiresAt, replaced: item.credentialIssued } },
        trx,
      );
    });
    return { token, expiresAt, address: result.address ?? null, redeemPath: `/api/v1/requests/credential/${token}` };
  }

  /** The person redeems the code once: a new password, to be changed at first use; every session of the old one ends. */
  async redeemCredential(token: string): Promise<{ address: string; password: string; mustChangePassword: true }> {
    const hash = crypto.createHash('sha256').update(token.replace(/\s+/g, '')).digest('hex');
    const item = await repo.itemByCredential(this.s.deps.db, hash);
    const now = this.s.now();
    if (!item || item.credentialRedeemedAt !== null || (item.credentialExpiresAt ?? 0) < now) throw new ThutinError('REQUEST_CREDENTIAL_INVALID');
    const result = JSON.parse(item.result ?? '{}') as { personId?: number; address?: string };
    if (!(await repo.redeemCredential(this.s.deps.db, item.id, hash, now))) throw new ThutinError('REQUEST_CREDENTIAL_INVALID');
    const r = await this.s.deps.resetPassword(result.personId!, {
      actor: `request:${item.requestId}`,
      reason: `Yêu cầu #${item.requestId}: mã dùng một lần / one-time credential`,
      requestId: item.requestId,
    });
    await this.s.tx.transaction(async (trx) => {
      await repo.insertEvent(trx, { requestId: item.requestId, at: now, actor: r.address, event: 'credential-redeemed', fromState: null, toState: null, note: `dòng / line ${item.line}` });
      await this.s.deps.audit.record({ actor: r.address, action: 'request.credential-redeem', target: r.address, details: { request: item.requestId, line: item.line } }, trx);
    });
    return { address: r.address, password: r.password, mustChangePassword: true };
  }
}
