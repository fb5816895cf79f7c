// `thutin unit …`, `thutin person …`, `thutin directory search|import|export`: the directory from
// the shell. Every write takes --reason (the official document that authorised it, R10.1) and
// is audited with the operating-system user as the actor. Lists print a table or --json. Changes
// that do more than asked say so: a vacated headship, a rotated unit-mailbox password (shown once),
// a likely duplicate (refused until --confirm-duplicate), a name stored in title case, and an
// import's every change field by field.
import fs from 'node:fs';
import type { App } from '../../app.ts';
import { withApp, cliActor } from './common.ts';
import { ThutinError } from '../../core/errors.ts';
import { formatDate, parseDate, STATUS_LABEL } from '../../directory/csv.ts';
import { DuplicatePersonError, type ChangeContext, type DirectoryWarning, type Person, type Unit } from '../../directory/service.ts';
import { SEARCH_KINDS } from '../../directory/kinds.ts';

const out = (s: string) => process.stdout.write(s + '\n');
/** The audit context of a change: the OS user, and the document that authorised it (required, never blank). */
export function ctxOf(o: { reason?: string }): ChangeContext {
  const reason = (o.reason ?? '').trim();
  if (!reason) throw new ThutinError('REASON_REQUIRED');
  return { actor: cliActor(), reason };
}

/** What a change did besides what was asked (a vacated headship): printed for the administrator. */
function warn(warnings: DirectoryWarning[] | undefined): void {
  for (const w of warnings ?? []) out(`⚠ ${w.message} / ${w.messageEn}`);
}

/** A date on the command line: YYYY-MM-DD / DD/MM/YYYY (midnight in Vietnam) or a full ISO time. */
export function cliDate(s: string | undefined): number | null | undefined {
  if (s === undefined) return undefined;
  if (s === '' || s === 'none') return null;
  const d = parseDate(s);
  if (typeof d === 'number') return d;
  const t = Date.parse(s);
  if (Number.isNaN(t)) throw new Error(`Ngày không hợp lệ / invalid date: ${s} (YYYY-MM-DD)`);
  return t;
}

async function findPerson(app: App, ref: string): Promise<Person> {
  let p: Person | null = null;
  if (/^\d+$/.test(ref)) p = await app.directory.getPerson(Number(ref));
  else p = await app.directory.personByAddress(ref.includes('@') ? ref : `${ref}@${app.config.domains.primary}`);
  if (!p) throw new ThutinError('PERSON_NOT_FOUND', ref);
  return p;
}

function unitLine(u: Unit, codes: Map<number, string>): string {
  const parent = u.parentId === null ? '-' : (codes.get(u.parentId) ?? String(u.parentId));
  const validity = u.validFrom || u.validTo ? ` [${formatDate(u.validFrom) || '…'} → ${formatDate(u.validTo) || '…'}]` : '';
  const succ = u.successorId ? ` → ${codes.get(u.successorId)}` : '';
  return `${u.code}\t${u.name}\t${u.kind}\t${u.mailbox ?? '-'}\t${parent}${validity}${succ}`;
}

function personLine(p: Person): string {
  return `${p.id}\t${p.fullName}\t${p.title || '-'}\t${p.unitCode ?? '-'}\t${p.email ?? '-'}\t${STATUS_LABEL[p.status]}`;
}

// ---------------------------------------------------------------- units

export async function runUnitAdd(
  dataDir: string,
  code: string,
  o: { name: string; kind: string; abbreviation?: string; parent?: string; validFrom?: string; validTo?: string; mailbox?: boolean; reason: string },
): Promise<void> {
  await withApp(dataDir, async (app) => {
    const r = await app.directory.createUnit(
      {
        code,
        name: o.name,
        kind: o.kind,
        abbreviation: o.abbreviation,
        parentCode: o.parent ?? null,
        validFrom: cliDate(o.validFrom) ?? null,
        validTo: cliDate(o.validTo) ?? null,
        withMailbox: o.mailbox !== false,
      },
      ctxOf(o),
    );
    out(`Đã tạo đơn vị / unit created: ${r.unit.code} ${r.unit.name}`);
    if (r.unit.mailbox) out(`Hộp thư đơn vị / unit mailbox: ${r.unit.mailbox}\nMật khẩu ban đầu (đổi khi đăng nhập lần đầu) / initial password (change at first login): ${r.initialPassword}`);
  });
}

export async function runUnitList(dataDir: string, o: { parent?: string; asOf?: string; json?: boolean }): Promise<void> {
  await withApp(dataDir, async (app) => {
    const units = await app.directory.listUnits({ parentCode: o.parent, asOf: cliDate(o.asOf) ?? undefined });
    if (o.json) return out(JSON.stringify(units, null, 2));
    const codes = new Map((await app.directory.listUnits()).map((u) => [u.id, u.code]));
    for (const u of units) out(unitLine(u, codes));
    out(`(${units.length} đơn vị / units)`);
  });
}

export async function runUnitShow(dataDir: string, code: string, o: { json?: boolean }): Promise<void> {
  await withApp(dataDir, async (app) => {
    const u = await app.directory.getUnit(code);
    if (!u) throw new ThutinError('UNIT_NOT_FOUND', code);
    const head = u.headPersonId ? await app.directory.getPerson(u.headPersonId) : null;
    const people = await app.directory.listPeople({ unitCode: u.code });
    if (o.json) return out(JSON.stringify({ ...u, head, people }, null, 2));
    const codes = new Map((await app.directory.listUnits()).map((x) => [x.id, x.code]));
    out(unitLine(u, codes));
    out(`Thủ trưởng / head: ${head ? `${head.fullName} <${head.email}>` : '-'}`);
    for (const p of people) out(`  ${personLine(p)}`);
  });
}

export async function runUnitUpdate(
  dataDir: string,
  code: string,
  o: { name?: string; kind?: string; abbreviation?: string; parent?: string; validFrom?: string; validTo?: string; successor?: string; reason: string },
): Promise<void> {
  await withApp(dataDir, async (app) => {
    const u = await app.directory.updateUnit(
      code,
      {
        name: o.name,
        kind: o.kind,
        abbreviation: o.abbreviation,
        parentCode: o.parent === undefined ? undefined : o.parent === 'none' ? null : o.parent,
        validFrom: cliDate(o.validFrom),
        validTo: cliDate(o.validTo),
        successorCode: o.successor === undefined ? undefined : o.successor === 'none' ? null : o.successor,
      },
      ctxOf(o),
    );
    out(`Đã cập nhật / updated: ${u.code} ${u.name}`);
  });
}

export async function runUnitSetHead(dataDir: string, code: string, person: string, o: { reason: string }): Promise<void> {
  await withApp(dataDir, async (app) => {
    const p = person === 'none' ? null : await findPerson(app, person);
    const u = await app.directory.setUnitHead(code, p?.id ?? null, ctxOf(o));
    out(`Thủ trưởng ${u.code} / head of ${u.code}: ${p ? `${p.fullName} <${p.email}>` : '-'}`);
    if (p && u.mailbox) out(`${p.email} quản lý hộp thư đơn vị / manages the unit mailbox ${u.mailbox} (manage, read, send-as)`);
    if (u.mailboxPassword) {
      out(`Mật khẩu mới của hộp thư đơn vị ${u.mailbox} (mật khẩu cũ hết hiệu lực, đổi khi đăng nhập lần đầu): ${u.mailboxPassword}`);
      out(`New password of the unit mailbox ${u.mailbox} (the old one no longer works; change at first login): ${u.mailboxPassword}`);
      out('Trao trực tiếp cho thủ trưởng mới, không gửi qua thư / hand it to the new head in person, never by mail; chỉ hiện một lần / shown once');
    }
  });
}

// ---------------------------------------------------------------- people

export async function runPersonAdd(
  dataDir: string,
  fullName: string,
  o: { title?: string; unit?: string; phone?: string; localPart?: string; reason: string; json?: boolean; confirmDuplicate?: boolean; keepCase?: boolean },
): Promise<void> {
  await withApp(dataDir, async (app) => {
    let r: Awaited<ReturnType<App['directory']['createPerson']>>;
    try {
      r = await app.directory.createPerson(
        { fullName, title: o.title, unitCode: o.unit ?? null, phone: o.phone, localPart: o.localPart, confirmDuplicate: o.confirmDuplicate, keepCase: o.keepCase },
        ctxOf(o),
      );
    } catch (e) {
      if (!(e instanceof DuplicatePersonError)) throw e;
      out('Có thể trùng với / likely the same person as:');
      for (const c of e.candidates)
        out(
          `  ${c.id}\t${c.fullName}\t${c.unitCode ?? '-'}\t${c.email ?? '-'}\t${c.phone || '-'}\t${STATUS_LABEL[c.status]}\t(${c.why === 'name' ? 'cùng họ tên trong đơn vị / same name in the unit' : 'cùng số điện thoại / same phone'})`,
        );
      out('Không thêm. Nếu đúng là người khác, chạy lại với --confirm-duplicate / nothing added; if this is another person, run again with --confirm-duplicate');
      process.exitCode = 1;
      return;
    }
    if (o.json) return out(JSON.stringify(r, null, 2));
    if (r.nameAdjusted)
      out(`Họ tên gõ toàn chữ hoa/thường, đã lưu là "${r.nameAdjusted.stored}" (giữ nguyên: --keep-case) / name stored in title case as "${r.nameAdjusted.stored}" (--keep-case keeps it as typed)`);
    out(`Đã tạo / created: ${r.person.fullName} <${r.address}> (id ${r.person.id})`);
    out(`Mật khẩu ban đầu (đổi khi đăng nhập lần đầu) / initial password (change at first login): ${r.initialPassword}`);
  });
}

export async function runPersonList(dataDir: string, o: { unit?: string; subtree?: boolean; status?: string; asOf?: string; limit?: string; offset?: string; json?: boolean }): Promise<void> {
  await withApp(dataDir, async (app) => {
    const people = await app.directory.listPeople({
      unitCode: o.unit,
      subtree: o.subtree,
      status: o.status,
      asOf: cliDate(o.asOf) ?? undefined,
      limit: o.limit ? Number(o.limit) : undefined,
      offset: o.offset ? Number(o.offset) : undefined,
    });
    if (o.json) return out(JSON.stringify(people, null, 2));
    for (const p of people) out(personLine(p));
    out(`(${people.length} người / people)`);
  });
}

export async function runPersonShow(dataDir: string, ref: string, o: { json?: boolean }): Promise<void> {
  await withApp(dataDir, async (app) => {
    const p = await findPerson(app, ref);
    const purgeable = await app.directory.purgeableFrom(p.id);
    if (o.json) return out(JSON.stringify({ ...p, purgeableFrom: purgeable }, null, 2));
    out(personLine(p));
    out(`Đơn vị / unit: ${p.unitName ?? '-'}\nĐiện thoại / phone: ${p.phone || '-'}\nBí danh / aliases: ${p.aliases.join(', ') || '-'}`);
    if (purgeable) out(`Có thể xoá hẳn từ / purgeable from: ${formatDate(purgeable)}`);
  });
}

export async function runPersonMove(dataDir: string, ref: string, unitCode: string, o: { reason: string }): Promise<void> {
  await withApp(dataDir, async (app) => {
    const p = await app.directory.movePerson((await findPerson(app, ref)).id, unitCode, ctxOf(o));
    out(`Đã chuyển / moved: ${p.fullName} → ${p.unitCode} ${p.unitName}`);
    warn(p.warnings);
  });
}

export async function runPersonUpdate(dataDir: string, ref: string, o: { name?: string; title?: string; phone?: string; changeAddress?: boolean; keepCase?: boolean; reason: string }): Promise<void> {
  await withApp(dataDir, async (app) => {
    const p = await app.directory.updatePerson((await findPerson(app, ref)).id, { fullName: o.name, title: o.title, phone: o.phone, changeAddress: o.changeAddress, keepCase: o.keepCase }, ctxOf(o));
    out(`Đã cập nhật / updated: ${personLine(p)}`);
  });
}

export async function runPersonStatus(dataDir: string, ref: string, status: 'active' | 'suspended' | 'left', o: { reason: string }): Promise<void> {
  await withApp(dataDir, async (app) => {
    const p = await app.directory.setPersonStatus((await findPerson(app, ref)).id, status, ctxOf(o));
    out(`${p.fullName} <${p.email}>: ${STATUS_LABEL[p.status]} / ${p.status}`);
    warn(p.warnings);
  });
}

export async function runPersonPurge(dataDir: string, ref: string, o: { reason: string }): Promise<void> {
  await withApp(dataDir, async (app) => {
    const p = await findPerson(app, ref);
    await app.directory.purgePerson(p.id, ctxOf(o));
    out(`Đã xoá hẳn hộp thư và thư / mailbox and mail purged: ${p.fullName} <${p.email}>`);
  });
}

export async function runPersonResetPassword(dataDir: string, ref: string, o: { reason: string }): Promise<void> {
  await withApp(dataDir, async (app) => {
    const target = /^\d+$/.test(ref) ? Number(ref) : ref.includes('@') ? ref : `${ref}@${app.config.domains.primary}`;
    const r = await app.directory.resetPassword(target, ctxOf(o));
    out(`Mật khẩu mới cho / new password for ${r.address} (phải đổi khi đăng nhập / must be changed at login): ${r.password}`);
  });
}

// ---------------------------------------------------------------- search, import, export

export async function runDirectorySearch(dataDir: string, q: string, o: { limit?: string; kind?: string; json?: boolean }): Promise<void> {
  await withApp(dataDir, async (app) => {
    const kinds = o.kind ? (o.kind.split(',').map((k) => k.trim()) as Array<'person' | 'unit' | 'list'>) : undefined;
    const bad = kinds?.filter((k) => !(SEARCH_KINDS as readonly string[]).includes(k)) ?? [];
    if (bad.length) throw new Error(`--kind: ${bad.join(', ')} không hợp lệ / invalid (${SEARCH_KINDS.join(', ')})`);
    const hits = await app.directory.search(q, { limit: o.limit ? Number(o.limit) : 20, kinds });
    if (o.json) return out(JSON.stringify(hits, null, 2));
    for (const h of hits) out(`${h.kind}\t${h.name}\t${h.email ?? '-'}\t${h.title || '-'}\t${h.unitCode ?? '-'}`);
    out(`(${hits.length} kết quả / results)`);
  });
}

export async function runDirectoryImport(dataDir: string, file: string, o: { kind: string; dryRun?: boolean; passwords?: string; reason: string; json?: boolean }): Promise<void> {
  if (o.kind !== 'people' && o.kind !== 'units') throw new Error('--kind: people | units (loại dữ liệu / kind of rows)');
  const text = fs.readFileSync(file, 'utf8');
  await withApp(dataDir, async (app) => {
    const r = await app.directory.importCsv(o.kind as 'people' | 'units', text, { dryRun: !!o.dryRun }, ctxOf(o));
    const { passwords, ...summary } = r;
    if (passwords?.length) {
      const lines = passwords.map((p) => `${p.address},${p.password}`).join('\n') + '\n';
      if (o.passwords) {
        fs.writeFileSync(o.passwords, 'dia_chi_thu,mat_khau\n' + lines, { mode: 0o600 });
      }
    }
    if (o.json) out(JSON.stringify(summary, null, 2));
    else {
      for (const e of r.errors) out(`dòng / line ${e.line}: ${e.message}`);
      // Every change, field by field, with whom it touches: nothing changes that the administrator did not see.
      for (const c of r.changes) {
        out(`dòng / line ${c.line}: ${c.action === 'create' ? 'thêm mới / new' : 'cập nhật / update'} ${c.target}`);
        for (const f of c.fields) out(`    ${f.field}: ${f.from ?? '∅'} → ${f.to ?? '∅'}`);
      }
      warn(r.warnings);
      out(
        r.errors.length
          ? `Từ chối cả tệp: ${r.errors.length} dòng lỗi, không thay đổi gì / file refused: ${r.errors.length} bad rows, nothing changed`
          : `${o.dryRun ? 'Chạy thử / dry run' : 'Đã nhập / imported'}: ${r.rows} dòng / rows, ${r.created} mới / new, ${r.updated} cập nhật / updated`,
      );
      if (passwords?.length && o.passwords) out(`Mật khẩu ban đầu ghi vào / initial passwords written to ${o.passwords}`);
      else if (passwords?.length) {
        out('Mật khẩu ban đầu / initial passwords:');
        for (const p of passwords) out(`${p.address}\t${p.password}`);
      }
    }
    if (r.errors.length) process.exitCode = 1;
  });
}

export async function runDirectoryExport(dataDir: string, o: { kind: string; out?: string }): Promise<void> {
  if (o.kind !== 'people' && o.kind !== 'units') throw new Error('--kind: people | units (loại dữ liệu / kind of rows)');
  await withApp(dataDir, async (app) => {
    const csv = await app.directory.exportCsv(o.kind as 'people' | 'units');
    if (o.out) {
      fs.writeFileSync(o.out, csv);
      process.stderr.write(`Đã xuất / exported: ${o.out}\n`);
    } else process.stdout.write(csv);
  });
}
