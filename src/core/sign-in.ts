// One sign-in for every door (IMAP LOGIN/AUTHENTICATE, SMTP AUTH, LDAP bind, API login): the
// front end gives `{ protocol, remote, login, password, client }` and gets a typed result; it never
// checks a password itself. Before the password is checked an attempt is reserved in the database
// (core/throttle.ts: per account and per client address — or per account and usual address, so a
// lockout never stops the official at their office — in one transaction with the buckets locked),
// so simultaneous attempts from any number of connections and processes are counted, and only
// then argon2 runs. A right password gives the reservation back.
// A forced change (first password, after a reset) is a result of its own: every door but the web
// refuses until the password is changed there; a first password not changed within
// `firstPasswordDeadlineHours` locks the account (an administrator resets it).
// Lockouts and sign-ins from a new address are audited and the user is told by mail; every checked
// attempt is recorded for the user to see (`GET /api/v1/me/sign-ins`).
// App passwords and the second factor slot in at `check` (the password step): at the web/API
// sign-in an account with the second factor on needs a code (missing: the result 'second-factor',
// not a failure; wrong: a failure like a wrong password); at every other door (IMAP, POP3, SMTP,
// LDAP, and JMAP's HTTP Basic: protocol 'jmap') its account password is refused ('invalid' with the hint 'app-password-required', counted
// as a failure) and only an app password opens (core/app-passwords.ts). App passwords never open
// the web/API sign-in.
// Owns: the sign-in flow, lockout administration, the sign-in history; rules in core/throttle.ts,
// rows through storage/repositories/sign-in.ts.
import type { Logger } from 'pino';
import { transactor, type Reader, type Transactor } from '../storage/tx.ts';
import * as repo from '../storage/repositories/sign-in.ts';
import { verifyPassword, type Account, type AccountService } from './accounts.ts';
import type { AppPasswordService } from './app-passwords.ts';
import type { SecondFactorService } from './second-factor.ts';
import type { AuditLog } from './audit.ts';
import type { MailStore } from './mailstore.ts';
import { accountBucket, addressBucket, addressKey, admit, BUSY_RETRY_MS, describeBucket, EMPTY_BUCKET, pairBucket, settle, type Admission, type BucketState, type ThrottleLimits } from './throttle.ts';

/** How long an attempt waits for a bucket full of attempts in flight before it is refused as throttled. */
const BUSY_WAIT_MAX_MS = 10_000;
/** `retryAfterMs` of a reservation refused only because attempts in flight fill a bucket. */
const BUSY = -1;

export type SignInProtocol = 'imap' | 'pop3' | 'managesieve' | 'smtp' | 'ldap' | 'http' | 'jmap';

export interface SignInRequest {
  protocol: SignInProtocol;
  /** The client's address as the socket (or a trusted proxy) gives it. */
  remote: string;
  login: string;
  password: string;
  /** What the client says it is (IMAP ID, SMTP EHLO name, User-Agent), for the user's history. */
  client?: string;
  /** The web/API sign-in: a password that must be changed still opens a (restricted) session. */
  allowMustChange?: boolean;
  /** The web/API sign-in: the TOTP code (or a recovery code) of an account with the second factor on. */
  secondFactorCode?: string;
  /** Checking the password of a signed-in web session again (changing it): no second factor asked. */
  skipSecondFactor?: boolean;
}

/** What the password step consults besides the account's password (set by the composition root). */
export interface SignInFactors {
  secondFactor: Pick<SecondFactorService, 'isEnabled' | 'verify'>;
  appPasswords: Pick<AppPasswordService, 'match'>;
}

export type SignInResult =
  /** `appPasswordId`: the app password this session opened with (its revocation ends the session), or null. */
  | { ok: true; account: Account; startedAt: number; appPasswordId: number | null }
  /**
   * Wrong login or password, or a disabled account (the same answer). `hint`: the account password
   * was right but the second factor is on, so only an app password opens this door; or the
   * password was right and the second-factor code wrong (web/API).
   */
  | { ok: false; reason: 'invalid'; hint?: 'app-password-required' | 'second-factor-invalid' }
  /** Web/API sign-in: right password, the second factor is on and no code was given. */
  | { ok: false; reason: 'second-factor'; account: Account }
  /** Not checked: too many failures (retry after this long). */
  | { ok: false; reason: 'throttled'; retryAfterMs: number }
  /** Right password, but it must be changed (web sign-in) before any other door opens. */
  | { ok: false; reason: 'must-change'; account: Account }
  /** Right password, but the first password was not changed in time: locked until an administrator resets it. */
  | { ok: false; reason: 'expired'; account: Account };

export interface SignInLimits {
  account: ThrottleLimits;
  address: ThrottleLimits;
  /** An address the account signed in from within this long is one of its usual addresses. */
  knownAddressTtlMs: number;
  /** How long sign-ins are kept for the user to see. */
  historyRetentionMs: number;
}

export interface SignInOptions {
  limits: SignInLimits;
  /** A first (or reset) password must be changed within this long; 0 = no deadline. */
  firstPasswordDeadlineMs: number;
  /** The sender of notices (postmaster@<primary domain>). */
  noticeFrom: string;
  now?: () => number;
  /** Waiting for a busy bucket (attempts in flight) to free up; tests may inject it. */
  sleep?: (ms: number) => Promise<void>;
}

export interface Lockout {
  key: string;
  kind: 'account' | 'address' | 'account-address';
  subject: string;
  lockedUntil: number;
  failures: number;
}

/** Lockout notices to one account are at least this far apart. */
const NOTICE_GAP_MS = 24 * 3600_000;

export class SignInService {
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly tx: Transactor;
  /** Refusals not checked (throttled), counted and logged once a minute per protocol instead of once each. */
  private readonly refused = new Map<string, number>();
  private lastRefusedLog = 0;
  /** App passwords and the second factor; null: neither is consulted (unit tests of the throttle). */
  factors: SignInFactors | null = null;

  constructor(
    private readonly db: Reader,
    private readonly accounts: Pick<AccountService, 'loginAddress' | 'byId'>,
    private readonly audit: AuditLog,
    private readonly store: Pick<MailStore, 'ingest' | 'deliver' | 'release'> | null,
    private readonly log: Logger,
    private readonly opts: SignInOptions,
  ) {
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.tx = transactor(db);
  }

  private limitsOf(key: string): ThrottleLimits {
    return key.startsWith('ip:') ? this.opts.limits.address : this.opts.limits.account;
  }

  /** Check a sign-in at any door. */
  async signIn(req: SignInRequest): Promise<SignInResult> {
    const login = this.accounts.loginAddress(req.login);
    const address = addressKey(req.remote);
    const known = login ? await repo.isKnownAddress(this.db, login, address, this.now() - this.opts.limits.knownAddressTtlMs) : false;
    // From a usual address only that pair is counted: an attacker elsewhere cannot lock the official out.
    const keys = known ? [pairBucket(login, address)] : [accountBucket(login || '(empty)'), addressBucket(address)];
    const locked: Array<{ key: string; state: BucketState }> = [];
    let started = this.now();
    let admission: { ok: true } | { ok: false; retryAfterMs: number };
    for (let waited = 0; ; waited += BUSY_RETRY_MS) {
      started = this.now();
      admission = await this.reserve(keys, started, locked);
      // Full of attempts in flight (an official's own clients signing in together, or a burst of
      // guesses): wait for them to be checked rather than refuse, up to BUSY_WAIT_MAX_MS.
      if (admission.ok || admission.retryAfterMs !== BUSY || waited >= BUSY_WAIT_MAX_MS) break;
      await this.sleep(BUSY_RETRY_MS);
    }
    if (locked.length) await this.lockedOut(locked, login, req);
    if (!admission.ok) {
      this.countRefused(req.protocol, login, address);
      return { ok: false, reason: 'throttled', retryAfterMs: admission.retryAfterMs === BUSY ? BUSY_RETRY_MS : admission.retryAfterMs };
    }
    return this.check(req, login, address, known, keys, started);
  }

  /**
   * Steps 1 and 2: reserve an attempt in every bucket, or in none. `retryAfterMs` is BUSY when the
   * only refusals are buckets full of attempts in flight.
   */
  private async reserve(keys: string[], started: number, locked: Array<{ key: string; state: BucketState }>): Promise<{ ok: true } | { ok: false; retryAfterMs: number }> {
    // 1. A bucket already locked or waiting refuses without a write (hammering costs one read).
    const seen = await repo.readBuckets(this.db, keys);
    let busy = false;
    for (const k of keys) {
      const st = seen.get(k);
      const a = st ? admit(st, started, this.limitsOf(k)) : null;
      if (a && !a.ok && a.reason === 'busy') busy = true;
      else if (a && !a.ok && !a.lockedNow) return { ok: false, retryAfterMs: a.retryAfterMs };
    }
    if (busy) return { ok: false, retryAfterMs: BUSY };

    // 2. Reserve an attempt in every bucket, or none.
    return this.tx.transaction(async (tx) => {
      const states = await repo.lockBuckets(tx, keys, started);
      const results = new Map<string, Admission>();
      for (const k of keys) results.set(k, admit(states.get(k) ?? { ...EMPTY_BUCKET }, started, this.limitsOf(k)));
      const refusals = [...results.values()].filter((a) => !a.ok);
      if (refusals.length && refusals.every((a) => !a.ok && a.reason === 'busy')) return { ok: false as const, retryAfterMs: BUSY };
      if (refusals.length) {
        for (const [k, a] of results) {
          if (a.ok) continue; // nothing reserved there
          await repo.saveBucket(tx, k, a.state, started);
          if (a.lockedNow) locked.push({ key: k, state: a.state });
        }
        return { ok: false as const, retryAfterMs: Math.max(...refusals.map((a) => (a.ok ? 0 : a.retryAfterMs))) };
      }
      for (const [k, a] of results) await repo.saveBucket(tx, k, a.state, started);
      return { ok: true as const };
    });
  }

  /** Steps 3 and 4, once an attempt is reserved: check the password, then settle every bucket. */
  private async check(req: SignInRequest, login: string, address: string, known: boolean, keys: string[], started: number): Promise<SignInResult> {
    // 3. The password (argon2id; the same cost for a login that does not exist).
    const cred = login ? await repo.signInCredentials(this.db, login) : null;
    let passwordOk = await verifyPassword(cred?.passwordHash ?? null, req.password);
    // 3b. The second factor and app passwords.
    let factorOutcome: string | null = null;
    let secondFactorMissing = false;
    let appPassword: string | null = null;
    let appPasswordId: number | null = null;
    if (this.factors && cred && cred.status === 'active') {
      const twoFactor = await this.factors.secondFactor.isEnabled(cred.id);
      if (req.protocol === 'http') {
        if (passwordOk && twoFactor && !req.skipSecondFactor) {
          if (!req.secondFactorCode) secondFactorMissing = true;
          else if (!(await this.factors.secondFactor.verify(cred.id, req.secondFactorCode))) {
            passwordOk = false;
            factorOutcome = 'second-factor-invalid';
          }
        }
      } else {
        if (passwordOk && twoFactor) {
          passwordOk = false;
          factorOutcome = 'app-password-required';
        }
        if (!passwordOk) {
          const m = await this.factors.appPasswords.match(cred.id, req.password);
          if (m) {
            passwordOk = true;
            factorOutcome = null;
            appPassword = m.name;
            appPasswordId = m.id;
          }
        }
      }
    }
    // A missing code is no failure (the client asks for it next) but opens nothing.
    const success = passwordOk && cred !== null && cred.status === 'active';

    // 4. Settle: give the reservation back on success, count the failure otherwise.
    const at = this.now();
    const lockedAfter: Array<{ key: string; state: BucketState }> = [];
    let outcome: string = success ? (appPassword !== null ? 'ok-app-password' : 'ok') : (factorOutcome ?? 'invalid');
    let result: SignInResult =
      factorOutcome === 'app-password-required' || factorOutcome === 'second-factor-invalid' ? { ok: false, reason: 'invalid', hint: factorOutcome } : { ok: false, reason: 'invalid' };
    if (success && secondFactorMissing) {
      outcome = 'second-factor-required';
      result = { ok: false, reason: 'second-factor', account: (await this.accounts.byId(cred.id))! };
    } else if (success) {
      const account = (await this.accounts.byId(cred.id))!;
      if (cred.mustChangePassword && this.opts.firstPasswordDeadlineMs > 0 && at - cred.updatedAt > this.opts.firstPasswordDeadlineMs) {
        outcome = 'expired';
        result = { ok: false, reason: 'expired', account };
      } else if (cred.mustChangePassword && !req.allowMustChange) {
        outcome = 'must-change';
        result = { ok: false, reason: 'must-change', account };
      } else result = { ok: true, account, startedAt: at, appPasswordId };
    }
    const firstFromHere = success && !known && cred ? (await repo.knownAddressCount(this.db, cred.id, at - this.opts.limits.knownAddressTtlMs)) > 0 : false;
    await this.tx.transaction(async (tx) => {
      const states = await repo.lockBuckets(tx, keys, at);
      for (const k of keys) {
        const s = settle(states.get(k)!, started, success, at, this.limitsOf(k));
        await repo.saveBucket(tx, k, s.state, at);
        if (s.lockedNow) lockedAfter.push({ key: k, state: s.state });
      }
      if (success && !secondFactorMissing) await repo.rememberAddress(tx, cred.id, address, at);
      const client = (req.client ?? '') + (appPassword !== null ? ` [app password: ${appPassword}]` : '');
      await repo.insertSignIn(tx, {
        accountId: cred?.id ?? null,
        login: login || req.login,
        protocol: req.protocol,
        address: req.remote,
        client: client.slice(0, 300),
        success: success && !secondFactorMissing,
        outcome,
        at,
      });
    });
    if (lockedAfter.length) await this.lockedOut(lockedAfter, login, req);
    if (success) {
      this.log.info({ protocol: req.protocol, remote: req.remote, user: cred.username, outcome }, 'sign-in');
      if (firstFromHere && !secondFactorMissing) await this.newAddress(cred.id, cred.username, req);
    } else this.log.info({ protocol: req.protocol, remote: req.remote, user: (login || req.login).slice(0, 100) }, 'sign-in failed');
    return result;
  }

  /** Check the password of a signed-in user again (changing it): throttled like any sign-in, forced change allowed. */
  async checkPassword(req: Omit<SignInRequest, 'allowMustChange' | 'skipSecondFactor'>): Promise<SignInResult> {
    return this.signIn({ ...req, allowMustChange: true, skipSecondFactor: true });
  }

  private countRefused(protocol: string, login: string, address: string): void {
    this.refused.set(protocol, (this.refused.get(protocol) ?? 0) + 1);
    const now = this.now();
    if (now - this.lastRefusedLog < 60_000) return;
    this.lastRefusedLog = now;
    const counts = Object.fromEntries(this.refused);
    this.refused.clear();
    this.log.warn({ refused: counts, lastLogin: login.slice(0, 100), lastRemote: address }, 'sign-ins refused without a check (throttled) since the last report');
  }

  /** A bucket was just locked: audit it; an account's owner is told by mail. */
  private async lockedOut(locked: Array<{ key: string; state: BucketState }>, login: string, req: SignInRequest): Promise<void> {
    for (const l of locked) {
      const d = describeBucket(l.key);
      // One notice a day at most: an attack that goes on locks every 15 minutes, the owner needs telling once.
      const previous = (await this.audit.list(1, { action: 'security.lockout', target: d.subject }))[0];
      const toldRecently = previous !== undefined && this.now() - previous.at < NOTICE_GAP_MS;
      await this.audit.record({
        actor: `sign-in:${req.protocol}`,
        action: 'security.lockout',
        target: d.subject,
        details: { kind: d.kind, until: l.state.lockedUntil, failures: l.state.failures.length, remote: req.remote },
      });
      this.log.warn({ kind: d.kind, subject: d.subject, until: l.state.lockedUntil }, 'sign-in lockout');
      if (d.kind === 'address' || toldRecently) continue;
      const cred = login ? await repo.signInCredentials(this.db, login) : null;
      if (!cred) continue;
      const until = new Date(l.state.lockedUntil).toISOString().replace('T', ' ').slice(0, 16);
      await this.notify(cred.id, cred.username, 'Tài khoản tạm khoá đăng nhập / Sign-in temporarily locked', [
        `Tài khoản ${cred.username} vừa bị tạm khoá đăng nhập đến ${until} (UTC) vì có nhiều lần nhập sai mật khẩu từ địa chỉ ${req.remote} (${req.protocol}).`,
        'Từ các địa chỉ bạn vẫn thường dùng, mật khẩu đúng vẫn đăng nhập được. Nếu không phải bạn, hãy báo quản trị viên và đổi mật khẩu.',
        '',
        `Sign-in to ${cred.username} is locked until ${until} UTC after repeated wrong passwords from ${req.remote} (${req.protocol}).`,
        'The right password still works from the addresses you usually use. If this was not you, tell your administrator and change your password.',
      ]);
    }
  }

  /** A successful sign-in from an address the account never used: audited, and the user told. */
  private async newAddress(accountId: number, username: string, req: SignInRequest): Promise<void> {
    await this.audit.record({ actor: `sign-in:${req.protocol}`, action: 'security.new-address', target: username, details: { remote: req.remote, client: req.client ?? '' } });
    await this.notify(accountId, username, 'Đăng nhập từ địa chỉ mới / Sign-in from a new address', [
      `Tài khoản ${username} vừa đăng nhập (${req.protocol}) từ địa chỉ ${req.remote}, một địa chỉ chưa dùng trước đây.`,
      'Nếu không phải bạn, hãy đổi mật khẩu ngay và báo quản trị viên.',
      '',
      `${username} signed in (${req.protocol}) from ${req.remote}, an address not used before.`,
      'If this was not you, change your password now and tell your administrator.',
    ]);
  }

  /** A short notice (Vietnamese then English) into the account's INBOX. Never fails the sign-in. */
  private async notify(accountId: number, to: string, subject: string, lines: string[]): Promise<void> {
    if (!this.store) return;
    try {
      const at = new Date(this.now());
      const raw = Buffer.from(
        [
          `From: =?UTF-8?B?${Buffer.from('Hệ thống thư điện tử').toString('base64')}?= <${this.opts.noticeFrom}>`,
          `To: <${to}>`,
          `Subject: =?UTF-8?B?${Buffer.from(subject).toString('base64')}?=`,
          `Date: ${at.toUTCString().replace('GMT', '+0000')}`,
          `Message-ID: <signin-${at.getTime()}-${accountId}-${Math.random().toString(36).slice(2)}@${this.opts.noticeFrom.split('@')[1]}>`,
          'Auto-Submitted: auto-generated',
          'MIME-Version: 1.0',
          'Content-Type: text/plain; charset=UTF-8',
          'Content-Transfer-Encoding: 8bit',
          '',
          ...lines,
          '',
        ].join('\r\n'),
        'utf8',
      );
      const content = await this.store.ingest([raw]);
      try {
        await this.store.deliver(content, [{ accountId, mailbox: 'INBOX' }]);
      } finally {
        await this.store.release(content);
      }
    } catch (e) {
      this.log.warn({ err: e, accountId }, 'sign-in notice not delivered');
    }
  }

  // ---------------------------------------------------------------- administration

  /** Buckets locked now. */
  async lockouts(): Promise<Lockout[]> {
    const now = this.now();
    return (await repo.lockedBuckets(this.db, now)).map((b) => ({ key: b.key, ...describeBucket(b.key), lockedUntil: b.state.lockedUntil, failures: b.state.failures.length }));
  }

  /**
   * Lift the lockout of a login (its account bucket and its usual-address buckets) or of a client
   * address (an IP; IPv6 by its /64); the counts go with it. Audited with the reason. The number of buckets cleared.
   */
  async lift(target: string, actor: string, reason: string): Promise<number> {
    const t = target.trim();
    const isAddress = /^[0-9.]+$/.test(t) || t.includes(':');
    let keys: string[];
    let subject: string;
    if (isAddress) {
      subject = addressKey(t);
      keys = [addressBucket(subject)];
    } else {
      subject = this.accounts.loginAddress(t);
      keys = [accountBucket(subject), ...(await repo.bucketKeysWithPrefix(this.db, `pair:${subject}|`))];
    }
    return this.tx.transaction(async (tx) => {
      const n = await repo.deleteBuckets(tx, keys);
      await this.audit.record({ actor, action: 'security.lockout-lift', target: subject, details: { kind: isAddress ? 'address' : 'account', cleared: n }, reason }, tx);
      return n;
    });
  }

  /** An account's recent sign-ins, newest first. */
  async history(accountId: number, limit = 50, before?: number): Promise<repo.SignInRow[]> {
    return repo.signInsOf(this.db, accountId, Math.min(Math.max(limit, 1), 500), before);
  }

  /** Forget sign-ins, usual addresses and idle buckets past their time (maintenance). */
  async prune(): Promise<{ signIns: number; known: number; buckets: number; sessionEnds: number }> {
    const now = this.now();
    const l = this.opts.limits;
    const oldest = Math.max(l.account.windowMs, l.address.windowMs, l.account.maxDelayMs, l.address.maxDelayMs);
    return this.tx.transaction(async (tx) => ({
      signIns: await repo.pruneSignIns(tx, now - l.historyRetentionMs),
      known: await repo.pruneKnown(tx, now - l.knownAddressTtlMs),
      buckets: await repo.pruneBuckets(tx, now - oldest, now),
      // Every process polls the session-end log every few seconds: a day is plenty.
      sessionEnds: await repo.pruneSessionEnds(tx, now - 86400_000),
    }));
  }
}
