// The directory as CSV (csv.ts is the format): importing units or people — every row checked
// first, one refused row refuses the file, otherwise everything applies in one transaction — and
// exporting them (units in tree order, people in Vietnamese order).
// Owns: import planning (what a row creates or changes) and export; changes go through units.ts
// and people.ts inside the import's transaction.
import { listUnitRows, unitCodes, unitsHeadedBy } from '../storage/repositories/directory-units.ts';
import { generatePassword, hashPassword, normalizeAddress } from '../core/accounts.ts';
import { cleanName, splitName, storedName, unitLocalPart } from './naming.ts';
import { foldVietnamese } from '../core/text/fold.ts';
import { isUnitKind, UNIT_KINDS } from './kinds.ts';
import { formatDate, parseAction, parseDate, parseStatus, readCsv, STATUS_LABEL, writeCsv, type CsvRow } from './csv.ts';
import { addressTaken, CODE_RE, LOCAL_RE, normCode, type DirectoryContext } from './common.ts';
import type { Units } from './units.ts';
import type { People } from './people.ts';
import type { ChangeContext, CreatePersonInput, CreateUnitInput, DirectoryWarning, ImportChange, ImportResult, Person, PersonStatus, Unit } from './types.ts';

export class DirectoryCsv {
  constructor(
    private readonly c: DirectoryContext,
    private readonly units: Units,
    private readonly people: People,
  ) {}

  /**
   * Import units or people. Every row is checked first; any refused row refuses the whole file
   * (errors list each with its line). Otherwise, unless dry-run, all rows apply in one transaction.
   * Units: a known code is updated, a new one created (with its mailbox). People: a known address
   * (dia_chi_thu) updates that person; otherwise a person is created (with that address, or one
   * made from the name).
   */
  async importCsv(kind: 'units' | 'people', text: string, opts: { dryRun: boolean }, ctx: ChangeContext): Promise<ImportResult> {
    const rows = readCsv(kind, text);
    return kind === 'units' ? this.importUnits(rows, opts, ctx) : this.importPeople(rows, opts, ctx);
  }

  private async importUnits(rows: CsvRow[], opts: { dryRun: boolean }, ctx: ChangeContext): Promise<ImportResult> {
    const errors: ImportResult['errors'] = [];
    const existing = new Map((await listUnitRows(this.c.db)).map((u) => [u.code, u]));
    const codeById = new Map([...existing.values()].map((u) => [u.id, u.code]));
    const inFile = new Map<string, CsvRow>();
    const abbrevs = new Map<string, string>(); // abbreviation → code (in file)
    type Plan = { row: CsvRow; code: string; create: boolean; input: CreateUnitInput; successorCode: string | null };
    const plans: Plan[] = [];
    for (const row of rows) {
      const v = row.values;
      const bad = (m: string) => errors.push({ line: row.line, message: m });
      const code = normCode(v.code);
      if (!CODE_RE.test(code)) {
        bad(`mã không hợp lệ / invalid code "${v.code}"`);
        continue;
      }
      if (inFile.has(code)) {
        bad(`mã ${code} lặp lại (dòng ${inFile.get(code)!.line}) / duplicate code`);
        continue;
      }
      inFile.set(code, row);
      const old = existing.get(code);
      const name = cleanName(v.name);
      const kind = v.kind.trim() || old?.kind || '';
      if (!name) bad('thiếu tên / name missing');
      if (!kind) bad('thiếu loại / kind missing');
      else if (!isUnitKind(kind)) bad(`loại không hợp lệ / invalid kind "${kind}" (${UNIT_KINDS.join(', ')})`);
      let abbreviation = old?.abbreviation ?? '';
      try {
        abbreviation = unitLocalPart(v.abbreviation || old?.abbreviation || code);
      } catch {
        bad(`viết tắt không hợp lệ / invalid abbreviation "${v.abbreviation}"`);
      }
      if (abbreviation && (!old || old.abbreviation !== abbreviation)) {
        if (this.c.deps.rules.reserved.includes(abbreviation)) bad(`${abbreviation}: tên dành riêng / reserved name`);
        else if (abbrevs.has(abbreviation)) bad(`viết tắt ${abbreviation} trùng với ${abbrevs.get(abbreviation)} / abbreviation used twice`);
        else if (await addressTaken(this.c.db, `${abbreviation}@${this.c.domain}`)) bad(`${abbreviation}@${this.c.domain} đã tồn tại / address already exists`);
      }
      if (abbreviation) abbrevs.set(abbreviation, code);
      const has = (f: string) => row.present.has(f);
      const validFrom = has('validFrom') ? parseDate(v.validFrom) : (old?.validFrom ?? null);
      const validTo = has('validTo') ? parseDate(v.validTo) : (old?.validTo ?? null);
      if (validFrom === 'invalid') bad(`ngày không hợp lệ / invalid date "${v.validFrom}" (YYYY-MM-DD, DD/MM/YYYY)`);
      if (validTo === 'invalid') bad(`ngày không hợp lệ / invalid date "${v.validTo}" (YYYY-MM-DD, DD/MM/YYYY)`);
      if (typeof validFrom === 'number' && typeof validTo === 'number' && validTo < validFrom) bad('hiệu lực đến trước hiệu lực từ / valid_to before valid_from');
      const oldCode = (id: number | null | undefined) => (id == null ? null : (codeById.get(id) ?? null));
      const parentCode = has('parentCode') ? (v.parentCode ? normCode(v.parentCode) : null) : oldCode(old?.parentId);
      const successorCode = has('successorCode') ? (v.successorCode ? normCode(v.successorCode) : null) : oldCode(old?.successorId);
      if (successorCode === code) bad('đơn vị kế nhiệm chính nó / successor is itself');
      plans.push({
        row,
        code,
        create: !old,
        input: { code, name, abbreviation, kind, parentCode, validFrom: typeof validFrom === 'number' ? validFrom : null, validTo: typeof validTo === 'number' ? validTo : null },
        successorCode,
      });
    }
    // References: parents and successors must exist in the database or the file; no cycles.
    const parentOf = new Map<string, string | null>();
    for (const [code, u] of existing) parentOf.set(code, u.parentId === null ? null : (codeById.get(u.parentId) ?? null));
    for (const p of plans) parentOf.set(p.code, p.input.parentCode ?? null);
    for (const p of plans) {
      const bad = (m: string) => errors.push({ line: p.row.line, message: m });
      if (p.input.parentCode && !parentOf.has(p.input.parentCode)) bad(`không có đơn vị cấp trên ${p.input.parentCode} / unknown parent`);
      if (p.successorCode && !parentOf.has(p.successorCode)) bad(`không có đơn vị kế nhiệm ${p.successorCode} / unknown successor`);
      const seen = new Set<string>([p.code]);
      for (let c = p.input.parentCode ?? null; c; c = parentOf.get(c) ?? null) {
        if (seen.has(c)) {
          bad(`vòng lặp cấp trên / parent cycle (${[...seen].join(' → ')} → ${c})`);
          break;
        }
        seen.add(c);
      }
    }
    const result: ImportResult = { applied: false, rows: rows.length, created: plans.filter((p) => p.create).length, updated: 0, errors: errors.sort((a, b) => a.line - b.line), changes: [] };
    if (errors.length) return { ...result, created: 0 };
    for (const p of plans) {
      const old = existing.get(p.code);
      const fields = unitChanges(old, p.input, p.successorCode, codeById);
      if (old && fields.length === 0) continue;
      if (old) result.updated++;
      result.changes.push({ line: p.row.line, action: old ? 'update' : 'create', target: `${p.code} ${old?.name ?? p.input.name}`, fields });
    }
    if (opts.dryRun) return result;
    // Parents before children; passwords hashed before the transaction.
    const ordered: Plan[] = [];
    const pending = [...plans];
    while (pending.length) {
      const ready = pending.findIndex((p) => !p.input.parentCode || !pending.some((q) => q.code === p.input.parentCode));
      ordered.push(...pending.splice(ready < 0 ? 0 : ready, 1));
    }
    const passwords: Array<{ address: string; password: string }> = [];
    const hashes = new Map<string, string>();
    await Promise.all(
      ordered
        .filter((p) => p.create)
        .map(async (p) => {
          const pw = generatePassword();
          passwords.push({ address: `${p.input.abbreviation}@${this.c.domain}`, password: pw });
          hashes.set(p.code, await hashPassword(pw));
        }),
    );
    await this.c.tx.transaction(async (trx) => {
      for (const p of ordered) {
        if (p.create) await this.units.createUnitIn(trx, { ...p.input }, hashes.get(p.code), ctx);
        else
          await this.units.updateUnitIn(
            trx,
            p.code,
            { name: p.input.name, abbreviation: p.input.abbreviation, kind: p.input.kind, parentCode: p.input.parentCode, validFrom: p.input.validFrom, validTo: p.input.validTo },
            ctx,
          );
      }
      for (const p of ordered) {
        const cur = (await this.units.unitIn(trx, p.code))!;
        const succ = p.successorCode ? await this.units.unitIn(trx, p.successorCode) : null;
        if ((succ?.id ?? null) !== cur.successorId) await this.units.updateUnitIn(trx, p.code, { successorCode: p.successorCode }, ctx);
      }
    });
    return { ...result, applied: true, passwords };
  }

  private async importPeople(rows: CsvRow[], opts: { dryRun: boolean }, ctx: ChangeContext): Promise<ImportResult> {
    const errors: ImportResult['errors'] = [];
    const knownUnits = new Set(await unitCodes(this.c.db));
    type Plan = { row: CsvRow; personId: number | null; input: CreatePersonInput & { status?: PersonStatus }; localPart?: string };
    const plans: Plan[] = [];
    const seenAddr = new Map<string, number>();
    const planned = new Set<string>(); // local parts the file takes (explicit or generated)
    for (const row of rows) {
      const v = row.values;
      const bad = (m: string) => errors.push({ line: row.line, message: m });
      const before = errors.length;
      let fullName = '';
      try {
        fullName = storedName(splitName(v.fullName).fullName).name;
      } catch {
        bad(`họ tên không hợp lệ / invalid name "${v.fullName}"`);
      }
      const unitCode = v.unitCode ? normCode(v.unitCode) : null;
      if (unitCode && !knownUnits.has(unitCode)) bad(`không có đơn vị ${unitCode} / unknown unit`);
      const status = parseStatus(v.status);
      if (status === 'invalid') bad(`trạng thái không hợp lệ / invalid status "${v.status}" (đang công tác, tạm khoá, đã nghỉ)`);
      const action = parseAction(v.action ?? '');
      if (action === 'invalid') bad(`thao tác không hợp lệ / invalid action "${v.action}" (cập nhật / update, thêm mới / create)`);
      let personId: number | null = null;
      let localPart: string | undefined;
      if (v.email) {
        const addr = normalizeAddress(v.email.includes('@') ? v.email : `${v.email}@${this.c.domain}`);
        const [lp, dom] = addr.split('@');
        if (seenAddr.has(addr)) bad(`địa chỉ ${addr} lặp lại (dòng ${seenAddr.get(addr)}) / duplicate address`);
        seenAddr.set(addr, row.line);
        const owner = await this.people.personByAddress(addr);
        if (owner) {
          personId = owner.id;
          const who = `${owner.fullName} <${owner.email ?? addr}> (${owner.unitCode ?? '-'})`;
          if (action === 'create') bad(`${addr} đã là hộp thư của ${who}: không thêm mới được / already the mailbox of ${who}: cannot create`);
          else if (fullName && foldVietnamese(fullName) !== foldVietnamese(owner.fullName) && action !== 'update') {
            bad(
              `${addr} là hộp thư của ${who}, khác tên "${fullName}": từ chối; nếu đúng là đổi tên người này, ghi cột thao_tac = cập nhật / ` +
                `${addr} belongs to ${who}, not "${fullName}": refused; if this really renames that person, set column action = update`,
            );
          }
        } else if (action === 'update') bad(`cập nhật cần địa chỉ của người đã có; ${addr} không thuộc ai / an update needs the address of an existing person; ${addr} belongs to no one`);
        else if (!this.c.deps.accounts.isLocalDomain(dom)) bad(`tên miền không thuộc hệ thống / domain not served here: ${dom}`);
        else if (!LOCAL_RE.test(lp)) bad(`địa chỉ không hợp lệ / invalid address ${addr}`);
        else if (this.c.deps.rules.reserved.includes(lp)) bad(`${lp}: tên dành riêng / reserved name`);
        else if (await addressTaken(this.c.db, addr)) bad(`${addr} thuộc hộp thư khác (không phải cán bộ) / belongs to another mailbox`);
        else if (dom !== this.c.domain) bad(`cán bộ mới phải dùng tên miền chính ${this.c.domain} / new people use the primary domain`);
        else localPart = lp;
      } else if (action === 'update') bad('cập nhật cần cột dia_chi_thu của người đã có / an update needs the address (dia_chi_thu) of an existing person');
      if (errors.length > before) continue;
      if (localPart) planned.add(localPart);
      const has = (f: string) => row.present.has(f);
      plans.push({
        row,
        personId,
        localPart,
        input: {
          fullName,
          title: has('title') ? v.title : undefined,
          unitCode: has('unitCode') ? unitCode : undefined,
          phone: has('phone') ? v.phone : undefined,
          status: status === null || status === 'invalid' ? undefined : status,
        },
      });
    }
    const result: ImportResult = { applied: false, rows: rows.length, created: 0, updated: 0, errors, changes: [] };
    if (errors.length) return result;
    for (const p of plans) {
      if (p.personId === null) {
        result.created++;
        result.changes.push({
          line: p.row.line,
          action: 'create',
          target: `${p.input.fullName} <${p.localPart ? `${p.localPart}@${this.c.domain}` : 'địa chỉ tự cấp / generated address'}>`,
          fields: newPersonFields(p.input),
        });
      } else {
        const cur = (await this.people.personIn(this.c.db, p.personId))!;
        const fields = await this.personChanges(cur, p.input);
        if (fields.length === 0) continue;
        result.updated++;
        result.changes.push({ line: p.row.line, action: 'update', target: `${cur.fullName} <${cur.email ?? '-'}>`, fields });
      }
    }
    if (opts.dryRun) return result;
    const fresh = plans.filter((p) => p.personId === null);
    const secrets = await Promise.all(fresh.map(async () => ({ pw: generatePassword(), hash: '' })));
    await Promise.all(secrets.map(async (s) => (s.hash = await hashPassword(s.pw))));
    const passwords: Array<{ address: string; password: string }> = [];
    const warnings: DirectoryWarning[] = [];
    await this.c.tx.transaction(async (trx) => {
      let i = 0;
      for (const p of plans) {
        if (p.personId === null) {
          const s = secrets[i++];
          const person = await this.people.createPersonIn(trx, { ...p.input, localPart: p.localPart }, s.hash, true, ctx, planned);
          passwords.push({ address: person.email!, password: s.pw });
          planned.add(person.email!.split('@')[0]);
        } else {
          await this.people.updatePersonIn(
            trx,
            p.personId,
            { fullName: p.input.fullName, title: p.input.title, phone: p.input.phone, unitCode: p.input.unitCode, status: p.input.status, keepCase: true },
            ctx,
            warnings,
          );
        }
      }
    });
    return { ...result, applied: true, passwords, ...(warnings.length ? { warnings } : {}) };
  }

  /** What an update row changes on a person, field by field (headships it would vacate included). */
  private async personChanges(p: Person, input: CreatePersonInput & { status?: PersonStatus }): Promise<ImportChange['fields']> {
    const fields: ImportChange['fields'] = [];
    const diff = (field: string, from: string | null, to: string | null | undefined) => {
      if (to !== undefined && (from ?? '') !== (to ?? '')) fields.push({ field, from, to });
    };
    diff('họ tên / name', p.fullName, input.fullName);
    diff('chức vụ / title', p.title, input.title === undefined ? undefined : cleanName(input.title));
    diff('đơn vị / unit', p.unitCode, input.unitCode);
    diff('điện thoại / phone', p.phone, input.phone === undefined ? undefined : input.phone.trim());
    diff('trạng thái / status', STATUS_LABEL[p.status], input.status === undefined ? undefined : STATUS_LABEL[input.status]);
    const leaving = input.status === 'left' && p.status !== 'left';
    const newUnit = input.unitCode !== undefined && input.unitCode !== p.unitCode ? (input.unitCode ? await this.units.unitIn(this.c.db, input.unitCode) : null) : undefined;
    if (leaving || newUnit !== undefined) {
      for (const unitId of await unitsHeadedBy(this.c.db, p.id)) {
        if (!leaving && newUnit && (await this.units.subtreeIn(this.c.db, unitId)).includes(newUnit.id)) continue;
        const u = await this.units.unitIn(this.c.db, unitId);
        fields.push({ field: 'thủ trưởng (để trống, thu hồi hộp thư đơn vị) / head (vacated, unit mailbox rights withdrawn)', from: u?.code ?? String(unitId), to: null });
      }
    }
    return fields;
  }

  /** UTF-8 with BOM, Vietnamese headers, people in Vietnamese order, units in tree order. */
  async exportCsv(kind: 'units' | 'people'): Promise<string> {
    if (kind === 'units') {
      const units = await this.units.listUnits();
      const code = new Map(units.map((u) => [u.id, u.code]));
      return writeCsv(
        'units',
        units.map((u) => ({
          code: u.code,
          name: u.name,
          abbreviation: u.abbreviation,
          kind: u.kind,
          parentCode: u.parentId === null ? '' : code.get(u.parentId),
          validFrom: formatDate(u.validFrom),
          validTo: formatDate(u.validTo),
          successorCode: u.successorId === null ? '' : code.get(u.successorId),
        })),
      );
    }
    const people = await this.people.listPeople();
    return writeCsv(
      'people',
      people.map((p) => ({ fullName: p.fullName, title: p.title, unitCode: p.unitCode ?? '', phone: p.phone, email: p.email ?? '', status: STATUS_LABEL[p.status] })),
    );
  }
}

/** What a unit row changes (or sets, for a new unit), field by field. */
function unitChanges(u: Unit | undefined, input: CreateUnitInput, successorCode: string | null, codeById: Map<number, string>): ImportChange['fields'] {
  const code = (id: number | null | undefined) => (id == null ? null : (codeById.get(id) ?? null));
  const fields: ImportChange['fields'] = [];
  const diff = (field: string, from: string | null, to: string | null) => {
    if ((from ?? '') !== (to ?? '')) fields.push({ field, from, to });
  };
  diff('tên / name', u?.name ?? null, input.name);
  diff('viết tắt (hộp thư) / abbreviation (mailbox)', u?.abbreviation ?? null, input.abbreviation ?? null);
  diff('loại / kind', u?.kind ?? null, input.kind);
  diff('cấp trên / parent', code(u?.parentId), input.parentCode ?? null);
  diff('hiệu lực từ / valid from', formatDate(u?.validFrom ?? null) || null, formatDate(input.validFrom ?? null) || null);
  diff('hiệu lực đến / valid to', formatDate(u?.validTo ?? null) || null, formatDate(input.validTo ?? null) || null);
  diff('kế nhiệm / successor', code(u?.successorId), successorCode);
  return fields;
}

/** The fields a new person row sets. */
function newPersonFields(input: CreatePersonInput & { status?: PersonStatus }): ImportChange['fields'] {
  const fields: ImportChange['fields'] = [{ field: 'họ tên / name', from: null, to: input.fullName }];
  if (input.title) fields.push({ field: 'chức vụ / title', from: null, to: cleanName(input.title) });
  if (input.unitCode) fields.push({ field: 'đơn vị / unit', from: null, to: input.unitCode });
  if (input.phone?.trim()) fields.push({ field: 'điện thoại / phone', from: null, to: input.phone.trim() });
  if (input.status && input.status !== 'active') fields.push({ field: 'trạng thái / status', from: null, to: STATUS_LABEL[input.status] });
  return fields;
}
