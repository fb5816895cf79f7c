// API sessions: login with a password gives a bearer token (32 random bytes, base64url) of
// limited life; only its SHA-256 is stored (table `api_tokens`). Resolving a token is served
// from a small in-memory cache, so a request costs neither a database read nor argon2.
// The password is checked by the one sign-in service (core/sign-in.ts: throttled per account and
// client address, like every door); never the password is logged.
// Owns: token issue, lifetime and the session cache; rows through storage/repositories/tokens.ts.
import crypto from 'node:crypto';
import type { Logger } from 'pino';
import { transactor, type Reader, type Transactor } from '../storage/tx.ts';
import { deleteAccountTokens, deleteExpiredTokens, deleteToken, insertToken, sessionByTokenHash } from '../storage/repositories/tokens.ts';
import type { Principal, RoleService } from './roles.ts';
import { ThutinError } from './errors.ts';
import type { SignInService } from './sign-in.ts';

export interface TokenOptions {
  ttlMs: number; // life of a token
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
  private readonly now: () => number;
  private readonly cacheMs: number;
  private readonly tx: Transactor;

  constructor(
    private readonly db: Reader,
    private readonly signIns: Pick<SignInService, 'signIn'>,
    private readonly roles: RoleService,
    private readonly log: Logger,
    private readonly opts: TokenOptions,
  ) {
    this.now = opts.now ?? Date.now;
    this.cacheMs = opts.cacheMs ?? 30_000;
    this.tx = transactor(db);
    roles.onChange((accountId) => this.forgetAccount(accountId));
  }

  /**
   * Check a password and open a session. `client` is the caller's address (throttle, log), `agent`
   * what it says it is (User-Agent, for the user's sign-in history). A password that must be
   * changed opens a session that may only change it; one past its deadline opens nothing.
   */
  async login(username: string, password: string, client: string, agent = '', secondFactorCode?: string): Promise<{ token: string; expiresAt: number; mustChangePassword: boolean }> {
    const r = await this.signIns.signIn({ protocol: 'http', remote: client, login: username, password, client: agent, allowMustChange: true, secondFactorCode });
    if (!r.ok) {
      if (r.reason === 'throttled') throw new ThutinError('TOO_MANY_ATTEMPTS');
      if (r.reason === 'expired') throw new ThutinError('PASSWORD_EXPIRED');
      // The second factor is on (core/second-factor.ts): a code is needed, or the one given is wrong.
      if (r.reason === 'second-factor') throw new ThutinError('SECOND_FACTOR_REQUIRED');
      if (r.reason === 'invalid' && r.hint === 'second-factor-invalid') throw new ThutinError('SECOND_FACTOR_INVALID');
      throw new ThutinError('LOGIN_FAILED');
    }
    const acct = r.account;
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
