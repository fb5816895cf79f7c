// JMAP errors (RFC 8620 §3.6): request-level problems (RFC 7807 JSON, `urn:ietf:params:jmap:error:*`)
// and method-level errors (`["error", { type, description }, callId]`), each described in
// Vietnamese then English, as every text a user may see.
// Owns: the error types this server answers and their descriptions.

export type ProblemType = 'unknownCapability' | 'notJSON' | 'notRequest' | 'limit';

const PROBLEM_TEXT: Record<ProblemType, string> = {
  unknownCapability: 'Yêu cầu dùng một khả năng máy chủ không hỗ trợ / The request uses a capability this server does not support',
  notJSON: 'Nội dung yêu cầu không phải JSON hợp lệ (I-JSON, UTF-8) / The request body is not valid JSON (I-JSON, UTF-8)',
  notRequest: 'JSON không phải một đối tượng Request của JMAP / The JSON is not a JMAP Request object',
  limit: 'Yêu cầu vượt giới hạn của máy chủ / The request exceeds a server limit',
};

export interface Problem {
  type: string;
  status: number;
  detail: string;
  limit?: string;
}

export function problem(type: ProblemType, extra: { detail?: string; limit?: string; status?: number } = {}): Problem {
  return {
    type: `urn:ietf:params:jmap:error:${type}`,
    status: extra.status ?? 400,
    detail: extra.detail ? `${PROBLEM_TEXT[type]}: ${extra.detail}` : PROBLEM_TEXT[type],
    ...(extra.limit ? { limit: extra.limit } : {}),
  };
}

/** 401 and the other HTTP-level answers of the JMAP endpoints (not RFC 8620 types, same shape). */
export const HTTP_TEXT = {
  unauthenticated:
    'Cần đăng nhập (Bearer hoặc Basic qua HTTPS; khi bật xác thực hai lớp: mật khẩu ứng dụng) / Authentication required (Bearer, or Basic over HTTPS; with the second factor on: an app password)',
  mustChange: 'Cần đổi mật khẩu trước (trên web) / The password must be changed first (on the web)',
  csrf: 'Thiếu mã chống giả mạo (X-CSRF-Token) của phiên web: hãy tải lại trang / The web session’s anti-forgery token (X-CSRF-Token) is missing: reload the page',
  throttled: 'Quá nhiều lần đăng nhập sai, hãy thử lại sau / Too many failed sign-ins, try again later',
  accountNotFound: 'Không có tài khoản này / No such account',
  blobNotFound: 'Không có dữ liệu này / No such blob',
  readOnly: 'Tài khoản chỉ được đọc / The account is read-only',
  tooLarge: 'Tệp quá lớn / Upload too large',
  tooManyUploads: 'Quá nhiều tệp đang tải lên cùng lúc / Too many uploads at once',
  badPush: 'Tham số không hợp lệ: types, closeafter (no|state), ping (giây) / Invalid parameters: types, closeafter (no|state), ping (seconds)',
} as const;

export type MethodErrorType =
  | 'unknownMethod'
  | 'invalidArguments'
  | 'invalidResultReference'
  | 'accountNotFound'
  | 'accountNotSupportedByMethod'
  | 'accountReadOnly'
  | 'requestTooLarge'
  | 'cannotCalculateChanges'
  | 'stateMismatch'
  | 'anchorNotFound'
  | 'unsupportedSort'
  | 'unsupportedFilter'
  | 'forbidden'
  | 'tooManyChanges'
  | 'fromAccountNotFound'
  | 'fromAccountNotSupportedByMethod'
  | 'serverFail';

const METHOD_TEXT: Record<MethodErrorType, string> = {
  unknownMethod: 'Phương thức không được hỗ trợ / Unknown method',
  invalidArguments: 'Tham số không hợp lệ / Invalid arguments',
  invalidResultReference: 'Tham chiếu kết quả không hợp lệ / Invalid result reference',
  accountNotFound: 'Không có tài khoản này / No such account',
  accountNotSupportedByMethod: 'Tài khoản không hỗ trợ phương thức này / The account does not support this method',
  accountReadOnly: 'Tài khoản chỉ được đọc / The account is read-only',
  requestTooLarge: 'Quá nhiều đối tượng trong một lần gọi / Too many objects in one call',
  cannotCalculateChanges: 'Không tính được thay đổi từ trạng thái này, cần tải lại / Changes cannot be calculated from this state: fetch again',
  stateMismatch: 'Trạng thái không khớp / State mismatch',
  anchorNotFound: 'Không thấy mốc (anchor) trong kết quả / The anchor is not in the results',
  unsupportedSort: 'Cách sắp xếp không được hỗ trợ / Unsupported sort',
  unsupportedFilter: 'Bộ lọc không được hỗ trợ / Unsupported filter',
  forbidden: 'Không có quyền / Forbidden',
  tooManyChanges: 'Quá nhiều thay đổi (maxChanges), cần truy vấn lại / Too many changes (maxChanges): query again',
  fromAccountNotFound: 'Không có tài khoản nguồn này / No such source account',
  fromAccountNotSupportedByMethod: 'Tài khoản nguồn không hỗ trợ phương thức này / The source account does not support this method',
  serverFail: 'Lỗi máy chủ / Server failure',
};

/** A method-level error: thrown by a handler, answered as `["error", …]`. */
export class MethodError extends Error {
  constructor(
    readonly type: MethodErrorType,
    readonly detail?: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail ? `${type}: ${detail}` : type);
  }

  toJSON(): Record<string, unknown> {
    return { type: this.type, description: this.detail ? `${METHOD_TEXT[this.type]}: ${this.detail}` : METHOD_TEXT[this.type], ...this.extra };
  }
}

export type SetErrorType =
  | 'forbidden'
  | 'overQuota'
  | 'tooLarge'
  | 'notFound'
  | 'invalidPatch'
  | 'invalidProperties'
  | 'singleton'
  | 'mailboxHasChild'
  | 'mailboxHasEmail'
  | 'blobNotFound'
  | 'tooManyMailboxes'
  | 'stateMismatch'
  | 'forbiddenFrom'
  | 'forbiddenMailFrom'
  | 'forbiddenToSend'
  | 'invalidEmail'
  | 'tooManyRecipients'
  | 'noRecipients'
  | 'invalidRecipients'
  | 'cannotUnsend'
  | 'alreadyExists';

const SET_TEXT: Record<SetErrorType, string> = {
  forbidden: 'Không có quyền / Forbidden',
  overQuota: 'Vượt hạn mức hộp thư / Over quota',
  tooLarge: 'Quá lớn / Too large',
  notFound: 'Không tìm thấy / Not found',
  invalidPatch: 'Bản vá không hợp lệ / Invalid patch',
  invalidProperties: 'Thuộc tính không hợp lệ / Invalid properties',
  singleton: 'Không thể tạo hay xoá đối tượng này / This object cannot be created or destroyed',
  mailboxHasChild: 'Thư mục còn thư mục con / The mailbox has child mailboxes',
  mailboxHasEmail: 'Thư mục còn thư / The mailbox still holds messages',
  blobNotFound: 'Không có dữ liệu đã tải lên này / No such uploaded blob',
  tooManyMailboxes: 'Một thư chỉ ở một thư mục / A message is in exactly one mailbox',
  stateMismatch: 'Trạng thái không khớp / State mismatch',
  forbiddenFrom: 'Không được gửi thư với địa chỉ người gửi này / Not allowed to send from this address',
  forbiddenMailFrom: 'Không được dùng địa chỉ này làm người gửi phong bì / Not allowed to use this envelope sender',
  forbiddenToSend: 'Không được phép gửi thư này / Not allowed to send this message',
  invalidEmail: 'Thư không gửi được (thiếu trường hoặc trường sai) / The email cannot be sent (fields missing or invalid)',
  tooManyRecipients: 'Quá nhiều người nhận / Too many recipients',
  noRecipients: 'Thư không có người nhận / The message has no recipients',
  invalidRecipients: 'Có người nhận không hợp lệ / Some recipients are invalid',
  cannotUnsend: 'Thư đã gửi, không huỷ được / The message was sent and cannot be recalled',
  alreadyExists: 'Đã có / Already exists',
};

/** A SetError (RFC 8620 §5.3): one object of a /set or /import refused. */
export function setError(type: SetErrorType, detail?: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type, description: detail ? `${SET_TEXT[type]}: ${detail}` : SET_TEXT[type], ...extra };
}

/** A SetError thrown from inside one object's work. */
export class SetFailure extends Error {
  constructor(
    readonly type: SetErrorType,
    readonly detail?: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(type);
  }
  toJSON(): Record<string, unknown> {
    return setError(this.type, this.detail, this.extra);
  }
}
