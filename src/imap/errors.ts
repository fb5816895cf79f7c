// Owns: the error an IMAP command handler raises to answer NO or BAD with an optional response
// code. Its own module so that handlers never import the session (no session ↔ commands cycle).
export class ImapError extends Error {
  constructor(
    readonly status: 'NO' | 'BAD',
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** The usual answers, Vietnamese then English. */
export const nonexistent = (code = 'NONEXISTENT'): ImapError => new ImapError('NO', 'Không tìm thấy thư mục / mailbox does not exist', code);
export const noPermission = (): ImapError => new ImapError('NO', 'Không có quyền với thư mục được chia sẻ này / not permitted on this shared mailbox', 'NOPERM');
export const readOnlyMailbox = (): ImapError => new ImapError('NO', 'Thư mục chỉ đọc / mailbox is read-only', 'READ-ONLY');
