// Owns: what a POP3 command handler may see and do. Handlers get a CommandContext — the sign-in
// service, the mail store's reads of INBOX and the two writes QUIT needs (flags, expunge), the
// maildrop locks, the limits, and the session's own operations (write and drain, the next raw
// line for AUTH, signing in, STLS, QUIT) — never the App. In TRANSACTION state the account and the
// maildrop are non-null (TransactionContext). server.ts builds Pop3Services from the App once.
import type { Logger } from 'pino';
import type { Account } from '../core/accounts.ts';
import type { MailStore } from '../core/mailstore.ts';
import type { MaildropLock, MaildropLocks } from '../core/maildrop-locks.ts';
import type { SignInService } from '../core/sign-in.ts';
import type { Maildrop } from './maildrop.ts';

export type Pop3State = 'authorization' | 'transaction' | 'update';

/** The mail store as POP3 may use it: INBOX's messages as served, and QUIT's flags and expunge. */
export type Pop3Store = Pick<MailStore, 'getMailbox' | 'listMessages' | 'readMessage' | 'streamMessage' | 'storeFlags' | 'expunge'>;

export interface Pop3Limits {
  maxLineLength: number;
  idleTimeoutMs: number;
  preAuthTimeoutMs: number;
  /** Time to sign in at all, however active the connection. */
  preAuthMaxMs: number;
  /** -ERR answers to unknown or malformed commands before the connection ends. */
  maxBadCommands: number;
  /** RETR marks \Seen at QUIT (Dovecot's default). */
  markSeen: boolean;
}

export interface HandlerServices {
  store: Pop3Store;
  /** The one sign-in of every door (throttle, forced change). */
  signIn: Pick<SignInService, 'signIn'>;
  locks: Pick<MaildropLocks, 'take'>;
  limits: Pop3Limits;
}

export interface Pop3Services extends HandlerServices {
  log: Logger;
}

/** The session's own operations a handler may call. */
export interface SessionOps {
  /** "+OK text" */
  ok(text: string): void;
  /** Raw bytes to the client (multi-line answers). */
  write(buf: Buffer): void;
  needsDrain(): boolean;
  drain(): Promise<void>;
  /** The next raw line from the client (AUTH's responses); null if closed. */
  nextLine(): Promise<Buffer | null>;
  /** Enter TRANSACTION with the account, its maildrop and the lock held on it. */
  enterTransaction(account: Account, maildrop: Maildrop, lock: MaildropLock, appPasswordId: number | null): void;
  /** STLS: answer +OK in clear, then wrap the socket. */
  startTls(): Promise<void>;
  /** The user name USER gave (PASS completes it). */
  pendingUser(): string | null;
  setPendingUser(user: string | null): void;
  /** QUIT: the maildrop lock is released now; after the answer the session closes. */
  quit(): Promise<void>;
  /** Drop the connection at once (a message stream failed after +OK). */
  abort(): void;
  isClosed(): boolean;
  capabilities(): string[];
}

export interface CommandContext extends HandlerServices, SessionOps {
  log: Logger;
  remote: string;
  state: Pop3State;
  secure: boolean;
  tlsAvailable: boolean;
  account: Account | null;
  maildrop: Maildrop | null;
}

export interface TransactionContext extends CommandContext {
  account: Account;
  maildrop: Maildrop;
}
