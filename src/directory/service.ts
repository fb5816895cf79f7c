// The province's directory (Danh bạ điện tử, issue 4), exposed as `app.directory`: the organisation
// tree (units with validity dates, successors, heads and unit mailboxes), people with their personal
// mailboxes, the lifecycle (join, move, suspend, leave, purge after retention), search, history
// (as-of reads) and CSV import/export. Every change runs in one transaction with its history
// version and its audit entry (who, when, what, why = the official document).
// Owns: DirectoryService, the one entry point; the work is done by units.ts, people.ts,
// retention.ts, directory-index.ts (search) and csv-import.ts, over the storage repositories.
// Naming rules: naming.ts; search index: search.ts; versions: history.ts; CSV format: csv.ts.
import { transactor } from '../storage/tx.ts';
import { changesOfRequest, versionsOf, type HistoryEntity } from './history.ts';
import type { DirectoryContext } from './common.ts';
import { Units } from './units.ts';
import { People, type PersonListOptions } from './people.ts';
import { Retention } from './retention.ts';
import { DirectoryIndex } from './directory-index.ts';
import { DirectoryCsv } from './csv-import.ts';
import { RoleAddresses, type RoleLocalPart } from './role-addresses.ts';
import type {
  ChangeContext,
  CreatePersonInput,
  CreateUnitInput,
  DirectoryDeps,
  DirectoryEntry,
  DirectoryWarning,
  DuplicateCandidate,
  ImportResult,
  Person,
  PersonStatus,
  Unit,
  UpdatePersonPatch,
  UpdateUnitPatch,
} from './types.ts';
import { ThutinError } from '../core/errors.ts';

export type * from './types.ts';
export { addMonths } from './retention.ts';
export { DuplicatePersonError } from './people.ts';

export class DirectoryService {
  private readonly c: DirectoryContext;
  private readonly units: Units;
  private readonly people: People;
  private readonly retention: Retention;
  private readonly index: DirectoryIndex;
  private readonly csv: DirectoryCsv;
  private readonly roles: RoleAddresses;

  constructor(deps: DirectoryDeps) {
    this.c = { db: deps.db, tx: transactor(deps.db), deps, domain: deps.primaryDomain };
    this.units = new Units(this.c);
    this.people = new People(this.c, this.units);
    this.retention = new Retention(this.c, this.people);
    this.index = new DirectoryIndex(this.c);
    this.csv = new DirectoryCsv(this.c, this.units, this.people);
    this.roles = new RoleAddresses(this.c, this.units, this.people);
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

  /**
   * R8.3: the new head gets the unit mailbox (delegation 'manage read send-as'), the old head loses
   * it, and the unit mailbox's password is rotated: `mailboxPassword` is the new one, shown once to
   * the administrator to hand over out of band (never by mail). `rotatePassword: false` keeps it
   * (the demo's shared password). The head must be an active person of the unit's subtree.
   */
  async setUnitHead(code: string, personId: number | null, ctx: ChangeContext, opts: { rotatePassword?: boolean } = {}): Promise<Unit & { mailboxPassword?: string }> {
    const r = await this.units.setUnitHead(code, personId, ctx, opts);
    return r.mailboxPassword ? { ...r.unit, mailboxPassword: r.mailboxPassword } : r.unit;
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

  /** The versions a request (issue 11) made: every unit, person, list or delegation it changed. */
  changesOfRequest(requestId: number): ReturnType<typeof changesOfRequest> {
    return changesOfRequest(this.c.db, requestId);
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

  /**
   * A likely duplicate (same folded name in the unit, or same phone) is refused with
   * `DuplicatePersonError` (its candidates) unless `confirmDuplicate`; a name typed in capitals is
   * stored in title case unless `keepCase` (`nameAdjusted` says so).
   */
  async createPerson(input: CreatePersonInput, ctx: ChangeContext): Promise<{ person: Person; address: string; initialPassword: string; nameAdjusted?: { typed: string; stored: string } }> {
    return this.people.createPerson(input, ctx);
  }

  /** People who may already be the one described (for a warning before adding). */
  async likelyDuplicates(fullName: string, unitCode: string | null, phone = ''): Promise<DuplicateCandidate[]> {
    return this.people.likelyDuplicates(this.c.db, fullName, unitCode, phone);
  }

  async updatePerson(id: number, patch: UpdatePersonPatch, ctx: ChangeContext): Promise<Person> {
    return this.people.updatePerson(id, patch, ctx);
  }

  /** A move out of a unit the person heads makes the headship vacant (`warnings` say which). */
  async movePerson(id: number, unitCode: string, ctx: ChangeContext): Promise<Person & { warnings: DirectoryWarning[] }> {
    const warnings: DirectoryWarning[] = [];
    const person = await this.c.tx.transaction((trx) => this.people.updatePersonIn(trx, id, { unitCode }, ctx, warnings));
    return { ...person, warnings };
  }

  /**
   * suspended/left disable the account; data kept. Leaving starts the retention period, vacates the
   * person's headships (`warnings`) and turns on the automatic reply naming `successor` (else the
   * unit's address); with `forward` the successor also gets a copy. Coming back turns it off.
   */
  async setPersonStatus(id: number, status: PersonStatus, ctx: ChangeContext, opts: { successor?: string; forward?: boolean } = {}): Promise<Person & { warnings: DirectoryWarning[] }> {
    if (!['active', 'suspended', 'left'].includes(status)) throw new ThutinError('PERSON_INVALID', status);
    const warnings: DirectoryWarning[] = [];
    const before = await this.getPerson(id);
    const person = await this.c.tx.transaction((trx) => this.people.updatePersonIn(trx, id, { status }, ctx, warnings));
    const replies = this.c.deps.leaverReplies?.();
    const account = person.email ? await this.c.deps.accounts.byAddress(person.email) : null;
    if (replies && account && person.email) {
      if (status === 'left' && before?.status !== 'left') {
        const contact = opts.successor ?? (await this.roles.leaverContact(person.email))?.contact ?? `postmaster@${this.c.domain}`;
        const forwardTo = opts.forward && opts.successor ? opts.successor : null;
        await replies.install({ accountId: account.id, address: person.email, fullName: person.fullName, contact, forwardTo, since: new Date() }, ctx);
      } else if (status === 'active' && before?.status === 'left') await replies.remove(account.id, person.email, ctx);
    }
    return { ...person, warnings };
  }

  /** When a leaver's mailbox may be purged (null while the person has not left). */
  async purgeableFrom(id: number): Promise<number | null> {
    return this.retention.purgeableFrom(id);
  }

  /** Delete the person's account with its mail; refused before the retention period has passed. */
  async purgePerson(id: number, ctx: ChangeContext, now?: number): Promise<void> {
    return this.retention.purgePerson(id, ctx, now);
  }

  /** Leavers whose retention has passed at `now` (directory/purge-schedule.ts). */
  async duePurges(now: number): Promise<number[]> {
    return this.retention.duePurges(now);
  }

  /** A new generated password, changed at the next login (R7.4). */
  async resetPassword(personIdOrAddress: number | string, ctx: ChangeContext): Promise<{ address: string; password: string }> {
    return this.retention.resetPassword(personIdOrAddress, ctx);
  }

  /** Vietnamese order (given name, family name, middle names). */
  async listPeople(opts: PersonListOptions = {}): Promise<Person[]> {
    return this.people.listPeople(opts);
  }

  // ---------------------------------------------------------------- role addresses, leavers' addresses

  /**
   * postmaster@ / abuse@ of a local domain (RFC 5321, RFC 2142): the account their mail goes to —
   * the configured role mailbox, or the holding mailbox postmaster@<primary> while it does not
   * exist. Null for any other address. `address` is canonical (alias domains already mapped).
   */
  async roleRecipient(address: string): Promise<{ accountId: number; role: RoleLocalPart; target: string; held: boolean } | null> {
    return this.roles.recipientAccount(address);
  }

  /** For a leaver's address: whom to contact instead (their unit's mailbox); null for anyone else. */
  async leaverContact(address: string): Promise<{ contact: string } | null> {
    return this.roles.leaverContact(address);
  }

  // ---------------------------------------------------------------- search

  /** Ranked, diacritic-insensitive, prefix and multi-word; people who left are not shown. */
  async search(q: string, opts: { limit?: number; kinds?: Array<'person' | 'unit' | 'list'>; unitId?: number; includeInactive?: boolean } = {}): Promise<DirectoryEntry[]> {
    return this.index.search(q, opts);
  }

  /**
   * Live people, units and lists whose whole name is `name` — or one of `names`, in their order, the
   * index checked once — case, accents and đ ignored (an exact lookup, not a search).
   */
  async byName(names: string | readonly string[], kinds?: Array<'person' | 'unit' | 'list'>): Promise<DirectoryEntry[]> {
    return this.index.byName(names, kinds);
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
