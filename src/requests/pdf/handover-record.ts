// The handover record (biên bản bàn giao hộp thư đơn vị) of a unit-head handover (issue 11, R8.3) as
// a PDF in Vietnamese with English beside it: the unit, the date, the decision behind it, both heads,
// the unit mailbox's folders with their message counts and sizes, the delegates before and after,
// what happened to the mailbox's password, each head's acknowledgement in the app, and signatures.
// Owns: the layout of this document only (facts: requests/handover.ts).
import type { Acknowledgement, HandoverRecord, PersonBrief } from '../handover-types.ts';
import { field, nationalHeading, newPdf, paragraph, section, signatures, table, title, viBytes, viDate, viDateTime, viNumber } from './common.ts';

const RIGHTS: Record<string, string> = { read: 'đọc / read', manage: 'quản lý / manage', 'send-as': 'gửi thay / send as', 'send-on-behalf': 'gửi thay mặt / send on behalf' };

const who = (p: PersonBrief | null) => (p ? `${p.name}${p.title ? `, ${p.title}` : ''}${p.address ? ` <${p.address}>` : ''}` : '(không có / none)');

export async function renderHandoverRecord(r: HandoverRecord, acks: Acknowledgement[]): Promise<Buffer> {
  const { doc, finish } = newPdf({ title: `Biên bản bàn giao hộp thư ${r.unit.name}`, subject: `Yêu cầu #${r.requestId}`, createdAt: r.at });
  nationalHeading(doc, ['HỆ THỐNG THƯ ĐIỆN TỬ CÔNG VỤ', r.unit.name.toUpperCase()]);
  title(doc, 'BIÊN BẢN BÀN GIAO HỘP THƯ ĐƠN VỊ', 'Handover record of the unit mailbox');
  field(doc, 'Đơn vị / Unit', `${r.unit.name} (${r.unit.code})`);
  field(doc, 'Hộp thư đơn vị / Unit mailbox', r.mailbox ?? '(không có / none)');
  field(doc, 'Ngày bàn giao / Date', viDateTime(r.at));
  field(doc, 'Yêu cầu / Request', `#${r.requestId}`);
  const day = (d: string) => d.replace(/^(\d{4})-(\d{2})-(\d{2})$/, '$3/$2/$1');
  field(doc, 'Căn cứ / Decision', r.document ? `${r.document.number}, ngày ${day(r.document.date)}, người ký ${r.document.signer}` : '(không có / none)');
  field(doc, 'Thủ trưởng bàn giao / Outgoing head', who(r.outgoing));
  field(doc, 'Thủ trưởng tiếp nhận / Incoming head', who(r.incoming));

  section(doc, '1. Các thư mục của hộp thư đơn vị', 'Folders of the unit mailbox');
  const total = r.folders.reduce((s, f) => ({ messages: s.messages + f.messages, bytes: s.bytes + f.bytes }), { messages: 0, bytes: 0 });
  table(
    doc,
    [
      { header: 'Thư mục / Folder', width: 5 },
      { header: 'Số thư / Messages', width: 2, align: 'right' },
      { header: 'Dung lượng / Size', width: 2, align: 'right' },
    ],
    [...r.folders.map((f) => [f.name, viNumber(f.messages), viBytes(f.bytes)]), ['Tổng cộng / Total', viNumber(total.messages), viBytes(total.bytes)]],
    { boldLast: true },
  );

  const delegates = (list: HandoverRecord['delegatesBefore']) =>
    list.length ? list.map((d) => [d.name ?? '', d.address, d.rights.map((x) => RIGHTS[x] ?? x).join(', ')]) : [['(không có / none)', '', '']];
  const cols = [
    { header: 'Họ và tên / Name', width: 3 },
    { header: 'Địa chỉ / Address', width: 3 },
    { header: 'Quyền / Rights', width: 3 },
  ];
  section(doc, '2. Người được uỷ quyền trước khi bàn giao', 'Delegates before the handover');
  table(doc, cols, delegates(r.delegatesBefore));
  section(doc, '3. Người được uỷ quyền sau khi bàn giao', 'Delegates after the handover');
  table(doc, cols, delegates(r.delegatesAfter));

  section(doc, '4. Mật khẩu hộp thư đơn vị', 'The unit mailbox password');
  paragraph(
    doc,
    r.mailboxRotated
      ? 'Mật khẩu hộp thư đơn vị đã được thay đổi khi bàn giao; mọi phiên đăng nhập cũ đã kết thúc. Mật khẩu mới được trao trực tiếp cho thủ trưởng tiếp nhận, không gửi qua thư. / The unit mailbox password was changed at the handover and every old session ended; the new one is handed over in person, never by mail.'
      : 'Mật khẩu hộp thư đơn vị không thay đổi. / The unit mailbox password was not changed.',
  );

  section(doc, '5. Xác nhận trên hệ thống', 'Acknowledgements in the app');
  const ackOf = (role: 'outgoing' | 'incoming') => acks.find((a) => a.role === role);
  table(
    doc,
    [
      { header: 'Vai trò / Role', width: 3 },
      { header: 'Người xác nhận / By', width: 4 },
      { header: 'Thời điểm / At', width: 2 },
    ],
    (['outgoing', 'incoming'] as const).map((role) => {
      const a = ackOf(role);
      return [role === 'outgoing' ? 'Thủ trưởng bàn giao / Outgoing head' : 'Thủ trưởng tiếp nhận / Incoming head', a ? a.address : 'Chưa xác nhận / not yet', a ? viDateTime(a.at) : ''];
    }),
  );
  paragraph(doc, `Biên bản được lập tự động ngày ${viDate(r.at)} khi yêu cầu #${r.requestId} được thực hiện. / Made when request #${r.requestId} was executed.`, { italic: true, size: 9 });
  signatures(doc, [
    { role: 'THỦ TRƯỞNG BÀN GIAO', name: r.outgoing?.name ?? '' },
    { role: 'THỦ TRƯỞNG TIẾP NHẬN', name: r.incoming?.name ?? '' },
  ]);
  return finish();
}
