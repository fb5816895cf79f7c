// The organisation tree: units with validity dates, successors, heads and unit mailboxes.
// Every change runs in one transaction with its history version and its audit entry; a new head
// takes over the unit mailbox by delegation (R8.3).
// Owns: the rules for creating, updating and heading units, listing them (now or as of a date),
// and subtree/path reads; rows through storage/repositories/directory-units.ts.
import type { Reader, Tx } from '../storage/tx.ts';
import { hasAnyUnit, insertUnit, listUnitRows, unitByCode, unitById, unitParents, updateUnit, type UnitPatch } from '../storage/repositories/directory-units.ts';
import { personById } from '../storage/repositories/directory-people.ts';
import { generatePassword, hashPassword } from '../core/accounts.ts';
import { ThutinError, isThutinError } from '../core/errors.ts';
import { foldVietnamese } from '../core/text/fold.ts';
import { compareVi } from '../core/text/collate.ts';
import { assertNotReserved, cleanName, unitLocalPart } from './naming.ts';
import { recordVersion, snapshotsAsOf } from './history.ts';
import { CODE_RE, normCode, subtreeOf, treeOrder, type DirectoryContext } from './common.ts';
import type { ChangeContext, CreateUnitInput, Unit, UpdateUnitPatch } from './types.ts';

const HEAD_RIGHTS: Array<'manage' | 'read' | 'send-as'> = ['manage', 'read', 'send-as'];

function searchName(name: string, code: string, abbreviation: string): string {
  return [foldVietnamese(name), code.toLowerCase(), abbreviation].join(' ');
}

export class Units {
  constructor(private readonly c: DirectoryContext) {}

  async unitIn(r: Reader, codeOrId: string | number): Promise<Unit | null> {
    return typeof codeOrId === 'number' ? unitById(r, codeOrId) : unitByCode(r, normCode(codeOrId));
  }

  async requireUnit(r: Reader, code: string): Promise<Unit> {
    const u = await this.unitIn(r, code);
    if (!u) throw new ThutinError('UNIT_NOT_FOUND', code);
    return u;
  }

  async isEmpty(): Promise<boolean> {
    return !(await hasAnyUnit(this.c.db));
  }

  private validate(input: { code: string; name: string; kind: string; validFrom?: number | null; validTo?: number | null }): void {
    if (!CODE_RE.test(input.code)) throw new ThutinError('UNIT_INVALID', `mã / code "${input.code}"`);
    if (!input.name) throw new ThutinError('UNIT_INVALID', 'tên / name');
    if (!input.kind) throw new ThutinError('UNIT_INVALID', 'loại / kind');
    if (input.validFrom != null && input.validTo != null && input.validTo < input.validFrom) throw new ThutinError('UNIT_INVALID', 'hiệu lực đến < hiệu lực từ / valid_to < valid_from');
  }

  async createUnit(input: CreateUnitInput, ctx: ChangeContext): Promise<{ unit: Unit; initialPassword?: string }> {
    const withMailbox = input.withMailbox ?? true;
    const password = withMailbox && !input.passwordHash ? generatePassword() : undefined;
    const passwordHash = withMailbox ? (input.passwordHash ?? (await hashPassword(password!))) : undefined;
    const unit = await this.c.tx.transaction((trx) => this.createUnitIn(trx, input, passwordHash, ctx));
    return { unit, initialPassword: password };
  }

  async createUnitIn(trx: Tx, input: CreateUnitInput, passwordHash: string | undefined, ctx: ChangeContext): Promise<Unit> {
    const code = normCode(input.code);
    const name = cleanName(input.name);
    const kind = input.kind.trim();
    this.validate({ code, name, kind, validFrom: input.validFrom, validTo: input.validTo });
    const abbreviation = unitLocalPart(input.abbreviation?.trim() || code);
    if (await this.unitIn(trx, code)) throw new ThutinError('UNIT_EXISTS', code);
    const parent = input.parentCode ? await this.requireUnit(trx, input.parentCode) : null;
    let mailboxAccountId: number | null = null;
    if (passwordHash) {
      assertNotReserved(abbreviation, this.c.deps.rules);
      const acct = await this.c.deps.accounts.create(`${abbreviation}@${this.c.domain}`, '', ctx.actor, { passwordHash, mustChangePassword: true, trx, reason: ctx.reason });
      mailboxAccountId = acct.id;
    }
    const now = Date.now();
    const id = await insertUnit(trx, {
      code,
      name,
      abbreviation,
      kind,
      parentId: parent?.id ?? null,
      headPersonId: null,
      mailboxAccountId,
      validFrom: input.validFrom ?? null,
      validTo: input.validTo ?? null,
      successorId: null,
      searchName: searchName(name, code, abbreviation),
      createdAt: now,
      updatedAt: now,
    });
    const unit = (await unitById(trx, id))!;
    await recordVersion(trx, 'unit', unit.id, { ...unit }, ctx, now);
    await this.c.deps.audit.record({ actor: ctx.actor, action: 'unit.create', target: code, details: { name, kind, parent: parent?.code ?? null, mailbox: unit.mailbox }, reason: ctx.reason }, trx);
    return unit;
  }

  async updateUnit(code: string, patch: UpdateUnitPatch, ctx: ChangeContext): Promise<Unit> {
    return this.c.tx.transaction((trx) => this.updateUnitIn(trx, code, patch, ctx));
  }

  async updateUnitIn(trx: Tx, code: string, patch: UpdateUnitPatch, ctx: ChangeContext): Promise<Unit> {
    const before = await this.requireUnit(trx, code);
    const set: UnitPatch = {};
    const changes: Record<string, unknown> = {};
    const name = patch.name !== undefined ? cleanName(patch.name) : before.name;
    const kind = patch.kind !== undefined ? patch.kind.trim() : before.kind;
    const validFrom = patch.validFrom !== undefined ? patch.validFrom : before.validFrom;
    const validTo = patch.validTo !== undefined ? patch.validTo : before.validTo;
    this.validate({ code: before.code, name, kind, validFrom, validTo });
    if (name !== before.name) {
      set.name = name;
      changes.name = [before.name, name];
    }
    if (kind !== before.kind) {
      set.kind = kind;
      changes.kind = [before.kind, kind];
    }
    if (validFrom !== before.validFrom) {
      set.validFrom = validFrom;
      changes.validFrom = [before.validFrom, validFrom];
    }
    if (validTo !== before.validTo) {
      set.validTo = validTo;
      changes.validTo = [before.validTo, validTo];
    }
    if (patch.parentCode !== undefined) {
      const parent = patch.parentCode ? await this.requireUnit(trx, patch.parentCode) : null;
      if (parent && (await this.subtreeIn(trx, before.id)).includes(parent.id)) throw new ThutinError('UNIT_CYCLE', `${before.code} → ${parent.code}`);
      if ((parent?.id ?? null) !== before.parentId) {
        set.parentId = parent?.id ?? null;
        changes.parent = parent?.code ?? null;
      }
    }
    if (patch.successorCode !== undefined) {
      const succ = patch.successorCode ? await this.requireUnit(trx, patch.successorCode) : null;
      if (succ && succ.id === before.id) throw new ThutinError('UNIT_INVALID', 'kế nhiệm chính nó / successor is itself');
      if ((succ?.id ?? null) !== before.successorId) {
        set.successorId = succ?.id ?? null;
        changes.successor = succ?.code ?? null;
      }
    }
    let abbreviation = before.abbreviation;
    if (patch.abbreviation !== undefined && unitLocalPart(patch.abbreviation) !== before.abbreviation) {
      abbreviation = unitLocalPart(patch.abbreviation);
      set.abbreviation = abbreviation;
      changes.abbreviation = [before.abbreviation, abbreviation];
      if (before.mailboxAccountId !== null) {
        // the unit mailbox takes the new address; the old one stays as an alias
        assertNotReserved(abbreviation, this.c.deps.rules);
        await this.c.deps.accounts.changePrimary(before.mailboxAccountId, `${abbreviation}@${this.c.domain}`, ctx.actor, { trx, reason: ctx.reason });
      }
    }
    if (Object.keys(set).length === 0) return before;
    const now = Date.now();
    set.searchName = searchName(name, before.code, abbreviation);
    set.updatedAt = now;
    await updateUnit(trx, before.id, set);
    const unit = (await unitById(trx, before.id))!;
    await recordVersion(trx, 'unit', unit.id, { ...unit }, ctx, now);
    await this.c.deps.audit.record({ actor: ctx.actor, action: 'unit.update', target: unit.code, details: changes, reason: ctx.reason }, trx);
    return unit;
  }

  /**
   * R8.3: the new head gets the unit mailbox (delegation 'manage read send-as'), the old head
   * loses it. The head is recorded in the directory's transaction; the delegations follow
   * through app.delegations (each audited there with the same reason).
   */
  async setUnitHead(code: string, personId: number | null, ctx: ChangeContext): Promise<Unit> {
    const { unit, oldHead, newHead } = await this.c.tx.transaction(async (trx) => {
      const before = await this.requireUnit(trx, code);
      const newHead = personId === null ? null : await personById(trx, personId);
      if (personId !== null && !newHead) throw new ThutinError('PERSON_NOT_FOUND', String(personId));
      if (newHead && newHead.status !== 'active') throw new ThutinError('PERSON_INVALID', `${newHead.fullName}: ${newHead.status}`);
      const oldHead = before.headPersonId === null ? null : await personById(trx, before.headPersonId);
      if ((newHead?.id ?? null) === before.headPersonId) return { unit: before, oldHead: null, newHead: null };
      const now = Date.now();
      await updateUnit(trx, before.id, { headPersonId: newHead?.id ?? null, updatedAt: now });
      const unit = (await unitById(trx, before.id))!;
      await recordVersion(trx, 'unit', unit.id, { ...unit }, ctx, now);
      await this.c.deps.audit.record({ actor: ctx.actor, action: 'unit.head', target: unit.code, details: { from: oldHead?.email ?? null, to: newHead?.email ?? null }, reason: ctx.reason }, trx);
      return { unit, oldHead, newHead };
    });
    if (unit.mailbox) await this.handOverMailbox(unit.mailbox, oldHead?.email ?? null, newHead?.email ?? null, ctx);
    return unit;
  }

  private async handOverMailbox(mailbox: string, from: string | null, to: string | null, ctx: ChangeContext): Promise<void> {
    const delegations = this.c.deps.delegations?.();
    if (!delegations) return;
    if (from && from !== to) {
      try {
        await delegations.revoke(mailbox, from, ctx);
      } catch (e) {
        if (!isThutinError(e, 'DELEGATION_NOT_FOUND') && !isThutinError(e, 'ACCOUNT_NOT_FOUND')) throw e;
      }
    }
    if (to) await delegations.grant(mailbox, to, [...HEAD_RIGHTS], ctx);
  }

  async listUnits(opts: { asOf?: number; parentCode?: string } = {}): Promise<Unit[]> {
    let units: Unit[];
    if (opts.asOf !== undefined) {
      const at = opts.asOf;
      units = (await snapshotsAsOf<Unit>(this.c.db, 'unit', at)).filter((u) => (u.validFrom === null || u.validFrom <= at) && (u.validTo === null || u.validTo > at));
    } else units = await listUnitRows(this.c.db);
    if (opts.parentCode !== undefined) {
      const parent = units.find((u) => u.code === normCode(opts.parentCode!));
      if (!parent) throw new ThutinError('UNIT_NOT_FOUND', opts.parentCode);
      return units.filter((u) => u.parentId === parent.id).sort((a, b) => compareVi(a.name, b.name));
    }
    return treeOrder(units);
  }

  /** Ids from the root down to unitId inclusive (scope checks). */
  async unitPath(unitId: number): Promise<number[]> {
    const parents = await unitParents(this.c.db);
    if (!parents.has(unitId)) throw new ThutinError('UNIT_NOT_FOUND', String(unitId));
    const path: number[] = [];
    let cur: number | null = unitId;
    while (cur !== null && !path.includes(cur)) {
      path.unshift(cur);
      cur = parents.get(cur) ?? null;
    }
    return path;
  }

  /** unitId and every unit below it. */
  async subtreeIn(r: Reader, unitId: number): Promise<number[]> {
    return subtreeOf(await unitParents(r), unitId);
  }
}
