// One POP3 session per maildrop (RFC 1939 §8: the server should lock the maildrop; RFC 2449
// [IN-USE] when it cannot). The lock is a database row (storage/repositories/maildrop-locks.ts), so
// it holds across processes; it lapses `ttlMs` after its last renewal, so a crashed process's
// locks free themselves. A held lock is renewed every third of `ttlMs` while its session lives, and
// released at QUIT or when the connection closes. A renewal that finds the lock gone (another
// process took it over after a stall past the lapse) tells the holder, which ends its session.
// Owns: taking, renewing and releasing maildrop locks, and the holder names (host, pid, counter).
import os from 'node:os';
import crypto from 'node:crypto';
import type { Logger } from 'pino';
import type { Reader } from '../storage/tx.ts';
import * as repo from '../storage/repositories/maildrop-locks.ts';

export interface MaildropLockOptions {
  /** A lock not renewed for this long lapses (a crashed process's). */
  ttlMs: number;
  now?: () => number;
  log?: Logger;
}

export interface MaildropLock {
  readonly accountId: number;
  readonly holder: string;
  /** Push the lapse time; false when the lock was lost. */
  renew(): Promise<boolean>;
  /** Let go (idempotent); stops the renewals. */
  release(): Promise<void>;
}

const PROCESS = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;
let counter = 0;

export class MaildropLocks {
  private readonly now: () => number;

  constructor(
    private readonly db: Reader,
    private readonly opts: MaildropLockOptions,
  ) {
    this.now = opts.now ?? Date.now;
  }

  /**
   * Take the account's maildrop lock, or null when another session holds it. With `onLost`, the lock
   * is renewed on a timer until released, and `onLost` is called if a renewal finds it gone.
   */
  async take(accountId: number, onLost?: () => void): Promise<MaildropLock | null> {
    const holder = `${PROCESS}:${++counter}`;
    const now = this.now();
    if (!(await repo.tryTake(this.db, accountId, holder, now, now + this.opts.ttlMs))) return null;
    let released = false;
    let timer: NodeJS.Timeout | null = null;
    const lock: MaildropLock = {
      accountId,
      holder,
      renew: async () => !released && repo.renew(this.db, accountId, holder, this.now() + this.opts.ttlMs),
      release: async () => {
        if (released) return;
        released = true;
        if (timer) clearInterval(timer);
        timer = null;
        await repo.release(this.db, accountId, holder);
      },
    };
    if (onLost) {
      timer = setInterval(
        () => {
          lock
            .renew()
            .then((held) => {
              if (!held && !released) {
                this.opts.log?.warn({ accountId }, 'maildrop lock lost');
                onLost();
              }
            })
            .catch((e: unknown) => this.opts.log?.warn({ err: e, accountId }, 'maildrop lock renewal failed'));
        },
        Math.max(1000, Math.floor(this.opts.ttlMs / 3)),
      ).unref();
    }
    return lock;
  }

  /** Who holds an account's lock now (tests, diagnostics): null when free or lapsed. */
  async holder(accountId: number): Promise<string | null> {
    const h = await repo.holderOf(this.db, accountId);
    return h && h.expiresAt >= this.now() ? h.holder : null;
  }
}
