// Owns: `thutin retention list|set|remove|run`, `thutin retention hold list|set|release|export`
// and `thutin retention journal units|set|search|export` (issue 14): retention policies, legal
// holds and the journal archive through app.retention, app.legalHold and app.journal. Changes,
// searches and exports name their document or reason (--reason) and are audited with the
// operating-system user as actor; exports write mboxrd to a file or standard output.
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { withApp, cliActor } from './common.ts';
import type { MailboxType, PolicyKind } from '../../core/retention-policies.ts';
import type { JournalQuery } from '../../core/journal.ts';

function needReason(reason: string | undefined): string {
  if (!reason || !reason.trim()) throw new Error('Thiếu số/ký hiệu văn bản hoặc lý do (--reason) / the document reference or reason (--reason) is required');
  return reason.trim();
}

function out(o: { json?: boolean }, value: unknown, text: () => string): void {
  process.stdout.write(o.json ? JSON.stringify(value, null, 2) + '\n' : text());
}

function day(s: string | undefined, end = false): number | undefined {
  if (!s) return undefined;
  const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00+07:00` : s);
  if (Number.isNaN(t)) throw new Error(`Ngày không hợp lệ / invalid date: ${s}`);
  return end && /^\d{4}-\d{2}-\d{2}$/.test(s) ? t + 86_400_000 : t;
}

async function writeOut(stream: AsyncIterable<Buffer>, file: string | undefined): Promise<void> {
  if (!file || file === '-') {
    for await (const c of stream) if (!process.stdout.write(c)) await new Promise((r) => process.stdout.once('drain', r));
    return;
  }
  await pipeline(Readable.from(stream), fs.createWriteStream(file, { mode: 0o600 }));
}

export async function runRetentionList(dataDir: string, o: { json?: boolean }): Promise<void> {
  await withApp(dataDir, async (app) => {
    const list = await app.retention.list();
    out(
      o,
      list,
      () =>
        list.map((p) => `#${p.id}\t${p.folder}\t${p.unit ?? '(toàn tỉnh / province)'}\t${p.mailboxType}\t${p.kind} ${p.amount}\t${p.document}\n`).join('') + `(${list.length} chính sách / policies)\n`,
    );
  });
}

export async function runRetentionSet(
  dataDir: string,
  o: { folder: string; unit?: string; type?: string; keepYears?: string; deleteAfterDays?: string; reason?: string; json?: boolean },
): Promise<void> {
  const reason = needReason(o.reason);
  if (!!o.keepYears === !!o.deleteAfterDays) throw new Error('Cần đúng một: --keep-years N hoặc --delete-after-days N / exactly one of --keep-years N, --delete-after-days N');
  const kind: PolicyKind = o.keepYears ? 'keep-years' : 'delete-after-days';
  const amount = Number(o.keepYears ?? o.deleteAfterDays);
  await withApp(dataDir, async (app) => {
    const p = await app.retention.set({ folder: o.folder, unit: o.unit ?? null, mailboxType: (o.type ?? 'any') as MailboxType, kind, amount }, { actor: cliActor(), reason });
    out(o, p, () => `#${p.id}: ${p.folder} ${p.unit ?? '(toàn tỉnh / province)'} ${p.mailboxType} ${p.kind} ${p.amount}\n`);
  });
}

export async function runRetentionRemove(dataDir: string, id: string, o: { reason?: string }): Promise<void> {
  const reason = needReason(o.reason);
  await withApp(dataDir, async (app) => {
    await app.retention.remove(Number(String(id).replace(/^#/, '')), { actor: cliActor(), reason });
    process.stdout.write(`#${id}: đã bỏ / removed\n`);
  });
}

export async function runRetentionRun(dataDir: string, o: { json?: boolean }): Promise<void> {
  await withApp(dataDir, async (app) => {
    const r = await app.retention.run({ actor: cliActor() });
    out(
      o,
      r,
      () =>
        `xoá / removed ${r.removed} (giữ lại do phong toả / kept under hold ${r.held}) trong / in ${r.folders} thư mục / folders; nhật ký hết hạn / journal expired ${r.journalRemoved}; thư phong toả đã gỡ / released holds' mail ${r.releasedRemoved}\n`,
    );
  });
}

export async function runHoldList(dataDir: string, o: { all?: boolean; json?: boolean }): Promise<void> {
  await withApp(dataDir, async (app) => {
    const list = await app.legalHold.list({ all: o.all });
    out(
      o,
      list,
      () =>
        list
          .map(
            (h) =>
              `#${h.id}\t${h.kind}:${h.label}\t${new Date(h.setAt).toISOString()}\t${h.setBy}\t${h.document}${h.releasedAt ? `\tđã gỡ / released ${new Date(h.releasedAt).toISOString()} ${h.releaseDocument}` : ''}\n`,
          )
          .join('') + `(${list.length} lệnh phong toả / holds)\n`,
    );
  });
}

export async function runHoldSet(dataDir: string, o: { mailbox?: string; unit?: string; reason?: string; json?: boolean }): Promise<void> {
  const reason = needReason(o.reason);
  if (!!o.mailbox === !!o.unit) throw new Error('Cần đúng một: --mailbox ĐỊA_CHỈ hoặc --unit MÃ / exactly one of --mailbox ADDRESS, --unit CODE');
  await withApp(dataDir, async (app) => {
    const h = await app.legalHold.set({ mailbox: o.mailbox, unit: o.unit }, { actor: cliActor(), reason });
    out(o, h, () => `#${h.id}: phong toả / held ${h.kind}:${h.label}\n`);
  });
}

export async function runHoldRelease(dataDir: string, id: string, o: { reason?: string }): Promise<void> {
  const reason = needReason(o.reason);
  await withApp(dataDir, async (app) => {
    const h = await app.legalHold.release(Number(String(id).replace(/^#/, '')), { actor: cliActor(), reason });
    process.stdout.write(`#${h.id}: đã gỡ phong toả / released ${h.kind}:${h.label}\n`);
  });
}

export async function runHoldExport(dataDir: string, address: string, o: { reason?: string; out?: string }): Promise<void> {
  const reason = needReason(o.reason);
  await withApp(dataDir, async (app) => {
    const e = await app.legalHold.exportMailbox(address, { actor: cliActor(), reason });
    await writeOut(e.stream, o.out);
    process.stderr.write(`${e.messages} thư hiện có + ${e.kept} thư đã giữ lại / messages held now + kept\n`);
  });
}

export async function runJournalUnits(dataDir: string, o: { json?: boolean }): Promise<void> {
  await withApp(dataDir, async (app) => {
    const list = await app.journal.list();
    out(o, list, () => list.map((u) => `${u.unit}\t${u.enabled ? 'bật / on' : 'tắt / off'}\t${u.keepYears} năm / years\t${u.document}\n`).join('') + `(${list.length} đơn vị / units)\n`);
  });
}

export async function runJournalSet(dataDir: string, unit: string, o: { keepYears?: string; off?: boolean; reason?: string; json?: boolean }): Promise<void> {
  const reason = needReason(o.reason);
  await withApp(dataDir, async (app) => {
    const u = await app.journal.setUnit(unit, { keepYears: Number(o.keepYears ?? 10), enabled: !o.off }, { actor: cliActor(), reason });
    out(o, u, () => `${u.unit}: ${u.enabled ? 'lưu nhật ký thư / journaled' : 'ngừng lưu nhật ký / journal off'}, ${u.keepYears} năm / years\n`);
  });
}

type JournalOpts = { unit?: string; from?: string; to?: string; people?: string; text?: string; direction?: string; limit?: string; reason?: string };

function journalQuery(o: JournalOpts): JournalQuery {
  return {
    unit: o.unit,
    from: day(o.from),
    to: day(o.to, true),
    people: o.people,
    text: o.text,
    direction: o.direction === 'sent' || o.direction === 'received' ? o.direction : undefined,
    limit: o.limit ? Number(o.limit) : undefined,
  };
}

export async function runJournalSearch(dataDir: string, o: JournalOpts & { json?: boolean }): Promise<void> {
  const reason = needReason(o.reason);
  await withApp(dataDir, async (app) => {
    const hits = await app.journal.search(journalQuery(o), { actor: cliActor(), reason });
    out(
      o,
      hits,
      () =>
        hits.map((h) => `#${h.id}\t${new Date(h.at).toISOString()}\t${h.unit}\t${h.direction}\t<${h.sender}>\t-> ${h.recipients.join(', ')}\t${h.subject}\n`).join('') +
        `(${hits.length} thư / messages)\n`,
    );
  });
}

export async function runJournalExport(dataDir: string, o: JournalOpts & { ids?: string; out?: string }): Promise<void> {
  const reason = needReason(o.reason);
  await withApp(dataDir, async (app) => {
    const ids = o.ids
      ? o.ids
          .split(',')
          .map((x) => Number(x.trim().replace(/^#/, '')))
          .filter((n) => Number.isInteger(n) && n > 0)
      : undefined;
    const e = await app.journal.export({ ...journalQuery(o), ids }, { actor: cliActor(), reason });
    await writeOut(e.stream, o.out);
    process.stderr.write(`${e.count} thư đã xuất / messages exported\n`);
  });
}
