// Owns: the built-in user guide (R5.8), Vietnamese first with English beside each section (the
// language switch only changes the page's chrome): using the webmail; unit mailboxes and their work
// queue; setting up Thunderbird, Outlook and phones (the server's own settings for the signed-in
// address, the Apple profile from /.well-known/thutin/profile.mobileconfig); and what the province's
// rules ask of users. Topics are anchors: /help#thunderbird.
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import '../workqueue/texts.ts';
import '../workqueue/extras.css';
import { useMe } from '../auth/session.ts';
import { useClientSetup, type ServerSetting } from './useClientSetup.ts';

const PROFILE_PATH = '/.well-known/thutin/profile.mobileconfig';

function Topic({ id, vi, en, children }: { id: string; vi: string; en: string; children: ReactNode }) {
  return (
    <section id={id} aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>
        {vi} <span lang="en">/ {en}</span>
      </h2>
      {children}
    </section>
  );
}

/** The same paragraph in both languages: Vietnamese, then English in a quieter voice. */
function Both({ vi, en }: { vi: ReactNode; en: ReactNode }) {
  return (
    <div className="both">
      <p>{vi}</p>
      <p lang="en" className="wq-from">
        {en}
      </p>
    </div>
  );
}

function Settings({ list }: { list: ServerSetting[] | undefined }) {
  if (!list?.length) return null;
  const label: Record<string, string> = { imap: 'IMAP (thư đến / incoming)', pop3: 'POP3 (thư đến / incoming)', smtp: 'SMTP (thư đi / outgoing)' };
  const tls: Record<string, string> = { SSL: 'SSL/TLS', STARTTLS: 'STARTTLS' };
  return (
    <table className="grid" data-testid="help-settings">
      <thead>
        <tr>
          <th scope="col">Giao thức / Protocol</th>
          <th scope="col">Máy chủ / Server</th>
          <th scope="col">Cổng / Port</th>
          <th scope="col">Bảo mật / Security</th>
        </tr>
      </thead>
      <tbody>
        {list.map((s) => (
          <tr key={`${s.type}-${s.port}`}>
            <td>{label[s.type] ?? s.type}</td>
            <td>
              <code>{s.host}</code>
            </td>
            <td>{s.port}</td>
            <td>{tls[s.socket] ?? s.socket}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function HelpPage() {
  const { t } = useTranslation();
  const me = useMe();
  const address = me.data?.username;
  const setup = useClientSetup(address);
  const topics: Array<[string, string, string]> = [
    ['webmail', 'Dùng thư điện tử trên web', 'Using the webmail'],
    ['unit', 'Hộp thư đơn vị', 'Unit mailboxes'],
    ['thunderbird', 'Cài đặt Thunderbird', 'Setting up Thunderbird'],
    ['outlook', 'Cài đặt Outlook', 'Setting up Outlook'],
    ['phone', 'Điện thoại', 'Phones'],
    ['rules', 'Quy định đối với người dùng', "The province's rules for users"],
  ];
  return (
    <div className="page help">
      <h1>
        {t('nav.help')} <span lang="en">/ User guide</span>
      </h1>
      <nav aria-label="Mục lục / Contents">
        <ul>
          {topics.map(([id, vi, en]) => (
            <li key={id}>
              <a href={`#${id}`}>
                {vi} <span lang="en">/ {en}</span>
              </a>
            </li>
          ))}
        </ul>
      </nav>

      <Topic id="webmail" vi="Dùng thư điện tử trên web" en="Using the webmail">
        <Both
          vi="Cột bên trái là các thư mục: Hộp thư đến, Thư đã gửi, Thư nháp, Thư rác, Thùng rác và các thư mục bạn tạo; số bên cạnh là thư chưa đọc. Chọn một thư để đọc ở khung bên phải. Nút “Soạn thư” ở thanh trên cùng; thư nháp được lưu tự động khi bạn gõ."
          en="Folders are on the left (Inbox, Sent, Drafts, Junk, Trash and your own), with unread counts. Pick a message to read it on the right. “Compose” is in the top bar; drafts are saved as you type."
        />
        <Both
          vi="Ô tìm kiếm tìm theo người gửi, tiêu đề và nội dung, gõ có dấu hay không dấu đều được (“dang” tìm thấy “Đặng”). Ảnh từ máy chủ bên ngoài bị chặn cho đến khi bạn cho phép, để người gửi không theo dõi được việc bạn mở thư."
          en="Search finds senders, subjects and text, with or without diacritics (“dang” finds “Đặng”). Remote images stay blocked until you allow them, so senders cannot track when you open a message."
        />
        <Both
          vi="Phím tắt: j / k thư sau / trước, c soạn thư, r trả lời, a trả lời tất cả, f chuyển tiếp, s gắn cờ, u đánh dấu chưa đọc, # xoá, / tìm kiếm, ? danh sách phím (xem Cài đặt). Tiếng Việt là mặc định; đổi sang tiếng Anh trong trình đơn tài khoản."
          en="Shortcuts: j / k next / previous, c compose, r reply, a reply all, f forward, s flag, u mark unread, # delete, / search, ? the list (see Settings). Vietnamese is the default; switch to English in the account menu."
        />
      </Topic>

      <Topic id="unit" vi="Hộp thư đơn vị" en="Unit mailboxes">
        <Both
          vi="Nếu bạn được uỷ quyền dùng hộp thư của đơn vị (ví dụ văn thư, lãnh đạo), hộp thư đó hiện dưới mục “Hộp thư đơn vị”. Quyền đọc cho phép xem thư; quyền gửi thay cho phép chọn địa chỉ đơn vị ở ô “Người gửi” khi soạn thư."
          en="If the unit's mailbox is delegated to you (a clerk, the leadership), it appears under “Unit mailboxes”. Read rights let you read it; send rights let you pick the unit's address as the sender when composing."
        />
        <Both
          vi="Hộp thư đơn vị là một hàng việc chung: dưới mỗi thư có mục “Giao việc” để giao thư cho một người, đánh dấu “Đã xử lý” và ghi chú nội bộ; mọi thay đổi đều được ghi lại người làm và thời điểm. Trang “Hàng việc” liệt kê thư theo người xử lý và trạng thái; thủ trưởng đơn vị dùng nó để theo dõi công việc. Chương trình thư khác (Thunderbird) thấy các nhãn $Assigned và $Handled."
          en="A unit mailbox is a shared work queue: under each message, “Assignment” gives it to someone, marks it “Handled” and keeps an internal note; every change is recorded with who and when. The “Work queue” page lists messages by assignee and state; the unit's head follows the unit's work there. Other mail programs (Thunderbird) see the tags $Assigned and $Handled."
        />
      </Topic>

      <Topic id="thunderbird" vi="Cài đặt Thunderbird" en="Setting up Thunderbird">
        <Both
          vi="Trong Thunderbird chọn Tài khoản mới → Thư điện tử, nhập họ tên, địa chỉ thư và mật khẩu: Thunderbird tự lấy cấu hình từ máy chủ. Nếu đã bật xác thực hai lớp, dùng mật khẩu ứng dụng tạo trong Cài đặt thay cho mật khẩu tài khoản."
          en="In Thunderbird choose New account → Email, enter your name, address and password: Thunderbird fetches the settings from the server. With the second factor on, use an app password made in Settings instead of your account password."
        />
        <Both vi="Nếu cần nhập tay, dùng các thông số sau (tên đăng nhập là địa chỉ thư của bạn):" en="To enter them by hand, use these settings (the user name is your mail address):" />
        <Settings list={setup.data} />
      </Topic>

      <Topic id="outlook" vi="Cài đặt Outlook" en="Setting up Outlook">
        <Both
          vi="Trong Outlook chọn Tệp → Thêm tài khoản, nhập địa chỉ thư: Outlook tự tìm cấu hình (Autodiscover). Nếu Outlook hỏi loại tài khoản, chọn IMAP và dùng các thông số ở mục Thunderbird."
          en="In Outlook choose File → Add account and enter your address: Outlook finds the settings itself (Autodiscover). If it asks for the account type, choose IMAP and use the settings under Thunderbird."
        />
      </Topic>

      <Topic id="phone" vi="Điện thoại" en="Phones">
        <Both
          vi={
            <>
              iPhone, iPad: mở trang này bằng Safari trên máy và{' '}
              <a href={address ? `${PROFILE_PATH}?address=${encodeURIComponent(address)}` : PROFILE_PATH} data-testid="mobileconfig-link">
                tải hồ sơ cấu hình
              </a>
              , rồi vào Cài đặt → Đã tải về hồ sơ → Cài đặt, nhập mật khẩu khi được hỏi. Hồ sơ có cả danh bạ của tỉnh.
            </>
          }
          en="iPhone, iPad: open this page in Safari on the device and download the configuration profile (the link above), then Settings → Profile downloaded → Install, and enter your password when asked. The profile includes the province's address book."
        />
        <Both
          vi="Android: trong ứng dụng Gmail hoặc thư của máy, thêm tài khoản “Khác” (IMAP) với các thông số ở mục Thunderbird. Không dùng tài khoản thư miễn phí để nhận thư công vụ."
          en="Android: in Gmail or the phone's mail app, add an “Other” (IMAP) account with the settings under Thunderbird. Do not route official mail through a free-mail account."
        />
      </Topic>

      <Topic id="rules" vi="Quy định đối với người dùng" en="The province's rules for users">
        <ul>
          <li>
            <Both
              vi="Không dùng hộp thư miễn phí (Gmail, Yahoo…) để gửi, nhận hay chuyển tiếp văn bản công việc: hệ thống không cho chuyển tiếp thư công vụ ra hộp thư miễn phí."
              en="Do not use free-mail (Gmail, Yahoo…) to send, receive or forward official documents: the system refuses to forward official mail to free-mail."
            />
          </li>
          <li>
            <Both
              vi="Gặp thư rác, thư giả mạo hoặc nghi có mã độc: đừng mở tệp đính kèm, bấm “Báo cáo thư rác / virus”. Gặp sự cố (không gửi được thư, không đăng nhập được…): bấm “Báo lỗi”. Theo dõi kết quả ở “Báo cáo của tôi”."
              en="Spam, forged mail or a suspected virus: do not open the attachment, press “Report spam / virus”. Faults (cannot send, cannot sign in…): press “Report a fault”. Follow them in “My reports”."
            />
          </li>
          <li>
            <Both
              vi="Giữ bí mật mật khẩu: không đưa cho người khác, kể cả người tự xưng là quản trị viên; quản trị viên không bao giờ hỏi mật khẩu của bạn. Đổi mật khẩu ngay nếu nghi bị lộ và dùng “Đăng xuất mọi nơi”."
              en="Keep your password secret: never give it to anyone, even someone claiming to be an administrator; administrators never ask for it. Change it at once if you think it leaked, and use “Sign out everywhere”."
            />
          </li>
        </ul>
      </Topic>
    </div>
  );
}
