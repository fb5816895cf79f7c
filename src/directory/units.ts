// The organisation tree: units with validity dates, successors, heads and unit mailboxes.
// Every change runs in one transaction with its history version and its audit entry; a new head
// takes over the unit mailbox by delegation and the unit mailbox's password is rotated (R8.3); a
// head who moves out or leaves leaves the headship vacant.
// Owns: the rules for creating, updating and heading units (who may head a unit, vacancies), listing them (now or as of a date),
// and subtree/path reads; rows through storage/repositories/directory-units.ts.
import type { Reader, Tx } from '../storage/tx.ts';
import { hasAnyUnit, insertUnit, listUnitRows, unitByCode, unitById, unitParents, unitsHeadedBy, updateUnit, type UnitPatch } from '../storage/repositories/directory-units.ts';
import { personById } from '../storage/repositories/directory-people.ts';
import { generatePassword, hashPassword } from '../core/accounts.ts';
import { ThutinError, isThutinError } from '../core/errors.ts';
import { foldVietnamese } from '../core/text/fold.ts';
import { compareVi } from '../core/text/collate.ts';
import { assertNotReserved, cleanName, unitLocalPart } from './naming.ts';
import { recordVersion, snapshotsAsOf } from './history.ts';
import { CODE_RE, normCode, subtreeOf, treeOrder, type DirectoryContext } from './common.ts';
import { isUnitKind, UNIT_KINDS } from './kinds.ts';
import type { ChangeContext, CreateUnitInput, DirectoryWarning, Unit, UpdateUnitPatch } from './types.ts';

/** What a head change did: the unit, and the unit mailbox's new password (shown once) when it was rotated. */
export interface HeadChange {
  unit: Unit;
  changed: boolean;
  mailboxPassword?: string;
}

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
    if (!isUnitKind(input.kind)) throw new ThutinError('UNIT_INVALID', `loại / kind "${input.kind}" (${UNIT_KINDS.join(', ')})`);
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
   * loses it, and the unit mailbox's own password is rotated (the old head knew it): the new one
   * is returned once, for the administrator to hand to the new head out of band — never by mail.
   * The head must be an active person of the unit or of a unit below it. One transaction: the
   * head, its history version, the delegations and the password, each audited with the reason.
   */
  async setUnitHead(code: string, personId: number | null, ctx: ChangeContext, opts: { rotatePassword?: boolean } = {}): Promise<HeadChange> {
    return this.c.tx.transaction(async (trx) => {
      const before = await this.requireUnit(trx, code);
      const newHead = personId === null ? null : await personById(trx, personId);
      if (personId !== null && !newHead) throw new ThutinError('PERSON_NOT_FOUND', String(personId));
      if (newHead && newHead.status !== 'active') throw new ThutinError('PERSON_INVALID', `${newHead.fullName}: ${newHead.status}`);
      if (newHead && (newHead.unitId === null || !(await this.subtreeIn(trx, before.id)).includes(newHead.unitId))) {
        throw new ThutinError('UNIT_HEAD_OUTSIDE', `${newHead.fullName} (${newHead.unitCode ?? '-'}) ∉ ${before.code}`);
      }
      if ((newHead?.id ?? null) === before.headPersonId) return { unit: before, changed: false };
      const unit = await this.recordHead(trx, before, newHead, ctx, {});
      let mailboxPassword: string | undefined;
      if (unit.mailbox && opts.rotatePassword !== false) {
        mailboxPassword = await this.c.deps.accounts.resetPassword(unit.mailbox, ctx.actor, { trx, reason: ctx.reason });
      }
      return { unit, changed: true, ...(mailboxPassword ? { mailboxPassword } : {}) };
    });
  }

  /** Record a unit's new head (or none) and hand the unit mailbox over by delegation, in the caller's transaction. */
  private async recordHead(trx: Tx, before: Unit, newHead: { id: number; email: string | null } | null, ctx: ChangeContext, details: Record<string, unknown>): Promise<Unit> {
    const oldHead = before.headPersonId === null ? null : await personById(trx, before.headPersonId);
    const now = Date.now();
    await updateUnit(trx, before.id, { headPersonId: newHead?.id ?? null, updatedAt: now });
    const unit = (await unitById(trx, before.id))!;
    await recordVersion(trx, 'unit', unit.id, { ...unit }, ctx, now);
    await this.c.deps.audit.record(
      { actor: ctx.actor, action: 'unit.head', target: unit.code, details: { from: oldHead?.email ?? null, to: newHead?.email ?? null, ...details }, reason: ctx.reason },
      trx,
    );
    if (unit.mailbox) await this.handOverMailbox(trx, unit.mailbox, oldHead?.email ?? null, newHead?.email ?? null, ctx);
    return unit;
  }

  /**
   * A head who moves out of the unit's subtree (`newUnitId`), or leaves (`newUnitId` undefined),
   * no longer heads it: the headship becomes vacant and the unit-mailbox rights are withdrawn
   * (the same rule as the handover, R8.3). Returns what the administrator must be told.
   */
  async vacateHeadshipsIn(
    trx: Tx,
    person: { id: number; fullName: string; email: string | null },
    why: 'move' | 'left',
    newUnitId: number | null | undefined,
    ctx: ChangeContext,
  ): Promise<DirectoryWarning[]> {
    const warnings: DirectoryWarning[] = [];
    for (const unitId of await unitsHeadedBy(trx, person.id)) {
      if (why === 'move' && newUnitId !== null && newUnitId !== undefined && (await this.subtreeIn(trx, unitId)).includes(newUnitId)) continue;
      const before = (await unitById(trx, unitId))!;
      const unit = await this.recordHead(trx, before, null, ctx, { vacatedBy: why === 'move' ? 'person.move' : 'person.left' });
      const box = unit.mailbox ? ` (${unit.mailbox})` : '';
      warnings.push({
        code: 'HEAD_VACATED',
        unit: unit.code,
        message: `${person.fullName} ${why === 'move' ? 'chuyển khỏi' : 'đã nghỉ,'} ${unit.code} ${unit.name}: chức thủ trưởng để trống, đã thu hồi quyền trên hộp thư đơn vị${box}; hãy đặt thủ trưởng mới (thutin unit set-head)`,
        messageEn: `${person.fullName} ${why === 'move' ? 'moved out of' : 'left'} ${unit.code}: the headship is vacant and the unit mailbox rights${box} were withdrawn; set a new head (thutin unit set-head)`,
      });
    }
    return warnings;
  }

  private async handOverMailbox(trx: Tx, mailbox: string, from: string | null, to: string | null, ctx: ChangeContext): Promise<void> {
    const delegations = this.c.deps.delegations?.();
    if (!delegations) return;
    if (from && from !== to) {
      try {
        await delegations.revokeIn(trx, mailbox, from, ctx);
      } catch (e) {
        if (!isThutinError(e, 'DELEGATION_NOT_FOUND') && !isThutinError(e, 'ACCOUNT_NOT_FOUND')) throw e;
      }
    }
    if (to) await delegations.grantIn(trx, mailbox, to, [...HEAD_RIGHTS], ctx);
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
