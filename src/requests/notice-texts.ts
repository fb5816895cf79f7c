// The words of the request notices (issue 11): one subject and body per step, Vietnamese first
// with the English below. They say what happened, to which request, and what to do next; never a
// password or a credential code.
// Owns: the texts only.
import { formatDate } from '../directory/csv.ts';
import type { Notice } from './notices.ts';
import type { RequestDetail } from './reads.ts';

export type NoticeStep = 'submitted' | 'approved' | 'rejected' | 'executed' | 'failed' | 'overdue';

export function notice(d: RequestDetail, step: NoticeStep): Notice {
  const ref = `#${d.id} (${d.kindLabel}: ${d.summary})`;
  const doc = d.documents[0] ? `Văn bản / document: ${d.documents[0].number}, ${d.documents[0].issuedOn}, ${d.documents[0].signer}` : '';
  const when = d.effectiveAt ? formatDate(d.effectiveAt) : 'ngay khi phê duyệt / on approval';
  switch (step) {
    case 'submitted':
      return {
        subject: `Yêu cầu ${ref} chờ phê duyệt / request #${d.id} awaits approval`,
        vi: [`Yêu cầu ${ref} của ${d.requester} đã được gửi và chờ Văn phòng UBND tỉnh phê duyệt.`, doc, `Hạn xử lý: ${d.dueAt ? formatDate(d.dueAt - 1) : '-'}.`, `Xem: thutin request show ${d.id}`],
        en: [`Request #${d.id} (${d.kind}) by ${d.requester} was submitted and awaits the Provincial Office's approval.`, `Due: ${d.dueAt ? formatDate(d.dueAt - 1) : '-'}.`],
      };
    case 'approved':
      return {
        subject: `Yêu cầu ${ref} đã được phê duyệt / request #${d.id} approved`,
        vi: [`Yêu cầu ${ref} đã được phê duyệt, sẽ thực hiện vào: ${when}.`, doc],
        en: [`Request #${d.id} (${d.kind}) was approved; it takes effect: ${when}.`],
      };
    case 'rejected':
      return {
        subject: `Yêu cầu ${ref} bị từ chối / request #${d.id} rejected`,
        vi: [`Yêu cầu ${ref} bị từ chối.`, `Lý do: ${d.rejectReason ?? ''}`],
        en: [`Request #${d.id} (${d.kind}) was rejected.`, `Reason: ${d.rejectReason ?? ''}`],
      };
    case 'executed': {
      const cred = d.items.some((i) => i.credential);
      const handover = d.items.some((i) => i.kind === 'handover' && (i.result as { record?: unknown } | null)?.record);
      return {
        subject: `Yêu cầu ${ref} đã được thực hiện / request #${d.id} carried out`,
        vi: [
          `Yêu cầu ${ref} đã được thực hiện.`,
          doc,
          ...(cred ? ['Thủ trưởng đơn vị nhận mã dùng một lần để trao mật khẩu cho cán bộ trên hệ thống (không gửi qua thư); mật khẩu phải đổi ở lần đăng nhập đầu tiên.'] : []),
          ...(handover ? ['Biên bản bàn giao hộp thư đơn vị đã được lập: thủ trưởng bàn giao và thủ trưởng tiếp nhận xem và xác nhận trên hệ thống.'] : []),
        ],
        en: [
          `Request #${d.id} (${d.kind}) was carried out.`,
          ...(cred ? ["The unit's head takes the one-time code for the person's password in the app (never by mail); it must be changed at first sign-in."] : []),
          ...(handover ? ['The handover record of the unit mailbox was made: the outgoing and the incoming head read and acknowledge it in the app.'] : []),
        ],
      };
    }
    case 'failed':
      return {
        subject: `Yêu cầu ${ref} thực hiện lỗi / request #${d.id} failed`,
        vi: [`Thực hiện yêu cầu ${ref} bị lỗi; chưa phần nào của dòng lỗi được áp dụng. Quản trị viên có thể thực hiện lại sau khi khắc phục.`, `Lỗi: ${d.error ?? ''}`],
        en: [`Carrying out request #${d.id} failed; nothing of the failed row was applied. An administrator may retry once fixed.`, `Error: ${d.error ?? ''}`],
      };
    case 'overdue':
      return {
        subject: `Yêu cầu ${ref} quá hạn xử lý / request #${d.id} is overdue`,
        vi: [`Yêu cầu ${ref} gửi ngày ${d.submittedAt ? formatDate(d.submittedAt) : '-'} đã quá hạn xử lý (${d.dueAt ? formatDate(d.dueAt - 1) : '-'}).`],
        en: [`Request #${d.id} (${d.kind}) submitted on ${d.submittedAt ? formatDate(d.submittedAt) : '-'} is past its service level.`],
      };
  }
}
