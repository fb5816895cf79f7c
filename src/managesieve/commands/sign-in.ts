// Owns: AUTHENTICATE (RFC 5804 §2.1) with SASL PLAIN (RFC 4616) — an initial response, or an
// empty challenge ("") and the client's response as a string; "*" cancels — only over TLS: before
// STARTTLS it answers NO (ENCRYPT-NEEDED), loopback included. Checked by the one sign-in service
// (core/sign-in.ts, protocol 'managesieve': throttled per account and client address; a password
// that must be changed is refused with IMAP's text). STARTTLS (§2.2) and UNAUTHENTICATE (§2.14).
import { AUTHENTICATED, UNAUTHENTICATED, type CommandSpec } from './types.ts';
import type { CommandContext } from '../context.ts';
import { SieveNo } from '../errors.ts';
import { decodeBase64, parsePlain, parseSaslResponse, type SaslResponse } from '../parser.ts';
import { ERRORS } from '../../core/errors.ts';

const FAILED = 'Sai tên đăng nhập hoặc mật khẩu / authentication failed';
const THROTTLED = `${ERRORS.TOO_MANY_ATTEMPTS.vi} / ${ERRORS.TOO_MANY_ATTEMPTS.en}`;
const MUST_CHANGE = `${ERRORS.PASSWORD_MUST_CHANGE.vi} / ${ERRORS.PASSWORD_MUST_CHANGE.en}`;
const EXPIRED = `${ERRORS.PASSWORD_EXPIRED.vi} / ${ERRORS.PASSWORD_EXPIRED.en}`;
const USE_TLS = 'Hãy dùng STARTTLS trước khi đăng nhập / use STARTTLS before signing in';
const BAD_BASE64 = 'Dữ liệu base64 không hợp lệ / invalid base64';

async function signIn(s: CommandContext, login: string, password: string): Promise<void> {
  const r = await s.signIn.signIn({ protocol: 'managesieve', remote: s.remote, login, password });
  if (!r.ok) {
    if (r.reason === 'throttled') throw new SieveNo(THROTTLED, 'TRYLATER');
    if (r.reason === 'must-change') throw new SieveNo(MUST_CHANGE);
    if (r.reason === 'expired') throw new SieveNo(EXPIRED);
    throw new SieveNo(FAILED);
  }
  if (s.isClosed()) return;
  s.signedIn(r.account, r.appPasswordId);
  s.ok('Đăng nhập thành công / logged in');
}

export const authenticate: CommandSpec<'AUTHENTICATE', UNAUTHENTICATED> = {
  states: UNAUTHENTICATED,
  async handle(s, cmd) {
    if (cmd.mechanism !== 'PLAIN') throw new SieveNo('Cơ chế không được hỗ trợ / unsupported mechanism');
    if (!s.secure) throw new SieveNo(USE_TLS, 'ENCRYPT-NEEDED');
    let r: SaslResponse;
    if (cmd.initial !== null) r = decodeBase64(cmd.initial);
    else {
      s.write('""\r\n'); // PLAIN's empty challenge
      const tokens = await s.nextTokens();
      if (tokens === null) return;
      r = parseSaslResponse(tokens);
    }
    if (r.type === 'cancel') throw new SieveNo('Đã huỷ xác thực / authentication cancelled');
    if (r.type === 'invalid') throw new SieveNo(BAD_BASE64, null, true);
    const plain = parsePlain(r.data);
    if (!plain) throw new SieveNo('Phản hồi PLAIN không hợp lệ / malformed PLAIN response', null, true);
    if (plain.authz && plain.authz.toLowerCase() !== plain.user.toLowerCase()) throw new SieveNo(FAILED);
    await signIn(s, plain.user, plain.password);
  },
};

export const starttls: CommandSpec<'STARTTLS', UNAUTHENTICATED> = {
  states: UNAUTHENTICATED,
  async handle(s) {
    if (s.secure) throw new SieveNo('Đã dùng TLS / TLS already active');
    if (!s.tlsAvailable) throw new SieveNo('TLS không khả dụng / TLS not available');
    await s.startTls();
  },
};

export const unauthenticate: CommandSpec<'UNAUTHENTICATE', AUTHENTICATED> = {
  states: AUTHENTICATED,
  async handle(s) {
    s.unauthenticate();
    s.ok('Đã đăng xuất, có thể đăng nhập lại / signed out, you may sign in again');
  },
};
