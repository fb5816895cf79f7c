// App passwords: named, revocable passwords for mail clients (IMAP, POP3, SMTP, LDAP, JMAP/HTTP
// Basic), never for the web/API sign-in — the way an account with the second factor on still reads
// mail. Generated here (20 characters, about 100 bits), shown once, stored as argon2id; the first
// four characters are kept in clear as a prefix so a sign-in checks one hash, not all of them.
// The sign-in service (core/sign-in.ts) calls `match` in its password step, so throttling and the
// sign-in history apply unchanged.
// Owns: app password rules; rows through storage/repositories/second-factor.ts.
import { transactor, type Reader, type Transactor } from '../storage/tx.ts';
import * as repo from '../storage/repositories/second-factor.ts';
import { hashPassword, verifyPassword } from './accounts.ts';
import type { AuditLog } from './audit.ts';
import { ThutinError } from './errors.ts';
import { randomCode } from './second-factor.ts';
import type { SessionRegistry } from './sessions.ts';

const LENGTH = 20;
const PREFIX = 4;
const MAX_PER_ACCOUNT = 50;

export interface AppPasswordInfo {
  id: number;
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
}

/** The canonical form of something typed as an app password (groups, spaces, capitals allowed), or null. */
export function normalizeAppPassword(pw: string): string | null {
  const s = pw.toLowerCase().replace(/[\s-]/g, '');
  return /^[a-z2-9]+$/.test(s) && s.length === LENGTH ? s : null;
}

export class AppPasswordService {
  private readonly now: () => number;
  private readonly tx: Transactor;
  private readonly sessions: Pick<SessionRegistry, 'endAppPasswordIn'> | null;

  constructor(
    private readonly db: Reader,
    private readonly audit: AuditLog,
    opts: { now?: () => number; sessions?: Pick<SessionRegistry, 'endAppPasswordIn'> } = {},
  ) {
    this.sessions = opts.sessions ?? null;
    this.now = opts.now ?? Date.now;
    this.tx = transactor(db);
  }

  /** A new app password: returned this once, in groups of four. Audited (the name, never the password). */
  async add(accountId: number, username: string, name: string, actor: string, reason?: string): Promise<{ id: number; name: string; password: string; createdAt: number }> {
    const clean = name.trim().slice(0, 100);
    if (!clean) throw new ThutinError('VALIDATION_FAILED', 'name');
    const pw = randomCode(LENGTH);
    const hash = await hashPassword(pw);
    const at = this.now();
    const id = await this.tx.transaction(async (tx) => {
      if ((await repo.appPasswordsOf(tx, accountId)).length >= MAX_PER_ACCOUNT) throw new ThutinError('APP_PASSWORD_LIMIT');
      const id = await repo.insertAppPassword(tx, { accountId, name: clean, prefix: pw.slice(0, PREFIX), passwordHash: hash, at });
      await this.audit.record({ actor, action: 'account.app-password-add', target: username, details: { id, name: clean }, ...(reason ? { reason } : {}) }, tx);
      return id;
    });
    return { id, name: clean, password: pw.match(/.{4}/g)!.join('-'), createdAt: at };
  }

  async list(accountId: number): Promise<AppPasswordInfo[]> {
    return (await repo.appPasswordsOf(this.db, accountId)).map((r) => ({ id: r.id, name: r.name, createdAt: r.createdAt, lastUsedAt: r.lastUsedAt }));
  }

  /** Revoke one: it stops working at once, and every session it opened (IMAP, POP3, SMTP, LDAP, in every process) ends. Audited. */
  async revoke(accountId: number, username: string, id: number, actor: string, reason?: string): Promise<void> {
    await this.tx.transaction(async (tx) => {
      const name = await repo.deleteAppPassword(tx, accountId, id);
      if (name === null) throw new ThutinError('APP_PASSWORD_NOT_FOUND', String(id));
      await this.sessions?.endAppPasswordIn(tx, accountId, id);
      await this.audit.record({ actor, action: 'account.app-password-revoke', target: username, details: { id, name }, ...(reason ? { reason } : {}) }, tx);
    });
  }

  /** The app password of the account this password is, or null (marks it used). */
  async match(accountId: number, password: string): Promise<AppPasswordInfo | null> {
    const pw = normalizeAppPassword(password);
    if (!pw) return null;
    for (const r of await repo.appPasswordsByPrefix(this.db, accountId, pw.slice(0, PREFIX))) {
      if (await verifyPassword(r.passwordHash, pw)) {
        const at = this.now();
        await this.tx.transaction((tx) => repo.touchAppPassword(tx, r.id, at));
        return { id: r.id, name: r.name, createdAt: r.createdAt, lastUsedAt: at };
      }
    }
    return null;
  }
}
