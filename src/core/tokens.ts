// API sessions: login with a password gives a bearer token (32 random bytes, base64url) of
// limited life; only its SHA-256 is stored (table `api_tokens`). Resolving a token is served
// from a small in-memory cache, so a request costs neither a database read nor argon2.
// Failed logins are counted per client address and refused past a limit; never the password is logged.
// Owns: token issue, lifetime and the session cache, the login failure limiter; rows through
// storage/repositories/tokens.ts.
import crypto from 'node:crypto';
import type { Logger } from 'pino';
import { transactor, type Reader, type Transactor } from '../storage/tx.ts';
import { deleteAccountTokens, deleteExpiredTokens, deleteToken, insertToken, sessionByTokenHash } from '../storage/repositories/tokens.ts';
import type { AccountService } from './accounts.ts';
import type { Principal, RoleService } from './roles.ts';
import { ThutinError } from './errors.ts';
import { LoginLimiter } from './login-limiter.ts';

export interface TokenOptions {
  ttlMs: number; // life of a token
  loginMaxFailures: number; // failed logins per client address within the window …
  loginWindowMs: number; // … before further attempts are refused
  cacheMs?: number; // how long a resolved session (roles included) is trusted without re-reading
  now?: () => number; // the clock (tests move it instead of sleeping)
}

export interface Session {
  tokenHash: string;
  accountId: number;
  username: string;
  mustChangePassword: boolean;
  expiresAt: number;
  principal: Principal;
}

const CACHE_MAX = 10_000;

export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

export class TokenService {
  private readonly cache = new Map<string, Session & { loadedAt: number }>();
  private readonly limiter: LoginLimiter;
  private readonly now: () => number;
  private readonly cacheMs: number;
  private readonly tx: Transactor;

  constructor(
    private readonly db: Reader,
    private readonly accounts: AccountService,
    private readonly roles: RoleService,
    private readonly log: Logger,
    private readonly opts: TokenOptions,
  ) {
    this.now = opts.now ?? Date.now;
    this.limiter = new LoginLimiter({ max: opts.loginMaxFailures, windowMs: opts.loginWindowMs, now: this.now });
    this.cacheMs = opts.cacheMs ?? 30_000;
    this.tx = transactor(db);
    roles.onChange((accountId) => this.forgetAccount(accountId));
  }

  /** Check a password and open a session. `client` is the caller's address (rate limit, log). */
  async login(username: string, password: string, client: string): Promise<{ token: string; expiresAt: number; mustChangePassword: boolean }> {
    if (this.limiter.blocked(client)) {
      this.log.warn({ client, username }, 'api login refused: too many failures');
      throw new ThutinError('TOO_MANY_ATTEMPTS');
    }
    const acct = await this.accounts.authenticate(username, password);
    if (!acct) {
      this.limiter.fail(client);
      this.log.warn({ client, username }, 'api login failed');
      throw new ThutinError('LOGIN_FAILED');
    }
    const token = crypto.randomBytes(32).toString('base64url');
    const now = this.now();
    const expiresAt = now + this.opts.ttlMs;
    await this.tx.transaction(async (tx) => {
      await deleteExpiredTokens(tx, now);
      await insertToken(tx, { tokenHash: hashToken(token), accountId: acct.id, createdAt: now, expiresAt });
    });
    this.log.info({ client, username: acct.username }, 'api login');
    return { token, expiresAt, mustChangePassword: acct.mustChangePassword };
  }

  /** The session a bearer token opens, or null (unknown, expired, or account disabled). */
  async resolve(token: string): Promise<Session | null> {
    const h = hashToken(token);
    const now = this.now();
    const hit = this.cache.get(h);
    if (hit && now - hit.loadedAt < this.cacheMs) {
      if (hit.expiresAt > now) return hit;
      this.cache.delete(h);
      return null;
    }
    const row = await sessionByTokenHash(this.db, h);
    if (!row || row.expiresAt <= now || row.accountStatus !== 'active') {
      this.cache.delete(h);
      return null;
    }
    const accountId = row.accountId;
    const session = {
      tokenHash: h,
      accountId,
      username: row.username,
      mustChangePassword: row.mustChangePassword,
      expiresAt: row.expiresAt,
      principal: await this.roles.principal(accountId),
      loadedAt: now,
    };
    if (this.cache.size >= CACHE_MAX) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(h, session);
    return session;
  }

  async logout(token: string): Promise<void> {
    const h = hashToken(token);
    this.cache.delete(h);
    await this.tx.transaction((tx) => deleteToken(tx, h));
  }

  /** End every session of an account (suspended, password reset by someone else), or all but one (`keep`: a token). */
  async revokeAccount(accountId: number, keep?: string): Promise<void> {
    this.forgetAccount(accountId);
    await this.tx.transaction((tx) => deleteAccountTokens(tx, accountId, keep ? hashToken(keep) : undefined));
  }

  /** Drop cached sessions of an account so the next request re-reads roles and flags. */
  forgetAccount(accountId: number): void {
    for (const [h, s] of this.cache) if (s.accountId === accountId) this.cache.delete(h);
  }

  /** Drop every cached session (roles derived from unit heads changed, for instance). */
  forgetAll(): void {
    this.cache.clear();
  }
}
