// What each kind of request does to the directory (issue 11), through the directory's own services
// (src/directory/service.ts) — never its tables: a joiner is createPerson, a mover movePerson (and
// setUnitHead when they take the new unit's headship), a leaver setPersonStatus('left'), an update
// updatePerson, a password reset resetPassword (every old session ends), a handover setUnitHead
// with the unit mailbox's password rotated, unit changes createUnit / updateUnit. The ChangeContext
// names the request, so the directory's history links every version to it. Each effect first
// checks whether it is already done (a retry after a crash between the change and its "done" mark
// changes nothing twice). `resolveItem` checks an item when it is filed: the person or unit exists,
// and which units it touches (the requester's scope).
// Owns: the effect of each kind, its "already done" check, and its filing-time resolution.
import { ThutinError } from '../core/errors.ts';
import { foldVietnamese } from '../core/text/fold.ts';
import { DuplicatePersonError, type ChangeContext, type DirectoryService, type Person, type Unit } from '../directory/service.ts';
import { PAYLOADS, type ItemKind } from './types.ts';
import { splitName } from '../directory/naming.ts';

export type Directory = Pick<
  DirectoryService,
  | 'getUnit'
  | 'listUnits'
  | 'getPerson'
  | 'personByAddress'
  | 'createPerson'
  | 'movePerson'
  | 'updatePerson'
  | 'setPersonStatus'
  | 'resetPassword'
  | 'setUnitHead'
  | 'createUnit'
  | 'updateUnit'
  | 'listPeople'
  | 'likelyDuplicates'
  | 'changesOfRequest'
  | 'purgeableFrom'
  | 'subtreeIds'
>;

/** A checked item: its payload as stored (a person named by id and address), the units it touches, a line of summary. */
export interface ResolvedItem {
  kind: ItemKind;
  payload: Record<string, unknown>;
  unitIds: number[];
  summary: string;
  /** The person the request concerns (told when it is done), if any. */
  personId?: number;
}

export function parsePayload(kind: ItemKind, payload: unknown): Record<string, unknown> {
  const r = PAYLOADS[kind].safeParse(payload);
  if (!r.success) {
    const detail = r.error.issues.map((i) => `${i.path.join('.') || kind}: ${i.message}`).join('; ');
    throw new ThutinError('REQUEST_INVALID', detail);
  }
  return r.data as Record<string, unknown>;
}

async function person(d: Directory, ref: unknown): Promise<Person> {
  const p = typeof ref === 'number' ? await d.getPerson(ref) : await d.personByAddress(String(ref));
  if (!p) throw new ThutinError('PERSON_NOT_FOUND', String(ref));
  return p;
}

async function unit(d: Directory, code: unknown): Promise<Unit> {
  const u = await d.getUnit(String(code));
  if (!u) throw new ThutinError('UNIT_NOT_FOUND', String(code));
  return u;
}

const who = (p: Person) => `${p.fullName} <${p.email ?? '-'}>`;

/** Check an item as filed; the person is stored by id (with the address for reading). */
export async function resolveItem(d: Directory, kind: ItemKind, raw: unknown): Promise<ResolvedItem> {
  const p = parsePayload(kind, raw);
  switch (kind) {
    case 'joiner': {
      splitName(String(p.fullName)); // a name the directory would refuse is refused now, with its row
      const u = await unit(d, p.unitCode);
      if (!p.confirmDuplicate) {
        const candidates = await d.likelyDuplicates(String(p.fullName), u.code, String(p.phone ?? ''));
        if (candidates.length) throw new DuplicatePersonError(candidates);
      }
      return { kind, payload: { ...p, unitCode: u.code }, unitIds: [u.id], summary: `${p.fullName} → ${u.code} ${u.name}` };
    }
    case 'mover': {
      const who_ = await person(d, p.person);
      const to = await unit(d, p.unitCode);
      if (who_.status !== 'active') throw new ThutinError('PERSON_INVALID', `${who(who_)}: ${who_.status}`);
      const unitIds = [...(who_.unitId !== null ? [who_.unitId] : []), to.id];
      return {
        kind,
        payload: { ...p, person: who_.id, address: who_.email, fromUnit: who_.unitCode, unitCode: to.code },
        unitIds,
        summary: `${who(who_)}: ${who_.unitCode ?? '-'} → ${to.code}`,
        personId: who_.id,
      };
    }
    case 'leaver':
    case 'update':
    case 'password-reset': {
      const who_ = await person(d, p.person);
      if (who_.status === 'left' && kind !== 'leaver') throw new ThutinError('PERSON_INVALID', `${who(who_)}: left`);
      if (kind === 'update' && p.fullName !== undefined) splitName(String(p.fullName));
      return { kind, payload: { ...p, person: who_.id, address: who_.email }, unitIds: who_.unitId !== null ? [who_.unitId] : [], summary: who(who_), personId: who_.id };
    }
    case 'handover': {
      const u = await unit(d, p.unitCode);
      const head = await person(d, p.person);
      if (head.status !== 'active') throw new ThutinError('PERSON_INVALID', `${who(head)}: ${head.status}`);
      if (head.unitId === null || !(await d.subtreeIds(u.id)).includes(head.unitId)) throw new ThutinError('UNIT_HEAD_OUTSIDE', `${who(head)} (${head.unitCode ?? '-'}) ∉ ${u.code}`);
      return { kind, payload: { ...p, unitCode: u.code, person: head.id, address: head.email }, unitIds: [u.id], summary: `${u.code}: ${who(head)}`, personId: head.id };
    }
    case 'unit-create': {
      const parent = await unit(d, p.parentCode);
      if (await d.getUnit(String(p.code))) throw new ThutinError('UNIT_EXISTS', String(p.code));
      return { kind, payload: { ...p, parentCode: parent.code }, unitIds: [parent.id], summary: `${String(p.code).toUpperCase()} ${p.name} (${parent.code})` };
    }
    case 'unit-rename': {
      const u = await unit(d, p.unitCode);
      return { kind, payload: { ...p, unitCode: u.code }, unitIds: [u.id], summary: `${u.code}: ${u.name} → ${p.name}` };
    }
    case 'unit-dissolve': {
      const u = await unit(d, p.unitCode);
      const succ = p.successorCode ? await unit(d, p.successorCode) : null;
      if (p.merge && !succ) throw new ThutinError('REQUEST_INVALID', 'sáp nhập cần đơn vị kế nhiệm (successorCode) / a merge needs the successor (successorCode)');
      if (succ && (await d.subtreeIds(u.id)).includes(succ.id)) throw new ThutinError('UNIT_CYCLE', `${u.code} → ${succ.code}`);
      return {
        kind,
        payload: { ...p, unitCode: u.code, ...(succ ? { successorCode: succ.code } : {}) },
        unitIds: [u.id, ...(succ ? [succ.id] : [])],
        summary: `${u.code} ${u.name}${succ ? ` → ${succ.code}` : ''}`,
      };
    }
  }
}

/** What an executed item leaves behind: ids for reading, and whether a one-time credential is to be handed over. */
export interface ItemResult {
  [k: string]: unknown;
  personId?: number;
  address?: string;
  credential?: boolean;
  alreadyDone?: boolean;
}

/** Carry out one item. Safe to run again: what is already so is not done twice. */
export async function applyItem(d: Directory, kind: ItemKind, payload: Record<string, unknown>, ctx: ChangeContext & { requestId: number }, effectiveAt: number | null): Promise<ItemResult> {
  const p = parsePayload(kind, stripResolved(kind, payload));
  switch (kind) {
    case 'joiner': {
      // done already: a person this request created, with this name, in this unit
      const folded = foldVietnamese(String(p.fullName)).toLowerCase();
      for (const c of await d.changesOfRequest(ctx.requestId)) {
        const data = c.data as { fullName?: string; unitCode?: string; email?: string };
        if (c.entity === 'person' && data.fullName && foldVietnamese(data.fullName).toLowerCase() === folded && data.unitCode === p.unitCode) {
          return { personId: c.entityId, address: data.email, credential: true, alreadyDone: true };
        }
      }
      const r = await d.createPerson(
        {
          fullName: String(p.fullName),
          unitCode: String(p.unitCode),
          title: p.title as string | undefined,
          phone: p.phone as string | undefined,
          localPart: (p.localPart as string | undefined) || undefined,
          confirmDuplicate: true,
        },
        ctx,
      );
      return { personId: r.person.id, address: r.address, credential: true };
    }
    case 'mover': {
      const who_ = await person(d, p.person);
      const out: ItemResult = { personId: who_.id, address: who_.email ?? undefined };
      if (who_.unitCode !== p.unitCode) out.warnings = (await d.movePerson(who_.id, String(p.unitCode), ctx)).warnings;
      if (p.title !== undefined && p.title !== who_.title) await d.updatePerson(who_.id, { title: String(p.title) }, ctx);
      if (p.headOfUnit) {
        const u = await d.setUnitHead(String(p.unitCode), who_.id, ctx, { rotatePassword: true });
        out.headOf = u.code;
      }
      return out;
    }
    case 'leaver': {
      const who_ = await person(d, p.person);
      const successor = p.successor !== undefined ? ((await person(d, p.successor)).email ?? undefined) : undefined;
      if (who_.status !== 'left') await d.setPersonStatus(who_.id, 'left', ctx, { successor, forward: p.forward === true });
      return { personId: who_.id, address: who_.email ?? undefined, purgeableFrom: await d.purgeableFrom(who_.id), alreadyDone: who_.status === 'left' };
    }
    case 'update': {
      const who_ = await person(d, p.person);
      await d.updatePerson(who_.id, { fullName: p.fullName as string | undefined, title: p.title as string | undefined, phone: p.phone as string | undefined }, ctx);
      return { personId: who_.id, address: who_.email ?? undefined };
    }
    case 'password-reset': {
      // The generated password is thrown away: the person gets theirs through the one-time credential.
      const r = await d.resetPassword(Number(p.person), ctx);
      return { personId: Number(p.person), address: r.address, credential: true };
    }
    case 'handover': {
      const u = await d.setUnitHead(String(p.unitCode), Number(p.person), ctx, { rotatePassword: true });
      return { unit: u.code, personId: Number(p.person), address: payload.address as string | undefined, mailboxRotated: !!u.mailboxPassword };
    }
    case 'unit-create': {
      const existing = await d.getUnit(String(p.code));
      if (existing) {
        if ((await d.changesOfRequest(ctx.requestId)).some((c) => c.entity === 'unit' && c.entityId === existing.id)) return { unitId: existing.id, unit: existing.code, alreadyDone: true };
        throw new ThutinError('UNIT_EXISTS', existing.code);
      }
      const r = await d.createUnit(
        {
          code: String(p.code),
          name: String(p.name),
          kind: String(p.kind),
          parentCode: String(p.parentCode),
          abbreviation: p.abbreviation as string | undefined,
          withMailbox: p.withMailbox as boolean | undefined,
        },
        ctx,
      );
      return { unitId: r.unit.id, unit: r.unit.code, mailbox: r.unit.mailbox };
    }
    case 'unit-rename': {
      const u = await d.updateUnit(String(p.unitCode), { name: String(p.name), ...(p.abbreviation ? { abbreviation: String(p.abbreviation) } : {}) }, ctx);
      return { unitId: u.id, unit: u.code, name: u.name };
    }
    case 'unit-dissolve': {
      const u = await unit(d, p.unitCode);
      const moved: string[] = [];
      if (p.merge && p.successorCode) {
        // A merger: people first, then the sub-units, each a change of its own (what is already moved is not moved again).
        for (const x of await d.listPeople({ unitCode: u.code, status: 'active' })) {
          await d.movePerson(x.id, String(p.successorCode), ctx);
          moved.push(x.email ?? x.fullName);
        }
        for (const child of await d.listUnits({ parentCode: u.code })) if (child.validTo === null) await d.updateUnit(child.code, { parentCode: String(p.successorCode) }, ctx);
      }
      if ((await d.listPeople({ unitCode: u.code, status: 'active', limit: 1 })).length > 0) throw new ThutinError('REQUEST_UNIT_HAS_PEOPLE', u.code);
      if (u.validTo !== null) return { unitId: u.id, unit: u.code, alreadyDone: true };
      const at = Math.max(effectiveAt ?? Date.now(), u.validFrom ?? 0);
      const after = await d.updateUnit(u.code, { validTo: at, ...(p.successorCode ? { successorCode: String(p.successorCode) } : {}) }, ctx);
      return { unitId: after.id, unit: after.code, validTo: after.validTo, ...(moved.length ? { moved } : {}) };
    }
  }
}

/** The stored payload holds what filing resolved (the address, the old unit); only the kind's own fields go back through its schema. */
function stripResolved(kind: ItemKind, payload: Record<string, unknown>): Record<string, unknown> {
  const { address: _a, fromUnit: _f, ...rest } = payload;
  void kind;
  return rest;
}
