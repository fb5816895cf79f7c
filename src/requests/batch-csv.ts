// A batch of requests as CSV (issue 11): UTF-8 with BOM (Excel's), the directory's people headers
// (ho_ten, chuc_vu, ma_don_vi, dien_thoai, dia_chi_thu — or their English aliases) plus
// `loai_yeu_cau`, the kind of each row (tiếp nhận, điều chuyển, nghỉ việc, cập nhật, cấp lại mật
// khẩu — or joiner, mover, leaver, update, password-reset). Each row becomes one item with its line
// number; rows are read here and checked against the directory by the service before anything
// is filed.
// Owns: the batch CSV format (its type column and words, the row → payload mapping); no storage.
import { parse } from 'csv-parse/sync';
import { COLUMNS, unescapeFormulaCell } from '../directory/csv.ts';
import { ThutinError } from '../core/errors.ts';
import { foldVietnamese } from '../core/text/fold.ts';
import type { ItemInput, ItemKind } from './types.ts';

const TYPE_HEADERS = ['loai_yeu_cau', 'request_type', 'type', 'loai'];

const TYPE_WORDS: Record<string, ItemKind> = {
  joiner: 'joiner',
  'tiep nhan': 'joiner',
  'them moi': 'joiner',
  'tuyen dung': 'joiner',
  mover: 'mover',
  'dieu chuyen': 'mover',
  'dieu dong': 'mover',
  'chuyen cong tac': 'mover',
  leaver: 'leaver',
  'nghi viec': 'leaver',
  'thoi viec': 'leaver',
  'nghi huu': 'leaver',
  update: 'update',
  'cap nhat': 'update',
  'password-reset': 'password-reset',
  'cap lai mat khau': 'password-reset',
  'dat lai mat khau': 'password-reset',
};

export interface BatchRows {
  items: ItemInput[];
  errors: Array<{ line: number; message: string }>;
}

function key(h: string): string {
  return foldVietnamese(h.replace(/^\ufeff/, '').trim()).replace(/[\s-]+/g, '_');
}

/** Read a batch CSV into items (one per row, with its line); rows that cannot be read are errors, each with its line. */
export function readBatchCsv(text: string): BatchRows {
  const body = (text.startsWith('\ufeff') ? text.slice(1) : text).replace(/\r\n?/g, '\n');
  const first = body.split('\n', 1)[0] ?? '';
  const delimiter = (first.match(/;/g)?.length ?? 0) > (first.match(/,/g)?.length ?? 0) ? ';' : ',';
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(body, { delimiter, relax_column_count: true, skip_empty_lines: true, info: true }) as never;
  } catch (e) {
    throw new ThutinError('CSV_INVALID', (e as Error).message);
  }
  if (records.length < 2) throw new ThutinError('CSV_INVALID', 'tệp không có dòng yêu cầu nào / no request rows');
  const aliases = new Map<string, string>();
  for (const [field, names] of Object.entries(COLUMNS.people)) for (const n of names) aliases.set(n, field);
  for (const n of TYPE_HEADERS) aliases.set(n, 'type');
  const header = records[0].record.map((h) => {
    const f = aliases.get(key(h));
    if (!f)
      throw new ThutinError(
        'CSV_INVALID',
        `cột không rõ / unknown column "${h}" (loai_yeu_cau, ${Object.values(COLUMNS.people)
          .map((n) => n[0])
          .join(', ')})`,
      );
    return f;
  });
  if (!header.includes('type')) throw new ThutinError('CSV_INVALID', 'thiếu cột / missing column loai_yeu_cau');
  const out: BatchRows = { items: [], errors: [] };
  for (const { record, info } of records.slice(1)) {
    const line = info.lines - (record.join('\n').split('\n').length - record.length);
    const v: Record<string, string> = {};
    header.forEach(
      (f, i) =>
        (v[f] = unescapeFormulaCell(record[i] ?? '')
          .normalize('NFC')
          .trim()),
    );
    const kind =
      TYPE_WORDS[
        foldVietnamese(v.type ?? '')
          .toLowerCase()
          .replace(/\s+/g, ' ')
          .trim()
      ];
    if (!kind) {
      out.errors.push({ line, message: `loại yêu cầu không rõ / unknown request type "${v.type ?? ''}" (tiếp nhận, điều chuyển, nghỉ việc, cập nhật, cấp lại mật khẩu)` });
      continue;
    }
    const opt = (k: string) => (v[k] ? { [k]: v[k] } : {});
    const person = v.email ?? '';
    let payload: Record<string, unknown>;
    switch (kind) {
      case 'joiner':
        payload = { fullName: v.fullName ?? '', unitCode: v.unitCode ?? '', ...opt('title'), ...opt('phone'), ...(person ? { localPart: person.split('@')[0] } : {}) };
        break;
      case 'mover':
        payload = { person, unitCode: v.unitCode ?? '', ...opt('title') };
        break;
      case 'update':
        payload = { person, ...opt('fullName'), ...opt('title'), ...opt('phone') };
        break;
      default:
        payload = { person };
    }
    out.items.push({ kind, payload, line });
  }
  return out;
}
