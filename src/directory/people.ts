// People and their personal mailboxes: joining (a mailbox named by the address rules), changes of
// name, title, phone, unit and status (suspended/left disable the mailbox, data kept), and
// listing in Vietnamese order, now or as of a date. Every change runs in one transaction with its
// history version and its audit entry.
// Owns: the rules for creating and updating people and reading them as `Person`; rows through
// storage/repositories/directory-people.ts.
import type { Reader, Tx } from '../storage/tx.ts';
import {
  aliasesOfPeople,
  insertPerson,
  pagePersonIds,
  peopleWithFoldedName,
  peopleWithPhoneDigits,
  peopleByIds,
  personById,
  personIdByAccount,
  personIdByAddress,
  updatePerson,
  type PersonPatch,
  type PersonRow,
} from '../storage/repositories/directory-people.ts';
import { checkPasswordStrength, generatePassword, hashPassword, normalizeAddress } from '../core/accounts.ts';
import { ThutinError } from '../core/errors.ts';
import { foldVietnamese } from '../core/text/fold.ts';
import { comparePeople, personSortKey } from '../core/text/collate.ts';
import { assertNotReserved, cleanName, freeLocalPart, personLocalPart, splitName, storedName } from './naming.ts';
import { recordVersion, snapshotsAsOf } from './history.ts';
import { addressTaken, LOCAL_RE, normCode, refuseQuarantined, subtreeOf, type DirectoryContext } from './common.ts';
import type { Units } from './units.ts';
import type { ChangeContext, CreatePersonInput, DirectoryWarning, DuplicateCandidate, Person, PersonStatus, Unit, UpdatePersonPatch } from './types.ts';

/** A likely duplicate refused until confirmed: the candidates travel with the error (CLI list, API 409 body). */
export class DuplicatePersonError extends ThutinError {
  constructor(readonly candidates: DuplicateCandidate[]) {
    super('PERSON_LIKELY_EXISTS', candidates.map((c) => `${c.fullName} <${c.email ?? '-'}> (${c.unitCode ?? '-'}${c.why === 'phone' ? `, ☎ ${c.phone}` : ''})`).join('; '));
  }
}

/** The digits of a phone number that identify it: no separators, +84/84 written as the leading 0. */
export function phoneDigits(phone: string): string {
  let d = phone.replace(/\D/g, '');
  if (/^84\d{9,10}$/.test(d)) d = `0${d.slice(2)}`;
  return d;
}

export type PersonListOptions = { unitCode?: string; subtree?: boolean; status?: string; asOf?: number; limit?: number; offset?: number };

/** A stored person as the directory shows them (the snapshot history keeps). */
export function toPerson(r: PersonRow, aliases: Map<number, string[]>): Person {
  return {
    id: r.id,
    fullName: r.fullName,
    familyName: r.familyName,
    middleName: r.middleName,
    givenName: r.givenName,
    title: r.title,
    unitId: r.unitId,
    unitCode: r.unitCode,
    unitName: r.unitName,
    phone: r.phone,
    status: r.status as PersonStatus,
    accountId: r.accountId,
    email: r.email,
    aliases: r.accountId === null ? [] : (aliases.get(r.accountId) ?? []),
  };
}

/** The stored name columns of a full name: its parts, search text and Vietnamese sort key. */
function nameColumns(fullName: string, localPart: string) {
  const n = splitName(fullName);
  return {
    fullName: n.fullName,
    familyName: n.familyName,
    middleName: n.middleName,
    givenName: n.givenName,
    searchName: [foldVietnamese(n.fullName), foldVietnamese(`${n.givenName} ${n.familyName} ${n.middleName}`.trim()), localPart].join(' | '),
    sortKey: personSortKey(n),
  };
}

export class People {
  constructor(
    private readonly c: DirectoryContext,
    private readonly units: Units,
  ) {}

  async personIn(r: Reader, id: number): Promise<Person | null> {
    const row = await personById(r, id);
    if (!row) return null;
    return toPerson(row, await aliasesOfPeople(r, row.accountId === null ? [] : [row.accountId]));
  }

  async requirePerson(r: Reader, id: number): Promise<Person> {
    const p = await this.personIn(r, id);
    if (!p) throw new ThutinError('PERSON_NOT_FOUND', String(id));
    return p;
  }

  async personByAccount(accountId: number): Promise<Person | null> {
    const id = await personIdByAccount(this.c.db, accountId);
    return id === null ? null : this.personIn(this.c.db, id);
  }

  /** The person owning an address (primary or alias), or null. */
  async personByAddress(address: string): Promise<Person | null> {
    const id = await personIdByAddress(this.c.db, normalizeAddress(address));
    return id === null ? null : this.personIn(this.c.db, id);
  }

  /** The requested local part (checked), or one made from the name avoiding `extraTaken` (an import's own). */
  private async resolveLocalPart(r: Reader, fullName: string, requested: string | undefined, extraTaken?: Set<string>): Promise<string> {
    const domain = this.c.domain;
    if (requested) {
      const lp = requested.trim().toLowerCase();
      if (!LOCAL_RE.test(lp)) throw new ThutinError('ADDRESS_INVALID', requested);
      assertNotReserved(lp, this.c.deps.rules);
      await refuseQuarantined(r, `${lp}@${domain}`); // a leaver's address: not before its quarantine ends
      if (await addressTaken(r, `${lp}@${domain}`)) throw new ThutinError('ACCOUNT_EXISTS', `${lp}@${domain}`);
      return lp;
    }
    const base = personLocalPart(fullName, this.c.deps.rules.personAddress);
    return freeLocalPart(base, async (c) => !!extraTaken?.has(c) || (await addressTaken(r, `${c}@${domain}`)), this.c.deps.rules);
  }

  async createPerson(input: CreatePersonInput, ctx: ChangeContext): Promise<{ person: Person; address: string; initialPassword: string; nameAdjusted?: { typed: string; stored: string } }> {
    splitName(input.fullName); // refuse a bad name before hashing
    const named = storedName(input.fullName, input.keepCase);
    const password = input.password ?? generatePassword();
    if (input.password !== undefined) checkPasswordStrength(input.password);
    if (input.passwordHash !== undefined && (input.password === undefined || !input.passwordHash.startsWith('$argon2id$'))) {
      throw new ThutinError('PASSWORD_WEAK', 'passwordHash: argon2id hash of the given password expected');
    }
    if (!input.confirmDuplicate) {
      const candidates = await this.likelyDuplicates(this.c.db, named.name, input.unitCode ?? null, input.phone ?? '');
      if (candidates.length) throw new DuplicatePersonError(candidates);
    }
    const passwordHash = input.passwordHash ?? (await hashPassword(password));
    const person = await this.c.tx.transaction((trx) => this.createPersonIn(trx, { ...input, fullName: named.name }, passwordHash, input.password === undefined, ctx));
    return { person, address: person.email!, initialPassword: password, ...(named.adjusted ? { nameAdjusted: { typed: cleanName(input.fullName), stored: named.name } } : {}) };
  }

  /** People who may be the one being added: the same folded name (diacritics, đ, case) in the same unit, or the same phone number anywhere. */
  async likelyDuplicates(r: Reader, fullName: string, unitCode: string | null, phone: string): Promise<DuplicateCandidate[]> {
    const unit = unitCode ? await this.units.unitIn(r, unitCode) : null;
    const out = new Map<number, DuplicateCandidate>();
    const add = (p: PersonRow, why: 'name' | 'phone') => {
      if (!out.has(p.id)) out.set(p.id, { id: p.id, fullName: p.fullName, unitCode: p.unitCode, email: p.email, phone: p.phone, status: p.status as PersonStatus, why });
    };
    const folded = foldVietnamese(cleanName(fullName));
    for (const p of await peopleWithFoldedName(r, unit?.id ?? null, folded)) if (foldVietnamese(p.fullName) === folded) add(p, 'name');
    const digits = phoneDigits(phone);
    if (digits.length >= 6) for (const p of await peopleWithPhoneDigits(r, digits.slice(-9))) if (phoneDigits(p.phone) === digits) add(p, 'phone');
    return [...out.values()];
  }

  async createPersonIn(trx: Tx, input: CreatePersonInput & { status?: PersonStatus }, passwordHash: string, mustChange: boolean, ctx: ChangeContext, extraTaken?: Set<string>): Promise<Person> {
    const n = splitName(input.fullName);
    const unit = input.unitCode ? await this.units.requireUnit(trx, input.unitCode) : null;
    const localPart = await this.resolveLocalPart(trx, n.fullName, input.localPart, extraTaken);
    const address = `${localPart}@${this.c.domain}`;
    const acct = await this.c.deps.accounts.create(address, '', ctx.actor, { passwordHash, mustChangePassword: mustChange, trx, reason: ctx.reason });
    const status = input.status ?? 'active';
    const now = Date.now();
    if (status !== 'active') await this.c.deps.accounts.setStatusIn(trx, acct.id, 'disabled', ctx.actor, ctx.reason);
    const id = await insertPerson(trx, {
      ...nameColumns(n.fullName, localPart),
      title: cleanName(input.title ?? ''),
      unitId: unit?.id ?? null,
      phone: (input.phone ?? '').trim(),
      status,
      accountId: acct.id,
      leftAt: status === 'left' ? now : null,
      createdAt: now,
      updatedAt: now,
    });
    const person = (await this.personIn(trx, id))!;
    await recordVersion(trx, 'person', person.id, { ...person }, ctx, now);
    await this.c.deps.audit.record(
      { actor: ctx.actor, action: 'person.create', target: address, details: { name: person.fullName, title: person.title, unit: person.unitCode, status }, reason: ctx.reason },
      trx,
    );
    return person;
  }

  async updatePerson(id: number, patch: UpdatePersonPatch, ctx: ChangeContext): Promise<Person> {
    return this.c.tx.transaction((trx) => this.updatePersonIn(trx, id, patch, ctx));
  }

  /**
   * Change a person. A move out of the subtree of a unit they head, or leaving, makes that
   * headship vacant and withdraws the unit-mailbox rights (R8.3); each is added to `warnings`.
   */
  async updatePersonIn(trx: Tx, id: number, patch: UpdatePersonPatch & { unitCode?: string | null; status?: PersonStatus }, ctx: ChangeContext, warnings: DirectoryWarning[] = []): Promise<Person> {
    const before = await this.requirePerson(trx, id);
    const set: PersonPatch = {};
    const changes: Record<string, unknown> = {};
    const localPart = before.email?.split('@')[0] ?? '';
    if (patch.fullName !== undefined) patch = { ...patch, fullName: storedName(patch.fullName, patch.keepCase).name };
    if (patch.fullName !== undefined && cleanName(patch.fullName) !== before.fullName) {
      let lp = localPart;
      if (patch.changeAddress && before.accountId !== null) {
        lp = await this.resolveLocalPart(trx, patch.fullName, undefined);
        await this.c.deps.accounts.changePrimary(before.accountId, `${lp}@${this.c.domain}`, ctx.actor, { trx, reason: ctx.reason });
        changes.address = [before.email, `${lp}@${this.c.domain}`];
      }
      Object.assign(set, nameColumns(patch.fullName, lp));
      changes.name = [before.fullName, set.fullName];
    }
    if (patch.title !== undefined && cleanName(patch.title) !== before.title) {
      set.title = cleanName(patch.title);
      changes.title = [before.title, set.title];
    }
    if (patch.phone !== undefined && patch.phone.trim() !== before.phone) {
      set.phone = patch.phone.trim();
      changes.phone = [before.phone, set.phone];
    }
    if (patch.unitCode !== undefined) {
      const unit = patch.unitCode ? await this.units.requireUnit(trx, patch.unitCode) : null;
      if ((unit?.id ?? null) !== before.unitId) {
        set.unitId = unit?.id ?? null;
        changes.unit = [before.unitCode, unit?.code ?? null];
      }
    }
    if (patch.status !== undefined && patch.status !== before.status) {
      set.status = patch.status;
      set.leftAt = patch.status === 'left' ? Date.now() : null;
      changes.status = [before.status, patch.status];
      if (before.accountId !== null) await this.c.deps.accounts.setStatusIn(trx, before.accountId, patch.status === 'active' ? 'active' : 'disabled', ctx.actor, ctx.reason);
    }
    if (Object.keys(set).length === 0) return before;
    const now = Date.now();
    set.updatedAt = now;
    await updatePerson(trx, id, set);
    if (set.status === 'left') warnings.push(...(await this.units.vacateHeadshipsIn(trx, before, 'left', undefined, ctx)));
    else if (set.unitId !== undefined) warnings.push(...(await this.units.vacateHeadshipsIn(trx, before, 'move', set.unitId, ctx)));
    const person = (await this.personIn(trx, id))!;
    await recordVersion(trx, 'person', id, { ...person }, ctx, now);
    const action = Object.keys(changes).length === 1 && changes.unit ? 'person.move' : Object.keys(changes).length === 1 && changes.status ? 'person.status' : 'person.update';
    await this.c.deps.audit.record({ actor: ctx.actor, action, target: person.email ?? `person:${id}`, details: changes, reason: ctx.reason }, trx);
    return person;
  }

  /** Vietnamese order (given name, family name, middle names). */
  async listPeople(opts: PersonListOptions = {}): Promise<Person[]> {
    const offset = Math.max(0, opts.offset ?? 0);
    if (opts.asOf !== undefined) return this.listPeopleAsOf(opts.asOf, opts, offset);
    let unitIds: number[] | undefined;
    if (opts.unitCode) {
      const unit = await this.units.requireUnit(this.c.db, opts.unitCode);
      unitIds = opts.subtree ? await this.units.subtreeIn(this.c.db, unit.id) : [unit.id];
    }
    // A page of ids in order first, then the page's rows: the database never sorts the joined directory.
    const order = await pagePersonIds(this.c.db, { unitIds, status: opts.status, limit: opts.limit, offset });
    if (order.length === 0) return [];
    const rows = await peopleByIds(this.c.db, order);
    const pos = new Map(order.map((id, i) => [id, i]));
    rows.sort((a, b) => pos.get(a.id)! - pos.get(b.id)!);
    const aliases = await aliasesOfPeople(this.c.db, order.length <= 500 ? rows.map((r) => r.accountId ?? 0).filter((x) => x > 0) : null);
    return rows.map((r) => toPerson(r, aliases));
  }

  private async listPeopleAsOf(at: number, opts: PersonListOptions, offset: number): Promise<Person[]> {
    const units = await snapshotsAsOf<Unit>(this.c.db, 'unit', at);
    const byId = new Map(units.map((u) => [u.id, u]));
    let people = (await snapshotsAsOf<Person>(this.c.db, 'person', at)).map((p) => {
      const u = p.unitId === null ? undefined : byId.get(p.unitId);
      return { ...p, unitCode: u?.code ?? p.unitCode, unitName: u?.name ?? p.unitName };
    });
    if (opts.unitCode) {
      const unit = units.find((u) => u.code === normCode(opts.unitCode!));
      if (!unit) return [];
      const ids = new Set(opts.subtree ? subtreeOf(new Map(units.map((u) => [u.id, u.parentId])), unit.id) : [unit.id]);
      people = people.filter((p) => p.unitId !== null && ids.has(p.unitId));
    }
    if (opts.status) people = people.filter((p) => p.status === opts.status);
    people.sort((a, b) => comparePeople(a, b) || a.id - b.id);
    return people.slice(offset, opts.limit === undefined ? undefined : offset + opts.limit);
  }
}
