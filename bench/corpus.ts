// The benchmark mailbox: N realistic, varied provincial messages (Vietnamese subjects and
// bodies, names in encoded-words, 8bit / quoted-printable / base64 bodies, some
// multipart/alternative with HTML, some multipart/mixed with an attachment), 2-10 KB each,
// generated from a fixed seed so both servers get the same bytes in the same order.
// It also knows the ground truth for the two searched words.

/** Searched with SEARCH SUBJECT: opens one subject template in eight ("Giấy mời họp …"). */
export const SUBJECT_WORD = 'Giấy';
/** Searched with SEARCH TEXT: in a sentence only about 2% of bodies carry. One word, so line
 * wrapping never splits it; its folded form (krong) occurs nowhere else. */
export const TEXT_WORD = 'Krông';

export interface CorpusMessage {
  raw: Buffer;
  /** Internal date for APPEND, e.g. "05-Mar-2026 08:30:00 +0700". */
  internalDate: string;
  subjectHit: boolean;
  textHit: boolean;
}

import { rng } from '../test/helpers/rng.ts';

export { rng };

const HO = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý', 'A', 'Y'];
const DEM = ['Văn', 'Thị', 'Đức', 'Minh', 'Thanh', 'Ngọc', 'Hữu', 'Quang', 'Thu', 'Kim', 'Xuân', 'Hồng'];
const TEN = ['An', 'Bình', 'Cường', 'Dũng', 'Hương', 'Hà', 'Hùng', 'Lan', 'Linh', 'Long', 'Mai', 'Nam', 'Nga', 'Phúc', 'Quân', 'Sơn', 'Tâm', 'Thảo', 'Trang', 'Tuấn', 'Vân', 'Yến', 'Blong', 'Hờ Nia'];
const UNITS = [
  ['Sở Nội vụ', 'snv'],
  ['Sở Tài chính', 'stc'],
  ['Sở Kế hoạch và Đầu tư', 'skhdt'],
  ['Sở Giáo dục và Đào tạo', 'sgddt'],
  ['Sở Y tế', 'syt'],
  ['Sở Nông nghiệp và Phát triển nông thôn', 'snnptnt'],
  ['Sở Tài nguyên và Môi trường', 'stnmt'],
  ['Sở Thông tin và Truyền thông', 'stttt'],
  ['Văn phòng UBND tỉnh', 'vpubnd'],
  ['Thanh tra tỉnh', 'ttt'],
  ['UBND huyện Đắk Hà', 'dakha'],
  ['UBND huyện Ngọc Hồi', 'ngochoi'],
  ['UBND huyện Sa Thầy', 'sathay'],
  ['UBND thành phố Kon Tum', 'tpkontum'],
];
const PLACES = ['Kon Tum', 'Đắk Hà', 'Đắk Tô', 'Ngọc Hồi', 'Sa Thầy', 'Kon Plông', 'Kon Rẫy', 'Tu Mơ Rông', 'Đắk Glei', 'Ia H’Drai', 'Măng Đen', 'Bờ Y'];
const TOPICS = [
  'cải cách hành chính',
  'phòng chống thiên tai',
  'xây dựng nông thôn mới',
  'chuyển đổi số',
  'giải ngân vốn đầu tư công',
  'quản lý bảo vệ rừng',
  'tuyển sinh năm học 2026-2027',
  'tiêm chủng mở rộng',
  'dự toán ngân sách',
  'công tác cán bộ',
  'phát triển du lịch Măng Đen',
  'an toàn giao thông',
  'giảm nghèo bền vững',
  'thi đua khen thưởng',
];
const SUBJECTS = [
  (t: string, _p: string, n: number) => `Báo cáo tình hình ${t} tháng ${1 + (n % 12)}/2026`,
  (t: string, p: string) => `V/v triển khai ${t} tại ${p}`,
  (t: string, _p: string, n: number) => `Công văn số ${100 + n}/UBND-KGVX về ${t}`,
  (t: string, p: string) => `Giấy mời họp về ${t} (${p})`,
  (t: string) => `Quyết định phê duyệt kế hoạch ${t}`,
  (t: string, p: string) => `Tờ trình đề nghị hỗ trợ ${t} huyện ${p}`,
  (t: string) => `Thông báo kết luận cuộc họp về ${t}`,
  (t: string) => `Re: Góp ý dự thảo hướng dẫn ${t}`,
];
const SENTENCES = [
  (p: string, t: string) => `Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh về ${t}, đơn vị đã tổ chức triển khai tại ${p}.`,
  (p: string, t: string) => `Đề nghị các đồng chí rà soát, tổng hợp số liệu ${t} và gửi về trước ngày 30 hằng tháng.`,
  (p: string) => `Tình hình mưa lớn kéo dài tại ${p} đã ảnh hưởng đến đời sống của bà con đồng bào dân tộc thiểu số.`,
  (p: string, t: string) => `Kinh phí thực hiện ${t} được bố trí từ nguồn ngân sách địa phương năm 2026.`,
  (p: string) => `Đoàn công tác đã kiểm tra thực tế tại các xã vùng sâu, vùng xa của ${p}.`,
  () => `Kính đề nghị lãnh đạo xem xét, cho ý kiến chỉ đạo để đơn vị có cơ sở triển khai thực hiện.`,
  (p: string, t: string) => `Qua 6 tháng triển khai, kết quả ${t} cơ bản đạt kế hoạch đề ra, tuy nhiên vẫn còn một số khó khăn.`,
  (p: string) => `Đường giao thông liên xã tại ${p} bị sạt lở, cần khắc phục khẩn cấp trước mùa mưa.`,
  () => `Văn bản này thay thế Công văn trước đó; các nội dung khác giữ nguyên như đã thông báo.`,
  (p: string, t: string) => `Phòng chuyên môn chủ trì, phối hợp với UBND các xã, thị trấn thuộc ${p} thực hiện ${t}.`,
  () => `Trong quá trình thực hiện nếu có vướng mắc, đề nghị liên hệ Văn phòng để được hướng dẫn.`,
  (p: string) => `Giá cà phê và sâm Ngọc Linh ở ${p} tăng, thu nhập của người dân được cải thiện rõ rệt.`,
];
const RARE_SENTENCE = 'Công trình thủy điện Plei Krông cần xả lũ theo quy trình vận hành liên hồ chứa trên lưu vực sông Sê San.';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

const ASCII: Record<string, string> = {};
function toAscii(s: string): string {
  return (ASCII[s] ??= s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .replace(/[^A-Za-z0-9]/g, '')
    .toLowerCase());
}

function b64Word(s: string): string {
  return `=?UTF-8?B?${Buffer.from(s, 'utf8').toString('base64')}?=`;
}

function qWord(s: string): string {
  const bytes = Buffer.from(s, 'utf8');
  let out = '';
  for (const b of bytes) {
    if (b === 0x20) out += '_';
    else if ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a)) out += String.fromCharCode(b);
    else out += '=' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return `=?UTF-8?Q?${out}?=`;
}

/** Encode a header value as RFC 2047 words no longer than ~75 characters, folded. */
function encodeHeader(s: string, q: boolean): string {
  const words: string[] = [];
  let cur = '';
  for (const ch of s) {
    const next = cur + ch;
    if (Buffer.byteLength(next) > (q ? 20 : 40)) {
      words.push(cur);
      cur = ch;
    } else cur = next;
  }
  if (cur) words.push(cur);
  return words.map((w) => (q ? qWord(w) : b64Word(w))).join('\r\n ');
}

const QP = Array.from({ length: 256 }, (_, b) => ((b >= 33 && b <= 126 && b !== 61) || b === 32 ? String.fromCharCode(b) : '=' + b.toString(16).toUpperCase().padStart(2, '0')));

function quotedPrintable(text: string): string {
  const out: string[] = [];
  for (const line of text.split('\r\n')) {
    const bytes = Buffer.from(line, 'utf8');
    const parts: string[] = new Array(bytes.length);
    for (let k = 0; k < bytes.length; k++) parts[k] = QP[bytes[k]];
    let enc = parts.join('');
    if (enc.endsWith(' ')) enc = enc.slice(0, -1) + '=20';
    while (enc.length > 76) {
      let cut = 75;
      const eq = enc.lastIndexOf('=', cut);
      if (eq > cut - 3) cut = eq;
      out.push(enc.slice(0, cut) + '=');
      enc = enc.slice(cut);
    }
    out.push(enc);
  }
  return out.join('\r\n');
}

function base64Lines(buf: Buffer): string {
  return (buf.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
}

const WRAP = /(.{1,76})(?: +|$)/g;

/** Break a paragraph at spaces into lines of at most 76 characters (CRLF), like a mail client. */
function wrap(text: string): string {
  return text
    .split('\n')
    .map((para) => para.replace(WRAP, '$1\r\n').replace(/\r\n$/, ''))
    .join('\r\n');
}

export function generateCorpus(count: number, seed = 20261128): CorpusMessage[] {
  const r = rng(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)];
  const out: CorpusMessage[] = [];
  const base = Date.UTC(2025, 11, 1, 1, 0, 0); // 2025-12-01 08:00 +0700
  for (let i = 0; i < count; i++) {
    const name = `${pick(HO)} ${pick(DEM)} ${pick(TEN)}`;
    const [unit, unitSlug] = pick(UNITS);
    const fromAddr = `${toAscii(name.split(' ').slice(-1)[0])}.${toAscii(name.split(' ')[0])}${i % 97}@${unitSlug}.${'kontum.gov.vn'}`;
    const topic = pick(TOPICS);
    const place = pick(PLACES);
    const subjectFn = SUBJECTS[Math.floor(r() * SUBJECTS.length)];
    const subject = subjectFn(topic, place, i);
    const subjectHit = subject.toLowerCase().includes(SUBJECT_WORD.toLowerCase());
    const when = new Date(base + Math.floor((i / count) * 360 * 86400_000) + Math.floor(r() * 36000_000));
    const local = new Date(when.getTime() + 7 * 3600_000); // +0700 wall clock
    const pad = (n: number) => String(n).padStart(2, '0');
    const hhmmss = `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`;
    const dateHeader = `${DAYS[local.getUTCDay()]}, ${local.getUTCDate()} ${MONTHS[local.getUTCMonth()]} ${local.getUTCFullYear()} ${hhmmss} +0700`;
    const internalDate = `${pad(local.getUTCDate())}-${MONTHS[local.getUTCMonth()]}-${local.getUTCFullYear()} ${hhmmss} +0700`;

    // Body text: sentences until the target size; 2% carry the rare sentence.
    const target = 1000 + Math.floor(r() * 4500); // text bytes; headers and MIME add the rest
    const textHit = r() < 0.02;
    const paras: string[] = [`Kính gửi: ${pick(UNITS)[0]},`];
    let size = 0;
    let rareAt = textHit ? Math.floor(r() * 6) : -1;
    while (size < target) {
      const n = 2 + Math.floor(r() * 4);
      const s: string[] = [];
      for (let k = 0; k < n; k++) s.push(pick(SENTENCES)(pick(PLACES), pick(TOPICS)));
      if (rareAt === 0) s.splice(1, 0, RARE_SENTENCE);
      rareAt--;
      const p = s.join(' ');
      paras.push(p);
      size += Buffer.byteLength(p) + 2;
    }
    if (rareAt >= 0) paras.push(RARE_SENTENCE);
    paras.push(`Trân trọng./.\n${name}\n${unit} - ${place}, tỉnh Kon Tum\nĐT: 0260.38${String(10000 + ((i * 7919) % 89999)).slice(0, 5)}`);
    const plain = paras.map((p) => wrap(p)).join('\r\n\r\n') + '\r\n';

    const useQ = r() < 0.5;
    const headers = [
      `Return-Path: <${fromAddr}>`,
      `Message-ID: <${(seed + i * 2654435761).toString(36)}.${i}@${unitSlug}.kontum.gov.vn>`,
      `Date: ${dateHeader}`,
      `From: ${encodeHeader(name, useQ)} <${fromAddr}>`,
      `To: ${encodeHeader('Hộp thư công vụ', !useQ)} <hopthu@kontum.gov.vn>`,
    ];
    if (r() < 0.3) headers.push(`Cc: ${encodeHeader(`${pick(HO)} ${pick(DEM)} ${pick(TEN)}`, useQ)} <vanthu@${pick(UNITS)[1]}.kontum.gov.vn>`);
    headers.push(`Subject: ${encodeHeader(subject, useQ)}`, 'MIME-Version: 1.0', 'X-Mailer: Microsoft Outlook 16.0');

    const kind = r();
    let body: string;
    const boundary = `----=_Part_${i}_${Math.floor(r() * 1e9)}`;
    if (kind < 0.35) {
      headers.push('Content-Type: text/plain; charset=UTF-8', 'Content-Transfer-Encoding: 8bit');
      body = plain;
    } else if (kind < 0.5) {
      headers.push('Content-Type: text/plain; charset="utf-8"', 'Content-Transfer-Encoding: quoted-printable');
      body = quotedPrintable(plain);
    } else if (kind < 0.6) {
      headers.push('Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: base64');
      body = base64Lines(Buffer.from(plain, 'utf8'));
    } else if (kind < 0.85) {
      // multipart/alternative: half the text budget in each part
      const half = paras.slice(0, Math.max(2, Math.ceil(paras.length / 2)));
      if (textHit && !half.some((p) => p.includes(RARE_SENTENCE))) half.push(RARE_SENTENCE);
      const text = half.map((p) => wrap(p)).join('\r\n\r\n') + '\r\n';
      const html = `<html><head><meta charset="utf-8"></head><body>${half.map((p) => `<p style="font-family:Times New Roman">${p.replace(/\n/g, '<br>')}</p>`).join('\r\n')}</body></html>\r\n`;
      headers.push(`Content-Type: multipart/alternative; boundary="${boundary}"`);
      body = [
        'This is a multi-part message in MIME format.',
        '',
        `--${boundary}`,
        'Content-Type: text/plain; charset=UTF-8',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        quotedPrintable(text),
        `--${boundary}`,
        'Content-Type: text/html; charset=UTF-8',
        'Content-Transfer-Encoding: base64',
        '',
        base64Lines(Buffer.from(html, 'utf8')),
        `--${boundary}--`,
        '',
      ].join('\r\n');
    } else {
      // multipart/mixed: short text and a binary attachment
      const third = paras.slice(0, Math.max(2, Math.ceil(paras.length / 3)));
      if (textHit && !third.some((p) => p.includes(RARE_SENTENCE))) third.push(RARE_SENTENCE);
      const text = third.map((p) => wrap(p)).join('\r\n\r\n') + '\r\n';
      const att = Buffer.alloc((200 + Math.floor(r() * 625)) * 4);
      for (let k = 0; k < att.length; k += 4) att.writeUInt32LE(Math.floor(r() * 4294967296), k);
      att.write('%PDF-1.4\n', 0, 'latin1');
      const file = `Bao_cao_${toAscii(topic).slice(0, 20)}_${i}.pdf`;
      const vnFile = `Báo cáo ${topic}.pdf`;
      headers.push(`Content-Type: multipart/mixed; boundary="${boundary}"`);
      body = [
        `--${boundary}`,
        'Content-Type: text/plain; charset=UTF-8',
        'Content-Transfer-Encoding: 8bit',
        '',
        text,
        `--${boundary}`,
        `Content-Type: application/pdf; name="${file}"`,
        `Content-Disposition: attachment; filename="${file}";\r\n filename*=UTF-8''${encodeURIComponent(vnFile)}`,
        'Content-Transfer-Encoding: base64',
        '',
        base64Lines(att),
        `--${boundary}--`,
        '',
      ].join('\r\n');
    }
    const raw = Buffer.from(headers.join('\r\n') + '\r\n\r\n' + body, 'utf8');
    out.push({ raw, internalDate, subjectHit, textHit });
  }
  return out;
}

/** `count` distinct UIDs from 1..max, sorted, as an IMAP sequence set (fixed seed). */
export function sampleUidSet(max: number, count: number, seed = 500): { set: string; uids: number[] } {
  const r = rng(seed);
  const chosen = new Set<number>();
  while (chosen.size < Math.min(count, max)) chosen.add(1 + Math.floor(r() * max));
  const uids = [...chosen].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < uids.length;) {
    let j = i;
    while (j + 1 < uids.length && uids[j + 1] === uids[j] + 1) j++;
    parts.push(j > i ? `${uids[i]}:${uids[j]}` : String(uids[i]));
    i = j + 1;
  }
  return { set: parts.join(','), uids };
}
