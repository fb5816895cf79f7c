// The demo's mail: realistic official correspondence between the demo officials (giấy mời họp,
// công văn, báo cáo, tờ trình, thông báo kết luận, short replies), some with a PDF attachment,
// composed as RFC 5322 messages with nodemailer's MailComposer. Decides who writes to whom:
// colleagues inside an agency, agencies to the Provincial People's Committee, the Committee's
// office to the agencies' unit mailboxes, districts to their communes.
import MailComposer from 'nodemailer/lib/mail-composer';
import { pick, randInt, type Random } from './random.ts';

export interface Correspondent {
  name: string;
  address: string;
  accountId: number;
  title: string;
  unitCode: string;
  unitName: string;
  /** The agency, district or province the person belongs to (the unit of the second level, or the province). */
  orgCode: string;
  orgName: string;
  orgAbbr: string; // upper case, for document numbers: 'SNV'
  isHead: boolean;
  phone: string;
}

export interface UnitBox {
  code: string;
  name: string;
  address: string;
  accountId: number;
  kind: string;
  parentCode: string | null;
}

export interface DemoMessage {
  from: Correspondent;
  to: Array<{ name: string; address: string; accountId: number }>;
  cc: Array<{ name: string; address: string; accountId: number }>;
  subject: string;
  text: string;
  attachment?: { filename: string; content: Buffer };
  date: Date;
  messageId: string;
  inReplyTo?: string;
}

const TOPICS = [
  'triển khai Kế hoạch chuyển đổi số năm 2027',
  'rà soát, thống kê số lượng cán bộ, công chức, viên chức',
  'góp ý dự thảo Quy chế quản lý, sử dụng hệ thống thư điện tử công vụ',
  'đôn đốc giải ngân kế hoạch vốn đầu tư công năm 2026',
  'chuẩn bị nội dung phục vụ kỳ họp thường lệ cuối năm của HĐND tỉnh',
  'tăng cường công tác phòng, chống thiên tai, tìm kiếm cứu nạn mùa mưa bão',
  'báo cáo tình hình thực hiện Chương trình mục tiêu quốc gia phát triển kinh tế – xã hội vùng đồng bào dân tộc thiểu số và miền núi',
  'tăng cường công tác quản lý, bảo vệ rừng và phòng cháy, chữa cháy rừng mùa khô',
  'tổ chức các hoạt động chào mừng kỷ niệm Ngày thành lập tỉnh',
  'cập nhật, làm sạch dữ liệu dân cư phục vụ Đề án 06',
  'đẩy mạnh cải cách hành chính, nâng cao chỉ số PAR INDEX',
  'thực hiện chế độ báo cáo thống kê định kỳ',
  'phát triển cây dược liệu Sâm Ngọc Linh gắn với bảo vệ rừng',
  'rà soát hồ sơ đề nghị khen thưởng năm 2026',
  'bảo đảm an toàn thông tin mạng trong cơ quan nhà nước',
  'sử dụng chữ ký số trong gửi, nhận văn bản điện tử',
];

const MEETINGS = [
  'họp giao ban công tác tháng',
  'hội nghị sơ kết công tác 6 tháng',
  'họp triển khai nhiệm vụ trọng tâm',
  'họp thẩm định hồ sơ dự án',
  'hội nghị tập huấn sử dụng hệ thống thư điện tử',
  'họp Ban Chỉ đạo chuyển đổi số',
];

const REPORTS = [
  'Báo cáo kết quả thực hiện nhiệm vụ quý IV năm 2026',
  'Báo cáo tình hình kinh tế – xã hội tháng 11 năm 2026',
  'Báo cáo công tác cải cách hành chính năm 2026',
  'Báo cáo kết quả công tác tiếp công dân, giải quyết khiếu nại, tố cáo',
  'Báo cáo tiến độ giải ngân vốn đầu tư công',
  'Báo cáo kết quả thực hiện chuyển đổi số năm 2026',
];

const REPLIES = [
  'Em đã nhận được, sẽ tổng hợp và gửi lại trước ngày {d}.',
  'Đã nhận văn bản. Phòng sẽ bố trí người dự họp theo đúng thành phần.',
  'Chúng tôi thống nhất với dự thảo, không có ý kiến bổ sung.',
  'Đề nghị anh/chị gửi lại bản có chữ ký số để lưu hồ sơ.',
  'Đã chuyển cho bộ phận chuyên môn xử lý. Trân trọng.',
];

const WEEKDAY_HOURS = [7, 8, 9, 10, 13, 14, 15, 16];

function dd(d: Date): string {
  return `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear()}`;
}

/** A working-hours moment (Asia/Ho_Chi_Minh, UTC+7) within `days` before `now`. */
function workingTime(r: Random, now: number, days: number): Date {
  for (;;) {
    const day = new Date(now - randInt(r, 1, days) * 86_400_000);
    const local = new Date(day.getTime() + 7 * 3_600_000);
    const wd = local.getUTCDay();
    if (wd === 0 || wd === 6) continue;
    local.setUTCHours(pick(r, WEEKDAY_HOURS), randInt(r, 0, 59), randInt(r, 0, 59), 0);
    return new Date(local.getTime() - 7 * 3_600_000);
  }
}

function signature(p: Correspondent): string {
  return `\n\n--\n${p.name}\n${p.title} – ${p.unitName}\n${p.orgName}${p.phone ? `\nĐT: ${p.phone}` : ''}`;
}

/** A small, valid one-page PDF whose text is ASCII (the folded title). */
export function tinyPdf(title: string): Buffer {
  const text = title
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, (c) => (c === 'đ' ? 'd' : 'D'))
    .replace(/[()\\]/g, '');
  const stream = `BT /F1 14 Tf 60 780 Td (${text}) Tj ET`;
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objs.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

const who = (p: Correspondent) => ({ name: p.name, address: p.address, accountId: p.accountId });

/**
 * `count` messages. `people` are the officials with mailboxes, `boxes` the unit mailboxes;
 * `domain` names the Message-IDs. Deterministic for a given `r` and `now`.
 */
export function generateMail(
  r: Random,
  people: Correspondent[],
  boxes: UnitBox[],
  count: number,
  domain: string,
  now = Date.now(),
  /** People who should have mail to look at (the demo's sample logins): about a third of the messages involve one of them. */
  focus: Correspondent[] = [],
): DemoMessage[] {
  if (people.length < 2) return [];
  const byOrg = new Map<string, Correspondent[]>();
  for (const p of people) {
    const l = byOrg.get(p.orgCode) ?? [];
    l.push(p);
    byOrg.set(p.orgCode, l);
  }
  const heads = people.filter((p) => p.isHead);
  const orgHeads = (org: string) => (byOrg.get(org) ?? []).filter((p) => p.isHead);
  const boxOf = new Map(boxes.map((b) => [b.code, b]));
  const province = boxes.find((b) => b.kind === 'province');
  const agencyBoxes = boxes.filter((b) => b.kind === 'agency' || b.kind === 'district');
  const out: DemoMessage[] = [];
  let docNo = randInt(r, 1200, 2400);
  const msgId = () => `<${out.length + 1}.${randInt(r, 100000, 999999)}.demo@${domain}>`;

  for (let i = 0; i < count; i++) {
    const date = workingTime(r, now, 40);
    const kind = r();
    // A reply to an earlier message (about one in six).
    if (out.length > 5 && kind < 0.16) {
      const orig = out[randInt(r, 0, out.length - 1)];
      const replier = people.find((p) => orig.to.some((t) => t.accountId === p.accountId));
      if (replier && replier.accountId !== orig.from.accountId) {
        const when = new Date(Math.min(now - 60_000, orig.date.getTime() + randInt(r, 1, 48) * 3_600_000));
        const line = pick(r, REPLIES).replace('{d}', dd(new Date(when.getTime() + 5 * 86_400_000)));
        const quoted = orig.text
          .split('\n')
          .slice(0, 8)
          .map((l) => `> ${l}`)
          .join('\n');
        out.push({
          from: replier,
          to: [who(orig.from)],
          cc: [],
          subject: orig.subject.startsWith('Re: ') ? orig.subject : `Re: ${orig.subject}`,
          text: `Kính gửi ${orig.from.title} ${orig.from.name},\n\n${line}${signature(replier)}\n\nVào ${dd(orig.date)}, ${orig.from.name} đã viết:\n${quoted}\n`,
          date: when,
          messageId: msgId(),
          inReplyTo: orig.messageId,
        });
        continue;
      }
    }
    let from = pick(r, people);
    let kindNow = kind;
    // A sample person writes, or a colleague writes to them (then always inside the agency).
    const focused = focus.length && r() < 0.35 ? pick(r, focus) : null;
    if (focused) {
      const mates = (byOrg.get(focused.orgCode) ?? []).filter((p) => p.accountId !== focused.accountId);
      if (mates.length && r() < 0.6) {
        from = pick(r, mates);
        kindNow = 0.2;
      } else from = focused;
    }
    const colleagues = (byOrg.get(from.orgCode) ?? []).filter((p) => p.accountId !== from.accountId);
    const topic = pick(r, TOPICS);
    const no = `${docNo++}/${from.orgAbbr}-${pick(r, ['VP', 'KHTC', 'TCCB', 'TTr', 'NV'])}`;
    let to: DemoMessage['to'] = [];
    let cc: DemoMessage['cc'] = [];
    let subject: string;
    let text: string;
    let attachment: DemoMessage['attachment'];
    if (kindNow < 0.4 && colleagues.length) {
      // Inside one agency: invitations and drafts between colleagues and their leaders.
      const n = Math.min(colleagues.length, randInt(r, 1, 4));
      const set = new Set<Correspondent>();
      if (focused && focused !== from) set.add(focused);
      while (set.size < n) set.add(pick(r, colleagues));
      to = [...set].map(who);
      if (r() < 0.5) {
        const meet = pick(r, MEETINGS);
        const at = new Date(date.getTime() + randInt(r, 2, 6) * 86_400_000);
        subject = `Giấy mời ${meet} ${meet.endsWith('tháng') ? String(new Date(now).getUTCMonth() + 1) : ''}`.trim();
        text =
          `Kính gửi: Các đồng chí có tên tại danh sách gửi.\n\n${from.unitName} trân trọng kính mời các đồng chí dự ${meet}.\n` +
          `- Thời gian: ${pick(r, ['07 giờ 30', '08 giờ 00', '14 giờ 00', '14 giờ 30'])}, ngày ${dd(at)}.\n` +
          `- Địa điểm: Phòng họp ${from.orgName}.\n- Nội dung: ${topic[0].toUpperCase()}${topic.slice(1)}.\n\n` +
          `Đề nghị các đồng chí bố trí thời gian tham dự đúng giờ./.${signature(from)}`;
        if (r() < 0.35) attachment = { filename: 'Giấy mời họp.pdf', content: tinyPdf(`Giay moi hop - ${from.orgAbbr}`) };
      } else {
        subject = `Xin ý kiến dự thảo văn bản về việc ${topic}`;
        text =
          `Kính gửi anh/chị,\n\nPhòng gửi dự thảo văn bản về việc ${topic}, đề nghị anh/chị cho ý kiến trước ngày ` +
          `${dd(new Date(date.getTime() + 3 * 86_400_000))} để kịp trình lãnh đạo ký ban hành.\n\nTrân trọng.${signature(from)}`;
        if (r() < 0.5) attachment = { filename: `Dự thảo ${no.replace('/', '-')}.pdf`, content: tinyPdf(`Du thao ${no}`) };
      }
    } else if (kindNow < 0.65 && province) {
      // An agency or district reports to the Provincial People's Committee.
      const report = pick(r, REPORTS);
      subject = `${report} (${no})`;
      to = [{ name: province.name, address: province.address, accountId: province.accountId }];
      const vp = boxOf.get('VPUBND');
      if (vp) cc = [{ name: vp.name, address: vp.address, accountId: vp.accountId }];
      text =
        `Kính gửi: Ủy ban nhân dân tỉnh.\n\nThực hiện chỉ đạo của Ủy ban nhân dân tỉnh, ${from.orgName} báo cáo như sau:\n\n` +
        `1. Kết quả đạt được: hoàn thành ${randInt(r, 78, 99)}% kế hoạch đề ra; các nhiệm vụ trọng tâm được triển khai đúng tiến độ.\n` +
        `2. Tồn tại, hạn chế: một số nội dung về ${topic} còn chậm so với yêu cầu.\n` +
        `3. Đề xuất, kiến nghị: đề nghị Ủy ban nhân dân tỉnh quan tâm bố trí kinh phí thực hiện.\n\n` +
        `(Báo cáo chi tiết kèm theo.)\n\nTrân trọng./.${signature(from)}`;
      attachment = r() < 0.7 ? { filename: `Báo cáo ${no.replace('/', '-')}.pdf`, content: tinyPdf(`Bao cao ${no}`) } : undefined;
    } else if (kindNow < 0.85 && agencyBoxes.length) {
      // An official letter (công văn) to other agencies' and districts' unit mailboxes.
      const n = randInt(r, 2, Math.min(6, agencyBoxes.length));
      const set = new Set<UnitBox>();
      while (set.size < n) set.add(pick(r, agencyBoxes));
      to = [...set].filter((b) => b.accountId !== from.accountId).map((b) => ({ name: b.name, address: b.address, accountId: b.accountId }));
      if (!to.length) to = [who(pick(r, heads.length ? heads : people))];
      subject = `Công văn số ${no} về việc ${topic}`;
      text =
        `Kính gửi: ${to.map((t) => t.name).join('; ')}.\n\nThực hiện chỉ đạo của Ủy ban nhân dân tỉnh về việc ${topic}, ` +
        `${from.orgName} đề nghị các cơ quan, đơn vị:\n\n- Khẩn trương triển khai thực hiện, báo cáo kết quả trước ngày ` +
        `${dd(new Date(date.getTime() + 10 * 86_400_000))}.\n- Phân công lãnh đạo phụ trách, cử đầu mối phối hợp.\n\n` +
        `Rất mong nhận được sự phối hợp của Quý cơ quan./.${signature(from)}`;
      if (r() < 0.4) attachment = { filename: `CV ${no.replace('/', '-')}.pdf`, content: tinyPdf(`Cong van ${no}`) };
    } else {
      // A district or agency leader writes to the heads of its own units (communes, departments).
      const hs = orgHeads(from.orgCode).filter((p) => p.accountId !== from.accountId);
      const pool = hs.length ? hs : colleagues.length ? colleagues : people.filter((p) => p.accountId !== from.accountId);
      const n = Math.min(pool.length, randInt(r, 2, 8));
      const set = new Set<Correspondent>();
      while (set.size < n) set.add(pick(r, pool));
      to = [...set].map(who);
      subject = `Thông báo kết luận của lãnh đạo ${from.orgName} về việc ${topic}`;
      text =
        `Kính gửi: Thủ trưởng các phòng, đơn vị.\n\nNgày ${dd(date)}, lãnh đạo ${from.orgName} đã chủ trì họp về việc ${topic}. ` +
        `Kết luận như sau:\n\n1. Giao các phòng, đơn vị theo chức năng, nhiệm vụ chủ động triển khai.\n` +
        `2. Văn phòng theo dõi, đôn đốc, tổng hợp báo cáo kết quả.\n\nĐề nghị các đơn vị nghiêm túc thực hiện./.${signature(from)}`;
    }
    out.push({ from, to, cc, subject, text, attachment, date, messageId: msgId() });
  }
  return out.sort((a, b) => a.date.getTime() - b.date.getTime());
}

/** RFC 5322 date in Vietnam's time zone (UTC+7), as the officials' mail clients write it. */
export function vietnamDate(d: Date): string {
  const l = new Date(d.getTime() + 7 * 3_600_000);
  const p2 = (n: number) => String(n).padStart(2, '0');
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][l.getUTCDay()];
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][l.getUTCMonth()];
  return `${day}, ${p2(l.getUTCDate())} ${mon} ${l.getUTCFullYear()} ${p2(l.getUTCHours())}:${p2(l.getUTCMinutes())}:${p2(l.getUTCSeconds())} +0700`;
}

/** The message as bytes (RFC 5322, UTF-8 headers encoded by MailComposer). */
export async function composeMessage(m: DemoMessage): Promise<Buffer> {
  const mc = new MailComposer({
    from: { name: m.from.name, address: m.from.address },
    to: m.to.map((t) => ({ name: t.name, address: t.address })),
    cc: m.cc.length ? m.cc.map((t) => ({ name: t.name, address: t.address })) : undefined,
    subject: m.subject,
    text: m.text,
    date: vietnamDate(m.date),
    messageId: m.messageId,
    inReplyTo: m.inReplyTo,
    references: m.inReplyTo,
    attachments: m.attachment ? [{ filename: m.attachment.filename, content: m.attachment.content, contentType: 'application/pdf' }] : undefined,
  });
  return mc.compile().build();
}
