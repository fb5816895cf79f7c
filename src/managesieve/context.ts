// Owns: what a ManageSieve command handler may see and do. Handlers get a CommandContext — the
// account's Sieve scripts (core/sieve-scripts.ts), the one sign-in service, the limits, and the
// session's own operations (answer, the next client response of a SASL exchange, sign in and out,
// STARTTLS, LOGOUT) — never the App. Once signed in, the account is non-null
// (AuthenticatedContext). server.ts builds ManageSieveServices from the App once.
import type { Logger } from 'pino';
import type { Account } from '../core/accounts.ts';
import type { SignInService } from '../core/sign-in.ts';
import type { SieveScriptService } from '../core/sieve-scripts.ts';
import type { Token } from './framer.ts';
import type { ResponseCode } from './parser.ts';

export type SieveState = 'unauthenticated' | 'authenticated';

/** The script service as ManageSieve may use it. */
export type SieveScripts = Pick<SieveScriptService, 'list' | 'get' | 'put' | 'activate' | 'delete' | 'rename' | 'haveSpace' | 'check'>;

export interface ManageSieveLimits {
  /** A command line's bytes between literals. */
  maxLineLength: number;
  /** A literal once signed in: a script up to sieve.maxScriptBytes and some slack, so a too-large one is told QUOTA/MAXSIZE. */
  maxLiteral: number;
  /** A literal before sign-in (a SASL response). */
  preAuthLiteralMax: number;
  idleTimeoutMs: number;
  preAuthTimeoutMs: number;
  /** Time to sign in at all, however active the connection. */
  preAuthMaxMs: number;
  /** NO answers to unknown or malformed commands before the connection ends. */
  maxBadCommands: number;
  /** Announced as MAXREDIRECTS (sieve.maxRedirects). */
  maxRedirects: number;
}

export interface HandlerServices {
  scripts: SieveScripts;
  signIn: Pick<SignInService, 'signIn'>;
  limits: ManageSieveLimits;
}

export interface ManageSieveServices extends HandlerServices {
  log: Logger;
}

/** The session's own operations a handler may call. */
export interface SessionOps {
  /** `OK [(code)] [text]` */
  ok(text?: string | null, code?: ResponseCode | null): void;
  /** Raw bytes to the client (LISTSCRIPTS lines, GETSCRIPT's literal, capabilities). */
  write(buf: string | Buffer): void;
  /** The capability lines of the session as it is now (without the OK). */
  capabilityLines(): Buffer;
  /** The next whole client "command" (a SASL response); null if the connection closed or what came is not one (the session answers it). */
  nextTokens(): Promise<Token[] | null>;
  /** Enter the authenticated state. */
  signedIn(account: Account, appPasswordId: number | null): void;
  /** UNAUTHENTICATE: back to the unauthenticated state (TLS stays). */
  unauthenticate(): void;
  /** STARTTLS: answer OK in clear, wrap the socket, then send the capabilities again. */
  startTls(): Promise<void>;
  /** LOGOUT: after the answer the session closes. */
  logout(): void;
  isClosed(): boolean;
}

export interface CommandContext extends HandlerServices, SessionOps {
  log: Logger;
  remote: string;
  state: SieveState;
  secure: boolean;
  tlsAvailable: boolean;
  account: Account | null;
}

export interface AuthenticatedContext extends CommandContext {
  account: Account;
}
