// Owns: USER/PASS (RFC 1939 §7) and AUTH PLAIN (RFC 5034, RFC 4616), only over TLS — before STLS
// they answer -ERR [AUTH] even from loopback, as IMAP's LOGINDISABLED does — checked by the one
// sign-in service (core/sign-in.ts: throttled per account and client address). Answers (RFC 2449,
// RFC 3206): a wrong password [AUTH] without saying why; too many failures [LOGIN-DELAY], not
// checked; a password that must be changed or whose first-change deadline passed [AUTH] with
// IMAP's text (change it in the web); the maildrop held by another POP3 session [IN-USE]. Then the
// maildrop is locked and INBOX read as it is now: the session enters TRANSACTION.
import { AUTHORIZATION, type CommandSpec } from './types.ts';
import type { CommandContext } from '../context.ts';
import { Pop3Error } from '../errors.ts';
import { parsePlain, parseSaslLine } from '../parser.ts';
import { Maildrop } from '../maildrop.ts';
import { ERRORS } from '../../core/errors.ts';

const FAILED = 'Sai tên đăng nhập hoặc mật khẩu / authentication failed';
const THROTTLED = `${ERRORS.TOO_MANY_ATTEMPTS.vi} / ${ERRORS.TOO_MANY_ATTEMPTS.en}`;
const MUST_CHANGE = `${ERRORS.PASSWORD_MUST_CHANGE.vi} / ${ERRORS.PASSWORD_MUST_CHANGE.en}`;
const EXPIRED = `${ERRORS.PASSWORD_EXPIRED.vi} / ${ERRORS.PASSWORD_EXPIRED.en}`;
const USE_TLS = 'Hãy dùng STLS (hoặc cổng TLS) trước khi đăng nhập / use STLS (or the TLS port) before signing in';
const IN_USE = 'Hộp thư đang được một phiên POP3 khác sử dụng / maildrop already locked by another POP3 session';

function requireTls(s: CommandContext): void {
  if (!s.secure) throw new Pop3Error(USE_TLS, 'AUTH');
}

async function signIn(s: CommandContext, login: string, password: string): Promise<void> {
  const r = await s.signIn.signIn({ protocol: 'pop3', remote: s.remote, login, password });
  if (!r.ok) {
    if (r.reason === 'throttled') throw new Pop3Error(THROTTLED, 'LOGIN-DELAY');
    if (r.reason === 'must-change') throw new Pop3Error(MUST_CHANGE, 'AUTH');
    if (r.reason === 'expired') throw new Pop3Error(EXPIRED, 'AUTH');
    throw new Pop3Error(FAILED, 'AUTH');
  }
  const account = r.account;
  const lock = await s.locks.take(account.id, () => s.abort());
  if (!lock) throw new Pop3Error(IN_USE, 'IN-USE');
  try {
    const inbox = await s.store.getMailbox(account.id, 'INBOX');
    if (!inbox) throw new Pop3Error('Không mở được hộp thư đến / cannot open the inbox', 'SYS/PERM');
    const maildrop = new Maildrop(inbox.id, inbox.uidvalidity, await s.store.listMessages(inbox.id));
    if (s.isClosed()) throw new Pop3Error('closed');
    s.enterTransaction(account, maildrop, lock, r.appPasswordId);
    const { count, octets } = maildrop.stat();
    s.ok(`Đăng nhập thành công, ${count} thư (${octets} byte) / logged in, maildrop has ${count} messages (${octets} octets)`);
  } catch (e) {
    await lock.release();
    throw e;
  }
}

export const user: CommandSpec<'USER', AUTHORIZATION> = {
  states: AUTHORIZATION,
  async handle(s, cmd) {
    requireTls(s);
    s.setPendingUser(cmd.user);
    s.ok('Hãy gửi mật khẩu / send PASS');
  },
};

export const pass: CommandSpec<'PASS', AUTHORIZATION> = {
  states: AUTHORIZATION,
  async handle(s, cmd) {
    requireTls(s);
    const login = s.pendingUser();
    if (login === null) throw new Pop3Error('Hãy gửi USER trước / send USER first', null, true);
    s.setPendingUser(null); // after a failure, USER again (RFC 1939 §7)
    await signIn(s, login, cmd.password);
  },
};

export const auth: CommandSpec<'AUTH', AUTHORIZATION> = {
  states: AUTHORIZATION,
  async handle(s, cmd) {
    if (cmd.mechanism === null) {
      // The mechanism list (the form fetchmail and Outlook ask for), only where it can be used.
      s.ok('Các cơ chế SASL / SASL mechanisms follow');
      s.write(Buffer.from(s.secure ? 'PLAIN\r\n.\r\n' : '.\r\n'));
      return;
    }
    if (cmd.mechanism !== 'PLAIN') throw new Pop3Error('Cơ chế không được hỗ trợ / unsupported mechanism');
    requireTls(s);
    let data: Buffer;
    if (cmd.initial !== null) {
      const r = parseSaslLine(cmd.initial);
      if (r.type !== 'data') throw new Pop3Error('Dữ liệu base64 không hợp lệ / invalid base64', null, true);
      data = r.data;
    } else {
      s.write(Buffer.from('+ \r\n'));
      const line = await s.nextLine();
      if (line === null) return;
      const r = parseSaslLine(line);
      if (r.type === 'cancel') throw new Pop3Error('Đã huỷ xác thực / authentication cancelled');
      if (r.type === 'invalid') throw new Pop3Error('Dữ liệu base64 không hợp lệ / invalid base64', null, true);
      data = r.data;
    }
    const plain = parsePlain(data);
    if (!plain) throw new Pop3Error('Phản hồi PLAIN không hợp lệ / malformed PLAIN response', null, true);
    if (plain.authz && plain.authz.toLowerCase() !== plain.user.toLowerCase()) throw new Pop3Error(FAILED, 'AUTH');
    await signIn(s, plain.user, plain.password);
  },
};

export const stls: CommandSpec<'STLS', AUTHORIZATION> = {
  states: AUTHORIZATION,
  async handle(s) {
    if (s.secure) throw new Pop3Error('Đã dùng TLS / TLS already active');
    if (!s.tlsAvailable) throw new Pop3Error('TLS không khả dụng / TLS not available');
    await s.startTls();
  },
};
