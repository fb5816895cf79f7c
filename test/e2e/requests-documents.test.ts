// The PDFs of issue 11 over the HTTP API, read back by poppler (pdftotext for the Vietnamese text,
// pdftoppm for a PNG kept under test-artifacts/ to look at): the handover record made when a
// handover executes (the unit, both heads, the unit mailbox's folders with their counts, the
// delegates before and after) and its acknowledgement by both heads (audited; a stranger refused),
// the credential letter of a password reset (its printed code redeems once), and the capacity
// report as PDF and CSV (UTF-8 with BOM; a user refused).
import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/harness.ts';
import { inboxSubjects, startRequestWorld, TEST_PASSWORD, type RequestWorld } from '../helpers/requests.ts';
import { vietnameseMessage } from '../helpers/servers.ts';
import { missingTool } from '../helpers/tools.ts';

const run = promisify(execFile);
const DOC = { number: '311/QĐ-SNV', date: '2026-12-03', signer: 'Phạm Thị Hoa' };
const ARTIFACTS = path.resolve(import.meta.dirname, '../../test-artifacts');

async function pdfText(pdf: Buffer): Promise<string> {
  const dir = fs.mkdtempSync('/tmp/thutin-pdf-');
  fs.writeFileSync(path.join(dir, 'x.pdf'), pdf);
  const { stdout } = await run('pdftotext', ['-enc', 'UTF-8', path.join(dir, 'x.pdf'), '-'], { timeout: 20000 });
  fs.rmSync(dir, { recursive: true, force: true });
  return stdout.normalize('NFC');
}

/** Render the first page to a PNG kept for a person to look at. */
async function keepPng(pdf: Buffer, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.pdf`);
  fs.writeFileSync(file, pdf);
  await run('pdftoppm', ['-r', '80', '-png', '-singlefile', '-f', '1', '-l', '1', file, path.join(ARTIFACTS, name)], { timeout: 20000 });
  return path.join(ARTIFACTS, `${name}.png`);
}

for (const backend of backends()) {
  describe.skipIf(missingTool('pdftotext', `request PDFs (${backend})`) || missingTool('pdftoppm', `request PDFs (${backend})`))(`request PDFs (${backend})`, { timeout: 120_000 }, () => {
    let w: RequestWorld;
    const ctx = { actor: 'test', reason: 'QĐ 02/QĐ-UBND' };
    beforeAll(async () => {
      w = await startRequestWorld(backend);
      await w.r.app.directory.createUnit({ code: 'SNV-P3', name: 'Phòng Công chức, viên chức', kind: 'department', parentCode: 'SNV', abbreviation: 'snvccvc' }, ctx);
    });
    afterAll(async () => {
      await w?.stop();
    });

    async function through(kind: string, payload: Record<string, unknown>, document: typeof DOC | null = DOC): Promise<number> {
      const { tokens } = w.p;
      const filed = await w.call(tokens['head-snv'], 'POST', '/api/v1/requests', { kind, payload, ...(document ? { document } : {}) });
      expect(filed.status, filed.text).toBe(201);
      const id = filed.json.id as number;
      expect((await w.call(tokens['head-snv'], 'POST', `/api/v1/requests/${id}/submit`)).status).toBe(200);
      expect((await w.call(tokens['directory-manager'], 'POST', `/api/v1/requests/${id}/approve`, {})).status).toBe(200);
      const done = await w.call(tokens.sysadmin, 'POST', `/api/v1/requests/${id}/execute`);
      expect(done.json.state, done.text).toBe('notified');
      return id;
    }

    async function get(token: string, p: string): Promise<{ status: number; type: string | null; body: Buffer }> {
      const res = await fetch(w.api.base + p, { headers: { authorization: `Bearer ${token}` } });
      return { status: res.status, type: res.headers.get('content-type'), body: Buffer.from(await res.arrayBuffer()) };
    }

    it('a handover makes its record: folders with counts, delegates before and after, both heads acknowledge it', async () => {
      const d = w.r.app.directory;
      const oldHead = await d.createPerson({ fullName: 'Trịnh Thị Bàn Giao', unitCode: 'SNV-P3', localPart: 'giaottb', password: TEST_PASSWORD, title: 'Trưởng phòng' }, ctx);
      const newHead = await d.createPerson({ fullName: 'Lưu Đức Tiếp Nhận', unitCode: 'SNV-P3', localPart: 'nhanldt', password: TEST_PASSWORD, title: 'Phó trưởng phòng' }, ctx);
      await d.setUnitHead('SNV-P3', oldHead.person.id, ctx, { rotatePassword: false });
      const box = (await w.r.app.accounts.byAddress('snvccvc@kontum.gov.vn'))!;
      for (const subject of ['Công văn đến số 1', 'Công văn đến số 2', 'Giấy mời họp']) {
        const c = await w.r.app.store.ingest([vietnameseMessage({ from: w.p.actors.user, to: 'snvccvc@kontum.gov.vn', subject })]);
        await w.r.app.store.deliver(c, [{ accountId: box.id, mailbox: 'INBOX' }]);
        await w.r.app.store.release(c);
      }
      const id = await through('handover', { unitCode: 'SNV-P3', person: newHead.address });

      // both heads are told (the outgoing one too: they acknowledge the record)
      for (const head of [oldHead.address, newHead.address]) expect((await inboxSubjects(w.r, head)).some((s) => s.includes(`#${id}`) && s.includes('đã được thực hiện'))).toBe(true);
      // the two heads and the request's readers see it; a user of another agency does not
      const stranger = await get(w.p.tokens.user, `/api/v1/requests/${id}/handover.pdf`);
      expect(stranger.status).toBe(403);
      const newToken = await w.api.login(newHead.address);
      const oldToken = await w.api.login(oldHead.address);
      const rec = await w.call(newToken, 'GET', `/api/v1/requests/${id}/handover`);
      expect(rec.status, rec.text).toBe(200);
      expect(rec.json.record.folders.find((f: { name: string }) => f.name === 'INBOX').messages).toBe(3);
      expect(rec.json.record.delegatesBefore.map((x: { address: string }) => x.address)).toContain(oldHead.address);
      expect(rec.json.record.delegatesAfter.map((x: { address: string }) => x.address)).toEqual([newHead.address]);

      // acknowledgements: a stranger cannot, each head once
      const refused = await w.call(w.p.tokens.user, 'POST', `/api/v1/requests/${id}/handover/acknowledge`, {});
      expect(refused.status).toBe(403);
      expect(refused.json.message).toContain('Chỉ thủ trưởng bàn giao và thủ trưởng tiếp nhận');
      expect((await w.call(newToken, 'POST', `/api/v1/requests/${id}/handover/acknowledge`, {})).json.role).toBe('incoming');
      const both = await w.call(oldToken, 'POST', `/api/v1/requests/${id}/handover/acknowledge`, {});
      expect(both.json.role).toBe('outgoing');
      expect(both.json.acknowledgements.map((a: { role: string }) => a.role).sort()).toEqual(['incoming', 'outgoing']);
      expect((await w.call(oldToken, 'POST', `/api/v1/requests/${id}/handover/acknowledge`, {})).json.acknowledgements).toHaveLength(2);
      const audit = await w.call(w.p.tokens.auditor, 'GET', `/api/v1/audit?action=request.handover-acknowledge`);
      expect(audit.text).toContain(`request:${id}`);

      const pdf = await get(newToken, `/api/v1/requests/${id}/handover.pdf`);
      expect(pdf.status).toBe(200);
      expect(pdf.type).toBe('application/pdf');
      const text = await pdfText(pdf.body);
      for (const s of [
        'BIÊN BẢN BÀN GIAO HỘP THƯ ĐƠN VỊ',
        'Phòng Công chức, viên chức (SNV-P3)',
        'snvccvc@kontum.gov.vn',
        'Trịnh Thị Bàn Giao',
        'Lưu Đức Tiếp Nhận',
        '311/QĐ-SNV',
        'INBOX',
        'Người được uỷ quyền trước khi bàn giao',
        'Người được uỷ quyền sau khi bàn giao',
      ]) {
        expect(text).toContain(s);
      }
      expect(text).toMatch(/INBOX\s+3\s/);
      expect(text).not.toContain('Chưa xác nhận');
      expect(fs.statSync(await keepPng(pdf.body, 'handover-record')).size).toBeGreaterThan(10_000);
    });

    it('a password reset gives a credential letter whose printed code redeems once; never for a clerk', async () => {
      const d = w.r.app.directory;
      const person = await d.createPerson({ fullName: 'Hoàng Thị Quên Mật Khẩu', unitCode: 'SNV-VP', localPart: 'quenhtmk', password: TEST_PASSWORD }, ctx);
      const id = await through('password-reset', { person: person.address }, null);
      const clerk = await fetch(`${w.api.base}/api/v1/requests/${id}/credential/letter`, {
        method: 'POST',
        headers: { authorization: `Bearer ${w.p.tokens['clerk-snv']}`, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(clerk.status).toBe(403);
      const res = await fetch(`${w.api.base}/api/v1/requests/${id}/credential/letter`, {
        method: 'POST',
        headers: { authorization: `Bearer ${w.p.tokens['head-snv']}`, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const pdf = Buffer.from(await res.arrayBuffer());
      const text = await pdfText(pdf);
      for (const s of ['THƯ CẤP LẠI MẬT KHẨU', 'Hoàng Thị Quên Mật Khẩu', person.address, 'Mã dùng một lần', 'Hướng dẫn', 'đổi mật khẩu']) expect(text).toContain(s);
      const code = /One-time code\s+([A-Za-z0-9_-]{1,4}(?: [A-Za-z0-9_-]{1,4})+)/.exec(text)?.[1];
      expect(code).toBeTruthy();
      const redeemed = await w.call(null, 'POST', `/api/v1/requests/credential/${encodeURIComponent(code!.replace(/ /g, ''))}`);
      expect(redeemed.status, redeemed.text).toBe(200);
      expect(redeemed.json.mustChangePassword).toBe(true);
      expect((await w.call(null, 'POST', `/api/v1/requests/credential/${encodeURIComponent(code!.replace(/ /g, ''))}`)).status).toBe(400);
      await keepPng(pdf, 'credential-letter');
    });

    it('the capacity report as PDF and CSV, for the Provincial Office and auditors only', async () => {
      expect((await get(w.p.tokens.user, '/api/v1/reports/capacity.pdf')).status).toBe(403);
      expect((await get(w.p.tokens['head-snv'], '/api/v1/reports/capacity.csv')).status).toBe(403);
      const csv = await get(w.p.tokens.auditor, '/api/v1/reports/capacity.csv');
      expect(csv.status).toBe(200);
      const lines = csv.body.toString('utf8').split('\r\n');
      expect(lines[0]).toBe('\ufeffco_quan,ten_co_quan,so_hop_thu,dung_luong_byte,nhan_90_ngay_byte,nhan_90_ngay_thu,tang_truong_nam_byte,du_kien_12_thang_byte,o_dia_can_gb,kinh_phi_vnd');
      const snv = lines.find((l) => l.startsWith('SNV,'))!.split(',');
      expect(snv[1]).toBe('Sở Nội vụ');
      expect(Number(snv[3])).toBeGreaterThan(0); // the unit mailbox's mail above
      expect(Number(snv[6])).toBeGreaterThan(Number(snv[4])); // a year's growth from 90 days' mail
      expect(lines.some((l) => l.startsWith('TONG,'))).toBe(true);
      const pdf = await get(w.p.tokens['directory-manager'], '/api/v1/reports/capacity.pdf');
      expect(pdf.status).toBe(200);
      const text = await pdfText(pdf.body);
      for (const s of ['BÁO CÁO DUNG LƯỢNG VÀ DỰ KIẾN NĂM TỚI', 'Sở Nội vụ (SNV)', 'Toàn tỉnh', 'Kinh phí dự kiến', 'Ổ đĩa cần cho năm tới']) expect(text).toContain(s);
      await keepPng(pdf.body, 'capacity-report');
    });
  });
}
