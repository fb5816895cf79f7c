// Owns: what an IMAP command handler may see and do (WildDuck's imap-core model: the protocol
// core reaches storage only through a few named services). Handlers get a CommandContext — the
// mail store as IMAP may use it, accounts, delegations, the limits they check, and the session's
// own operations (write and drain, untagged responses, selecting, logging in) — never the App.
// For commands allowed only after login the account is non-null (AuthenticatedContext); for
// commands allowed only in SELECTED state the selected mailbox is too (SelectedContext).
// The session (session.ts) builds it before each command from ImapServices, built once by
// server.ts from the App.
import type { MailboxMetadata } from '../core/mailbox-metadata.ts';
import type { Logger } from 'pino';
import type { Account, AccountService } from '../core/accounts.ts';
import type { DelegationService } from '../core/delegations.ts';
import type { MailEvents } from '../core/events.ts';
import type { MailStore } from '../core/mailstore.ts';
import type { MailboxAccessLog } from '../core/mailbox-access.ts';
import type { SignInService } from '../core/sign-in.ts';
import type { ImapValue } from './protocol/value.ts';
import type { NotifyCommand } from './parser/types.ts';
import type { ChangeFeed } from './change-feed.ts';
import type { FlagTables } from './flag-tables.ts';
import type { EnvelopeTexts } from './envelope-texts.ts';
import type { SelectedMailbox } from './selected.ts';

export type SessionState = 'not-authenticated' | 'authenticated' | 'selected' | 'logout';

/** An untagged response: a raw line, or top-level values joined by spaces. */
export type Untagged = string | ImapValue[];

/**
 * The mail store as IMAP may use it. Message bytes only as served (readMessage, streamMessage) and
 * indexes only as served (indexesOf): a message may carry header fields in front of its blob, so
 * blobs, their names' indexes (getIndex/getIndexes) and readBlob/streamBlob are not part of it.
 */
export type ImapStore = Pick<
  MailStore,
  | 'append'
  | 'getMailbox'
  | 'getMailboxById'
  | 'listMailboxes'
  | 'createMailbox'
  | 'deleteMailbox'
  | 'renameMailbox'
  | 'setSubscribed'
  | 'listSubscriptions'
  | 'mailboxCounts'
  | 'claimRecent'
  | 'openSummary'
  | 'listMessages'
  | 'listFlags'
  | 'getMessages'
  | 'indexesOf'
  | 'readMessage'
  | 'streamMessage'
  | 'storeFlags'
  | 'expunge'
  | 'copy'
  | 'move'
  | 'changesSince'
  | 'searchText'
  | 'searchHeader'
  | 'sentDates'
  | 'referenceFields'
>;

export type ImapAccounts = Pick<AccountService, 'byId' | 'byAddress' | 'usageBytes'>;
export type ImapDelegations = Pick<DelegationService, 'rightsOn' | 'sharedWith' | 'list'>;

/** The configuration values the IMAP front end uses. */
export interface ImapLimits {
  maxLineLength: number;
  maxLiteralSize: number;
  /** Largest literal before login (a user name or a password). */
  preAuthLiteralMax: number;
  /** Time a connection has to log in, whatever it sends meanwhile. */
  preAuthMaxMs: number;
  /** BAD answers on one connection before BYE. */
  maxBadCommands: number;
  idleTimeoutMs: number;
  preAuthTimeoutMs: number;
  /** Largest message APPEND accepts (the SMTP limit: one size for mail however it arrives). */
  maxMessageSize: number;
}

/** The domain services a handler may use. */
export interface HandlerServices {
  store: ImapStore;
  /** Folders' metadata kept up to date from the change log, for FETCH 1:* of metadata (flag-tables.ts). */
  flagTables: Pick<FlagTables, 'current' | 'ordered'>;
  /** Messages' ENVELOPE serialized once per content and kept (envelope-texts.ts). */
  envelopes: Pick<EnvelopeTexts, 'of' | 'ofFolder'>;
  accounts: ImapAccounts;
  /** The one sign-in of every door (throttle, forced change): LOGIN and AUTHENTICATE go through it. */
  signIn: Pick<SignInService, 'signIn'>;
  delegations: ImapDelegations;
  /** The access audit: a shared folder's first opening in a session is recorded (or the opening fails). */
  access: Pick<MailboxAccessLog, 'opened'>;
  /** RFC 5464 METADATA entries (core/mailbox-metadata.ts). */
  metadata: Pick<MailboxMetadata, 'get' | 'set'>;
  limits: ImapLimits;
}

/** Everything the IMAP front end needs from the App, built once by server.ts. */
export interface ImapServices extends HandlerServices {
  /** Folder change events; IMAP also announces account-level changes on them (notify.ts's account channel). */
  events: Pick<MailEvents, 'subscribe' | 'notify'>;
  /** Change-log reads shared between the sessions that have a folder selected (change-feed.ts). */
  changeFeed: Pick<ChangeFeed, 'changesSince'>;
  log: Logger;
}

/** Of the server's services, only what handlers may use (no events, no change feed, no log). */
export function handlerServicesOf(s: ImapServices): HandlerServices {
  const { store, flagTables, envelopes, accounts, signIn, delegations, access, metadata, limits } = s;
  return { store, flagTables, envelopes, accounts, signIn, delegations, access, metadata, limits };
}

/** The session's own operations a handler may call. */
export interface SessionOps {
  capabilities(): string[];
  untagged(u: Untagged): void;
  /** Several untagged responses in one socket write. */
  untaggedBatch(list: Untagged[]): void;
  continuation(text: string): void;
  /** Raw bytes to the client (FETCH writes its responses itself, literals streamed). */
  write(buf: Buffer): void;
  /** Resolves when the socket's buffer has drained (at once when it need not). */
  drain(): Promise<void>;
  /** Whether the socket wants a drain before more is written. */
  needsDrain(): boolean;
  /** The next raw line from the client (AUTHENTICATE responses, IDLE's DONE); null if closed. */
  nextLine(): Promise<Buffer | null>;
  /** Signed in; `appPasswordId`: the app password used (its revocation ends this session), or null. */
  login(account: Account, appPasswordId: number | null): void;
  /** Select a mailbox (subscribing to its changes), or leave SELECTED state with null. */
  select(sel: SelectedMailbox | null): void;
  /** LOGOUT: leave every state; the session answers OK and closes. */
  logout(): void;
  /** STARTTLS: answer OK in clear with `tag`, then wrap the socket. */
  startTls(tag: string): Promise<void>;
  /** Send the untagged updates other sessions caused, where RFC 3501 allows them now. */
  flushUpdates(): Promise<void>;
  /** Resolves when the selected mailbox changes (for IDLE). */
  waitForUpdate(): Promise<void>;
  cancelUpdateWait(): void;
  isClosed(): boolean;
  /** RFC 5465 NOTIFY SET / NONE for this session (the first STATUS responses are written by it). */
  setNotify(cmd: NotifyCommand): Promise<void>;
  /** A folder of `accountId` was created, deleted, renamed, (un)subscribed or its metadata set: NOTIFY sessions hear of it. */
  accountChanged(accountId: number): void;
  /** Drop the connection without a word (a literal could not be completed). */
  abort(): void;
}

export interface CommandContext extends HandlerServices, SessionOps {
  readonly log: Logger;
  /** The client's address (sign-in throttle, history). */
  readonly remote: string;
  readonly state: SessionState;
  readonly secure: boolean;
  readonly tlsAvailable: boolean;
  /** ENABLEd extensions (CONDSTORE, QRESYNC); handlers may add to it. */
  readonly enabled: Set<string>;
  /** Shared folders (mailbox ids) this session has opened and the access audit has recorded. */
  readonly opened: Set<number>;
  readonly account: Account | null;
  /** The mailbox selected when the command started. */
  readonly selected: SelectedMailbox | null;
}

export interface AuthenticatedContext extends CommandContext {
  readonly account: Account;
}

export interface SelectedContext extends AuthenticatedContext {
  readonly selected: SelectedMailbox;
}
