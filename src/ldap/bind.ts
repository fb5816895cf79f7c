// Simple bind (RFC 4513 5.1): the name is a mail address, its local part in the primary domain,
// or a DN whose leaf is uid=<local part> or mail=<address>; the password is the mail password,
// checked by the one sign-in service (core/sign-in.ts: throttled per account and client address like
// every door, a forced password change refuses the bind). Anonymous bind succeeds but authorises
// nothing; an unauthenticated bind (name without password) and binds over clear text are refused.
// Refused binds are not logged one by one (the sign-in service aggregates throttled ones).
import type { Logger } from 'pino';
import { ERRORS, type ErrorCode } from '../core/errors.ts';
import type { SignInService } from '../core/sign-in.ts';
import type { DirectoryTree } from './directory-tree.ts';
import { DnSyntaxError, leafValue, parseDn } from './dn.ts';
import { ResultCode } from './protocol/constants.ts';
import type { BindRequest } from './protocol/requests.ts';
import type { LdapResult } from './protocol/responses.ts';

export interface BoundUser {
  accountId: number;
  address: string;
  dn: string;
  /** When the bind was checked, and the app password it used (null: the account password): what a session end concerns. */
  signedInAt: number;
  appPasswordId: number | null;
}

export interface BindOutcome {
  result: LdapResult;
  /** Set on a successful authenticated bind; null after an anonymous one. */
  user: BoundUser | null;
}

export function diagnostic(code: ErrorCode): string {
  return `${ERRORS[code].vi} / ${ERRORS[code].en}`;
}

/** The login (address or local part) a bind name stands for, or null. */
export function loginOfBindName(name: string, tree: DirectoryTree): string | null {
  const n = name.trim();
  if (!n.includes('=')) return n || null;
  let rdns;
  try {
    rdns = parseDn(n);
  } catch (e) {
    if (e instanceof DnSyntaxError) return null;
    throw e;
  }
  const uid = leafValue(rdns, 'uid');
  if (uid !== null) return tree.addressOfUid(uid);
  return leafValue(rdns, 'mail');
}

export class BindHandler {
  constructor(
    private readonly signIn: Pick<SignInService, 'signIn'>,
    private readonly tree: DirectoryTree,
    private readonly log: Logger,
  ) {}

  async bind(req: BindRequest, ctx: { remote: string; secure: boolean }): Promise<BindOutcome> {
    const fail = (code: number, message: string): BindOutcome => ({ result: { code, message }, user: null });
    if (req.version !== 3) return fail(ResultCode.protocolError, 'Chỉ hỗ trợ LDAPv3 / only LDAPv3 is supported');
    if (req.auth.kind === 'sasl') return fail(ResultCode.authMethodNotSupported, 'Chỉ hỗ trợ simple bind / only simple bind is supported');
    const { password } = req.auth;
    if (req.name === '' && password === '') return { result: { code: ResultCode.success }, user: null }; // anonymous
    if (password === '') return fail(ResultCode.unwillingToPerform, 'Cần mật khẩu / a password is required (unauthenticated bind refused)');
    if (!ctx.secure) return fail(ResultCode.confidentialityRequired, diagnostic('LDAP_TLS_REQUIRED'));
    const login = loginOfBindName(req.name, this.tree) ?? req.name.slice(0, 320);
    const r = await this.signIn.signIn({ protocol: 'ldap', remote: ctx.remote, login, password });
    if (!r.ok) {
      if (r.reason === 'throttled') return fail(ResultCode.invalidCredentials, diagnostic('LDAP_TOO_MANY_ATTEMPTS'));
      // RFC 4513 5.1.1 gives no code of its own; invalidCredentials with the reason, like a locked account.
      if (r.reason === 'must-change') return fail(ResultCode.invalidCredentials, diagnostic('PASSWORD_MUST_CHANGE'));
      if (r.reason === 'expired') return fail(ResultCode.invalidCredentials, diagnostic('PASSWORD_EXPIRED'));
      if (r.reason === 'invalid' && r.hint === 'app-password-required') return fail(ResultCode.invalidCredentials, diagnostic('APP_PASSWORD_REQUIRED'));
      this.log.debug({ remote: ctx.remote }, 'ldap bind failed');
      return fail(ResultCode.invalidCredentials, diagnostic('LDAP_INVALID_CREDENTIALS'));
    }
    const account = r.account;
    return {
      result: { code: ResultCode.success },
      user: { accountId: account.id, address: account.username, dn: this.tree.personDn(account.username), signedInAt: r.startedAt, appPasswordId: r.appPasswordId },
    };
  }
}
