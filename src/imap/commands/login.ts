// Owns: LOGIN (RFC 3501 6.2.3) and AUTHENTICATE PLAIN (RFC 4616, with SASL-IR): only over TLS
// (LOGINDISABLED before it), checked by the one sign-in service (core/sign-in.ts: throttled per
// account and client address). A wrong password says nothing about why; too many failures answer
// [UNAVAILABLE]; a password that must be changed (first login, after a reset) or whose deadline
// passed answers [ALERT] with what to do (RFC 5530).
import { NOT_AUTHENTICATED, type CommandSpec } from './types.ts';
import { ImapError } from '../errors.ts';
import type { CommandContext } from '../context.ts';
import { parseSaslResponse } from '../parser/continuation.ts';
import { ERRORS } from '../../core/errors.ts';

const FAILED = 'Sai tên đăng nhập hoặc mật khẩu / authentication failed';
const THROTTLED = `${ERRORS.TOO_MANY_ATTEMPTS.vi} / ${ERRORS.TOO_MANY_ATTEMPTS.en}`;
const MUST_CHANGE = `${ERRORS.PASSWORD_MUST_CHANGE.vi} / ${ERRORS.PASSWORD_MUST_CHANGE.en}`;
const EXPIRED = `${ERRORS.PASSWORD_EXPIRED.vi} / ${ERRORS.PASSWORD_EXPIRED.en}`;
const APP_PASSWORD = `${ERRORS.APP_PASSWORD_REQUIRED.vi} / ${ERRORS.APP_PASSWORD_REQUIRED.en}`;

async function finishLogin(s: CommandContext, user: string, pass: string): Promise<string> {
  const r = await s.signIn.signIn({ protocol: 'imap', remote: s.remote, login: user, password: pass });
  if (!r.ok) {
    if (r.reason === 'throttled') throw new ImapError('NO', THROTTLED, 'UNAVAILABLE');
    if (r.reason === 'must-change') throw new ImapError('NO', MUST_CHANGE, 'ALERT');
    if (r.reason === 'expired') throw new ImapError('NO', EXPIRED, 'ALERT');
    // The second factor is on: only app passwords open mail doors (core/app-passwords.ts).
    if (r.reason === 'invalid' && r.hint === 'app-password-required') throw new ImapError('NO', APP_PASSWORD, 'ALERT');
    throw new ImapError('NO', FAILED, 'AUTHENTICATIONFAILED');
  }
  const account = r.account;
  s.login(account, r.appPasswordId);
  return `[CAPABILITY ${s.capabilities().join(' ')}] Đăng nhập thành công / logged in`;
}

export const login: CommandSpec<'LOGIN', NOT_AUTHENTICATED> = {
  states: NOT_AUTHENTICATED,
  async handle(s, cmd) {
    if (!s.secure) throw new ImapError('NO', 'Hãy dùng STARTTLS trước / use STARTTLS first', 'PRIVACYREQUIRED');
    return finishLogin(s, cmd.username, cmd.password);
  },
};

export const authenticate: CommandSpec<'AUTHENTICATE', NOT_AUTHENTICATED> = {
  states: NOT_AUTHENTICATED,
  async handle(s, cmd) {
    if (cmd.mechanism !== 'PLAIN') throw new ImapError('NO', 'Cơ chế không được hỗ trợ / unsupported mechanism', 'CANNOT');
    if (!s.secure) throw new ImapError('NO', 'Hãy dùng STARTTLS trước / use STARTTLS first', 'PRIVACYREQUIRED');
    let response = cmd.initialResponse;
    if (!response) {
      s.continuation('');
      const line = await s.nextLine();
      if (line === null) return false;
      const r = parseSaslResponse(line);
      if (r.type === 'cancel') throw new ImapError('BAD', 'Đã huỷ xác thực / authentication cancelled');
      if (r.type === 'invalid') throw new ImapError('BAD', 'Dữ liệu base64 không hợp lệ / invalid base64');
      response = r.data;
    }
    const parts = response.toString('utf8').split('\0');
    if (parts.length !== 3) throw new ImapError('BAD', 'Phản hồi PLAIN không hợp lệ / malformed PLAIN response');
    const [authz, user, pass] = parts;
    if (authz && authz.toLowerCase() !== user.toLowerCase()) throw new ImapError('NO', FAILED, 'AUTHORIZATIONFAILED');
    return finishLogin(s, user, pass);
  },
};
