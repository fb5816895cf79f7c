// SMTP replies for humans: every refusal the front end gives, with its code, its enhanced status
// code (RFC 3463) and one line of Vietnamese and English. Also turns a reply or a stage verdict
// into the Error that smtp-server's callbacks expect (compat.ts keeps our enhanced code).
import type { Verdict } from './pipeline.ts';
import { ERRORS } from '../core/errors.ts';

export interface Reply {
  code: number;
  enhanced: string;
  text: string;
}

const r = (code: number, enhanced: string, text: string): Reply => ({ code, enhanced, text });

export const REPLIES = {
  noSuchRecipient: r(550, '5.1.1', 'Người nhận không tồn tại / No such recipient'),
  relayDenied: r(554, '5.7.1', 'Không chuyển tiếp thư cho tên miền này / Relay access denied'),
  mailboxFull: r(452, '4.2.2', `${ERRORS.OVER_QUOTA.vi} / ${ERRORS.OVER_QUOTA.en}`),
  tooBig: r(552, '5.3.4', `${ERRORS.MESSAGE_TOO_BIG.vi} / ${ERRORS.MESSAGE_TOO_BIG.en}`),
  headerTooBig: r(552, '5.3.4', 'Phần tiêu đề thư quá lớn / Message header section too large'),
  tempFailure: r(451, '4.3.0', 'Lỗi tạm thời, vui lòng thử lại sau / Temporary local error, try again later'),
  startTlsFirst: r(530, '5.7.0', 'Phải dùng lệnh STARTTLS trước / Must issue a STARTTLS command first'),
  authRequired: r(530, '5.7.0', 'Cần xác thực trước khi gửi thư / Authentication required'),
  authFailed: r(535, '5.7.8', 'Sai tên đăng nhập hoặc mật khẩu / Authentication credentials invalid'),
  authThrottled: r(454, '4.7.0', `${ERRORS.TOO_MANY_ATTEMPTS.vi} / ${ERRORS.TOO_MANY_ATTEMPTS.en}`),
  authTooManyFailures: r(421, '4.7.0', 'Quá nhiều lần đăng nhập sai, đóng kết nối / Too many failed authentication attempts, closing connection'),
  senderNotOwned: r(553, '5.7.1', 'Địa chỉ người gửi không thuộc tài khoản của bạn / Sender address not owned by the authenticated user'),
  nullSenderRefused: r(553, '5.7.1', 'Không được dùng người gửi rỗng khi gửi thư / Null sender not allowed for submission'),
  hopCount: r(554, '5.4.6', 'Thư đi qua quá nhiều máy chủ, có thể bị lặp / Hop count exceeded - possible mail loop'),
} as const;

export const AUTH_REQUIRED_TEXT = `${REPLIES.authRequired.enhanced} ${REPLIES.authRequired.text}`;

export interface SmtpReplyError extends Error {
  responseCode: number;
}

/** An Error for an smtp-server callback; the enhanced code leads the text (see compat.ts). */
export function replyError(reply: Reply, detail?: string): SmtpReplyError {
  const e = new Error(`${reply.enhanced} ${reply.text}${detail ? ` (${detail})` : ''}`) as SmtpReplyError;
  e.responseCode = reply.code;
  return e;
}

export function verdictError(v: Extract<Verdict, { kind: 'reject' | 'tempfail' }>): SmtpReplyError {
  return replyError({ code: v.code, enhanced: v.enhanced, text: v.message.replace(/[\r\n]+/g, ' ') });
}

/** The 250 after DATA: the message is durable when this is sent. */
export function acceptedText(queueId: string): string {
  return `2.0.0 Đã nhận thư / Message accepted, id ${queueId}`;
}
