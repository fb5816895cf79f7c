// CSV for the directory: reading (UTF-8 with or without BOM, ',' or ';' separated, Vietnamese
// column headers or their English aliases, line numbers kept for error reports) and writing
// (UTF-8 with BOM and CRLF so Excel opens Vietnamese correctly; formula-leading cells escaped with
// a quote, OWASP's rule, and unescaped on reading). Uses csv-parse / csv-stringify.
// Owns: the directory's CSV format (columns, headers, dates, status labels); no storage.
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { ThutinError } from '../core/errors.ts';
import { foldVietnamese } from '../core/text/fold.ts';

export const BOM = '\ufeff';

export type CsvKind = 'people' | 'units';

/** Canonical field → the Vietnamese header written on export, then accepted aliases. */
export const COLUMNS: Record<CsvKind, Record<string, string[]>> = {
  people: {
    fullName: ['ho_ten', 'full_name', 'fullname', 'name', 'ho_va_ten'],
    title: ['chuc_vu', 'title', 'position'],
    unitCode: ['ma_don_vi', 'unit_code', 'unit', 'don_vi'],
    phone: ['dien_thoai', 'phone', 'telephone', 'so_dien_thoai'],
    email: ['dia_chi_thu', 'email', 'mail', 'address'],
    status: ['trang_thai', 'status'],
  },
  units: {
    code: ['ma', 'code', 'ma_don_vi'],
    name: ['ten', 'name', 'name_vi', 'ten_don_vi'],
    abbreviation: ['viet_tat', 'abbreviation', 'local_part', 'ten_viet_tat'],
    kind: ['loai', 'kind', 'type'],
    parentCode: ['ma_cap_tren', 'parent', 'parent_code'],
    validFrom: ['hieu_luc_tu', 'valid_from'],
    validTo: ['hieu_luc_den', 'valid_to'],
    successorCode: ['ma_ke_nhiem', 'successor', 'successor_code'],
  },
};

/** Columns an import reads but an export never writes: `thao_tac` says what a row means to do. */
export const IMPORT_ONLY_COLUMNS: Record<CsvKind, Record<string, string[]>> = {
  people: { action: ['thao_tac', 'action', 'hanh_dong'] },
  units: {},
};

const ACTION_WORDS: Record<string, 'update' | 'create'> = {
  update: 'update',
  'cap nhat': 'update',
  sua: 'update',
  create: 'create',
  new: 'create',
  them: 'create',
  'them moi': 'create',
};

/** A row's `thao_tac`: '' = decided by the address; `update` (cập nhật) = change the person owning the address; `create` (thêm mới) = a new person. */
export function parseAction(s: string): 'auto' | 'update' | 'create' | 'invalid' {
  if (!s) return 'auto';
  return ACTION_WORDS[foldVietnamese(s).replace(/\s+/g, ' ').trim()] ?? 'invalid';
}

export interface CsvRow {
  line: number; // 1-based line in the file where the record starts
  values: Record<string, string>; // canonical field → trimmed text ('' when absent)
  present: Set<string>; // the fields the file has a column for (an update leaves the others alone)
}

function headerKey(h: string): string {
  return foldVietnamese(h.replace(/^\ufeff/, '').trim()).replace(/[\s-]+/g, '_');
}

/** Parse a directory CSV. Unknown columns are refused (a typo would otherwise drop data silently). */
export function readCsv(kind: CsvKind, text: string): CsvRow[] {
  // one kind of line end, so the parser's line count is the line a spreadsheet shows
  const body = (text.startsWith(BOM) ? text.slice(1) : text).replace(/\r\n?/g, '\n');
  const firstLine = body.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(body, { delimiter, relax_column_count: true, skip_empty_lines: true, info: true, bom: true }) as never;
  } catch (e) {
    throw new ThutinError('CSV_INVALID', (e as Error).message);
  }
  if (records.length === 0) throw new ThutinError('CSV_INVALID', 'tệp rỗng / empty file');
  const cols = { ...COLUMNS[kind], ...IMPORT_ONLY_COLUMNS[kind] };
  const aliasToField = new Map<string, string>();
  for (const [field, names] of Object.entries(cols)) for (const n of names) aliasToField.set(n, field);
  const header = records[0].record.map((h) => {
    const f = aliasToField.get(headerKey(h));
    if (!f)
      throw new ThutinError(
        'CSV_INVALID',
        `cột không rõ / unknown column "${h}" (${Object.values(cols)
          .map((n) => n[0])
          .join(',')})`,
      );
    return f;
  });
  const required = kind === 'people' ? ['fullName'] : ['code', 'name'];
  for (const r of required) if (!header.includes(r)) throw new ThutinError('CSV_INVALID', `thiếu cột / missing column ${cols[r as keyof typeof cols][0]}`);
  return records.slice(1).map(({ record, info }) => {
    const values: Record<string, string> = {};
    for (const f of Object.keys(cols)) values[f] = '';
    header.forEach((f, i) => {
      values[f] = unescapeFormulaCell(record[i] ?? '')
        .normalize('NFC')
        .trim();
    });
    return { line: info.lines - (record.join('\n').split('\n').length - record.length), values, present: new Set(header) };
  });
}

/**
 * Formula injection (OWASP "CSV Injection"): a cell beginning with = + - @, a tab or a carriage
 * return is run as a formula by Excel and LibreOffice. On export such a cell gets a leading single
 * quote, which spreadsheets show as text. So that our own export reads back unchanged, a cell that
 * already is quotes followed by one of those characters gets one more quote, and reading removes
 * exactly one quote from a cell of that shape (escapeFormulaCell ∘ unescapeFormulaCell = identity).
 */
const FORMULA_LEADING = /^'*[=+\-@\t\r]/;

export function escapeFormulaCell(value: string): string {
  return FORMULA_LEADING.test(value) ? `'${value}` : value;
}

/** The inverse of escapeFormulaCell, applied to every cell read (before trimming). */
export function unescapeFormulaCell(value: string): string {
  return value.startsWith("'") && FORMULA_LEADING.test(value.slice(1)) ? value.slice(1) : value;
}

/** Write rows (canonical field → value) with the Vietnamese headers, BOM and CRLF; formula-leading cells escaped. */
export function writeCsv(kind: CsvKind, rows: Array<Record<string, string | number | null | undefined>>): string {
  const fields = Object.keys(COLUMNS[kind]);
  const header = fields.map((f) => COLUMNS[kind][f][0]);
  const data = rows.map((r) => fields.map((f) => (r[f] === null || r[f] === undefined ? '' : escapeFormulaCell(String(r[f])))));
  return BOM + stringify([header, ...data], { record_delimiter: '\r\n' });
}

// Dates: YYYY-MM-DD or DD/MM/YYYY, at midnight in Vietnam (UTC+7).
const VN_OFFSET = 7 * 3600 * 1000;

export function parseDate(s: string): number | null | 'invalid' {
  if (!s) return null;
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
  let y: number, mo: number, d: number;
  if (m) [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else if ((m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s))) [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else return 'invalid';
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return 'invalid';
  return t - VN_OFFSET;
}

export function formatDate(ms: number | null): string {
  if (ms === null) return '';
  return new Date(ms + VN_OFFSET).toISOString().slice(0, 10);
}

const STATUS_WORDS: Record<string, 'active' | 'suspended' | 'left'> = {
  active: 'active',
  'dang cong tac': 'active',
  'hoat dong': 'active',
  suspended: 'suspended',
  'tam khoa': 'suspended',
  'tam dung': 'suspended',
  left: 'left',
  'da nghi': 'left',
  'nghi viec': 'left',
};
export const STATUS_LABEL: Record<'active' | 'suspended' | 'left', string> = { active: 'đang công tác', suspended: 'tạm khoá', left: 'đã nghỉ' };

export function parseStatus(s: string): 'active' | 'suspended' | 'left' | null | 'invalid' {
  if (!s) return null;
  return STATUS_WORDS[foldVietnamese(s).replace(/\s+/g, ' ').trim()] ?? 'invalid';
}
