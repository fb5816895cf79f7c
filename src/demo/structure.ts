// The demo province's organisation tree: Kon Tum's province, agencies, city and districts as
// they stood before 2025 (kontum-units.csv, copied from the project's reference facts), the
// usual departments inside each agency and district (Văn phòng, Thanh tra, Phòng Kế hoạch – Tài
// chính …), and the communes, wards and townships under the districts, with the titles of each
// unit's head, deputies and staff. Pure data: no database here.
import fs from 'node:fs';
import { foldVietnamese } from '../core/text/fold.ts';

export interface DemoUnit {
  code: string; // upper case, stable: 'SNV', 'SNV-VP', 'DHA-DAKMAR'
  name: string; // NFC
  abbreviation: string; // the unit mailbox's local part: 'snv', 'vp.snv', 'xadakmar.dakha'
  kind: 'province' | 'agency' | 'district' | 'department' | 'commune';
  parentCode: string | null;
  headTitle: string;
  deputyTitle: string;
  deputies: number; // how many deputies the unit has at full strength
  staffTitles: ReadonlyArray<readonly [string, number]>; // title, weight; empty = no staff of its own
  staffWeight: number; // relative share of the remaining people
}

const nfc = (s: string) => s.normalize('NFC');

/** Kon Tum's units (code, name, mailbox local part, kind, parent) from the bundled CSV. */
export function readReferenceUnits(): Array<{ code: string; name: string; localPart: string; kind: string; parent: string | null }> {
  const text = fs.readFileSync(new URL('./kontum-units.csv', import.meta.url), 'utf8').replace(/^\uFEFF/, '');
  const rows = parseCsv(text);
  const [head, ...body] = rows;
  const col = (n: string) => head.indexOf(n);
  return body
    .filter((r) => r.length >= head.length && r[0])
    .map((r) => ({
      code: r[col('code')],
      name: nfc(r[col('name_vi')]),
      localPart: r[col('local_part')],
      kind: r[col('kind')],
      parent: r[col('parent')] || null,
    }));
}

/** RFC 4180 CSV (quoted fields, "" inside quotes); enough for the bundled reference file. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

// ---- departments ----

interface DeptTemplate {
  code: string; // suffix of the unit code
  local: string; // prefix of the mailbox local part
  name: string;
  head: string;
  deputy: string;
  staff?: ReadonlyArray<readonly [string, number]>;
  weight?: number;
}

const OFFICE_STAFF = [
  ['Chuyên viên', 5],
  ['Chuyên viên chính', 1],
  ['Văn thư', 1],
  ['Kế toán', 1],
  ['Nhân viên', 1],
] as const;
const PHONG_STAFF = [
  ['Chuyên viên', 6],
  ['Chuyên viên chính', 2],
  ['Cán sự', 1],
] as const;
const INSPECTION_STAFF = [
  ['Thanh tra viên', 4],
  ['Thanh tra viên chính', 1],
  ['Chuyên viên', 1],
] as const;

const phong = (code: string, local: string, name: string, weight = 1): DeptTemplate => ({
  code,
  local,
  name,
  head: 'Trưởng phòng',
  deputy: 'Phó Trưởng phòng',
  staff: PHONG_STAFF,
  weight,
});
const VAN_PHONG: DeptTemplate = { code: 'VP', local: 'vp', name: 'Văn phòng', head: 'Chánh Văn phòng', deputy: 'Phó Chánh Văn phòng', staff: OFFICE_STAFF, weight: 1.3 };
const THANH_TRA: DeptTemplate = { code: 'TTR', local: 'thanhtra', name: 'Thanh tra', head: 'Chánh Thanh tra', deputy: 'Phó Chánh Thanh tra', staff: INSPECTION_STAFF, weight: 0.7 };
const KHTC = phong('KHTC', 'khtc', 'Phòng Kế hoạch – Tài chính');
const TCCB = phong('TCCB', 'tccb', 'Phòng Tổ chức cán bộ', 0.7);

/** Each agency's own specialised departments (beside Văn phòng, Thanh tra, Kế hoạch – Tài chính, Tổ chức cán bộ). */
const AGENCY_SPECIAL: Record<string, DeptTemplate[]> = {
  SNV: [phong('CCVC', 'ccvc', 'Phòng Công chức – Viên chức'), phong('XDCQ', 'xdcq', 'Phòng Xây dựng chính quyền và Công tác thanh niên')],
  STP: [phong('HCTP', 'hctp', 'Phòng Hành chính tư pháp'), phong('XDKT', 'xdkt', 'Phòng Xây dựng và Kiểm tra văn bản quy phạm pháp luật')],
  SKHDT: [phong('DKKD', 'dkkd', 'Phòng Đăng ký kinh doanh'), phong('THQH', 'thqh', 'Phòng Tổng hợp – Quy hoạch')],
  STC: [phong('QLNS', 'qlns', 'Phòng Quản lý ngân sách'), phong('TCDT', 'tcdt', 'Phòng Tài chính đầu tư')],
  SCT: [phong('QLTM', 'qltm', 'Phòng Quản lý thương mại'), phong('QLNL', 'qlnl', 'Phòng Quản lý năng lượng')],
  SNNPTNT: [phong('TT', 'trongtrot', 'Phòng Trồng trọt và Bảo vệ thực vật'), phong('QLXD', 'qlxd', 'Phòng Quản lý xây dựng công trình')],
  SGTVT: [phong('QLVT', 'qlvt', 'Phòng Quản lý vận tải, phương tiện và người lái'), phong('KCHT', 'kcht', 'Phòng Quản lý kết cấu hạ tầng giao thông')],
  SXD: [phong('QLXD', 'qlxd', 'Phòng Quản lý hoạt động xây dựng'), phong('QHKT', 'qhkt', 'Phòng Quy hoạch – Kiến trúc')],
  STNMT: [phong('QLDD', 'qldd', 'Phòng Quản lý đất đai'), phong('TNN', 'tnn', 'Phòng Tài nguyên nước và Khoáng sản')],
  STTTT: [phong('CNTT', 'cntt', 'Phòng Công nghệ thông tin'), phong('BCVT', 'bcvt', 'Phòng Bưu chính – Viễn thông')],
  SLDTBXH: [phong('NCC', 'ncc', 'Phòng Người có công'), phong('LDVL', 'ldvl', 'Phòng Lao động – Việc làm – Giáo dục nghề nghiệp')],
  SVHTTDL: [phong('QLVH', 'qlvh', 'Phòng Quản lý văn hóa và Gia đình'), phong('QLDL', 'qldl', 'Phòng Quản lý du lịch')],
  SKHCN: [phong('QLKH', 'qlkh', 'Phòng Quản lý khoa học'), phong('QLCN', 'qlcn', 'Phòng Quản lý công nghệ và Sở hữu trí tuệ')],
  SGDDT: [phong('GDPT', 'gdpt', 'Phòng Giáo dục phổ thông', 1.3), phong('GDMN', 'gdmn', 'Phòng Giáo dục mầm non')],
  SYT: [phong('NVY', 'nvy', 'Phòng Nghiệp vụ Y', 1.3), phong('NVD', 'nvd', 'Phòng Nghiệp vụ Dược')],
};

/** Departments of the agencies whose structure differs from a Sở's. */
const AGENCY_OWN: Record<string, DeptTemplate[]> = {
  VPUBND: [
    phong('TH', 'tonghop', 'Phòng Tổng hợp', 1.3),
    phong('KT', 'kinhte', 'Phòng Kinh tế'),
    phong('KGVX', 'kgvx', 'Phòng Khoa giáo – Văn xã'),
    phong('HCTC', 'hctc', 'Phòng Hành chính – Tổ chức', 1.2),
    { code: 'BTCD', local: 'btcd', name: 'Ban Tiếp công dân', head: 'Trưởng Ban', deputy: 'Phó Trưởng Ban', staff: PHONG_STAFF, weight: 0.6 },
  ],
  TTRA: [
    VAN_PHONG,
    { ...phong('NV1', 'nv1', 'Phòng Nghiệp vụ 1'), staff: INSPECTION_STAFF },
    { ...phong('NV2', 'nv2', 'Phòng Nghiệp vụ 2'), staff: INSPECTION_STAFF },
    { ...phong('KNTC', 'kntc', 'Phòng Giải quyết khiếu nại, tố cáo'), staff: INSPECTION_STAFF },
    { ...phong('PCTN', 'pctn', 'Phòng Phòng, chống tham nhũng'), staff: INSPECTION_STAFF },
  ],
  BDT: [VAN_PHONG, phong('CSDT', 'csdt', 'Phòng Chính sách dân tộc'), phong('TTDT', 'tuyentruyen', 'Phòng Tuyên truyền và Địa bàn')],
  BQLKKT: [VAN_PHONG, phong('QLDT', 'qldt', 'Phòng Quản lý đầu tư'), phong('QHXD', 'qhxd', 'Phòng Quản lý quy hoạch, xây dựng, tài nguyên và môi trường')],
};

const AGENCY_LEADERS: Record<string, { head: string; deputy: string; deputies: number }> = {
  VPUBND: { head: 'Chánh Văn phòng', deputy: 'Phó Chánh Văn phòng', deputies: 3 },
  TTRA: { head: 'Chánh Thanh tra tỉnh', deputy: 'Phó Chánh Thanh tra tỉnh', deputies: 2 },
  BDT: { head: 'Trưởng Ban', deputy: 'Phó Trưởng Ban', deputies: 2 },
  BQLKKT: { head: 'Trưởng Ban', deputy: 'Phó Trưởng Ban', deputies: 2 },
};

const DISTRICT_DEPTS = (city: boolean): DeptTemplate[] => [
  {
    code: 'VP',
    local: 'vp',
    name: city ? 'Văn phòng HĐND và UBND thành phố' : 'Văn phòng HĐND và UBND huyện',
    head: 'Chánh Văn phòng',
    deputy: 'Phó Chánh Văn phòng',
    staff: OFFICE_STAFF,
    weight: 1.4,
  },
  phong('PNV', 'pnv', 'Phòng Nội vụ'),
  phong('PTCKH', 'ptckh', 'Phòng Tài chính – Kế hoạch'),
  phong('PTNMT', 'ptnmt', 'Phòng Tài nguyên và Môi trường'),
  phong('PGDDT', 'pgddt', 'Phòng Giáo dục và Đào tạo', 1.2),
  phong('PVHTT', 'pvhtt', 'Phòng Văn hóa và Thông tin', 0.8),
  phong('PLDTBXH', 'pldtbxh', 'Phòng Lao động – Thương binh và Xã hội', 0.8),
  city ? phong('PKT', 'pkt', 'Phòng Kinh tế') : phong('PNN', 'pnn', 'Phòng Nông nghiệp và Phát triển nông thôn'),
  phong('PTP', 'ptp', 'Phòng Tư pháp', 0.6),
  { code: 'TTR', local: 'thanhtra', name: city ? 'Thanh tra thành phố' : 'Thanh tra huyện', head: 'Chánh Thanh tra', deputy: 'Phó Chánh Thanh tra', staff: INSPECTION_STAFF, weight: 0.6 },
];

// ---- communes, wards and townships (before 2025) ----

type CommuneKind = 'xã' | 'phường' | 'thị trấn';
const X = (names: string): Array<[CommuneKind, string]> => names.split(',').map((n) => ['xã', n.trim()]);
const P = (names: string): Array<[CommuneKind, string]> => names.split(',').map((n) => ['phường', n.trim()]);
const T = (name: string): Array<[CommuneKind, string]> => [['thị trấn', name]];

export const COMMUNES: Record<string, Array<[CommuneKind, string]>> = {
  TPKT: [
    ...P('Quyết Thắng, Thắng Lợi, Thống Nhất, Quang Trung, Duy Tân, Ngô Mây, Trường Chinh, Lê Lợi, Nguyễn Trãi, Trần Hưng Đạo'),
    ...X('Đăk Cấm, Đăk Blà, Ia Chim, Đăk Năng, Đoàn Kết, Chư Hreng, Đăk Rơ Wa, Hòa Bình, Vinh Quang, Kroong, Ngọk Bay'),
  ],
  DGL: [...T('Đăk Glei'), ...X('Đăk Pék, Đăk Man, Đăk Plô, Đăk Choong, Xốp, Mường Hoong, Ngọc Linh, Đăk Long, Đăk Nhoong, Đăk Kroong, Đăk Môn')],
  DHA: [...T('Đăk Hà'), ...X('Đăk Mar, Đăk Hring, Đăk La, Hà Mòn, Đăk Ui, Ngọk Wang, Ngọk Réo, Đăk Pxi, Đăk Long, Đăk Ngọk')],
  DTO: [...T('Đăk Tô'), ...X('Diên Bình, Tân Cảnh, Kon Đào, Pô Kô, Ngọk Tụ, Đăk Rơ Nga, Đăk Trăm, Văn Lem')],
  NHO: [...T('Plei Kần'), ...X('Đăk Ang, Đăk Dục, Đăk Nông, Đăk Xú, Đăk Kan, Bờ Y, Sa Loong')],
  STH: [...T('Sa Thầy'), ...X('Sa Nhơn, Sa Sơn, Sa Nghĩa, Sa Bình, Ya Xiêr, Ya Tăng, Ya Ly, Rơ Kơi, Mô Rai, Hơ Moong')],
  KRY: [...T('Đăk Rve'), ...X('Đăk Kôi, Đăk Tơ Lung, Đăk Ruồng, Tân Lập, Đăk Tờ Re, Đăk Pne')],
  KPL: [...T('Măng Đen'), ...X('Hiếu, Pờ Ê, Đăk Long, Măng Cành, Đăk Tăng, Măng Bút, Ngọk Tem, Đăk Ring, Đăk Nên')],
  TMR: [...X('Đăk Hà, Đăk Tờ Kan, Tu Mơ Rông, Đăk Rơ Ông, Đăk Sao, Đăk Na, Măng Ri, Ngọk Lây, Ngọk Yêu, Tê Xăng, Văn Xuôi')],
  IHD: [...X('Ia Dom, Ia Đal, Ia Tơi')],
};

const COMMUNE_STAFF = [
  ['Công chức Văn phòng – Thống kê', 2],
  ['Công chức Địa chính – Xây dựng', 2],
  ['Công chức Tài chính – Kế toán', 1],
  ['Công chức Tư pháp – Hộ tịch', 1],
  ['Công chức Văn hóa – Xã hội', 2],
  ['Chỉ huy trưởng Ban Chỉ huy Quân sự', 0.4],
  ['Trưởng Công an', 0.4],
] as const;

const slug = (s: string) => foldVietnamese(s).replace(/[^a-z0-9]+/g, '');

export interface StructureOptions {
  /** At most this many departments per agency and per district (default: all). */
  departmentsPerUnit?: number;
  /** At most this many communes per district (default: all, about a hundred). */
  communesPerDistrict?: number;
}

/** The whole tree, parents before children. */
export function demoStructure(opts: StructureOptions = {}): DemoUnit[] {
  const maxDepts = opts.departmentsPerUnit ?? Infinity;
  const maxCommunes = opts.communesPerDistrict ?? Infinity;
  const ref = readReferenceUnits();
  const out: DemoUnit[] = [];
  const dept = (parent: { code: string; localPart: string }, d: DeptTemplate): DemoUnit => ({
    code: `${parent.code}-${d.code}`,
    name: nfc(d.name),
    abbreviation: `${d.local}.${parent.localPart}`,
    kind: 'department',
    parentCode: parent.code,
    headTitle: nfc(d.head),
    deputyTitle: nfc(d.deputy),
    deputies: d.weight && d.weight < 0.8 ? 1 : 2,
    staffTitles: (d.staff ?? PHONG_STAFF).map(([t, w]) => [nfc(t), w] as const),
    staffWeight: d.weight ?? 1,
  });
  for (const u of ref) {
    if (u.kind === 'province') {
      out.push({
        code: u.code,
        name: u.name,
        abbreviation: u.localPart,
        kind: 'province',
        parentCode: u.parent,
        headTitle: nfc('Chủ tịch Ủy ban nhân dân tỉnh'),
        deputyTitle: nfc('Phó Chủ tịch Ủy ban nhân dân tỉnh'),
        deputies: 3,
        staffTitles: [],
        staffWeight: 0,
      });
    } else if (u.kind === 'agency') {
      const lead = AGENCY_LEADERS[u.code] ?? { head: 'Giám đốc', deputy: 'Phó Giám đốc', deputies: 3 };
      out.push({
        code: u.code,
        name: u.name,
        abbreviation: u.localPart,
        kind: 'agency',
        parentCode: u.parent,
        headTitle: nfc(lead.head),
        deputyTitle: nfc(lead.deputy),
        deputies: lead.deputies,
        staffTitles: [],
        staffWeight: 0,
      });
      const depts = AGENCY_OWN[u.code] ?? [VAN_PHONG, THANH_TRA, KHTC, TCCB, ...(AGENCY_SPECIAL[u.code] ?? [])];
      for (const d of depts.slice(0, maxDepts)) out.push(dept(u, d));
    } else if (u.kind === 'district') {
      const city = u.code === 'TPKT';
      const level = city ? 'thành phố' : 'huyện';
      out.push({
        code: u.code,
        name: u.name,
        abbreviation: u.localPart,
        kind: 'district',
        parentCode: u.parent,
        headTitle: nfc(`Chủ tịch Ủy ban nhân dân ${level}`),
        deputyTitle: nfc(`Phó Chủ tịch Ủy ban nhân dân ${level}`),
        deputies: city ? 3 : 2,
        staffTitles: [],
        staffWeight: 0,
      });
      for (const d of DISTRICT_DEPTS(city).slice(0, maxDepts)) out.push(dept(u, d));
      for (const [kind, name] of (COMMUNES[u.code] ?? []).slice(0, maxCommunes)) {
        const prefix = kind === 'xã' ? 'xa' : kind === 'phường' ? 'phuong' : 'tt';
        const s = slug(name);
        out.push({
          code: `${u.code}-${s.toUpperCase()}`,
          name: nfc(`Ủy ban nhân dân ${kind} ${name}`),
          abbreviation: `${prefix}${s}.${u.localPart}`,
          kind: 'commune',
          parentCode: u.code,
          headTitle: nfc(`Chủ tịch Ủy ban nhân dân ${kind}`),
          deputyTitle: nfc(`Phó Chủ tịch Ủy ban nhân dân ${kind}`),
          deputies: kind === 'phường' ? 2 : 1,
          staffTitles: COMMUNE_STAFF.map(([t, w]) => [nfc(t), w] as const),
          staffWeight: 1.1,
        });
      }
    }
  }
  return out;
}
