// The province's directory (Danh bạ điện tử, issue 4): the organisation tree (units), people,
// their mailboxes and the unit mailboxes, search, history (as-of reads), CSV import/export.
// Exposed as `app.directory`. Skeleton: the interface other parts code against.
import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';

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
}

export interface ImportResult {
  applied: boolean;
  rows: number;
  created: number;
  updated: number;
  errors: Array<{ line: number; message: string }>;
}

const NOT_YET = (): never => {
  throw new Error('not implemented');
};

export class DirectoryService {
  constructor(protected readonly db: Kysely<Database>) {}

  async createUnit(_input: CreateUnitInput, _ctx: ChangeContext): Promise<{ unit: Unit; initialPassword?: string }> {
    return NOT_YET();
  }
  async updateUnit(_code: string, _patch: UpdateUnitPatch, _ctx: ChangeContext): Promise<Unit> {
    return NOT_YET();
  }
  /** R8.3: the new head gets the unit mailbox (delegation 'manage read send-as'), the old head loses it. */
  async setUnitHead(_code: string, _personId: number | null, _ctx: ChangeContext): Promise<Unit> {
    return NOT_YET();
  }
  async getUnit(_codeOrId: string | number): Promise<Unit | null> {
    return NOT_YET();
  }
  async listUnits(_opts: { asOf?: number; parentCode?: string } = {}): Promise<Unit[]> {
    return NOT_YET();
  }
  /** Ids from the root down to unitId inclusive (scope checks). */
  async unitPath(_unitId: number): Promise<number[]> {
    return NOT_YET();
  }
  /** unitId and every unit below it. */
  async subtreeIds(_unitId: number): Promise<number[]> {
    return NOT_YET();
  }
  async createPerson(_input: CreatePersonInput, _ctx: ChangeContext): Promise<{ person: Person; address: string; initialPassword: string }> {
    return NOT_YET();
  }
  async updatePerson(_id: number, _patch: { fullName?: string; title?: string; phone?: string }, _ctx: ChangeContext): Promise<Person> {
    return NOT_YET();
  }
  async movePerson(_id: number, _unitCode: string, _ctx: ChangeContext): Promise<Person> {
    return NOT_YET();
  }
  /** suspended/left disable the account; data kept. */
  async setPersonStatus(_id: number, _status: PersonStatus, _ctx: ChangeContext): Promise<Person> {
    return NOT_YET();
  }
  /** Refused (ThutinError) before the retention period has passed. */
  async purgePerson(_id: number, _ctx: ChangeContext): Promise<void> {
    return NOT_YET();
  }
  /** Forced change at next login. */
  async resetPassword(_personIdOrAddress: number | string, _ctx: ChangeContext): Promise<{ address: string; password: string }> {
    return NOT_YET();
  }
  async getPerson(_id: number): Promise<Person | null> {
    return NOT_YET();
  }
  async personByAccount(_accountId: number): Promise<Person | null> {
    return NOT_YET();
  }
  /** Vietnamese order. */
  async listPeople(_opts: { unitCode?: string; subtree?: boolean; status?: string; asOf?: number; limit?: number; offset?: number } = {}): Promise<Person[]> {
    return NOT_YET();
  }
  /** Ranked. */
  async search(_q: string, _opts: { limit?: number; kinds?: Array<'person' | 'unit' | 'list'>; unitId?: number } = {}): Promise<DirectoryEntry[]> {
    return NOT_YET();
  }
  async importCsv(_kind: 'units' | 'people', _text: string, _opts: { dryRun: boolean }, _ctx: ChangeContext): Promise<ImportResult> {
    return NOT_YET();
  }
  /** UTF-8 with BOM. */
  async exportCsv(_kind: 'units' | 'people'): Promise<string> {
    return NOT_YET();
  }
}
