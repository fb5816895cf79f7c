// Realistic Vietnamese names for the demo province, from a seeded PRNG (same seed → same names).
// Owns the name tables: Kinh family names with their real frequency (Nguyễn ≈ 38 %, Trần ≈ 11 %,
// Lê ≈ 9.5 % …; Huỳnh and Võ as common as Hoàng and Vũ in the central provinces), middle and given
// names by gender (sometimes two middle names), and names of Kon Tum's ethnic minorities: the
// Xơ Đăng, Ba Na and Giẻ Triêng custom of "A" (men) and "Y" (women) before the personal name
// (A Vương, Y Ngọc), some with a Kinh-style name under the family name Đinh, and Jrai family
// names (Rơ Châm, Rơ Mah, Ksor, Siu, Kpă, Nay) in the west of the province. Every name is NFC.
import { Weighted, pick, type Random } from './random.ts';

export type Gender = 'male' | 'female';
export type Origin = 'kinh' | 'highland' | 'jrai';

export interface GeneratedName {
  fullName: string;
  familyName: string;
  middleName: string; // '' when none; two words when there are two middle names
  givenName: string;
  gender: Gender;
  origin: Origin;
}

const nfc = (s: string) => s.normalize('NFC');

/** Kinh family names and their share of the population, per cent (national surveys, rounded). */
export const FAMILY_NAMES = new Weighted<string>(
  (
    [
      ['Nguyễn', 38.4],
      ['Trần', 11.0],
      ['Lê', 9.5],
      ['Phạm', 7.0],
      ['Huỳnh', 2.7],
      ['Hoàng', 2.4],
      ['Phan', 4.5],
      ['Võ', 2.1],
      ['Vũ', 1.8],
      ['Đặng', 2.1],
      ['Bùi', 2.0],
      ['Đỗ', 1.4],
      ['Hồ', 1.3],
      ['Ngô', 1.3],
      ['Dương', 1.0],
      ['Lý', 0.5],
      ['Trương', 1.0],
      ['Đinh', 0.9],
      ['Đoàn', 0.8],
      ['Đào', 0.7],
      ['Lương', 0.6],
      ['Mai', 0.5],
      ['Hà', 0.5],
      ['Lâm', 0.4],
      ['Cao', 0.4],
      ['Tô', 0.3],
      ['Tạ', 0.3],
      ['Châu', 0.3],
      ['Lưu', 0.3],
      ['Phùng', 0.3],
      ['Thái', 0.3],
      ['Vương', 0.2],
      ['Kiều', 0.2],
      ['Quách', 0.2],
      ['Triệu', 0.2],
      ['Văn', 0.1],
      ['La', 0.1],
      ['Khổng', 0.1],
    ] as const
  ).map(([n, w]) => [nfc(n), w] as const),
);

// Middle names: Văn and Thị dominate among officials born before 1990; the others are common
// too. A second middle name is rarer (Trần Thị Thu Hương, Nguyễn Văn Minh Đức).
const MIDDLE_MALE = new Weighted<string>(
  (
    [
      ['Văn', 34],
      ['Đức', 7],
      ['Quang', 6],
      ['Minh', 7],
      ['Hữu', 5],
      ['Công', 5],
      ['Ngọc', 4],
      ['Thanh', 5],
      ['Xuân', 4],
      ['Trọng', 3],
      ['Anh', 2],
      ['Duy', 3],
      ['Tiến', 2],
      ['Đình', 5],
      ['Bá', 2],
      ['Mạnh', 2],
      ['Quốc', 4],
      ['Viết', 1],
      ['Hoàng', 2],
      ['Trung', 2],
      ['Phước', 2],
      ['Tấn', 3],
    ] as const
  ).map(([n, w]) => [nfc(n), w] as const),
);
const MIDDLE_FEMALE = new Weighted<string>(
  (
    [
      ['Thị', 45],
      ['Thu', 6],
      ['Ngọc', 7],
      ['Thanh', 6],
      ['Hồng', 5],
      ['Kim', 4],
      ['Thúy', 3],
      ['Bích', 3],
      ['Mỹ', 3],
      ['Phương', 3],
      ['Diệu', 2],
      ['Minh', 3],
      ['Hoài', 2],
      ['Khánh', 2],
      ['Quỳnh', 2],
      ['Hải', 1],
      ['Xuân', 2],
      ['Tuyết', 1],
    ] as const
  ).map(([n, w]) => [nfc(n), w] as const),
);
// Second middle names after Thị/Văn (Trần Thị Thu Hương, Lê Văn Minh Tuấn).
const SECOND_MIDDLE_FEMALE = ['Thu', 'Hồng', 'Kim', 'Thanh', 'Ngọc', 'Mỹ', 'Bích', 'Phương', 'Thúy', 'Minh'].map(nfc);
const SECOND_MIDDLE_MALE = ['Minh', 'Quốc', 'Thanh', 'Ngọc', 'Hoàng', 'Đức', 'Anh'].map(nfc);

const GIVEN_MALE = [
  'An',
  'Anh',
  'Bảo',
  'Bình',
  'Cường',
  'Chiến',
  'Công',
  'Dũng',
  'Duy',
  'Dương',
  'Đạt',
  'Định',
  'Đông',
  'Đức',
  'Hải',
  'Hào',
  'Hiếu',
  'Hiển',
  'Hòa',
  'Hoàng',
  'Hùng',
  'Huy',
  'Hưng',
  'Khang',
  'Khánh',
  'Khoa',
  'Kiên',
  'Lâm',
  'Linh',
  'Lộc',
  'Long',
  'Luân',
  'Lực',
  'Mạnh',
  'Minh',
  'Nam',
  'Nghĩa',
  'Nhân',
  'Phát',
  'Phong',
  'Phúc',
  'Phước',
  'Quân',
  'Quang',
  'Quốc',
  'Sơn',
  'Tài',
  'Tâm',
  'Tân',
  'Thái',
  'Thắng',
  'Thành',
  'Thiện',
  'Thịnh',
  'Thọ',
  'Toàn',
  'Trí',
  'Trung',
  'Trường',
  'Tuấn',
  'Tùng',
  'Vinh',
  'Việt',
  'Vũ',
  'Hậu',
  'Khải',
  'Lợi',
  'Sang',
  'Tín',
  'Trọng',
].map(nfc);
const GIVEN_FEMALE = [
  'An',
  'Anh',
  'Ánh',
  'Bích',
  'Châu',
  'Chi',
  'Diễm',
  'Dung',
  'Duyên',
  'Giang',
  'Hà',
  'Hạnh',
  'Hằng',
  'Hiền',
  'Hoa',
  'Hồng',
  'Huệ',
  'Hương',
  'Hường',
  'Huyền',
  'Khánh',
  'Lan',
  'Liên',
  'Linh',
  'Loan',
  'Ly',
  'Mai',
  'My',
  'Nga',
  'Ngân',
  'Ngọc',
  'Nguyệt',
  'Nhung',
  'Nhi',
  'Oanh',
  'Phương',
  'Phượng',
  'Quyên',
  'Quỳnh',
  'Sương',
  'Tâm',
  'Thảo',
  'Thanh',
  'Thoa',
  'Thu',
  'Thủy',
  'Thúy',
  'Thư',
  'Trang',
  'Trinh',
  'Tuyết',
  'Uyên',
  'Vân',
  'Vy',
  'Xuân',
  'Yến',
  'Hoài',
  'Lệ',
  'Nhàn',
  'Trâm',
].map(nfc);

// Xơ Đăng, Ba Na and Giẻ Triêng: "A" before a man's name, "Y" before a woman's (A Vương,
// Y Ngọc); the personal names are one word.
const HIGHLAND_MALE = [
  'Vương',
  'Pớt',
  'Blong',
  'Thuyên',
  'Hên',
  'Tiến',
  'Hưng',
  'Sang',
  'Đá',
  'Dũng',
  'Nhút',
  'Bút',
  'Lâm',
  'Hơi',
  'Đe',
  'Nhoi',
  'Kiên',
  'Tuấn',
  'Hùng',
  'Ghi',
  'Phiên',
  'Thiết',
  'Khiêm',
  'Brung',
  'Lới',
  'Rin',
  'Mên',
  'Kôi',
  'Sâm',
  'Dương',
].map(nfc);
const HIGHLAND_FEMALE = [
  'Ngọc',
  'Hoa',
  'Bích',
  'Nhung',
  'Mai',
  'Hương',
  'Tuyết',
  'Lan',
  'Đê',
  'Liêm',
  'Bơm',
  'Mửi',
  'Hiên',
  'Xuân',
  'Thoa',
  'Hằng',
  'Nơi',
  'Phương',
  'Loan',
  'Dinh',
  'Nghĩa',
  'Ring',
  'Hlin',
  'Thiên',
  'Vân',
].map(nfc);
// Jrai (Sa Thầy, Ia H'Drai, west of Kon Tum city): the clan name comes first.
const JRAI_FAMILY = new Weighted<string>(
  (
    [
      ['Rơ Châm', 5],
      ['Rơ Mah', 4],
      ['Ksor', 4],
      ['Siu', 4],
      ['Kpă', 3],
      ['Nay', 2],
      ['Rơ Lan', 1],
    ] as const
  ).map(([n, w]) => [nfc(n), w] as const),
);
const JRAI_MALE = ['Thư', 'Phơ', 'Khoan', 'Long', 'Đoan', 'Bơ', 'Thiêu', 'Blưn', 'Nhiên', 'Yơn', 'Jen', 'Đức'].map(nfc);
const JRAI_FEMALE = ['Hơn', 'Nhoai', 'Lan', 'Hlên', 'Nga', 'Thuyên', 'Bi', 'Yun', 'Hương', 'Phiết', 'Hoa'].map(nfc);

export interface NameOptions {
  /** Share of names from the province's ethnic minorities, 0..1 (default 0.15). */
  minorityShare?: number;
  /** Share of Jrai names among the minority names (default 0.2; higher in Sa Thầy and Ia H'Drai). */
  jraiShare?: number;
  /** Force a gender; otherwise about half and half. */
  gender?: Gender;
}

function make(family: string, middle: string, given: string, gender: Gender, origin: Origin): GeneratedName {
  const fullName = nfc([family, middle, given].filter(Boolean).join(' '));
  return { fullName, familyName: family, middleName: middle, givenName: given, gender, origin };
}

/** One name. */
export function generateName(r: Random, opts: NameOptions = {}): GeneratedName {
  const gender: Gender = opts.gender ?? (r() < 0.5 ? 'male' : 'female');
  const male = gender === 'male';
  if (r() < (opts.minorityShare ?? 0.15)) {
    if (r() < (opts.jraiShare ?? 0.2)) return make(JRAI_FAMILY.pick(r), '', pick(r, male ? JRAI_MALE : JRAI_FEMALE), gender, 'jrai');
    // Some highland officials are registered with a Kinh-style name under Đinh.
    if (r() < 0.2) return make(nfc('Đinh'), male ? nfc('Văn') : nfc('Thị'), pick(r, male ? GIVEN_MALE : GIVEN_FEMALE), gender, 'highland');
    return make(male ? 'A' : 'Y', '', pick(r, male ? HIGHLAND_MALE : HIGHLAND_FEMALE), gender, 'highland');
  }
  const family = FAMILY_NAMES.pick(r);
  let middle = (male ? MIDDLE_MALE : MIDDLE_FEMALE).pick(r);
  const given = pick(r, male ? GIVEN_MALE : GIVEN_FEMALE);
  const two = male ? middle === nfc('Văn') && r() < 0.06 : middle === nfc('Thị') && r() < 0.3;
  if (two) middle = `${middle} ${pick(r, male ? SECOND_MIDDLE_MALE : SECOND_MIDDLE_FEMALE)}`;
  // Avoid the odd repetition "Nguyễn Thị Thu Thu"
  if (middle.split(' ').includes(given)) middle = male ? nfc('Văn') : nfc('Thị');
  return make(family, middle, given, gender, 'kinh');
}

/** `n` names from one seeded sequence. */
export function generateNames(r: Random, n: number, opts: NameOptions = {}): GeneratedName[] {
  const out: GeneratedName[] = [];
  for (let i = 0; i < n; i++) out.push(generateName(r, opts));
  return out;
}
