// The handover record of a unit-head handover (issue 11, R8.3): when a handover request executes,
// the unit's facts are read before and after the change — the unit, its mailbox's folders with their
// message counts and sizes, the mailbox's delegates, the head — and kept as the record in the item's
// result (what the record says never changes afterwards, whatever happens to the mailbox). Both heads,
// the outgoing and the incoming one, acknowledge it in the app (stored who and when, audited
// `request.handover-acknowledge`, one event on the request); the PDF (pdf/handover-record.ts) is
// rendered from the record and the acknowledgements on demand, for the two heads and the request's readers.
// Owns: the record's facts, acknowledging it, who may read it; rows through storage/repositories/requests.ts.
import { ThutinError } from '../core/errors.ts';
import * as repo from '../storage/repositories/requests.ts';
import type { RequestActor, RequestCore } from './core.ts';
import { renderHandoverRecord } from './pdf/handover-record.ts';

import type { AckRole, Acknowledgement, HandoverFacts, HandoverPorts, HandoverRecord, PersonBrief } from './handover-types.ts';

export type { AckRole, Acknowledgement, HandoverFacts, HandoverPorts, HandoverRecord, PersonBrief } from './handover-types.ts';

export async function handoverFacts(p: HandoverPorts, unitCode: string): Promise<HandoverFacts> {
  const u = await p.unit(unitCode);
  if (!u) throw new ThutinError('UNIT_NOT_FOUND', unitCode);
  const delegates = u.mailbox ? await p.delegates(u.mailbox) : [];
  return {
    unit: { code: u.code, name: u.name },
    mailbox: u.mailbox,
    head: u.headPersonId === null ? null : await p.person(u.headPersonId),
    folders: u.mailbox ? await p.folders(u.mailbox) : [],
    delegates: await Promise.all(delegates.map(async (d) => ({ ...d, name: (await p.personByAddress(d.address))?.name ?? null }))),
  };
}

export function buildRecord(
  before: HandoverFacts,
  after: HandoverFacts,
  o: { requestId: number; line: number; at: number; document: HandoverRecord['document']; mailboxRotated: boolean },
): HandoverRecord {
  return {
    requestId: o.requestId,
    line: o.line,
    at: o.at,
    document: o.document,
    unit: after.unit,
    mailbox: after.mailbox,
    outgoing: before.head && before.head.address !== after.head?.address ? before.head : null,
    incoming: after.head,
    folders: before.folders,
    delegatesBefore: before.delegates,
    delegatesAfter: after.delegates,
    mailboxRotated: o.mailboxRotated,
  };
}

export class HandoverRecords {
  constructor(private readonly s: RequestCore) {}

  /** The record of request `id` (its handover item `line`), or HANDOVER_RECORD_NOT_FOUND. */
  private async recordOf(id: number, line?: number): Promise<{ record: HandoverRecord; line: number }> {
    const items = await repo.itemsOf(this.s.deps.db, id);
    const item = items.find((i) => i.kind === 'handover' && i.state === 'done' && (line === undefined || i.line === line));
    const record = item?.result ? (JSON.parse(item.result) as { record?: HandoverRecord }).record : undefined;
    if (!item || !record) throw new ThutinError('HANDOVER_RECORD_NOT_FOUND', `#${id}${line ? ` dòng / line ${line}` : ''}`);
    return { record, line: item.line };
  }

  private roleOf(actor: RequestActor, r: HandoverRecord): AckRole | null {
    const me = actor.principal.username.toLowerCase();
    if (r.incoming?.address?.toLowerCase() === me) return 'incoming';
    if (r.outgoing?.address?.toLowerCase() === me) return 'outgoing';
    return null;
  }

  /** The record and its acknowledgements: for either head, or anyone who may read the request. */
  async read(actor: RequestActor, id: number, line?: number): Promise<{ record: HandoverRecord; acknowledgements: Acknowledgement[] }> {
    const { record, line: l } = await this.recordOf(id, line);
    if (!this.roleOf(actor, record)) await this.s.assertReadable(actor, id);
    const acks = (await repo.acknowledgementsOf(this.s.deps.db, id)).filter((a) => a.line === l);
    return { record, acknowledgements: acks.map((a) => ({ role: a.role as AckRole, address: a.address, at: a.acknowledgedAt })) };
  }

  /** The outgoing or incoming head acknowledges the record (once; again changes nothing). */
  async acknowledge(actor: RequestActor, id: number, line?: number): Promise<{ record: HandoverRecord; acknowledgements: Acknowledgement[]; role: AckRole }> {
    const { record, line: l } = await this.recordOf(id, line);
    const role = this.roleOf(actor, record);
    if (!role) throw new ThutinError('HANDOVER_NOT_A_HEAD', `#${id}`);
    const now = this.s.now();
    await this.s.tx.transaction(async (trx) => {
      if (!(await repo.insertAcknowledgement(trx, { requestId: id, line: l, role, address: actor.principal.username, accountId: actor.principal.accountId || null, acknowledgedAt: now }))) return;
      await repo.insertEvent(trx, { requestId: id, at: now, actor: actor.label, event: 'handover-acknowledge', fromState: null, toState: null, note: `${role}: ${actor.principal.username}` });
      await this.s.deps.audit.record({ actor: actor.label, action: 'request.handover-acknowledge', target: `request:${id}`, details: { line: l, role, unit: record.unit.code } }, trx);
    });
    return { ...(await this.read(actor, id, l)), role };
  }

  async pdf(actor: RequestActor, id: number, line?: number): Promise<Buffer> {
    const r = await this.read(actor, id, line);
    return renderHandoverRecord(r.record, r.acknowledgements);
  }
}

/** The ports from the services app.ts has: the directory, the mail store, accounts and delegations. */
export function handoverPorts(s: {
  directory: {
    getUnit(code: string): Promise<{ code: string; name: string; mailbox: string | null; headPersonId: number | null } | null>;
    getPerson(id: number): Promise<{ fullName: string; email: string | null; title: string } | null>;
    personByAddress(address: string): Promise<{ fullName: string; email: string | null; title: string } | null>;
  };
  accounts: { byAddress(address: string): Promise<{ id: number } | null> };
  store: { listMailboxes(accountId: number): Promise<Array<{ id: number; name: string }>>; mailboxCounts(id: number): Promise<{ messages: number; size: number } | null> };
  delegations: { list(owner: string): Promise<Array<{ grantee: string; rights: string[] }>> };
}): HandoverPorts {
  const brief = (p: { fullName: string; email: string | null; title: string } | null): PersonBrief | null => (p ? { name: p.fullName, address: p.email, title: p.title } : null);
  return {
    unit: async (code) => s.directory.getUnit(code),
    person: async (id) => brief(await s.directory.getPerson(id)),
    personByAddress: async (address) => brief(await s.directory.personByAddress(address)),
    folders: async (address) => {
      const acct = await s.accounts.byAddress(address);
      if (!acct) return [];
      const out: HandoverFacts['folders'] = [];
      for (const f of await s.store.listMailboxes(acct.id)) {
        const c = await s.store.mailboxCounts(f.id);
        out.push({ name: f.name, messages: c?.messages ?? 0, bytes: c?.size ?? 0 });
      }
      return out.sort((a, b) => (a.name === 'INBOX' ? -1 : b.name === 'INBOX' ? 1 : a.name.localeCompare(b.name)));
    },
    delegates: async (owner) => (await s.delegations.list(owner)).map((d) => ({ address: d.grantee, rights: [...d.rights] })),
  };
}
