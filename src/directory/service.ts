// The province's directory (Danh bạ điện tử, issue 4), exposed as `app.directory`: the organisation
// tree (units with validity dates, successors, heads and unit mailboxes), people with their personal
// mailboxes, the lifecycle (join, move, suspend, leave, purge after retention), search, history
// (as-of reads) and CSV import/export. Every change runs in one transaction with its history
// version and its audit entry (who, when, what, why = the official document).
// Naming rules: naming.ts; search index: search.ts; versions: history.ts; CSV format: csv.ts.
import { sql, type Kysely, type Updateable } from 'kysely';
import type { Database } from '../storage/schema.ts';
import type { AccountService } from '../core/accounts.ts';
import { checkPasswordStrength, generatePassword, hashPassword, normalizeAddress } from '../core/accounts.ts';
import type { AuditLog } from '../core/audit.ts';
import { ThutinError, isThutinError } from '../core/errors.ts';
import { foldVietnamese } from '../core/text/fold.ts';
import { comparePeople, compareVi, personSortKey } from '../core/text/collate.ts';
import { assertNotReserved, cleanName, freeLocalPart, personLocalPart, splitName, unitLocalPart, type NamingRules, type PersonAddressStyle } from './naming.ts';
import { changedSince, recordVersion, snapshotsAsOf, versionsOf, type HistoryEntity } from './history.ts';
import { SearchIndex, type IndexDoc } from './search.ts';
import { formatDate, parseDate, parseStatus, readCsv, STATUS_LABEL, writeCsv, type CsvRow } from './csv.ts';

/** Who made a change and why: `reason` is the reference of the official document (số/ký hiệu văn bản). */
export interface ChangeContext {
  actor: string;
  reason?: string;
}

export interface Unit {
  id: number;
  code: string;
  name: string;
  abbreviation: string;
  kind: string;
  parentId: number | null;
  headPersonId: number | null;
  mailboxAccountId: number | null;
  mailbox: string | null;
  validFrom: number | null;
  validTo: number | null;
  successorId: number | null;
}

export type PersonStatus = 'active' | 'suspended' | 'left';

export interface Person {
  id: number;
  fullName: string;
  familyName: string;
  middleName: string;
  givenName: string;
  title: string;
  unitId: number | null;
  unitCode: string | null;
  unitName: string | null;
  phone: string;
  status: PersonStatus;
  accountId: number | null;
  email: string | null;
  aliases: string[];
}

export interface DirectoryEntry {
  kind: 'person' | 'unit' | 'list';
  id: number;
  name: string;
  email: string | null;
  title: string;
  unitId: number | null;
  unitCode: string | null;
  unitName: string | null;
  phone: string;
  givenName?: string;
  familyName?: string;
  status: string;
}

export interface CreateUnitInput {
  code: string;
  name: string;
  abbreviation?: string;
  kind: string;
  parentCode?: string | null;
  validFrom?: number | null;
  validTo?: number | null;
  withMailbox?: boolean; // default true
  /** A precomputed argon2id hash for the unit mailbox (bulk loaders); no initial password is returned then. */
  passwordHash?: string;
}

export interface UpdateUnitPatch {
  name?: string;
  abbreviation?: string;
  kind?: string;
  parentCode?: string | null;
  validFrom?: number | null;
  validTo?: number | null;
  successorCode?: string | null;
}

export interface CreatePersonInput {
  fullName: string;
  title?: string;
  unitCode?: string | null;
  phone?: string;
  localPart?: string;
  password?: string;
  /** A precomputed argon2id hash of `password` (bulk loaders hash one shared password once). */
  passwordHash?: string;
}

export interface UpdatePersonPatch {
  fullName?: string;
  title?: string;
  phone?: string;
  /** With a new full name: give the person the address the new name makes; the old one stays an alias. */
  changeAddress?: boolean;
}

export interface ImportResult {
  applied: boolean;
  rows: number;
  created: number;
  updated: number;
  errors: Array<{ line: number; message: string }>;
  /** Initial passwords of the mailboxes the import created (shown once; never logged). */
  passwords?: Array<{ address: string; password: string }>;
}

export interface DirectoryRules extends NamingRules {
  personAddress: PersonAddressStyle;
  retentionMonths: number;
  leaderRetentionMonths: number;
  leaderTitles: string[];
}

export interface DirectoryDeps {
  db: Kysely<Database>;
  accounts: AccountService;
  audit: AuditLog;
  primaryDomain: string;
  rules: DirectoryRules;
  /** The delegation service (app.delegations): unit head handover. */
  delegations?: () => DelegationPort | undefined;
}

/** What the directory needs from app.delegations (src/core/delegations.ts). */
export interface DelegationPort {
  grant(ownerAddress: string, granteeAddress: string, rights: Array<'read' | 'send-as' | 'send-on-behalf' | 'manage'>, ctx: ChangeContext): Promise<void>;
  revoke(ownerAddress: string, granteeAddress: string, ctx: ChangeContext): Promise<void>;
}

type Trx = Kysely<Database>;

const CODE_RE = /^[A-Z0-9][A-Z0-9_.-]{0,31}$/;
const LOCAL_RE = /^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$/;
const HEAD_RIGHTS: Array<'manage' | 'read' | 'send-as'> = ['manage', 'read', 'send-as'];

function num(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v);
}

function toUnit(row: object): Unit {
  const r = row as Record<string, unknown>;
  return {
    id: Number(r.id),
    code: String(r.code),
    name: String(r.name),
    abbreviation: String(r.abbreviation),
    kind: String(r.kind),
    parentId: num(r.parent_id),
    headPersonId: num(r.head_person_id),
    mailboxAccountId: num(r.mailbox_account_id),
    mailbox: r.mailbox === null || r.mailbox === undefined ? null : String(r.mailbox),
    validFrom: num(r.valid_from),
    validTo: num(r.valid_to),
    successorId: num(r.successor_id),
  };
}

function normCode(code: string): string {
  return code.trim().toUpperCase();
}

export function addMonths(ms: number, months: number): number {
  const d = new Date(ms);
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), lastDay));
  return target.getTime();
}

export class DirectoryService {
  private readonly db: Kysely<Database>;
  private readonly index = new SearchIndex();
  private indexVersion: { history: number; lists: string } | null = null;
  private refreshing: Promise<void> | null = null;
  // The unit tree as the index last saw it (scope checks, subtree filters).
  private units = new Map<number, { code: string; name: string; parentId: number | null; validTo: number | null }>();

  constructor(private readonly deps: DirectoryDeps) {
    this.db = deps.db;
  }

  private get domain(): string {
    return this.deps.primaryDomain;
  }

  // ---------------------------------------------------------------- units

  private unitQuery(db: Trx) {
    return db.selectFrom('units').leftJoin('accounts', 'accounts.id', 'units.mailbox_account_id').selectAll('units').select('accounts.username as mailbox');
  }

  private async unitIn(db: Trx, codeOrId: string | number): Promise<Unit | null> {
    const q = this.unitQuery(db);
    const r = typeof codeOrId === 'number' ? await q.where('units.id', '=', codeOrId).executeTakeFirst() : await q.where('units.code', '=', normCode(codeOrId)).executeTakeFirst();
    return r ? toUnit(r) : null;
  }

  private async requireUnit(db: Trx, code: string): Promise<Unit> {
    const u = await this.unitIn(db, code);
    if (!u) throw new ThutinError('UNIT_NOT_FOUND', code);
    return u;
  }

  async getUnit(codeOrId: string | number): Promise<Unit | null> {
    return this.unitIn(this.db, codeOrId);
  }

  private async addressTaken(db: Trx, address: string): Promise<boolean> {
    const a = await db.selectFrom('addresses').select('address').where('address', '=', address).executeTakeFirst();
    if (a) return true;
    const l = await db.selectFrom('distribution_lists').select('address').where('address', '=', address).executeTakeFirst();
    return !!l;
  }

  private validateUnitFields(input: { code: string; name: string; kind: string; validFrom?: number | null; validTo?: number | null }): void {
    if (!CODE_RE.test(input.code)) throw new ThutinError('UNIT_INVALID', `mã / code "${input.code}"`);
    if (!input.name) throw new ThutinError('UNIT_INVALID', 'tên / name');
    if (!input.kind) throw new ThutinError('UNIT_INVALID', 'loại / kind');
    if (input.validFrom != null && input.validTo != null && input.validTo < input.validFrom) throw new ThutinError('UNIT_INVALID', 'hiệu lực đến < hiệu lực từ / valid_to < valid_from');
  }

  async createUnit(input: CreateUnitInput, ctx: ChangeContext): Promise<{ unit: Unit; initialPassword?: string }> {
    const withMailbox = input.withMailbox ?? true;
    const password = withMailbox && !input.passwordHash ? generatePassword() : undefined;
    const passwordHash = withMailbox ? (input.passwordHash ?? (await hashPassword(password!))) : undefined;
    const unit = await this.db.transaction().execute((trx) => this.createUnitIn(trx, input, passwordHash, ctx));
    return { unit, initialPassword: password };
  }

  private async createUnitIn(trx: Trx, input: CreateUnitInput, passwordHash: string | undefined, ctx: ChangeContext): Promise<Unit> {
    const code = normCode(input.code);
    const name = cleanName(input.name);
    const kind = input.kind.trim();
    this.validateUnitFields({ code, name, kind, validFrom: input.validFrom, validTo: input.validTo });
    const abbreviation = unitLocalPart(input.abbreviation?.trim() || code);
    if (await this.unitIn(trx, code)) throw new ThutinError('UNIT_EXISTS', code);
    const parent = input.parentCode ? await this.requireUnit(trx, input.parentCode) : null;
    let mailboxAccountId: number | null = null;
    if (passwordHash) {
      assertNotReserved(abbreviation, this.deps.rules);
      const acct = await this.deps.accounts.create(`${abbreviation}@${this.domain}`, '', ctx.actor, { passwordHash, mustChangePassword: true, trx, reason: ctx.reason });
      mailboxAccountId = acct.id;
    }
    const now = Date.now();
    const row = await trx
      .insertInto('units')
      .values({
        code,
        name,
        abbreviation,
        kind,
        parent_id: parent?.id ?? null,
        head_person_id: null,
        mailbox_account_id: mailboxAccountId,
        valid_from: input.validFrom ?? null,
        valid_to: input.validTo ?? null,
        successor_id: null,
        search_name: [foldVietnamese(name), code.toLowerCase(), abbreviation].join(' '),
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const unit = (await this.unitIn(trx, Number(row.id)))!;
    await recordVersion(trx, 'unit', unit.id, { ...unit }, ctx, now);
    await this.deps.audit.record({ actor: ctx.actor, action: 'unit.create', target: code, details: { name, kind, parent: parent?.code ?? null, mailbox: unit.mailbox }, reason: ctx.reason }, trx);
    return unit;
  }

  async updateUnit(code: string, patch: UpdateUnitPatch, ctx: ChangeContext): Promise<Unit> {
    return this.db.transaction().execute((trx) => this.updateUnitIn(trx, code, patch, ctx));
  }

  private async updateUnitIn(trx: Trx, code: string, patch: UpdateUnitPatch, ctx: ChangeContext): Promise<Unit> {
    const before = await this.requireUnit(trx, code);
    const set: Updateable<Database['units']> = {};
    const changes: Record<string, unknown> = {};
    const name = patch.name !== undefined ? cleanName(patch.name) : before.name;
    const kind = patch.kind !== undefined ? patch.kind.trim() : before.kind;
    const validFrom = patch.validFrom !== undefined ? patch.validFrom : before.validFrom;
    const validTo = patch.validTo !== undefined ? patch.validTo : before.validTo;
    this.validateUnitFields({ code: before.code, name, kind, validFrom, validTo });
    if (name !== before.name) {
      set.name = name;
      changes.name = [before.name, name];
    }
    if (kind !== before.kind) {
      set.kind = kind;
      changes.kind = [before.kind, kind];
    }
    if (validFrom !== before.validFrom) {
      set.valid_from = validFrom;
      changes.validFrom = [before.validFrom, validFrom];
    }
    if (validTo !== before.validTo) {
      set.valid_to = validTo;
      changes.validTo = [before.validTo, validTo];
    }
    if (patch.parentCode !== undefined) {
      const parent = patch.parentCode ? await this.requireUnit(trx, patch.parentCode) : null;
      if (parent && (await this.subtreeIn(trx, before.id)).includes(parent.id)) throw new ThutinError('UNIT_CYCLE', `${before.code} → ${parent.code}`);
      if ((parent?.id ?? null) !== before.parentId) {
        set.parent_id = parent?.id ?? null;
        changes.parent = parent?.code ?? null;
      }
    }
    if (patch.successorCode !== undefined) {
      const succ = patch.successorCode ? await this.requireUnit(trx, patch.successorCode) : null;
      if (succ && succ.id === before.id) throw new ThutinError('UNIT_INVALID', 'kế nhiệm chính nó / successor is itself');
      if ((succ?.id ?? null) !== before.successorId) {
        set.successor_id = succ?.id ?? null;
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
        assertNotReserved(abbreviation, this.deps.rules);
        await this.deps.accounts.changePrimary(before.mailboxAccountId, `${abbreviation}@${this.domain}`, ctx.actor, { trx, reason: ctx.reason });
      }
    }
    if (Object.keys(set).length === 0) return before;
    const now = Date.now();
    set.search_name = [foldVietnamese(name), before.code.toLowerCase(), abbreviation].join(' ');
    set.updated_at = now;
    await trx.updateTable('units').set(set).where('id', '=', before.id).execute();
    const unit = (await this.unitIn(trx, before.id))!;
    await recordVersion(trx, 'unit', unit.id, { ...unit }, ctx, now);
    await this.deps.audit.record({ actor: ctx.actor, action: 'unit.update', target: unit.code, details: changes, reason: ctx.reason }, trx);
    return unit;
  }

  /**
   * R8.3: the new head gets the unit mailbox (delegation 'manage read send-as'), the old head
   * loses it. The head is recorded in the directory's transaction; the delegations follow
   * through app.delegations (each audited there with the same reason).
   */
  async setUnitHead(code: string, personId: number | null, ctx: ChangeContext): Promise<Unit> {
    const { unit, oldHead, newHead } = await this.db.transaction().execute(async (trx) => {
      const before = await this.requireUnit(trx, code);
      const newHead = personId === null ? null : await this.personIn(trx, personId);
      if (personId !== null && !newHead) throw new ThutinError('PERSON_NOT_FOUND', String(personId));
      if (newHead && newHead.status !== 'active') throw new ThutinError('PERSON_INVALID', `${newHead.fullName}: ${newHead.status}`);
      const oldHead = before.headPersonId === null ? null : await this.personIn(trx, before.headPersonId);
      if ((newHead?.id ?? null) === before.headPersonId) return { unit: before, oldHead: null, newHead: null };
      const now = Date.now();
      await trx
        .updateTable('units')
        .set({ head_person_id: newHead?.id ?? null, updated_at: now })
        .where('id', '=', before.id)
        .execute();
      const unit = (await this.unitIn(trx, before.id))!;
      await recordVersion(trx, 'unit', unit.id, { ...unit }, ctx, now);
      await this.deps.audit.record({ actor: ctx.actor, action: 'unit.head', target: unit.code, details: { from: oldHead?.email ?? null, to: newHead?.email ?? null }, reason: ctx.reason }, trx);
      return { unit, oldHead, newHead };
    });
    if (unit.mailbox) await this.handOverMailbox(unit.mailbox, oldHead?.email ?? null, newHead?.email ?? null, ctx);
    return unit;
  }

  private async handOverMailbox(mailbox: string, from: string | null, to: string | null, ctx: ChangeContext): Promise<void> {
    const delegations = this.deps.delegations?.();
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
      units = (await snapshotsAsOf<Unit>(this.db, 'unit', at)).filter((u) => (u.validFrom === null || u.validFrom <= at) && (u.validTo === null || u.validTo > at));
    } else units = (await this.unitQuery(this.db).execute()).map((r) => toUnit(r));
    if (opts.parentCode !== undefined) {
      const parent = units.find((u) => u.code === normCode(opts.parentCode!));
      if (!parent) throw new ThutinError('UNIT_NOT_FOUND', opts.parentCode);
      return units.filter((u) => u.parentId === parent.id).sort((a, b) => compareVi(a.name, b.name));
    }
    return treeOrder(units);
  }

  /** Ids from the root down to unitId inclusive (scope checks). */
  async unitPath(unitId: number): Promise<number[]> {
    const parents = await this.parentMap();
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
  async subtreeIds(unitId: number): Promise<number[]> {
    return this.subtreeIn(this.db, unitId);
  }

  private async parentMap(db: Trx = this.db): Promise<Map<number, number | null>> {
    const rows = await db.selectFrom('units').select(['id', 'parent_id']).execute();
    return new Map(rows.map((r) => [Number(r.id), num(r.parent_id)]));
  }

  private async subtreeIn(db: Trx, unitId: number): Promise<number[]> {
    return subtreeOf(await this.parentMap(db), unitId);
  }

  // ---------------------------------------------------------------- people

  private personQuery(db: Trx) {
    return db
      .selectFrom('people')
      .leftJoin('units', 'units.id', 'people.unit_id')
      .leftJoin('accounts', 'accounts.id', 'people.account_id')
      .selectAll('people')
      .select(['units.code as unit_code', 'units.name as unit_name', 'accounts.username as email']);
  }

  private async aliasesOf(db: Trx, accountIds: number[] | null): Promise<Map<number, string[]>> {
    let q = db
      .selectFrom('addresses')
      .innerJoin('accounts', 'accounts.id', 'addresses.account_id')
      .innerJoin('people', 'people.account_id', 'accounts.id')
      .select(['addresses.address', 'addresses.account_id'])
      .whereRef('addresses.address', '<>', 'accounts.username');
    if (accountIds && accountIds.length <= 500) {
      if (accountIds.length === 0) return new Map();
      q = q.where('addresses.account_id', 'in', accountIds);
    }
    const out = new Map<number, string[]>();
    for (const r of await q.orderBy('addresses.address').execute()) {
      const id = Number(r.account_id);
      out.set(id, [...(out.get(id) ?? []), r.address]);
    }
    return out;
  }

  private toPerson(row: object, aliases: Map<number, string[]>): Person {
    const r = row as Record<string, unknown>;
    const accountId = num(r.account_id);
    return {
      id: Number(r.id),
      fullName: String(r.full_name),
      familyName: String(r.family_name),
      middleName: String(r.middle_name),
      givenName: String(r.given_name),
      title: String(r.title),
      unitId: num(r.unit_id),
      unitCode: r.unit_code === null || r.unit_code === undefined ? null : String(r.unit_code),
      unitName: r.unit_name === null || r.unit_name === undefined ? null : String(r.unit_name),
      phone: String(r.phone),
      status: String(r.status) as PersonStatus,
      accountId,
      email: r.email === null || r.email === undefined ? null : String(r.email),
      aliases: accountId === null ? [] : (aliases.get(accountId) ?? []),
    };
  }

  private async personIn(db: Trx, id: number): Promise<Person | null> {
    const r = await this.personQuery(db).where('people.id', '=', id).executeTakeFirst();
    if (!r) return null;
    return this.toPerson(r, await this.aliasesOf(db, r.account_id === null ? [] : [Number(r.account_id)]));
  }

  private async requirePerson(db: Trx, id: number): Promise<Person> {
    const p = await this.personIn(db, id);
    if (!p) throw new ThutinError('PERSON_NOT_FOUND', String(id));
    return p;
  }

  /** Every recorded version of a unit, person, list or delegation: who changed it, when and why. */
  history(entity: HistoryEntity, id: number): ReturnType<typeof versionsOf> {
    return versionsOf(this.db, entity, id);
  }

  async getPerson(id: number): Promise<Person | null> {
    return this.personIn(this.db, id);
  }

  async personByAccount(accountId: number): Promise<Person | null> {
    const r = await this.db.selectFrom('people').select('id').where('account_id', '=', accountId).executeTakeFirst();
    return r ? this.personIn(this.db, Number(r.id)) : null;
  }

  /** The person owning an address (primary or alias), or null. */
  async personByAddress(address: string): Promise<Person | null> {
    const r = await this.db
      .selectFrom('addresses')
      .innerJoin('people', 'people.account_id', 'addresses.account_id')
      .select('people.id')
      .where('addresses.address', '=', normalizeAddress(address))
      .executeTakeFirst();
    return r ? this.personIn(this.db, Number(r.id)) : null;
  }

  private nameColumns(fullName: string, localPart: string) {
    const n = splitName(fullName);
    return {
      full_name: n.fullName,
      family_name: n.familyName,
      middle_name: n.middleName,
      given_name: n.givenName,
      search_name: [foldVietnamese(n.fullName), foldVietnamese(`${n.givenName} ${n.familyName} ${n.middleName}`.trim()), localPart].join(' | '),
      sort_key: personSortKey(n),
    };
  }

  /** The requested local part (checked), or one made from the name avoiding `extraTaken` (an import's own). */
  private async resolveLocalPart(db: Trx, fullName: string, requested: string | undefined, extraTaken?: Set<string>): Promise<string> {
    if (requested) {
      const lp = requested.trim().toLowerCase();
      if (!LOCAL_RE.test(lp)) throw new ThutinError('ADDRESS_INVALID', requested);
      assertNotReserved(lp, this.deps.rules);
      if (await this.addressTaken(db, `${lp}@${this.domain}`)) throw new ThutinError('ACCOUNT_EXISTS', `${lp}@${this.domain}`);
      return lp;
    }
    const base = personLocalPart(fullName, this.deps.rules.personAddress);
    return freeLocalPart(base, async (c) => !!extraTaken?.has(c) || (await this.addressTaken(db, `${c}@${this.domain}`)), this.deps.rules);
  }

  async createPerson(input: CreatePersonInput, ctx: ChangeContext): Promise<{ person: Person; address: string; initialPassword: string }> {
    splitName(input.fullName); // refuse a bad name before hashing
    const password = input.password ?? generatePassword();
    if (input.password !== undefined) checkPasswordStrength(input.password);
    if (input.passwordHash !== undefined && (input.password === undefined || !input.passwordHash.startsWith('$argon2id$'))) {
      throw new ThutinError('PASSWORD_WEAK', 'passwordHash: argon2id hash of the given password expected');
    }
    const passwordHash = input.passwordHash ?? (await hashPassword(password));
    const person = await this.db.transaction().execute((trx) => this.createPersonIn(trx, input, passwordHash, input.password === undefined, ctx));
    return { person, address: person.email!, initialPassword: password };
  }

  private async createPersonIn(
    trx: Trx,
    input: CreatePersonInput & { status?: PersonStatus },
    passwordHash: string,
    mustChange: boolean,
    ctx: ChangeContext,
    extraTaken?: Set<string>,
  ): Promise<Person> {
    const n = splitName(input.fullName);
    const unit = input.unitCode ? await this.requireUnit(trx, input.unitCode) : null;
    const localPart = await this.resolveLocalPart(trx, n.fullName, input.localPart, extraTaken);
    const address = `${localPart}@${this.domain}`;
    const acct = await this.deps.accounts.create(address, '', ctx.actor, { passwordHash, mustChangePassword: mustChange, trx, reason: ctx.reason });
    const status = input.status ?? 'active';
    const now = Date.now();
    if (status !== 'active') await trx.updateTable('accounts').set({ status: 'disabled' }).where('id', '=', acct.id).execute();
    const row = await trx
      .insertInto('people')
      .values({
        ...this.nameColumns(n.fullName, localPart),
        title: cleanName(input.title ?? ''),
        unit_id: unit?.id ?? null,
        phone: (input.phone ?? '').trim(),
        status,
        account_id: acct.id,
        left_at: status === 'left' ? now : null,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const person = (await this.personIn(trx, Number(row.id)))!;
    await recordVersion(trx, 'person', person.id, { ...person }, ctx, now);
    await this.deps.audit.record(
      { actor: ctx.actor, action: 'person.create', target: address, details: { name: person.fullName, title: person.title, unit: person.unitCode, status }, reason: ctx.reason },
      trx,
    );
    return person;
  }

  async updatePerson(id: number, patch: UpdatePersonPatch, ctx: ChangeContext): Promise<Person> {
    return this.db.transaction().execute((trx) => this.updatePersonIn(trx, id, patch, ctx));
  }

  private async updatePersonIn(trx: Trx, id: number, patch: UpdatePersonPatch & { unitCode?: string | null; status?: PersonStatus }, ctx: ChangeContext): Promise<Person> {
    const before = await this.requirePerson(trx, id);
    const set: Updateable<Database['people']> = {};
    const changes: Record<string, unknown> = {};
    const localPart = before.email?.split('@')[0] ?? '';
    if (patch.fullName !== undefined && cleanName(patch.fullName) !== before.fullName) {
      let lp = localPart;
      if (patch.changeAddress && before.accountId !== null) {
        lp = await this.resolveLocalPart(trx, patch.fullName, undefined);
        await this.deps.accounts.changePrimary(before.accountId, `${lp}@${this.domain}`, ctx.actor, { trx, reason: ctx.reason });
        changes.address = [before.email, `${lp}@${this.domain}`];
      }
      Object.assign(set, this.nameColumns(patch.fullName, lp));
      changes.name = [before.fullName, set.full_name];
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
      const unit = patch.unitCode ? await this.requireUnit(trx, patch.unitCode) : null;
      if ((unit?.id ?? null) !== before.unitId) {
        set.unit_id = unit?.id ?? null;
        changes.unit = [before.unitCode, unit?.code ?? null];
      }
    }
    if (patch.status !== undefined && patch.status !== before.status) {
      set.status = patch.status;
      set.left_at = patch.status === 'left' ? Date.now() : null;
      changes.status = [before.status, patch.status];
      if (before.accountId !== null) await this.deps.accounts.setStatusIn(trx, before.accountId, patch.status === 'active' ? 'active' : 'disabled', ctx.actor, ctx.reason);
    }
    if (Object.keys(set).length === 0) return before;
    const now = Date.now();
    set.updated_at = now;
    await trx.updateTable('people').set(set).where('id', '=', id).execute();
    const person = (await this.personIn(trx, id))!;
    await recordVersion(trx, 'person', id, { ...person }, ctx, now);
    const action = Object.keys(changes).length === 1 && changes.unit ? 'person.move' : Object.keys(changes).length === 1 && changes.status ? 'person.status' : 'person.update';
    await this.deps.audit.record({ actor: ctx.actor, action, target: person.email ?? `person:${id}`, details: changes, reason: ctx.reason }, trx);
    return person;
  }

  async movePerson(id: number, unitCode: string, ctx: ChangeContext): Promise<Person> {
    return this.db.transaction().execute((trx) => this.updatePersonIn(trx, id, { unitCode }, ctx));
  }

  /** suspended/left disable the account; data kept. Leaving starts the retention period. */
  async setPersonStatus(id: number, status: PersonStatus, ctx: ChangeContext): Promise<Person> {
    if (!['active', 'suspended', 'left'].includes(status)) throw new ThutinError('PERSON_INVALID', status);
    return this.db.transaction().execute((trx) => this.updatePersonIn(trx, id, { status }, ctx));
  }

  /** Leaders (by title or as a unit head) are kept longer. */
  private async isLeader(db: Trx, p: Person): Promise<boolean> {
    const title = p.title.normalize('NFC').toLowerCase();
    if (this.deps.rules.leaderTitles.some((t) => title.includes(t.normalize('NFC').toLowerCase()))) return true;
    const head = await db.selectFrom('units').select('id').where('head_person_id', '=', p.id).executeTakeFirst();
    return !!head;
  }

  /** When a leaver's mailbox may be purged (null while the person has not left). */
  async purgeableFrom(id: number): Promise<number | null> {
    const p = await this.requirePerson(this.db, id);
    const r = await this.db.selectFrom('people').select('left_at').where('id', '=', id).executeTakeFirstOrThrow();
    if (p.status !== 'left' || r.left_at === null) return null;
    const months = (await this.isLeader(this.db, p)) ? this.deps.rules.leaderRetentionMonths : this.deps.rules.retentionMonths;
    return addMonths(Number(r.left_at), months);
  }

  /** Delete the person's account with its mail; refused before the retention period has passed. */
  async purgePerson(id: number, ctx: ChangeContext): Promise<void> {
    const p = await this.requirePerson(this.db, id);
    if (p.status !== 'left') throw new ThutinError('PURGE_NOT_LEFT', p.fullName);
    const from = (await this.purgeableFrom(id))!;
    if (Date.now() < from) throw new ThutinError('RETENTION_NOT_PASSED', `${p.email ?? p.fullName}: ${formatDate(from)}`);
    await this.db.transaction().execute(async (trx) => {
      const now = Date.now();
      const headed = await trx.selectFrom('units').select('id').where('head_person_id', '=', id).execute();
      for (const u of headed) {
        await trx.updateTable('units').set({ head_person_id: null, updated_at: now }).where('id', '=', u.id).execute();
        const unit = (await this.unitIn(trx, Number(u.id)))!;
        await recordVersion(trx, 'unit', unit.id, { ...unit }, ctx, now);
      }
      await trx.deleteFrom('people').where('id', '=', id).execute();
      await recordVersion(trx, 'person', id, null, ctx, now);
      if (p.accountId !== null) await this.deps.accounts.deleteIn(trx, p.accountId, ctx.actor, ctx.reason);
      await this.deps.audit.record({ actor: ctx.actor, action: 'person.purge', target: p.email ?? `person:${id}`, details: { name: p.fullName }, reason: ctx.reason }, trx);
    });
  }

  /** A new generated password, changed at the next login (R7.4). */
  async resetPassword(personIdOrAddress: number | string, ctx: ChangeContext): Promise<{ address: string; password: string }> {
    let address: string;
    if (typeof personIdOrAddress === 'number') {
      const p = await this.requirePerson(this.db, personIdOrAddress);
      if (!p.email) throw new ThutinError('ACCOUNT_NOT_FOUND', p.fullName);
      address = p.email;
    } else {
      const acct = await this.deps.accounts.byAddress(personIdOrAddress);
      if (!acct) throw new ThutinError('ACCOUNT_NOT_FOUND', personIdOrAddress);
      address = acct.username;
    }
    const password = await this.deps.accounts.resetPassword(address, ctx.actor, { reason: ctx.reason });
    return { address, password };
  }

  /** Vietnamese order (given name, family name, middle names). */
  async listPeople(opts: { unitCode?: string; subtree?: boolean; status?: string; asOf?: number; limit?: number; offset?: number } = {}): Promise<Person[]> {
    const offset = Math.max(0, opts.offset ?? 0);
    if (opts.asOf !== undefined) return this.listPeopleAsOf(opts.asOf, opts, offset);
    // Page over `people` alone (its sort_key index), then join the page: the database never
    // sorts the joined directory.
    let q = this.db.selectFrom('people').select('people.id');
    if (opts.unitCode) {
      const unit = await this.requireUnit(this.db, opts.unitCode);
      const ids = opts.subtree ? await this.subtreeIds(unit.id) : [unit.id];
      q = q.where('people.unit_id', 'in', ids);
    }
    if (opts.status) q = q.where('people.status', '=', opts.status);
    q = q.orderBy('people.sort_key').orderBy('people.id');
    if (opts.limit !== undefined) q = q.limit(opts.limit).offset(offset);
    else if (offset) q = q.limit(Number.MAX_SAFE_INTEGER).offset(offset);
    const order = (await q.execute()).map((r) => Number(r.id));
    if (order.length === 0) return [];
    const chunks: number[][] = [];
    for (let i = 0; i < order.length; i += 1000) chunks.push(order.slice(i, i + 1000));
    const rows = (await Promise.all(chunks.map((c) => this.personQuery(this.db).where('people.id', 'in', c).execute()))).flat();
    const pos = new Map(order.map((id, i) => [id, i]));
    rows.sort((a, b) => pos.get(Number(a.id))! - pos.get(Number(b.id))!);
    const aliases = await this.aliasesOf(this.db, order.length <= 500 ? rows.map((r) => Number(r.account_id)).filter((x) => x > 0) : null);
    return rows.map((r) => this.toPerson(r, aliases));
  }

  private async listPeopleAsOf(at: number, opts: { unitCode?: string; subtree?: boolean; status?: string; limit?: number }, offset: number): Promise<Person[]> {
    const units = await snapshotsAsOf<Unit>(this.db, 'unit', at);
    const byId = new Map(units.map((u) => [u.id, u]));
    let people = (await snapshotsAsOf<Person>(this.db, 'person', at)).map((p) => {
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

  // ---------------------------------------------------------------- search

  /** Ranked, diacritic-insensitive, prefix and multi-word; people who left are not shown. */
  async search(q: string, opts: { limit?: number; kinds?: Array<'person' | 'unit' | 'list'>; unitId?: number; includeInactive?: boolean } = {}): Promise<DirectoryEntry[]> {
    await this.ensureIndex();
    const units = opts.unitId === undefined ? null : new Set(subtreeOf(new Map([...this.units].map(([id, u]) => [id, u.parentId])), opts.unitId));
    return this.index.search(q, { limit: opts.limit, kinds: opts.kinds, units, includeInactive: opts.includeInactive });
  }

  /**
   * Bring the in-memory index up to date: the first call loads everything; later calls compare the
   * directory's version (highest history id, and the lists' count and last change) and reload only
   * what changed, whichever process changed it.
   */
  async ensureIndex(): Promise<void> {
    while (this.refreshing) await this.refreshing;
    const v = await this.versionNow();
    if (this.indexVersion && v.history === this.indexVersion.history && v.lists === this.indexVersion.lists) return;
    this.refreshing = this.refresh(v).finally(() => {
      this.refreshing = null;
    });
    await this.refreshing;
  }

  private async versionNow(): Promise<{ history: number; lists: string }> {
    const r = await sql<{
      v: number | null;
      n: number | string;
      u: number | null;
    }>`SELECT (SELECT MAX(id) FROM directory_history) AS v, (SELECT COUNT(*) FROM distribution_lists) AS n, (SELECT MAX(updated_at) FROM distribution_lists) AS u`.execute(this.db);
    const row = r.rows[0];
    return { history: Number(row?.v ?? 0), lists: `${row?.n ?? 0}:${row?.u ?? 0}` };
  }

  private async refresh(v: { history: number; lists: string }): Promise<void> {
    if (!this.indexVersion) {
      this.index.clear();
      await this.loadUnits(null);
      await this.loadPeople(null);
      await this.loadLists();
      this.indexVersion = v;
      return;
    }
    const { version, changed } = await changedSince(this.db, this.indexVersion.history);
    const unitIds = changed.filter((c) => c.entity === 'unit').map((c) => c.entityId);
    const personIds = changed.filter((c) => c.entity === 'person').map((c) => c.entityId);
    if (unitIds.length + personIds.length > 2000) {
      this.indexVersion = null;
      return this.refresh(v);
    }
    if (unitIds.length) {
      await this.loadUnits(unitIds);
      // people show their unit's code and name: re-derive those of changed units
      const rows = await this.db.selectFrom('people').select('id').where('unit_id', 'in', unitIds).execute();
      personIds.push(...rows.map((r) => Number(r.id)));
    }
    if (personIds.length) await this.loadPeople([...new Set(personIds)]);
    if (v.lists !== this.indexVersion.lists || changed.some((c) => c.entity === 'list')) await this.loadLists();
    this.indexVersion = { history: Math.max(version, v.history), lists: v.lists };
  }

  private unitEntry(u: Unit): IndexDoc {
    const parent = u.parentId === null ? undefined : this.units.get(u.parentId);
    const expired = u.validTo !== null && u.validTo <= Date.now();
    return {
      entry: {
        kind: 'unit',
        id: u.id,
        name: u.name,
        email: u.mailbox,
        title: u.kind,
        unitId: u.parentId,
        unitCode: parent?.code ?? null,
        unitName: parent?.name ?? null,
        phone: '',
        status: expired ? 'expired' : 'active',
      },
      texts: [u.name, u.code, u.abbreviation, ...(u.mailbox ? [u.mailbox.split('@')[0]] : [])],
      fullName: u.name,
      givenName: '',
      localParts: [u.abbreviation, ...(u.mailbox ? [u.mailbox.split('@')[0]] : [])],
      addresses: u.mailbox ? [u.mailbox] : [],
      sortKey: `~${foldVietnamese(u.name)}`,
    };
  }

  private async loadUnits(ids: number[] | null): Promise<void> {
    let q = this.unitQuery(this.db);
    if (ids) q = q.where('units.id', 'in', ids);
    const rows = (await q.execute()).map((r) => toUnit(r));
    if (ids) {
      for (const id of ids) {
        this.units.delete(id);
        this.index.remove('unit', id);
      }
    } else this.units.clear();
    for (const u of rows) this.units.set(u.id, { code: u.code, name: u.name, parentId: u.parentId, validTo: u.validTo });
    for (const u of rows) this.index.upsert(this.unitEntry(u));
    if (ids) {
      // children show their parent's name
      const children = (await this.unitQuery(this.db).where('units.parent_id', 'in', ids).execute()).map((r) => toUnit(r));
      for (const c of children) this.index.upsert(this.unitEntry(c));
    }
  }

  private async loadPeople(ids: number[] | null): Promise<void> {
    const chunks: Array<number[] | null> = [];
    if (ids === null) chunks.push(null);
    else for (let i = 0; i < ids.length; i += 500) chunks.push(ids.slice(i, i + 500));
    const aliases = await this.aliasesOf(this.db, null);
    for (const chunk of chunks) {
      let q = this.db
        .selectFrom('people')
        .leftJoin('accounts', 'accounts.id', 'people.account_id')
        .select([
          'people.id',
          'people.full_name',
          'people.family_name',
          'people.given_name',
          'people.middle_name',
          'people.title',
          'people.unit_id',
          'people.phone',
          'people.status',
          'people.account_id',
          'people.sort_key',
          'accounts.username as email',
        ]);
      if (chunk) q = q.where('people.id', 'in', chunk);
      const rows = await q.execute();
      if (chunk) for (const id of chunk) this.index.remove('person', id);
      for (const r of rows) {
        const unitId = num(r.unit_id);
        const unit = unitId === null ? undefined : this.units.get(unitId);
        const accountId = num(r.account_id);
        const addrs = [...(r.email ? [r.email] : []), ...(accountId === null ? [] : (aliases.get(accountId) ?? []))];
        const locals = addrs.map((a) => a.split('@')[0]);
        this.index.upsert({
          entry: {
            kind: 'person',
            id: Number(r.id),
            name: r.full_name,
            email: r.email ?? null,
            title: r.title,
            unitId,
            unitCode: unit?.code ?? null,
            unitName: unit?.name ?? null,
            phone: r.phone,
            givenName: r.given_name,
            familyName: r.family_name,
            status: r.status,
          },
          texts: [r.full_name, ...locals],
          fullName: r.full_name,
          givenName: r.given_name,
          localParts: locals,
          addresses: addrs,
          sortKey: r.sort_key,
        });
      }
    }
  }

  private async loadLists(): Promise<void> {
    for (const e of this.index.entries('list')) this.index.remove('list', e.id);
    const rows = await this.db.selectFrom('distribution_lists').selectAll().execute();
    for (const r of rows) {
      const unitId = num(r.unit_id);
      const unit = unitId === null ? undefined : this.units.get(unitId);
      const local = r.address.split('@')[0];
      this.index.upsert({
        entry: { kind: 'list', id: Number(r.id), name: r.name, email: r.address, title: '', unitId, unitCode: unit?.code ?? null, unitName: unit?.name ?? null, phone: '', status: 'active' },
        texts: [r.name, local],
        fullName: r.name,
        givenName: '',
        localParts: [local],
        addresses: [r.address],
        sortKey: `~${foldVietnamese(r.name)}`,
      });
    }
  }

  // ---------------------------------------------------------------- CSV

  /**
   * Import units or people. Every row is checked first; any refused row refuses the whole file
   * (errors list each with its line). Otherwise, unless dry-run, all rows apply in one transaction.
   * Units: a known code is updated, a new one created (with its mailbox). People: a known address
   * (dia_chi_thu) updates that person; otherwise a person is created (with that address, or one
   * made from the name).
   */
  async importCsv(kind: 'units' | 'people', text: string, opts: { dryRun: boolean }, ctx: ChangeContext): Promise<ImportResult> {
    const rows = readCsv(kind, text);
    return kind === 'units' ? this.importUnits(rows, opts, ctx) : this.importPeople(rows, opts, ctx);
  }

  private async importUnits(rows: CsvRow[], opts: { dryRun: boolean }, ctx: ChangeContext): Promise<ImportResult> {
    const errors: ImportResult['errors'] = [];
    const existing = new Map((await this.unitQuery(this.db).execute()).map((r) => [String(r.code), toUnit(r)]));
    const codeById = new Map([...existing.values()].map((u) => [u.id, u.code]));
    const inFile = new Map<string, CsvRow>();
    const abbrevs = new Map<string, string>(); // abbreviation → code (in file)
    type Plan = { row: CsvRow; code: string; create: boolean; input: CreateUnitInput; successorCode: string | null };
    const plans: Plan[] = [];
    for (const row of rows) {
      const v = row.values;
      const bad = (m: string) => errors.push({ line: row.line, message: m });
      const code = normCode(v.code);
      if (!CODE_RE.test(code)) {
        bad(`mã không hợp lệ / invalid code "${v.code}"`);
        continue;
      }
      if (inFile.has(code)) {
        bad(`mã ${code} lặp lại (dòng ${inFile.get(code)!.line}) / duplicate code`);
        continue;
      }
      inFile.set(code, row);
      const old = existing.get(code);
      const name = cleanName(v.name);
      const kind = v.kind.trim() || old?.kind || '';
      if (!name) bad('thiếu tên / name missing');
      if (!kind) bad('thiếu loại / kind missing');
      let abbreviation = old?.abbreviation ?? '';
      try {
        abbreviation = unitLocalPart(v.abbreviation || old?.abbreviation || code);
      } catch {
        bad(`viết tắt không hợp lệ / invalid abbreviation "${v.abbreviation}"`);
      }
      if (abbreviation && (!old || old.abbreviation !== abbreviation)) {
        if (this.deps.rules.reserved.includes(abbreviation)) bad(`${abbreviation}: tên dành riêng / reserved name`);
        else if (abbrevs.has(abbreviation)) bad(`viết tắt ${abbreviation} trùng với ${abbrevs.get(abbreviation)} / abbreviation used twice`);
        else if (await this.addressTaken(this.db, `${abbreviation}@${this.domain}`)) bad(`${abbreviation}@${this.domain} đã tồn tại / address already exists`);
      }
      if (abbreviation) abbrevs.set(abbreviation, code);
      const has = (f: string) => row.present.has(f);
      const validFrom = has('validFrom') ? parseDate(v.validFrom) : (old?.validFrom ?? null);
      const validTo = has('validTo') ? parseDate(v.validTo) : (old?.validTo ?? null);
      if (validFrom === 'invalid') bad(`ngày không hợp lệ / invalid date "${v.validFrom}" (YYYY-MM-DD, DD/MM/YYYY)`);
      if (validTo === 'invalid') bad(`ngày không hợp lệ / invalid date "${v.validTo}" (YYYY-MM-DD, DD/MM/YYYY)`);
      if (typeof validFrom === 'number' && typeof validTo === 'number' && validTo < validFrom) bad('hiệu lực đến trước hiệu lực từ / valid_to before valid_from');
      const oldCode = (id: number | null | undefined) => (id == null ? null : (codeById.get(id) ?? null));
      const parentCode = has('parentCode') ? (v.parentCode ? normCode(v.parentCode) : null) : oldCode(old?.parentId);
      const successorCode = has('successorCode') ? (v.successorCode ? normCode(v.successorCode) : null) : oldCode(old?.successorId);
      if (successorCode === code) bad('đơn vị kế nhiệm chính nó / successor is itself');
      plans.push({
        row,
        code,
        create: !old,
        input: { code, name, abbreviation, kind, parentCode, validFrom: typeof validFrom === 'number' ? validFrom : null, validTo: typeof validTo === 'number' ? validTo : null },
        successorCode,
      });
    }
    // References: parents and successors must exist in the database or the file; no cycles.
    const parentOf = new Map<string, string | null>();
    for (const [code, u] of existing) parentOf.set(code, u.parentId === null ? null : (codeById.get(u.parentId) ?? null));
    for (const p of plans) parentOf.set(p.code, p.input.parentCode ?? null);
    for (const p of plans) {
      const bad = (m: string) => errors.push({ line: p.row.line, message: m });
      if (p.input.parentCode && !parentOf.has(p.input.parentCode)) bad(`không có đơn vị cấp trên ${p.input.parentCode} / unknown parent`);
      if (p.successorCode && !parentOf.has(p.successorCode)) bad(`không có đơn vị kế nhiệm ${p.successorCode} / unknown successor`);
      const seen = new Set<string>([p.code]);
      for (let c = p.input.parentCode ?? null; c; c = parentOf.get(c) ?? null) {
        if (seen.has(c)) {
          bad(`vòng lặp cấp trên / parent cycle (${[...seen].join(' → ')} → ${c})`);
          break;
        }
        seen.add(c);
      }
    }
    const result: ImportResult = { applied: false, rows: rows.length, created: plans.filter((p) => p.create).length, updated: 0, errors: errors.sort((a, b) => a.line - b.line) };
    if (errors.length) return { ...result, created: 0 };
    result.updated = plans.filter((p) => !p.create && unitDiffers(existing.get(p.code)!, p.input, existing)).length;
    if (opts.dryRun) return result;
    // Parents before children; passwords hashed before the transaction.
    const ordered: Plan[] = [];
    const pending = [...plans];
    while (pending.length) {
      const ready = pending.findIndex((p) => !p.input.parentCode || !pending.some((q) => q.code === p.input.parentCode));
      ordered.push(...pending.splice(ready < 0 ? 0 : ready, 1));
    }
    const passwords: Array<{ address: string; password: string }> = [];
    const hashes = new Map<string, string>();
    await Promise.all(
      ordered
        .filter((p) => p.create)
        .map(async (p) => {
          const pw = generatePassword();
          passwords.push({ address: `${p.input.abbreviation}@${this.domain}`, password: pw });
          hashes.set(p.code, await hashPassword(pw));
        }),
    );
    await this.db.transaction().execute(async (trx) => {
      for (const p of ordered) {
        if (p.create) await this.createUnitIn(trx, { ...p.input }, hashes.get(p.code), ctx);
        else
          await this.updateUnitIn(
            trx,
            p.code,
            { name: p.input.name, abbreviation: p.input.abbreviation, kind: p.input.kind, parentCode: p.input.parentCode, validFrom: p.input.validFrom, validTo: p.input.validTo },
            ctx,
          );
      }
      for (const p of ordered) {
        const cur = (await this.unitIn(trx, p.code))!;
        const succ = p.successorCode ? await this.unitIn(trx, p.successorCode) : null;
        if ((succ?.id ?? null) !== cur.successorId) await this.updateUnitIn(trx, p.code, { successorCode: p.successorCode }, ctx);
      }
    });
    return { ...result, applied: true, passwords };
  }

  private async importPeople(rows: CsvRow[], opts: { dryRun: boolean }, ctx: ChangeContext): Promise<ImportResult> {
    const errors: ImportResult['errors'] = [];
    const unitCodes = new Set((await this.db.selectFrom('units').select('code').execute()).map((r) => r.code));
    type Plan = { row: CsvRow; personId: number | null; input: CreatePersonInput & { status?: PersonStatus }; localPart?: string };
    const plans: Plan[] = [];
    const seenAddr = new Map<string, number>();
    const planned = new Set<string>(); // local parts the file takes (explicit or generated)
    for (const row of rows) {
      const v = row.values;
      const bad = (m: string) => errors.push({ line: row.line, message: m });
      const before = errors.length;
      let fullName = '';
      try {
        fullName = splitName(v.fullName).fullName;
      } catch {
        bad(`họ tên không hợp lệ / invalid name "${v.fullName}"`);
      }
      const unitCode = v.unitCode ? normCode(v.unitCode) : null;
      if (unitCode && !unitCodes.has(unitCode)) bad(`không có đơn vị ${unitCode} / unknown unit`);
      const status = parseStatus(v.status);
      if (status === 'invalid') bad(`trạng thái không hợp lệ / invalid status "${v.status}" (đang công tác, tạm khoá, đã nghỉ)`);
      let personId: number | null = null;
      let localPart: string | undefined;
      if (v.email) {
        const addr = normalizeAddress(v.email.includes('@') ? v.email : `${v.email}@${this.domain}`);
        const [lp, dom] = addr.split('@');
        if (seenAddr.has(addr)) bad(`địa chỉ ${addr} lặp lại (dòng ${seenAddr.get(addr)}) / duplicate address`);
        seenAddr.set(addr, row.line);
        const owner = await this.personByAddress(addr);
        if (owner) personId = owner.id;
        else if (!this.deps.accounts.isLocalDomain(dom)) bad(`tên miền không thuộc hệ thống / domain not served here: ${dom}`);
        else if (!LOCAL_RE.test(lp)) bad(`địa chỉ không hợp lệ / invalid address ${addr}`);
        else if (this.deps.rules.reserved.includes(lp)) bad(`${lp}: tên dành riêng / reserved name`);
        else if (await this.addressTaken(this.db, addr)) bad(`${addr} thuộc hộp thư khác (không phải cán bộ) / belongs to another mailbox`);
        else if (dom !== this.domain) bad(`cán bộ mới phải dùng tên miền chính ${this.domain} / new people use the primary domain`);
        else localPart = lp;
      }
      if (errors.length > before) continue;
      if (localPart) planned.add(localPart);
      const has = (f: string) => row.present.has(f);
      plans.push({
        row,
        personId,
        localPart,
        input: {
          fullName,
          title: has('title') ? v.title : undefined,
          unitCode: has('unitCode') ? unitCode : undefined,
          phone: has('phone') ? v.phone : undefined,
          status: status === null || status === 'invalid' ? undefined : status,
        },
      });
    }
    const result: ImportResult = { applied: false, rows: rows.length, created: 0, updated: 0, errors };
    if (errors.length) return result;
    let created = 0;
    let updated = 0;
    for (const p of plans) {
      if (p.personId === null) created++;
      else {
        const cur = (await this.personIn(this.db, p.personId))!;
        if (personDiffers(cur, p.input)) updated++;
      }
    }
    Object.assign(result, { created, updated });
    if (opts.dryRun) return result;
    const fresh = plans.filter((p) => p.personId === null);
    const secrets = await Promise.all(fresh.map(async () => ({ pw: generatePassword(), hash: '' })));
    await Promise.all(secrets.map(async (s) => (s.hash = await hashPassword(s.pw))));
    const passwords: Array<{ address: string; password: string }> = [];
    await this.db.transaction().execute(async (trx) => {
      let i = 0;
      for (const p of plans) {
        if (p.personId === null) {
          const s = secrets[i++];
          const person = await this.createPersonIn(trx, { ...p.input, localPart: p.localPart }, s.hash, true, ctx, planned);
          passwords.push({ address: person.email!, password: s.pw });
          planned.add(person.email!.split('@')[0]);
        } else {
          await this.updatePersonIn(trx, p.personId, { fullName: p.input.fullName, title: p.input.title, phone: p.input.phone, unitCode: p.input.unitCode, status: p.input.status }, ctx);
        }
      }
    });
    return { ...result, applied: true, passwords };
  }

  /** UTF-8 with BOM, Vietnamese headers, people in Vietnamese order, units in tree order. */
  async exportCsv(kind: 'units' | 'people'): Promise<string> {
    if (kind === 'units') {
      const units = await this.listUnits();
      const code = new Map(units.map((u) => [u.id, u.code]));
      return writeCsv(
        'units',
        units.map((u) => ({
          code: u.code,
          name: u.name,
          abbreviation: u.abbreviation,
          kind: u.kind,
          parentCode: u.parentId === null ? '' : code.get(u.parentId),
          validFrom: formatDate(u.validFrom),
          validTo: formatDate(u.validTo),
          successorCode: u.successorId === null ? '' : code.get(u.successorId),
        })),
      );
    }
    const people = await this.listPeople();
    return writeCsv(
      'people',
      people.map((p) => ({ fullName: p.fullName, title: p.title, unitCode: p.unitCode ?? '', phone: p.phone, email: p.email ?? '', status: STATUS_LABEL[p.status] })),
    );
  }
}

function unitDiffers(u: Unit, input: CreateUnitInput, existing: Map<string, Unit>): boolean {
  const parent = u.parentId === null ? null : ([...existing.values()].find((x) => x.id === u.parentId)?.code ?? null);
  return (
    u.name !== input.name ||
    u.abbreviation !== input.abbreviation ||
    u.kind !== input.kind ||
    parent !== (input.parentCode ?? null) ||
    u.validFrom !== (input.validFrom ?? null) ||
    u.validTo !== (input.validTo ?? null)
  );
}

function personDiffers(p: Person, input: CreatePersonInput & { status?: PersonStatus }): boolean {
  return (
    p.fullName !== input.fullName ||
    (input.title !== undefined && p.title !== cleanName(input.title)) ||
    (input.phone !== undefined && p.phone !== input.phone.trim()) ||
    (input.unitCode !== undefined && p.unitCode !== input.unitCode) ||
    (input.status !== undefined && input.status !== p.status)
  );
}

function subtreeOf(parents: Map<number, number | null>, unitId: number): number[] {
  if (!parents.has(unitId)) return [];
  const children = new Map<number, number[]>();
  for (const [id, parent] of parents) if (parent !== null) children.set(parent, [...(children.get(parent) ?? []), id]);
  const out: number[] = [];
  const seen = new Set<number>();
  const stack = [unitId];
  while (stack.length) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(id);
    stack.push(...(children.get(id) ?? []));
  }
  return out;
}

/** Parents before children, siblings in Vietnamese order of their names. */
function treeOrder(units: Unit[]): Unit[] {
  const ids = new Set(units.map((u) => u.id));
  const children = new Map<number | null, Unit[]>();
  for (const u of units) {
    const p = u.parentId !== null && ids.has(u.parentId) ? u.parentId : null;
    children.set(p, [...(children.get(p) ?? []), u]);
  }
  for (const list of children.values()) list.sort((a, b) => compareVi(a.name, b.name));
  const out: Unit[] = [];
  const seen = new Set<number>();
  const walk = (p: number | null) => {
    for (const u of children.get(p) ?? []) {
      if (seen.has(u.id)) continue;
      seen.add(u.id);
      out.push(u);
      walk(u.id);
    }
  };
  walk(null);
  for (const u of units) if (!seen.has(u.id)) out.push(u); // cycles: never lose a unit
  return out;
}
