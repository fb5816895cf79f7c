// Owns: measuring what issue 14's retention parts cost the mail path (not part of the tests):
// commits of N messages to a unit's people with the journal off, then on (one journal row per
// commit, by reference); expunges of N messages with no hold, then under a legal hold (each row
// copied to held_messages); a retention run over N messages in Trash. SQLite, one process.
// Run: node --import tsx bench/retention-bench.ts [N]
import { performance } from 'node:perf_hooks';
import { createTestApp } from '../test/helpers/harness.ts';

const N = Number(process.argv[2] ?? 2000);
const ctx = { actor: 'bench', reason: 'bench' };
const t = await createTestApp();
const app = t.app;
await app.directory.createUnit({ code: 'KT', name: 'Ủy ban nhân dân tỉnh Kon Tum', abbreviation: 'ubnd', kind: 'province' }, ctx);
await app.directory.createUnit({ code: 'SNV', name: 'Sở Nội vụ', kind: 'agency', parentCode: 'KT' }, ctx);
const a = await app.directory.createPerson({ fullName: 'Nguyễn Văn An', unitCode: 'SNV', password: 'Matkhau#2026' }, ctx);
const b = await app.directory.createPerson({ fullName: 'Trần Thị Bình', unitCode: 'SNV', password: 'Matkhau#2026' }, ctx);
const an = (await app.accounts.byAddress(a.address))!.id;

async function deliver(label: string, folder: string, date = Date.now()): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const c = await app.store.ingest([Buffer.from(`From: "Trần Thị Bình" <${b.address}>\r\nTo: ${a.address}\r\nSubject: ${label} ${i}\r\n\r\nCông văn số ${i} của ${label}\r\n`)]);
    await app.store.commit(c, { copies: [{ local: [{ accountId: an, mailbox: folder }] }], internalDate: date });
    await app.store.release(c);
  }
  return performance.now() - t0;
}

async function expungeAll(folder: string): Promise<number> {
  const mb = (await app.store.getMailbox(an, folder))!;
  const uids = (await app.store.listMessages(mb.id)).map((m) => m.uid);
  await app.store.storeFlags(mb.id, uids, 'add', { mask: 8, keywords: [] });
  const t0 = performance.now();
  for (const u of uids) await app.store.expunge(mb.id, [u]); // one EXPUNGE per message, as a client deleting one by one
  return performance.now() - t0;
}

const rate = (ms: number) => `${ms.toFixed(0)} ms, ${((N / ms) * 1000).toFixed(0)} msg/s`;
await app.store.createMailbox(an, 'A');
await app.store.createMailbox(an, 'B');
const off = await deliver('off', 'A');
await app.journal.setUnit('SNV', { keepYears: 10 }, ctx);
const on = await deliver('on', 'B');
console.log(`commit ${N}: journal off ${rate(off)}; journal on ${rate(on)}`);
const e1 = await expungeAll('A');
await app.legalHold.set({ unit: 'SNV' }, ctx);
const e2 = await expungeAll('B');
console.log(`expunge ${N} one by one: no hold ${rate(e1)}; under hold ${rate(e2)}`);
const [h] = await app.legalHold.list();
await app.legalHold.release(h.id, ctx);
await deliver('trash', 'Trash', Date.now() - 40 * 86_400_000);
await app.retention.set({ folder: '\\Trash', kind: 'delete-after-days', amount: 30 }, ctx);
const t0 = performance.now();
const r = await app.retention.run({ actor: 'bench' });
const t1 = performance.now() - t0;
console.log(`retention run: removed ${r.removed} from Trash, released ${r.releasedRemoved} held, in ${t1.toFixed(0)} ms`);
await t.cleanup();
