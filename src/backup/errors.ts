// The errors of backups, ThutinError-style: a stable code, a Vietnamese and an English text, and the
// detail (a folder, a file) apart. Kept here rather than in core/errors.ts: only the backup CLI shows them.
// Owns: the BACKUP_* codes.
export const BACKUP_ERRORS = {
  BACKUP_RUNNING: { vi: 'Một bản sao lưu đang chạy', en: 'A backup is already running' },
  BACKUP_NOT_FOUND: { vi: 'Không phải thư mục sao lưu', en: 'Not a backup folder' },
  BACKUP_SET_NOT_FOUND: { vi: 'Không có bản sao lưu này', en: 'No such backup set' },
  BACKUP_DIR_NOT_EMPTY: { vi: 'Thư mục có tệp khác, không phải bản sao lưu', en: 'The folder holds other files, not a backup' },
  BACKUP_PASSPHRASE_REQUIRED: { vi: 'Bản sao lưu được mã hoá: cần cụm mật khẩu', en: 'The backup is encrypted: a passphrase is required' },
  BACKUP_NOT_ENCRYPTED: { vi: 'Thư mục sao lưu này không mã hoá; dùng thư mục khác', en: 'This backup folder is not encrypted; use another folder' },
  BACKUP_BLOB_DAMAGED: { vi: 'Blob trong kho bị hỏng (chạy thutin store check)', en: 'A blob is damaged in the store (run thutin store check)' },
  BACKUP_BLOBS_GONE: { vi: 'Blob bị thu hồi trong lúc sao lưu, nhiều lần liền', en: 'Blobs were reclaimed during the backup, time after time' },
  BACKUP_INVALID: { vi: 'Bản sao lưu không qua kiểm tra (chạy thutin backup verify)', en: 'The backup fails its checks (run thutin backup verify)' },
  BACKUP_TARGET_NOT_EMPTY: { vi: 'Thư mục dữ liệu đích không trống', en: 'The target data directory is not empty' },
  BACKUP_TARGET_UNSUPPORTED: { vi: 'Không khôi phục được vào cơ sở dữ liệu này', en: 'Cannot restore into this database' },
} as const;

export type BackupErrorCode = keyof typeof BACKUP_ERRORS;

export class BackupError extends Error {
  readonly code: BackupErrorCode;
  readonly vi: string;
  readonly en: string;
  readonly detail: string | undefined;
  constructor(code: BackupErrorCode, detail?: string) {
    const e = BACKUP_ERRORS[code];
    super(`${e.vi} / ${e.en}${detail ? `: ${detail}` : ''}`);
    this.name = 'BackupError';
    this.code = code;
    this.vi = e.vi;
    this.en = e.en;
    this.detail = detail;
  }
}
