// The province's directory (Danh bạ điện tử, issue 4), exposed as `app.directory`: the organisation
// tree (units with validity dates, successors, heads and unit mailboxes), people with their personal
// mailboxes, the lifecycle (join, move, suspend, leave, purge after retention), search, history
// (as-of reads) and CSV import/export. Every change runs in one transaction with its history
// version and its audit entry (who, when, what, why = the official document).
// Owns: DirectoryService, the one entry point; the work is done by units.ts, people.ts,
// retention.ts, directory-index.ts (search) and csv-import.ts, over the storage repositories.
// Naming rules: naming.ts; search index: search.ts; versions: history.ts; CSV format: csv.ts.
import { transactor } from '../storage/tx.ts';
import { versionsOf, type HistoryEntity } from './history.ts';
import type { DirectoryContext } from './common.ts';
import { Units } from './units.ts';
import { People, type PersonListOptions } from './people.ts';
import { Retention } from './retention.ts';
import { DirectoryIndex } from './directory-index.ts';
import { DirectoryCsv } from './csv-import.ts';
import type { ChangeContext, CreatePersonInput, CreateUnitInput, DirectoryDeps, DirectoryEntry, ImportResult, Person, PersonStatus, Unit, UpdatePersonPatch, UpdateUnitPatch } from './types.ts';
import { ThutinError } from '../core/errors.ts';

export type * from './types.ts';
export { addMonths } from './retention.ts';

export class DirectoryService {
  private readonly c: DirectoryContext;
  private readonly units: Units;
  private readonly people: People;
  private readonly retention: Retention;
  private readonly index: DirectoryIndex;
  private readonly csv: DirectoryCsv;

  constructor(deps: DirectoryDeps) {
    this.c = { db: deps.db, tx: transactor(deps.db), deps, domain: deps.primaryDomain };
    this.units = new Units(this.c);
    this.people = new People(this.c, this.units);
    this.retention = new Retention(this.c, this.people);
    this.index = new DirectoryIndex(this.c);
    this.csv = new DirectoryCsv(this.c, this.units, this.people);
  }

  // ---------------------------------------------------------------- units

  async getUnit(codeOrId: string | number): Promise<Unit | null> {
    return this.units.unitIn(this.c.db, codeOrId);
  }

  /** Whether the directory has no unit at all (the demo refuses to fill a directory that has one). */
  async isEmpty(): Promise<boolean> {
    return this.units.isEmpty();
  }

  async createUnit(input: CreateUnitInput, ctx: ChangeContext): Promise<{ unit: Unit; initialPassword?: string }> {
    return this.units.createUnit(input, ctx);
  }

  async updateUnit(code: string, patch: UpdateUnitPatch, ctx: ChangeContext): Promise<Unit> {
    return this.units.updateUnit(code, patch, ctx);
  }

  /** R8.3: the new head gets the unit mailbox (delegation 'manage read send-as'), the old head loses it. */
  async setUnitHead(code: string, personId: number | null, ctx: ChangeContext): Promise<Unit> {
    return this.units.setUnitHead(code, personId, ctx);
  }

  async listUnits(opts: { asOf?: number; parentCode?: string } = {}): Promise<Unit[]> {
    return this.units.listUnits(opts);
  }

  /** Ids from the root down to unitId inclusive (scope checks). */
  async unitPath(unitId: number): Promise<number[]> {
    return this.units.unitPath(unitId);
  }

  /** unitId and every unit below it. */
  async subtreeIds(unitId: number): Promise<number[]> {
    return this.units.subtreeIn(this.c.db, unitId);
  }

  /** Every recorded version of a unit, person, list or delegation: who changed it, when and why. */
  history(entity: HistoryEntity, id: number): ReturnType<typeof versionsOf> {
    return versionsOf(this.c.db, entity, id);
  }

  // ---------------------------------------------------------------- people

  async getPerson(id: number): Promise<Person | null> {
    return this.people.personIn(this.c.db, id);
  }

  async personByAccount(accountId: number): Promise<Person | null> {
    return this.people.personByAccount(accountId);
  }

  /** The person owning an address (primary or alias), or null. */
  async personByAddress(address: string): Promise<Person | null> {
    return this.people.personByAddress(address);
  }

  async createPerson(input: CreatePersonInput, ctx: ChangeContext): Promise<{ person: Person; address: string; initialPassword: string }> {
    return this.people.createPerson(input, ctx);
  }

  async updatePerson(id: number, patch: UpdatePersonPatch, ctx: ChangeContext): Promise<Person> {
    return this.people.updatePerson(id, patch, ctx);
  }

  async movePerson(id: number, unitCode: string, ctx: ChangeContext): Promise<Person> {
    return this.c.tx.transaction((trx) => this.people.updatePersonIn(trx, id, { unitCode }, ctx));
  }

  /** suspended/left disable the account; data kept. Leaving starts the retention period. */
  async setPersonStatus(id: number, status: PersonStatus, ctx: ChangeContext): Promise<Person> {
    if (!['active', 'suspended', 'left'].includes(status)) throw new ThutinError('PERSON_INVALID', status);
    return this.c.tx.transaction((trx) => this.people.updatePersonIn(trx, id, { status }, ctx));
  }

  /** When a leaver's mailbox may be purged (null while the person has not left). */
  async purgeableFrom(id: number): Promise<number | null> {
    return this.retention.purgeableFrom(id);
  }

  /** Delete the person's account with its mail; refused before the retention period has passed. */
  async purgePerson(id: number, ctx: ChangeContext): Promise<void> {
    return this.retention.purgePerson(id, ctx);
  }

  /** A new generated password, changed at the next login (R7.4). */
  async resetPassword(personIdOrAddress: number | string, ctx: ChangeContext): Promise<{ address: string; password: string }> {
    return this.retention.resetPassword(personIdOrAddress, ctx);
  }

  /** Vietnamese order (given name, family name, middle names). */
  async listPeople(opts: PersonListOptions = {}): Promise<Person[]> {
    return this.people.listPeople(opts);
  }

  // ---------------------------------------------------------------- search

  /** Ranked, diacritic-insensitive, prefix and multi-word; people who left are not shown. */
  async search(q: string, opts: { limit?: number; kinds?: Array<'person' | 'unit' | 'list'>; unitId?: number; includeInactive?: boolean } = {}): Promise<DirectoryEntry[]> {
    return this.index.search(q, opts);
  }

  /**
   * Bring the in-memory index up to date: the first call loads everything; later calls compare the
   * directory's version and reload only what changed, whichever process changed it.
   */
  async ensureIndex(): Promise<void> {
    return this.index.ensureIndex();
  }

  // ---------------------------------------------------------------- CSV

  /**
   * Import units or people. Every row is checked first; any refused row refuses the whole file
   * (errors list each with its line). Otherwise, unless dry-run, all rows apply in one transaction.
   */
  async importCsv(kind: 'units' | 'people', text: string, opts: { dryRun: boolean }, ctx: ChangeContext): Promise<ImportResult> {
    return this.csv.importCsv(kind, text, opts, ctx);
  }

  /** UTF-8 with BOM, Vietnamese headers, people in Vietnamese order, units in tree order. */
  async exportCsv(kind: 'units' | 'people'): Promise<string> {
    return this.csv.exportCsv(kind);
  }
}
