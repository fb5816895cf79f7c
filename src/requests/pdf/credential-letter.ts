// The credential letter (thư cấp mật khẩu) of a joiner or a password reset (issue 11, R6.1, R7.4): a
// printable letter the agency head prints and hands to the person, with their address and the
// one-time code that gives them a password at the redemption address (which must be changed at
// first sign-in). Never mailed: the mailbox it opens may be locked, and mail is not the channel for
// a credential. The code is printed in groups of four for reading it out; spaces are ignored on redemption.
// Owns: the layout of this letter only (the code: requests/execution.ts issueCredential).
import { field, nationalHeading, newPdf, paragraph, section, signatures, title, viDate, viDateTime, contentWidth } from './common.ts';

export interface CredentialLetter {
  requestId: number;
  kind: 'joiner' | 'password-reset';
  name: string;
  address: string;
  unit: string;
  code: string;
  expiresAt: number;
  /** Where the code is redeemed (the web app's page, or the API's address). */
  redeemUrl: string;
  /** The web mail and the mail servers' host name, for the person's first sign-in. */
  host: string;
  issuedAt: number;
  issuedBy: string;
}

/** The code in groups of four (readable aloud, typed back with or without the spaces). */
export function groupCode(code: string): string {
  return code.match(/.{1,4}/g)?.join(' ') ?? code;
}

export async function renderCredentialLetter(l: CredentialLetter): Promise<Buffer> {
  const { doc, finish } = newPdf({ title: `Thư cấp mật khẩu — ${l.address}`, subject: `Yêu cầu #${l.requestId}`, createdAt: l.issuedAt });
  nationalHeading(doc, ['HỆ THỐNG THƯ ĐIỆN TỬ CÔNG VỤ', l.unit.toUpperCase()]);
  title(doc, l.kind === 'joiner' ? 'THƯ CẤP TÀI KHOẢN THƯ ĐIỆN TỬ' : 'THƯ CẤP LẠI MẬT KHẨU', l.kind === 'joiner' ? 'Your new e-mail account' : 'Your password has been reset');
  field(doc, 'Kính gửi / To', l.name);
  field(doc, 'Địa chỉ thư / Address', l.address);
  field(doc, 'Đơn vị / Unit', l.unit);
  field(doc, 'Theo yêu cầu / Request', `#${l.requestId}`);
  section(doc, 'Mã dùng một lần', 'One-time code');
  const x = doc.page.margins.left;
  const y = doc.y;
  doc.rect(x, y, contentWidth(doc), 46).lineWidth(1).strokeColor('black').stroke();
  doc
    .font('mono')
    .fontSize(14)
    .text(groupCode(l.code), x, y + 14, { width: contentWidth(doc), align: 'center' });
  doc.x = x;
  doc.y = y + 56;
  field(doc, 'Hạn dùng / Valid until', viDateTime(l.expiresAt));
  field(doc, 'Nơi nhập mã / Redeem at', l.redeemUrl);
  section(doc, 'Hướng dẫn', 'What to do');
  paragraph(
    doc,
    `1. Nhập mã trên tại địa chỉ nêu trên để nhận mật khẩu; mã chỉ dùng được một lần. 2. Đăng nhập thư điện tử tại https://${l.host}/ (hoặc trên máy tính, điện thoại: máy chủ ${l.host}) bằng địa chỉ ${l.address} và mật khẩu vừa nhận. 3. Hệ thống yêu cầu đổi mật khẩu ngay ở lần đăng nhập đầu tiên; mọi phiên đăng nhập bằng mật khẩu cũ đã kết thúc. 4. Giữ kín thư này; không chụp, không gửi qua thư điện tử hay tin nhắn. Nếu mã đã hết hạn hoặc bị lộ, đề nghị thủ trưởng đơn vị cấp mã mới.`,
  );
  doc.moveDown(0.4);
  paragraph(
    doc,
    `1. Enter the code at the address above to receive your password; it works once. 2. Sign in at https://${l.host}/ (or in a mail app: server ${l.host}) as ${l.address}. 3. You must change the password at your first sign-in; every session of the old password has ended. 4. Keep this letter private; never photograph it or send it by mail or message. If the code has expired or leaked, ask your head of unit for a new one.`,
    { italic: true, size: 9.5 },
  );
  doc.moveDown(0.6);
  paragraph(doc, `Cấp ngày ${viDate(l.issuedAt)} bởi ${l.issuedBy}. Thư này không được gửi qua thư điện tử. / Issued on ${viDate(l.issuedAt)}; never sent by mail.`, { italic: true, size: 9 });
  signatures(doc, [
    { role: 'NGƯỜI NHẬN', note: '(Ký, ghi rõ họ tên / received by)', name: l.name },
    { role: 'THỦ TRƯỞNG ĐƠN VỊ', note: '(Ký, ghi rõ họ tên / head of unit)', name: '' },
  ]);
  return finish();
}
