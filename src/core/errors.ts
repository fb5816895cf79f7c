// The error catalogue: every error the domain core raises has a stable code, a Vietnamese
// message and an English one. Front ends map codes to protocol replies (SMTP, IMAP, HTTP).
export const ERRORS = {
  ACCOUNT_EXISTS: { vi: 'Địa chỉ đã tồn tại', en: 'Address already exists' },
  ACCOUNT_NOT_FOUND: { vi: 'Không tìm thấy tài khoản', en: 'Account not found' },
  ADDRESS_INVALID: { vi: 'Địa chỉ thư không hợp lệ', en: 'Invalid mail address' },
  DOMAIN_NOT_LOCAL: { vi: 'Tên miền không thuộc hệ thống', en: 'Domain is not served here' },
  PASSWORD_WEAK: {
    vi: 'Mật khẩu phải có ít nhất 8 ký tự và 3 trong 4 loại: chữ thường, chữ hoa, chữ số, ký tự đặc biệt',
    en: 'Password needs at least 8 characters and 3 of 4 classes: lower case, upper case, digits, symbols',
  },
  MAILBOX_EXISTS: { vi: 'Thư mục đã tồn tại', en: 'Mailbox already exists' },
  MAILBOX_NOT_FOUND: { vi: 'Không tìm thấy thư mục', en: 'Mailbox does not exist' },
  MAILBOX_PROTECTED: { vi: 'Không thể xoá hoặc đổi tên thư mục này', en: 'This mailbox cannot be deleted or renamed' },
  MAILBOX_NAME_INVALID: { vi: 'Tên thư mục không hợp lệ', en: 'Invalid mailbox name' },
  OVER_QUOTA: { vi: 'Hộp thư đã đầy', en: 'Mailbox is over quota' },
  MESSAGE_TOO_BIG: { vi: 'Thư vượt quá kích thước cho phép', en: 'Message exceeds the size limit' },
  QUEUE_NOT_FOUND: { vi: 'Không tìm thấy thư trong hàng đợi', en: 'No such message in the outbound queue' },
  SPAM_ENTRY_INVALID: { vi: 'Mục danh sách thư rác phải là một địa chỉ thư hoặc một tên miền', en: 'A spam list entry must be a mail address or a domain' },
  SPAM_ENTRY_NOT_FOUND: { vi: 'Không có mục này trong danh sách thư rác', en: 'No such spam list entry' },
  QUARANTINE_NOT_FOUND: { vi: 'Không tìm thấy thư trong khu cách ly', en: 'No such message in the quarantine' },
  // Forwarding and sending limits (src/core/forwarding.ts, send-limits.ts; issue 12)
  FORWARD_FREE_MAIL: {
    vi: 'Không được chuyển tiếp thư công vụ tới hộp thư miễn phí (Điều 9): hãy dùng địa chỉ thư công vụ',
    en: 'Official mail may not be forwarded to a free-mail service (Article 9): use an official address',
  },
  FORWARD_INVALID: { vi: 'Địa chỉ chuyển tiếp không hợp lệ', en: 'Invalid forward address' },
  FORWARD_SELF: { vi: 'Không thể chuyển tiếp thư về chính hộp thư này', en: 'A mailbox cannot forward to itself' },
  FORWARD_NOT_FOUND: { vi: 'Hộp thư này không chuyển tiếp thư', en: 'This mailbox forwards nothing' },
  SEND_HOLD_NOT_FOUND: { vi: 'Tài khoản này không bị tạm giữ thư gửi đi', en: 'This account is not held for sending' },
  // Backups (src/backup/; issue 14)
  BACKUP_RUNNING: { vi: 'Một bản sao lưu đang chạy', en: 'A backup is already running' },
  BACKUP_NOT_FOUND: { vi: 'Không phải thư mục sao lưu', en: 'Not a backup folder' },
  BACKUP_SET_NOT_FOUND: { vi: 'Không có bản sao lưu này', en: 'No such backup set' },
  BACKUP_DIR_NOT_EMPTY: { vi: 'Thư mục có tệp khác, không phải bản sao lưu', en: 'The folder holds other files, not a backup' },
  BACKUP_PASSPHRASE_REQUIRED: { vi: 'Bản sao lưu được mã hoá: cần cụm mật khẩu', en: 'The backup is encrypted: a passphrase is required' },
  BACKUP_NOT_ENCRYPTED: { vi: 'Thư mục sao lưu này không mã hoá; dùng thư mục khác', en: 'This backup folder is not encrypted; use another folder' },
  BACKUP_BLOB_DAMAGED: { vi: 'Blob trong kho bị hỏng (chạy thutin store check)', en: 'A blob is damaged in the store (run thutin store check)' },
  BACKUP_BLOBS_GONE: { vi: 'Blob bị thu hồi trong lúc sao lưu, nhiều lần liền', en: 'Blobs were reclaimed during the backup, time after time' },
  BACKUP_INVALID: { vi: 'Bản sao lưu không qua kiểm tra (chạy thutin backup verify)', en: 'The backup fails its checks (run thutin backup verify)' },
  // Export and import of a mailbox (src/transfer/; issue 14)
  TRANSFER_INVALID: { vi: 'Tệp nhập không đúng định dạng (mbox, Maildir hoặc zip của .eml)', en: 'The file to import is not in its format (mbox, Maildir or zip of .eml)' },
  BACKUP_TARGET_NOT_EMPTY: { vi: 'Thư mục dữ liệu đích không trống', en: 'The target data directory is not empty' },
  BACKUP_TARGET_UNSUPPORTED: { vi: 'Không khôi phục được vào cơ sở dữ liệu này', en: 'Cannot restore into this database' },
  BACKUP_KEY_INVALID: {
    vi: 'Khoá không dùng được (cần khoá công khai / bí mật X25519 hoặc RSA từ 2048 bit, dạng PEM)',
    en: 'Unusable key (an X25519 or RSA ≥ 2048-bit public / private key in PEM is needed)',
  },
  BACKUP_KEY_REQUIRED: {
    vi: 'Bản sao lưu được mã hoá bằng khoá công khai: cần khoá (--recipient-key khi tạo, --private-key khi khôi phục)',
    en: 'The backup is encrypted to a public key: a key is needed (--recipient-key to create, --private-key to restore)',
  },
  BACKUP_WRONG_KEY: { vi: 'Khoá không mở được bản sao lưu này', en: 'This key does not open this backup' },
  // Sieve scripts (src/core/sieve-scripts.ts; issue 13)
  SIEVE_INVALID: { vi: 'Kịch bản Sieve có lỗi', en: 'The Sieve script has an error' },
  SIEVE_NOT_FOUND: { vi: 'Không có kịch bản Sieve này', en: 'No such Sieve script' },
  SIEVE_EXISTS: { vi: 'Đã có kịch bản Sieve tên này', en: 'A Sieve script of this name exists' },
  SIEVE_ACTIVE: { vi: 'Không xoá được kịch bản đang dùng: hãy tắt nó trước', en: 'The active script cannot be deleted: deactivate it first' },
  SIEVE_NAME_INVALID: { vi: 'Tên kịch bản Sieve không hợp lệ (1–128 ký tự, không có ký tự điều khiển hay "/")', en: 'Invalid Sieve script name (1–128 characters, no control characters or "/")' },
  SIEVE_QUOTA_MAXSCRIPTS: { vi: 'Đã đủ số kịch bản Sieve cho phép', en: 'Too many Sieve scripts' },
  SIEVE_QUOTA_MAXSIZE: { vi: 'Kịch bản Sieve quá lớn', en: 'The Sieve script is too large' },
  // Delegations and distribution lists (src/core/delegations.ts, src/directory/lists.ts)
  RIGHTS_INVALID: { vi: 'Quyền không hợp lệ (read, send-as, send-on-behalf, manage)', en: 'Invalid right (read, send-as, send-on-behalf, manage)' },
  DELEGATION_SELF: { vi: 'Không thể uỷ quyền hộp thư cho chính chủ hộp thư', en: 'A mailbox cannot be delegated to its owner' },
  DELEGATION_NOT_FOUND: { vi: 'Không có uỷ quyền này', en: 'No such delegation' },
  SENDER_NOT_ALLOWED: { vi: 'Không được phép gửi thư với địa chỉ người gửi này', en: 'Not allowed to send from this address' },
  IDENTITY_INVALID: { vi: 'Danh tính gửi thư không hợp lệ (tên tối đa 200 ký tự, chữ ký tối đa 20.000 ký tự)', en: 'Invalid sending identity (name up to 200 characters, signature up to 20,000)' },
  LIST_EXISTS: { vi: 'Địa chỉ đã được dùng', en: 'Address already in use' },
  LIST_NOT_FOUND: { vi: 'Không tìm thấy danh sách thư', en: 'Distribution list not found' },
  LIST_INVALID: { vi: 'Danh sách thư không hợp lệ', en: 'Invalid distribution list' },
  LIST_POST_REFUSED: { vi: 'Không được phép gửi thư tới danh sách này', en: 'Not allowed to post to this list' },
  LIST_LOOP: { vi: 'Thư đã đi qua danh sách này (vòng lặp)', en: 'Message already went through this list (loop)' },
  // DKIM keys (src/mailauth/keys.ts)
  DKIM_KEY_EXISTS: { vi: 'Khoá DKIM với selector này đã có', en: 'A DKIM key with this selector already exists' },
  DKIM_KEY_NOT_FOUND: { vi: 'Không tìm thấy khoá DKIM', en: 'DKIM key not found' },
  DKIM_KEY_ACTIVE: { vi: 'Khoá DKIM đang dùng để ký, hãy kích hoạt khoá khác trước', en: 'This DKIM key is signing mail; activate another key first' },
  DKIM_SELECTOR_INVALID: { vi: 'Selector DKIM không hợp lệ (chữ, số, - và _)', en: 'Invalid DKIM selector (letters, digits, - and _)' },
  // Roles, API tokens and the admin HTTP API (src/core/roles.ts, tokens.ts, src/http/)
  UNAUTHENTICATED: { vi: 'Cần đăng nhập', en: 'Authentication required' },
  LOGIN_FAILED: { vi: 'Sai tên đăng nhập hoặc mật khẩu', en: 'Wrong user name or password' },
  TOO_MANY_ATTEMPTS: { vi: 'Quá nhiều lần đăng nhập sai, hãy thử lại sau', en: 'Too many failed logins, try again later' },
  FORBIDDEN: { vi: 'Không có quyền thực hiện thao tác này', en: 'Not allowed to do this' },
  PASSWORD_CHANGE_REQUIRED: { vi: 'Phải đổi mật khẩu trước khi tiếp tục', en: 'The password must be changed first' },
  // The webmail's cookie session (src/http/web-session.ts): a state-changing request without the session's X-CSRF-Token
  CSRF_INVALID: { vi: 'Yêu cầu không mang mã chống giả mạo (CSRF) của phiên: hãy tải lại trang', en: 'The request lacks the session’s anti-forgery (CSRF) token: reload the page' },
  // The second factor and app passwords (src/core/second-factor.ts, app-passwords.ts)
  SECOND_FACTOR_REQUIRED: { vi: 'Cần mã xác thực hai lớp (6 chữ số từ ứng dụng, hoặc một mã khôi phục)', en: 'A second-factor code is required (6 digits from the app, or a recovery code)' },
  SECOND_FACTOR_INVALID: { vi: 'Mã xác thực hai lớp không đúng', en: 'Wrong second-factor code' },
  SECOND_FACTOR_ENROLMENT_REQUIRED: {
    vi: 'Quản trị viên phải bật xác thực hai lớp (POST /api/v1/me/2fa/enrol) trước khi tiếp tục',
    en: 'Administrators must turn on the second factor (POST /api/v1/me/2fa/enrol) first',
  },
  SECOND_FACTOR_ALREADY_ON: { vi: 'Xác thực hai lớp đã được bật', en: 'The second factor is already on' },
  SECOND_FACTOR_NOT_ENROLLING: { vi: 'Chưa bắt đầu đăng ký xác thực hai lớp', en: 'No second-factor enrolment in progress' },
  SECOND_FACTOR_OFF: { vi: 'Xác thực hai lớp chưa được bật', en: 'The second factor is not on' },
  APP_PASSWORD_REQUIRED: {
    vi: 'Tài khoản đã bật xác thực hai lớp: chương trình thư phải dùng mật khẩu ứng dụng (tạo trên trang web, POST /api/v1/me/app-passwords), không dùng mật khẩu tài khoản',
    en: 'The second factor is on: mail clients need an app password (create one on the web, POST /api/v1/me/app-passwords), not the account password',
  },
  APP_PASSWORD_NOT_FOUND: { vi: 'Không tìm thấy mật khẩu ứng dụng', en: 'App password not found' },
  APP_PASSWORD_LIMIT: { vi: 'Đã đạt số mật khẩu ứng dụng tối đa', en: 'Too many app passwords' },
  VALIDATION_FAILED: { vi: 'Dữ liệu gửi lên không hợp lệ', en: 'Invalid request data' },
  NOT_FOUND: { vi: 'Không tìm thấy', en: 'Not found' },
  ROLE_INVALID: { vi: 'Vai trò không hợp lệ', en: 'Invalid role' },
  ROLE_SCOPE_INVALID: {
    vi: 'Phạm vi vai trò không hợp lệ (trưởng/văn thư cơ quan cần đơn vị; quản trị, quản lý danh bạ, kiểm toán là toàn tỉnh)',
    en: 'Invalid role scope (agency head/clerk need a unit; sysadmin, directory manager and auditor are province-wide)',
  },
  ROLE_NOT_FOUND: { vi: 'Không có phân quyền này', en: 'No such role assignment' },
  CURRENT_PASSWORD_WRONG: { vi: 'Mật khẩu hiện tại không đúng', en: 'The current password is wrong' },
  PASSWORD_UNCHANGED: { vi: 'Mật khẩu mới phải khác mật khẩu cũ', en: 'The new password must differ from the old one' },
  // The directory core (src/directory/service.ts, naming, csv) and the audit chain (src/core/audit.ts)
  UNIT_NOT_FOUND: { vi: 'Không tìm thấy đơn vị', en: 'Unit not found' },
  UNIT_EXISTS: { vi: 'Mã đơn vị đã tồn tại', en: 'Unit code already exists' },
  UNIT_INVALID: { vi: 'Thông tin đơn vị không hợp lệ', en: 'Invalid unit data' },
  UNIT_CYCLE: { vi: 'Đơn vị không thể trực thuộc chính nó hoặc đơn vị cấp dưới', en: 'A unit cannot be placed under itself or its own sub-unit' },
  PERSON_NOT_FOUND: { vi: 'Không tìm thấy cán bộ', en: 'Person not found' },
  PERSON_INVALID: { vi: 'Thông tin cán bộ không hợp lệ', en: 'Invalid person data' },
  NAME_INVALID: { vi: 'Họ tên không hợp lệ (cần ít nhất họ và tên)', en: 'Invalid name (family and given name needed)' },
  ADDRESS_RESERVED: { vi: 'Tên hộp thư này được dành riêng cho hệ thống', en: 'This mailbox name is reserved' },
  RETENTION_NOT_PASSED: { vi: 'Chưa hết thời hạn lưu giữ hộp thư của người đã nghỉ', en: "The retention period of a leaver's mailbox has not passed" },
  PURGE_NOT_LEFT: { vi: 'Chỉ xoá hẳn hộp thư của người đã nghỉ việc', en: 'Only the mailbox of a person who has left can be purged' },
  // Retention policies, legal hold, journal archive (src/core/retention-policies.ts, legal-hold.ts, journal.ts; issue 14)
  RETENTION_LEGAL_HOLD: {
    vi: 'Hộp thư đang bị phong toả pháp lý (legal hold): chưa được xoá hẳn cho đến khi kiểm toán viên gỡ phong toả',
    en: 'The mailbox is under legal hold: it cannot be removed until an auditor releases the hold',
  },
  HOLD_NOT_FOUND: { vi: 'Không có lệnh phong toả pháp lý này (hoặc đã gỡ)', en: 'No such legal hold in force' },
  HOLD_EXISTS: { vi: 'Đối tượng này đã bị phong toả pháp lý', en: 'This is already under legal hold' },
  POLICY_NOT_FOUND: { vi: 'Không có chính sách lưu giữ này', en: 'No such retention policy' },
  POLICY_INVALID: {
    vi: 'Chính sách lưu giữ không hợp lệ (giữ N năm: keep-years; xoá sau N ngày trong Thùng rác hoặc Thư rác: delete-after-days)',
    en: 'Invalid retention policy (keep-years N; delete-after-days N, for Trash or Junk)',
  },
  JOURNAL_REASON_REQUIRED: { vi: 'Phải ghi lý do tra cứu hoặc xuất lưu trữ nhật ký thư (R10.1)', en: 'A reason is required to search or export the journal archive (R10.1)' },
  CSV_INVALID: { vi: 'Tệp CSV không hợp lệ', en: 'Invalid CSV file' },
  REASON_REQUIRED: { vi: 'Thiếu số/ký hiệu văn bản cho phép thay đổi (--reason)', en: 'The reference of the authorising document is required (--reason)' },
  PERSON_LIKELY_EXISTS: {
    vi: 'Có thể trùng với cán bộ đã có (cùng họ tên trong đơn vị, hoặc cùng số điện thoại); xác nhận để vẫn thêm',
    en: 'Likely a duplicate of an existing person (same name in the unit, or same phone number); confirm to add anyway',
  },
  UNIT_HEAD_OUTSIDE: { vi: 'Thủ trưởng phải là cán bộ của đơn vị hoặc đơn vị cấp dưới', en: "A unit's head must be a person of that unit or one of its sub-units" },
  CSV_NAME_MISMATCH: {
    vi: 'Địa chỉ thuộc cán bộ khác tên; ghi cột thao_tac = cập nhật nếu đúng là cập nhật',
    en: 'The address belongs to a person with another name; set the column action = update if this is an update',
  },
  DELEGATION_OWNER_INACTIVE: {
    vi: 'Hộp thư đang bị khoá (không phải hộp thư lưu giữ của người đã nghỉ): uỷ quyền không có tác dụng',
    en: 'The mailbox is disabled (not a retained leaver mailbox): a delegation would have no effect',
  },
  LIST_MEMBER_LEFT: { vi: 'Cán bộ đã nghỉ việc, không thêm vào danh sách thư', en: 'The person has left; not added to the list' },
  AUDIT_CHAIN_BROKEN: { vi: 'Nhật ký kiểm toán đã bị sửa đổi', en: 'The audit log has been tampered with' },
  // The demo province (src/demo/)
  DEMO_NOT_EMPTY: {
    vi: 'Danh bạ đã có đơn vị: không nạp tỉnh mẫu (dùng --force để vẫn nạp)',
    en: 'The directory already has units: the demo province was not loaded (use --force to load it anyway)',
  },
  // The LDAP address book (src/ldap/)
  LDAP_READ_ONLY: { vi: 'Danh bạ chỉ cho phép đọc', en: 'The address book is read-only' },
  LDAP_BIND_REQUIRED: { vi: 'Cần đăng nhập bằng tài khoản thư trước khi tra cứu danh bạ', en: 'Bind with a mail account before searching the address book' },
  LDAP_TLS_REQUIRED: { vi: 'Cần kết nối mã hoá (StartTLS hoặc LDAPS) trước khi đăng nhập', en: 'Use StartTLS or LDAPS before binding' },
  LDAP_INVALID_CREDENTIALS: { vi: 'Sai tên đăng nhập hoặc mật khẩu', en: 'Invalid credentials' },
  LDAP_TOO_MANY_ATTEMPTS: { vi: 'Quá nhiều lần đăng nhập sai, hãy thử lại sau', en: 'Too many failed binds, try again later' },
  // The sign-in of every door (src/core/sign-in.ts)
  PASSWORD_EXPIRED: {
    vi: 'Mật khẩu tạm thời đã quá hạn đổi: tài khoản bị khoá, hãy liên hệ quản trị viên để đặt lại mật khẩu',
    en: 'The temporary password was not changed in time: the account is locked, ask an administrator to reset it',
  },
  PASSWORD_MUST_CHANGE: {
    vi: 'Phải đổi mật khẩu trên trang web thư trước khi dùng chương trình thư',
    en: 'Change your password on the web sign-in before using a mail client',
  },
  // Incident tickets (src/core/tickets.ts)
  TICKET_NOT_FOUND: { vi: 'Không tìm thấy báo cáo sự cố', en: 'Ticket not found' },
  TICKET_STATE_CONFLICT: { vi: 'Báo cáo đang ở trạng thái không cho phép thao tác này', en: 'The ticket is not in a state that allows this' },
  TICKET_ASSIGNEE_INVALID: { vi: 'Người được giao phải là quản trị viên xử lý sự cố (vai trò sysadmin)', en: 'The assignee must be an administrator who works tickets (role sysadmin)' },
  TICKET_CATEGORY_INVALID: { vi: 'Loại báo cáo không hợp lệ (spam, virus, fault, other)', en: 'Invalid ticket category (spam, virus, fault, other)' },
  TICKET_MESSAGE_NOT_FOUND: { vi: 'Không tìm thấy thư được báo cáo trong hộp thư của bạn', en: 'The reported message is not in your mailbox' },
  TICKET_MESSAGE_RELEASED: { vi: 'Báo cáo không giữ thư nào (hoặc đã đóng và thư đã được giải phóng)', en: 'The ticket holds no message (or it closed and the message was released)' },
  // The unit mailbox as a shared work queue (src/core/work-queue.ts, issue 10)
  WORK_QUEUE_NOT_UNIT_MAILBOX: { vi: 'Hộp thư này không phải hộp thư của một đơn vị', en: 'This mailbox is not a unit mailbox' },
  WORK_QUEUE_ASSIGNEE_INVALID: {
    vi: 'Người được giao phải là thủ trưởng hoặc người được uỷ quyền đọc hộp thư đơn vị',
    en: "The assignee must be the unit's head or a delegate who reads the unit mailbox",
  },
  WORK_ITEM_NOT_FOUND: { vi: 'Không tìm thấy thư này trong hộp thư đơn vị', en: 'No such message in the unit mailbox' },
  WORK_QUEUE_NOTE_TOO_LONG: { vi: 'Ghi chú nội bộ quá dài (tối đa 1000 ký tự)', en: 'The internal note is too long (1000 characters at most)' },
  // Requests of the decision's processes (src/requests/, issue 11)
  REQUEST_NOT_FOUND: { vi: 'Không tìm thấy yêu cầu', en: 'Request not found' },
  REQUEST_INVALID: { vi: 'Nội dung yêu cầu không hợp lệ', en: 'Invalid request' },
  REQUEST_STATE_CONFLICT: { vi: 'Yêu cầu đang ở trạng thái không cho phép thao tác này', en: 'The request is not in a state that allows this' },
  REQUEST_NOT_ALLOWED: { vi: 'Bạn không được thực hiện thao tác này trên yêu cầu', en: 'You may not do this to the request' },
  REQUEST_OUT_OF_SCOPE: { vi: 'Yêu cầu liên quan đến đơn vị ngoài phạm vi quản lý của bạn', en: 'The request concerns a unit outside your scope' },
  REQUEST_DOCUMENT_REQUIRED: {
    vi: 'Thiếu văn bản làm căn cứ (số/ký hiệu, ngày ký, người ký): yêu cầu loại này phải kèm quyết định của cấp có thẩm quyền',
    en: 'The official document (number, date, signer) is missing: this kind of request must carry the decision behind it',
  },
  REQUEST_REJECT_REASON_REQUIRED: { vi: 'Phải ghi rõ lý do từ chối', en: 'A reason for the rejection is required' },
  REQUEST_BATCH_INVALID: { vi: 'Tệp yêu cầu theo lô có dòng không hợp lệ, chưa yêu cầu nào được gửi', en: 'The batch has invalid rows; nothing was filed' },
  REQUEST_CREDENTIAL_INVALID: { vi: 'Mã nhận mật khẩu không đúng, đã dùng hoặc đã hết hạn', en: 'The credential code is wrong, already used or expired' },
  REQUEST_NO_CREDENTIAL: { vi: 'Yêu cầu này không cấp mật khẩu, hoặc chưa được thực hiện', en: 'This request gives no credential, or has not been executed yet' },
  REQUEST_UNIT_HAS_PEOPLE: { vi: 'Đơn vị còn cán bộ đang công tác: hãy điều chuyển họ trước khi giải thể', en: 'The unit still has active people: move them before dissolving it' },
  REQUEST_DOCUMENT_TOO_BIG: { vi: 'Tệp văn bản quét quá lớn', en: 'The scanned document is too large' },
  HANDOVER_RECORD_NOT_FOUND: { vi: 'Chưa có biên bản bàn giao: yêu cầu không phải bàn giao, hoặc chưa được thực hiện', en: 'No handover record: not a handover, or not executed yet' },
  HANDOVER_NOT_A_HEAD: { vi: 'Chỉ thủ trưởng bàn giao và thủ trưởng tiếp nhận mới xác nhận biên bản bàn giao', en: 'Only the outgoing and the incoming head acknowledge the handover record' },
  ADDRESS_QUARANTINED: {
    vi: 'Địa chỉ này thuộc cán bộ đã nghỉ và đang trong thời gian cách ly, chưa được cấp cho người khác',
    en: 'The address belonged to a leaver and is in quarantine: it cannot be given to anyone else yet',
  },
} as const;

export type ErrorCode = keyof typeof ERRORS;

export class ThutinError extends Error {
  readonly code: ErrorCode;
  readonly vi: string;
  readonly en: string;
  /** What the error is about (an address, a field), kept apart so each language's text stays whole. */
  readonly detail: string | undefined;
  constructor(code: ErrorCode, detail?: string) {
    const e = ERRORS[code];
    super(`${e.vi} / ${e.en}${detail ? `: ${detail}` : ''}`);
    this.name = 'ThutinError';
    this.code = code;
    this.vi = e.vi;
    this.en = e.en;
    this.detail = detail;
  }
}

export function isThutinError(e: unknown, code?: ErrorCode): e is ThutinError {
  return e instanceof ThutinError && (code === undefined || e.code === code);
}
