// How fast a batch request is checked and carried out (issue 11): a CSV of N joiners (default 200)
// filed (every row checked against the directory), approved, and executed row by row through the
// directory's services (one person, mailbox and history version per row, each argon2id-hashed),
// on SQLite or PostgreSQL (THUTIN_TEST_PG_URL). Prints rows/s for filing and for execution.
// Run: npx tsx bench/requests-batch-bench.ts [rows]
import { createTestApp, PG_URL } from '../test/helpers/harness.ts';

const rows = Number(process.argv[2] ?? 200);
const t = await createTestApp({ backend: PG_URL ? 'postgres' : 'sqlite' });
try {
  const ctx = { actor: 'bench', reason: 'QĐ bench' };
  await t.app.directory.createUnit({ code: 'UBND', name: 'Ủy ban nhân dân tỉnh', kind: 'province', withMailbox: false }, ctx);
  await t.app.directory.createUnit({ code: 'SNV', name: 'Sở Nội vụ', kind: 'agency', parentCode: 'UBND', withMailbox: false }, ctx);
  const office = { principal: { accountId: 0, username: 'bench', roles: [{ role: 'sysadmin' as const, unitId: null }] }, label: 'bench' };
  const family = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Phan', 'Vũ', 'Đặng'];
  const given = ['An', 'Bình', 'Chi', 'Dũng', 'Giang', 'Hà', 'Khánh', 'Lan', 'Minh', 'Nam', 'Oanh', 'Phúc', 'Quang', 'Sơn', 'Thảo'];
  const lines = ['\ufeffloai_yeu_cau,ho_ten,ma_don_vi,chuc_vu'];
  const middle = ['Văn', 'Thị', 'Hữu', 'Minh', 'Quốc', 'Thanh', 'Ngọc', 'Đức'];
  for (let i = 0; i < rows; i++) {
    const name = `${family[i % 8]} ${middle[Math.floor(i / 8) % 8]} ${given[Math.floor(i / 64) % given.length]}${i >= 960 ? ` ${given[Math.floor(i / 960) % given.length]}` : ''}`;
    lines.push(`tiếp nhận,${name},SNV,Chuyên viên`);
  }
  const t0 = performance.now();
  const filed = await t.app.requests.file(office, { kind: 'batch', csv: lines.join('\r\n'), document: { number: '1/QĐ', date: '2026-12-01', signer: 'Bench' } });
  const t1 = performance.now();
  await t.app.requests.submit(office, filed.id);
  await t.app.requests.approve(office, filed.id);
  const t2 = performance.now();
  const done = await t.app.requests.execute(office, filed.id);
  const t3 = performance.now();
  console.log(
    JSON.stringify({
      backend: PG_URL ? 'postgres' : 'sqlite',
      rows,
      state: done.state,
      error: done.error,
      fileMs: Math.round(t1 - t0),
      fileRowsPerS: Math.round((rows / (t1 - t0)) * 1000),
      executeMs: Math.round(t3 - t2),
      executeRowsPerS: Math.round((rows / (t3 - t2)) * 10000) / 10,
    }),
  );
} finally {
  await t.cleanup();
}
