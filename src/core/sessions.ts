// Ending every open session of an account at once, on every protocol and in every process:
// suspend, leave, a password change or reset write one `session_ends` row (in the transaction of
// the change) and drop the account's API tokens; the sessions of this process that are tracked for
// the account are told at once, those of other processes (another `serve`, or a change made by the
// CLI) when their process next polls the log (every `security.sessionPollMs`).
// Front ends `track(accountId, startedAt, end)` each signed-in session (IMAP, SMTP submission, LDAP
// bind) and stop tracking when it closes; `end(reason)` must close it (BYE, 421, Notice of
// Disconnection).
// Owns: the registry of live sessions per account, the session-end log's meaning and its polling;
// rows through storage/repositories/sign-in.ts and tokens.ts.
import type { Logger } from 'pino';
import { transactor, type Reader, type Tx } from '../storage/tx.ts';
import { insertSessionEnd, lastSessionEndId, sessionEndsAfter } from '../storage/repositories/sign-in.ts';
import { deleteAccountTokens } from '../storage/repositories/tokens.ts';

export type SessionEndReason = 'disabled' | 'password-changed' | 'password-reset' | 'admin' | 'user' | 'second-factor' | 'app-password-revoked';

export const END_TEXT: Record<SessionEndReason, string> = {
  disabled: 'Tài khoản đã bị khoá / account disabled',
  'password-changed': 'Mật khẩu đã được đổi / password changed',
  'password-reset': 'Mật khẩu đã được đặt lại / password reset',
  admin: 'Quản trị viên đã kết thúc phiên / session ended by an administrator',
  user: 'Bạn đã kết thúc mọi phiên / you ended all your sessions',
  'second-factor': 'Đã bật xác thực hai lớp: hãy dùng mật khẩu ứng dụng / second factor turned on: use an app password',
  'app-password-revoked': 'Mật khẩu ứng dụng của phiên này đã bị thu hồi / the app password of this session was revoked',
};

interface Tracked {
  startedAt: number;
  /** The app password the session signed in with, or null (the account password). */
  appPasswordId: number | null;
  end: (reason: SessionEndReason) => void;
}

/**
 * What one end concerns: every session of the account signed in before `at`, or — when
 * `appPasswordId` is set — only those that signed in with that app password.
 */
export interface SessionEnd {
  accountId: number;
  reason: SessionEndReason;
  at: number;
  appPasswordId: number | null;
}

/** Whether a session (signed in at `signedInAt`, with `appPasswordId` or null) is one this end closes. */
export function endConcerns(end: SessionEnd, session: { accountId: number | undefined; signedInAt: number; appPasswordId: number | null }): boolean {
  if (session.accountId !== end.accountId || session.signedInAt > end.at) return false;
  return end.appPasswordId === null || session.appPasswordId === end.appPasswordId;
}

export interface SessionRegistryOptions {
  pollMs: number;
  now?: () => number;
  log?: Logger;
}

export class SessionRegistry {
  private readonly live = new Map<number, Set<Tracked>>();
  private readonly listeners = new Set<(end: SessionEnd) => void>();
  private readonly own = new Set<number>(); // ids of rows this process wrote (already told locally)
  private lastId = -1;
  private timer: NodeJS.Timeout | null = null;
  private started = false;
  private polling: Promise<void> | null = null;
  private readonly now: () => number;

  constructor(
    private readonly db: Reader,
    private readonly opts: SessionRegistryOptions,
  ) {
    this.now = opts.now ?? Date.now;
  }

  /** Follow a signed-in session; the returned function stops following it (call it when the session closes). */
  track(accountId: number, startedAt: number, end: (reason: SessionEndReason) => void, appPasswordId: number | null = null): () => void {
    const t: Tracked = { startedAt, appPasswordId, end };
    let set = this.live.get(accountId);
    if (!set) this.live.set(accountId, (set = new Set()));
    set.add(t);
    return () => {
      set.delete(t);
      if (set.size === 0 && this.live.get(accountId) === set) this.live.delete(accountId);
    };
  }

  /** Sessions followed for an account (tests, diagnostics). */
  count(accountId: number): number {
    return this.live.get(accountId)?.size ?? 0;
  }

  /**
   * Called for every end of an account's sessions, with the time it was recorded (a session signed
   * in after it is not concerned) and, for a revoked app password, which one: front ends close the
   * sessions `endConcerns` names, the API's session cache forgets the account. Returns the function
   * that stops the calls.
   */
  onEnd(fn: (end: SessionEnd) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /**
   * End every session of an account, in the caller's transaction: the log row, the API tokens
   * (but `keepTokenHash`, the caller's own), and at once the sessions of this process.
   */
  async endAllIn(tx: Tx, accountId: number, reason: SessionEndReason, keepTokenHash?: string): Promise<void> {
    const at = this.now();
    const id = await insertSessionEnd(tx, accountId, reason, at, null);
    this.own.add(id);
    await deleteAccountTokens(tx, accountId, keepTokenHash);
    this.fire({ accountId, reason, at, appPasswordId: null });
  }

  /**
   * End the sessions that signed in with one app password (it was revoked), in the caller's
   * transaction; the account's other sessions and its API tokens stay (app passwords never open
   * the web/API sign-in).
   */
  async endAppPasswordIn(tx: Tx, accountId: number, appPasswordId: number): Promise<void> {
    const at = this.now();
    const id = await insertSessionEnd(tx, accountId, 'app-password-revoked', at, appPasswordId);
    this.own.add(id);
    this.fire({ accountId, reason: 'app-password-revoked', at, appPasswordId });
  }

  async endAll(accountId: number, reason: SessionEndReason): Promise<void> {
    await transactor(this.db).transaction((tx) => this.endAllIn(tx, accountId, reason));
  }

  private fire(end: SessionEnd): void {
    const { accountId, reason } = end;
    for (const fn of this.listeners) {
      try {
        fn(end);
      } catch (e) {
        this.opts.log?.warn({ err: e, accountId }, 'ending sessions failed');
      }
    }
    const set = this.live.get(accountId);
    if (!set) return;
    for (const t of [...set]) {
      // Not signed in after the end was recorded (another process's clock), and with the credential it names.
      if (!endConcerns(end, { accountId, signedInAt: t.startedAt, appPasswordId: t.appPasswordId })) continue;
      set.delete(t);
      try {
        t.end(reason);
      } catch (e) {
        this.opts.log?.warn({ err: e, accountId }, 'ending a session failed');
      }
    }
    if (set.size === 0) this.live.delete(accountId);
  }

  /** Read the log once: ends written by other processes are applied here. */
  async poll(): Promise<void> {
    if (this.lastId < 0) {
      this.lastId = await lastSessionEndId(this.db);
      return;
    }
    for (;;) {
      const rows = await sessionEndsAfter(this.db, this.lastId);
      for (const r of rows) {
        this.lastId = r.id;
        if (this.own.delete(r.id)) continue;
        this.fire({ accountId: r.accountId, reason: (r.reason in END_TEXT ? r.reason : 'admin') as SessionEndReason, at: r.at, appPasswordId: r.appPasswordId });
      }
      if (rows.length < 1000) return;
    }
  }

  /** Start following the log (each front end of `serve` calls it; the first call starts). */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.poll();
    const tick = () => {
      this.polling = this.poll()
        .catch((e: unknown) => this.opts.log?.warn({ err: e }, 'session-end poll failed'))
        .finally(() => {
          this.polling = null;
          if (this.timer) this.timer = setTimeout(tick, this.opts.pollMs).unref();
        });
    };
    this.timer = setTimeout(tick, this.opts.pollMs).unref();
  }

  async stop(): Promise<void> {
    this.started = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.polling;
  }
}
