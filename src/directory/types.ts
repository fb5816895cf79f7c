// The directory's public types: units, people, directory entries, inputs and patches, import
// results, naming and retention rules, and what the directory needs from other services.
// Owns: these shapes only (no behaviour).
import type { Reader, Tx } from '../storage/tx.ts';
import type { UnitRow } from '../storage/repositories/directory-units.ts';
import type { PersonRow } from '../storage/repositories/directory-people.ts';
import type { AccountService } from '../core/accounts.ts';
import type { ChangeContext, AuditLog } from '../core/audit.ts';
import type { NamingRules, PersonAddressStyle } from './naming.ts';

export type { ChangeContext };

/** A unit as stored: the repository's row is the domain's unit. */
export type Unit = UnitRow;

export type PersonStatus = 'active' | 'suspended' | 'left';

/** A person as the directory shows them: the repository's row with its status typed and its mailbox's aliases. */
export type Person = Omit<PersonRow, 'status' | 'leftAt'> & { status: PersonStatus; aliases: string[] };

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
  /** Add even though a likely duplicate exists (same folded name in the unit, or same phone). */
  confirmDuplicate?: boolean;
  /** Keep a name typed all in capitals (or small letters) as typed instead of title case. */
  keepCase?: boolean;
}

/** A person who may be the one being added again. */
export interface DuplicateCandidate {
  id: number;
  fullName: string;
  unitCode: string | null;
  email: string | null;
  phone: string;
  status: PersonStatus;
  why: 'name' | 'phone';
}

export interface UpdatePersonPatch {
  fullName?: string;
  title?: string;
  phone?: string;
  /** With a new full name: give the person the address the new name makes; the old one stays an alias. */
  changeAddress?: boolean;
  /** Keep a name typed all in capitals as typed instead of title case. */
  keepCase?: boolean;
}

export interface ImportResult {
  applied: boolean;
  rows: number;
  created: number;
  updated: number;
  errors: Array<{ line: number; message: string }>;
  /** Every change the file makes (or would make, in a dry run), field by field, with the person or unit it touches. */
  changes: ImportChange[];
  /** Heads who lose a headship because the import moves them or marks them as left. */
  warnings?: DirectoryWarning[];
  /** Initial passwords of the mailboxes the import created (shown once; never logged). */
  passwords?: Array<{ address: string; password: string }>;
}

export interface ImportChange {
  line: number;
  action: 'create' | 'update';
  /** Who or what it touches: `Name <address>` for a person, `CODE Name` for a unit. */
  target: string;
  fields: Array<{ field: string; from: string | null; to: string | null }>;
}

export interface DirectoryRules extends NamingRules {
  personAddress: PersonAddressStyle;
  retentionMonths: number;
  leaderRetentionMonths: number;
  leaderTitles: string[];
  /** Days a purged leaver's addresses rest before anyone else may have them (default 365). */
  addressQuarantineDays?: number;
  /** Where postmaster@ of every local domain goes (an address, or a local part on the primary domain). */
  postmasterMailbox?: string;
  /** Where abuse@ of every local domain goes (default: postmasterMailbox). */
  abuseMailbox?: string;
}

export interface DirectoryDeps {
  db: Reader;
  accounts: AccountService;
  audit: AuditLog;
  primaryDomain: string;
  rules: DirectoryRules;
  /** The delegation service (app.delegations): unit head handover. */
  delegations?: () => DelegationPort | undefined;
  /** The leaver's automatic reply (core/leaver-reply.ts): installed when a person leaves, removed when they return. */
  leaverReplies?: () => LeaverReplyPort | undefined;
}

/** What the directory needs from the leaver's automatic reply (src/core/leaver-reply.ts). */
export interface LeaverReplyPort {
  install(i: { accountId: number; address: string; fullName: string; contact: string; forwardTo: string | null; since: Date }, ctx: { actor: string; reason?: string }): Promise<void>;
  remove(accountId: number, address: string, ctx: { actor: string; reason?: string }): Promise<void>;
}

/** What the directory needs from app.delegations (src/core/delegations.ts), inside its own transaction. */
export interface DelegationPort {
  grantIn(trx: Tx, ownerAddress: string, granteeAddress: string, rights: Array<'read' | 'send-as' | 'send-on-behalf' | 'manage'>, ctx: ChangeContext): Promise<void>;
  revokeIn(trx: Tx, ownerAddress: string, granteeAddress: string, ctx: ChangeContext): Promise<void>;
}

/** Something a change did besides what was asked, that the administrator must be told (CLI output, API answer). */
export interface DirectoryWarning {
  code: 'HEAD_VACATED';
  unit: string;
  message: string;
  messageEn: string;
}
