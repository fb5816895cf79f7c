// What the request modules share without importing the service back (reads.ts, execution.ts and
// notice-texts.ts are RequestService's parts): who acts, the configuration, the service's
// dependencies, and RequestCore — the part of the service its parts use.
// Owns: these types only.
import type { Logger } from 'pino';
import type { Reader, Transactor, Tx } from '../storage/tx.ts';
import type * as repo from '../storage/repositories/requests.ts';
import type { AuditLog } from '../core/audit.ts';
import type { Principal } from '../core/roles.ts';
import type { Directory } from './effects.ts';
import type { RequestNotices } from './notices.ts';
import type { RequestEvent, RequestState, Standing } from './lifecycle.ts';
import type { ItemKind, RequestView } from './types.ts';
import type { HandoverPorts } from './handover-types.ts';

/** Who acts: their principal (roles and scopes) and how the audit names them (`api:<address>`, `cli:<user>`). */
export interface RequestActor {
  principal: Principal;
  label: string;
}

export interface RequestsConfig {
  serviceLevelDays: number;
  holidays: string[];
  credentialTtlHours: number;
  maxDocumentBytes: number;
  runIntervalMs: number;
}

export interface RequestServiceDeps {
  db: Reader;
  directory: Directory & { unitPath(unitId: number): Promise<number[]> };
  audit: AuditLog;
  /** Addresses of the Provincial Office's approvers (sysadmins, directory managers). */
  approvers: () => Promise<string[]>;
  /** A new password for an address, changed at first use, every session ended (the credential's redemption). */
  resetPassword: (personId: number, ctx: { actor: string; reason?: string; requestId?: number }) => Promise<{ address: string; password: string }>;
  notices: RequestNotices;
  config: RequestsConfig;
  log: Logger;
  now?: () => number;
  /** What a handover record reads (the unit, its mailbox's folders and delegates); absent = no record kept. */
  handover?: HandoverPorts;
  /** Told when a request has executed (the /metrics histogram of time to execute). */
  onExecuted?: (kind: string, submittedAt: number | null, executedAt: number) => void;
}

/** A request with its rows, events, documents and the directory versions it made. */
export interface RequestDetail extends RequestView {
  items: Array<{
    line: number;
    kind: ItemKind;
    state: string;
    payload: unknown;
    result: unknown;
    error: string | null;
    credential: { issued: boolean; redeemed: boolean; expiresAt: number | null } | null;
  }>;
  events: repo.RequestEventRow[];
  documents: repo.RequestDocumentRow[];
  /** What the request changed in the directory (its versions in the directory's history). */
  changes: Array<{ entity: string; entityId: number; at: number }>;
}

/** The part of RequestService its parts (reads.ts, execution.ts) use. */
export interface RequestCore {
  readonly deps: RequestServiceDeps;
  readonly now: () => number;
  readonly tx: Transactor;
  requireRow(r: Reader, id: number): Promise<repo.RequestRow>;
  standing(actor: RequestActor, row: repo.RequestRow): Promise<Standing>;
  detail(r: Reader, id: number): Promise<RequestDetail>;
  /** REQUEST_OUT_OF_SCOPE unless the actor may read request `id`. */
  assertReadable(actor: RequestActor, id: number): Promise<void>;
  transit(
    id: number,
    event: RequestEvent,
    actorLabel: string,
    standingOf: (row: repo.RequestRow) => Promise<Standing> | Standing,
    patch?: (row: repo.RequestRow, to: RequestState, trx: Tx) => Promise<repo.RequestPatch> | repo.RequestPatch,
    note?: string,
  ): Promise<{ before: repo.RequestRow; to: RequestState }>;
  tell(d: RequestDetail, to: Array<string | null | undefined>, what: 'submitted' | 'approved' | 'rejected' | 'executed' | 'failed' | 'overdue'): Promise<string[]>;
}
