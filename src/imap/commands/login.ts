// Owns: LOGIN (RFC 3501 6.2.3) and AUTHENTICATE PLAIN (RFC 4616, with SASL-IR): only over TLS
// (LOGINDISABLED before it). A failed login waits a moment and says nothing about why.
import { NOT_AUTHENTICATED, type CommandSpec } from './types.ts';
import { ImapError } from '../errors.ts';
import type { CommandContext } from '../context.ts';
import { parseSaslResponse } from '../parser/continuation.ts';

const FAILED = 'Sai tên đăng nhập hoặc mật khẩu / authentication failed';

async function finishLogin(s: CommandContext, user: string, pass: string): Promise<string> {
  const account = await s.accounts.authenticate(user, pass);
  if (!account) {
    s.log.info({ user: user.slice(0, 100) }, 'login failed');
    await new Promise((r) => setTimeout(r, 300));
    throw new ImapError('NO', FAILED, 'AUTHENTICATIONFAILED');
  }
  s.login(account);
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
