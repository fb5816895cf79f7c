// `thutin request create|list|show|submit|approve|reject|execute|credential` (issue 11): the
// Provincial Office's server shell acts with a sysadmin's standing (files, approves, executes),
// audited as the operating-system user. `execute` prints a progress line as rows are done.
// Output is Vietnamese / English; --json gives the API's shapes.
import fs from 'node:fs';
import { withApp, cliActor } from './common.ts';
import { formatDate } from '../../directory/csv.ts';
import { ITEM_KINDS, type FileInput, type ItemKind } from '../../requests/types.ts';
import type { RequestActor, RequestDetail } from '../../requests/service.ts';
import type { App } from '../../app.ts';

function actor(): RequestActor {
  const label = cliActor();
  return { principal: { accountId: 0, username: label, roles: [{ role: 'sysadmin', unitId: null }] }, label };
}

function requestId(id: string): number {
  const n = Number(id.replace(/^#/, ''));
  if (!Number.isInteger(n) || n <= 0) throw new Error(`Mã yêu cầu không hợp lệ / invalid request id: ${id}`);
  return n;
}

const when = (ms: number | null) => (ms === null ? '-' : formatDate(ms));

type Opts = Record<string, string | boolean | undefined>;

/** The payload of one kind from the command's options (only those given). */
function payloadOf(kind: ItemKind, o: Opts): Record<string, unknown> {
  const s = (k: string) => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
  const person = s('person') && /^\d+$/.test(s('person')!) ? Number(s('person')) : s('person');
  const pick = (x: Record<string, unknown>) => Object.fromEntries(Object.entries(x).filter(([, v]) => v !== undefined));
  switch (kind) {
    case 'joiner':
      return pick({ fullName: s('name'), unitCode: s('unit'), title: s('title'), phone: s('phone'), localPart: s('localPart') });
    case 'mover':
      return pick({ person, unitCode: s('unit'), title: s('title'), headOfUnit: o.head ? true : undefined });
    case 'leaver':
      return pick({ person, why: s('why') });
    case 'update':
      return pick({ person, fullName: s('name'), title: s('title'), phone: s('phone') });
    case 'password-reset':
      return pick({ person });
    case 'handover':
      return pick({ unitCode: s('unit'), person });
    case 'unit-create':
      return pick({ code: s('code'), name: s('name'), kind: s('unitKind'), parentCode: s('parent'), abbreviation: s('abbreviation') });
    case 'unit-rename':
      return pick({ unitCode: s('unit'), name: s('name'), abbreviation: s('abbreviation') });
    case 'unit-dissolve':
      return pick({ unitCode: s('unit'), successorCode: s('successor'), merge: o.merge ? true : undefined });
  }
}

function print(d: RequestDetail): void {
  const out = process.stdout;
  out.write(`#${d.id} ${d.kindLabel} (${d.kind}) — ${d.stateLabel} (${d.state})${d.overdue ? ' — QUÁ HẠN / OVERDUE' : ''}\n`);
  out.write(`  ${d.summary}\n`);
  out.write(`  đơn vị / unit: ${d.unitCode ?? '-'}; người lập / requester: ${d.requester}; hiệu lực / effective: ${when(d.effectiveAt)}; hạn / due: ${d.dueAt ? formatDate(d.dueAt - 1) : '-'}\n`);
  for (const doc of d.documents) out.write(`  văn bản / document: ${doc.number}, ${doc.issuedOn}, ${doc.signer}${doc.filename ? ` [${doc.filename}, ${doc.size} B]` : ''}\n`);
  if (d.rejectReason) out.write(`  lý do từ chối / rejected because: ${d.rejectReason}\n`);
  if (d.error) out.write(`  lỗi / error: ${d.error}\n`);
  out.write(`  tiến độ / progress: ${d.progress.done}/${d.progress.total}\n`);
  for (const i of d.items) out.write(`  dòng / line ${i.line}: ${i.kind} ${i.state}${i.error ? ` — ${i.error}` : ''}${i.result ? ` ${JSON.stringify(i.result)}` : ''}\n`);
  for (const e of d.events) out.write(`  ${new Date(e.at).toISOString()} ${e.actor} ${e.event}${e.toState && e.toState !== e.fromState ? ` → ${e.toState}` : ''}${e.note ? ` (${e.note})` : ''}\n`);
}

export async function runRequestCreate(dataDir: string, kind: string, o: Opts): Promise<void> {
  if (kind !== 'batch' && !ITEM_KINDS.includes(kind as ItemKind)) throw new Error(`Loại yêu cầu không rõ / unknown kind: ${kind} (${ITEM_KINDS.join(', ')}, batch)`);
  const input: FileInput = { kind: kind as FileInput['kind'] };
  if (kind === 'batch') {
    if (typeof o.csv !== 'string') throw new Error('Lô cần --csv <tệp> / a batch needs --csv <file>');
    input.csv = fs.readFileSync(o.csv, 'utf8');
  } else input.payload = payloadOf(kind as ItemKind, o);
  if (o.docNumber || o.docDate || o.docSigner) input.document = { number: String(o.docNumber ?? ''), date: String(o.docDate ?? ''), signer: String(o.docSigner ?? '') };
  if (typeof o.effective === 'string') input.effectiveDate = o.effective;
  if (typeof o.note === 'string') input.note = o.note;
  await withApp(dataDir, async (app) => {
    try {
      const d = await app.requests.file(actor(), input);
      if (o.json) process.stdout.write(JSON.stringify(d, null, 2) + '\n');
      else print(d);
    } catch (e) {
      const rows = (e as { errors?: Array<{ line: number; message: string }> }).errors;
      if (rows) for (const r of rows) process.stderr.write(`dòng / line ${r.line}: ${r.message}\n`);
      throw e;
    }
  });
}

export async function runRequestList(dataDir: string, o: { state?: string; kind?: string; overdue?: boolean; limit?: string; json?: boolean }): Promise<void> {
  await withApp(dataDir, async (app) => {
    const list = await app.requests.list(actor(), { states: o.state ? [o.state] : undefined, kind: o.kind, overdue: !!o.overdue, limit: Number(o.limit ?? 100) });
    if (o.json) {
      process.stdout.write(JSON.stringify(list, null, 2) + '\n');
      return;
    }
    for (const r of list) {
      process.stdout.write(`#${r.id}\t${r.kind}\t${r.state}${r.overdue ? ' (quá hạn / overdue)' : ''}\t${r.unitCode ?? '-'}\t${r.requester}\t${r.progress.done}/${r.progress.total}\t${r.summary}\n`);
    }
    process.stdout.write(`(${list.length} yêu cầu / requests)\n`);
  });
}

export async function runRequestShow(dataDir: string, id: string, o: { json?: boolean }): Promise<void> {
  await withApp(dataDir, async (app) => {
    const d = await app.requests.get(actor(), requestId(id));
    if (o.json) process.stdout.write(JSON.stringify(d, null, 2) + '\n');
    else print(d);
  });
}

export async function runRequestStep(dataDir: string, step: 'submit' | 'approve' | 'reject', id: string, o: { note?: string; reason?: string }): Promise<void> {
  await withApp(dataDir, async (app: App) => {
    const n = requestId(id);
    const d =
      step === 'submit' ? await app.requests.submit(actor(), n) : step === 'approve' ? await app.requests.approve(actor(), n, o.note ?? '') : await app.requests.reject(actor(), n, o.reason ?? '');
    print(d);
  });
}

export async function runRequestExecute(dataDir: string, id: string): Promise<void> {
  await withApp(dataDir, async (app) => {
    const tty = process.stderr.isTTY;
    const d = await app.requests.execute(actor(), requestId(id), {
      onProgress: (done, total) => {
        const width = 30;
        const bar = '#'.repeat(Math.round((done / Math.max(total, 1)) * width)).padEnd(width, '.');
        process.stderr.write(`${tty ? '\r' : ''}thực hiện / executing [${bar}] ${done}/${total}${tty ? '' : '\n'}`);
      },
    });
    if (tty) process.stderr.write('\n');
    print(d);
    if (d.state === 'failed') process.exitCode = 1;
  });
}

export async function runRequestCredential(dataDir: string, id: string, o: { line?: string }): Promise<void> {
  await withApp(dataDir, async (app) => {
    const c = await app.requests.issueCredential(actor(), requestId(id), Number(o.line ?? 1));
    process.stdout.write(`Mã dùng một lần cho / one-time code for ${c.address ?? '-'} (đến / until ${new Date(c.expiresAt).toISOString()}):\n${c.token}\n`);
    process.stdout.write(
      `Cán bộ nhận mật khẩu: POST https://${app.config.hostname}${c.redeemPath} — mật khẩu phải đổi ở lần đăng nhập đầu tiên / the person redeems it there; the password must be changed at first sign-in\n`,
    );
  });
}
