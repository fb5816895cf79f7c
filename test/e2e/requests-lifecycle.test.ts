// Requests of the decision's processes (issue 11), end to end over the HTTP API: a joiner filed by
// the agency's clerk, signed off by its head, approved by the Provincial Office and executed ends
// in a mailbox Python's imaplib logs into with the one-time credential — refused until the password
// is changed (forced change), then accepted; every step is an event and an audit entry, the person's
// history names the request, and the requester and approvers get notices by mail. A leaver's login
// stops on the effective date (runDue with an injected "now"), not before. A batch CSV is checked
// row by row before anything is filed, then approved as one request and executed row by row.
// Every refusal — wrong scope, wrong state, missing document, wrong actor — has a Vietnamese message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/harness.ts';
import { imaplibLogin, inboxSubjects, startRequestWorld, TEST_PASSWORD, type RequestWorld } from '../helpers/requests.ts';
import { missingTool } from '../helpers/tools.ts';

const DOC = { number: '125/QĐ-SNV', date: '2026-12-01', signer: 'Phạm Thị Hoa' };
const DAY = 86_400_000;

for (const backend of backends()) {
  describe.skipIf(missingTool('python3', `requests lifecycle (${backend})`))(`requests, their life cycle and refusals (${backend})`, { timeout: 120_000 }, () => {
    let w: RequestWorld;
    beforeAll(async () => {
      w = await startRequestWorld(backend);
    });
    afterAll(async () => {
      await w?.stop();
    });

    it('a joiner: clerk files, head signs off, the Provincial Office approves, imaplib logs in with the one-time credential and must change it', async () => {
      const { tokens, actors } = w.p;
      const filed = await w.call(tokens['clerk-snv'], 'POST', '/api/v1/requests', { kind: 'joiner', payload: { fullName: 'Lê Thị Mai', unitCode: 'SNV-VP', title: 'Chuyên viên' } });
      expect(filed.status).toBe(201);
      const id = filed.json.id as number;
      expect(filed.json.state).toBe('draft');

      // no document yet: refused, in Vietnamese
      const noDoc = await w.call(tokens['clerk-snv'], 'POST', `/api/v1/requests/${id}/submit`);
      expect(noDoc.status).toBe(400);
      expect(noDoc.json.code).toBe('REQUEST_DOCUMENT_REQUIRED');
      expect(noDoc.json.message).toContain('Thiếu văn bản làm căn cứ');

      expect((await w.call(tokens['clerk-snv'], 'POST', `/api/v1/requests/${id}/documents`, DOC)).status).toBe(201);
      const byClerk = await w.call(tokens['clerk-snv'], 'POST', `/api/v1/requests/${id}/submit`);
      expect(byClerk.status).toBe(200);
      expect(byClerk.json.state).toBe('awaiting-signoff');

      // the clerk cannot approve; the head cannot approve either
      const clerkApprove = await w.call(tokens['clerk-snv'], 'POST', `/api/v1/requests/${id}/approve`, {});
      expect(clerkApprove.status).toBe(403);
      expect(clerkApprove.json.message).toContain('Không có quyền');
      // not yet submitted to the Provincial Office: wrong state
      const early = await w.call(tokens['directory-manager'], 'POST', `/api/v1/requests/${id}/approve`, {});
      expect(early.status).toBe(409);
      expect(early.json.code).toBe('REQUEST_STATE_CONFLICT');
      expect(early.json.message).toContain('chờ thủ trưởng ký duyệt');

      const signed = await w.call(tokens['head-snv'], 'POST', `/api/v1/requests/${id}/submit`);
      expect(signed.json.state).toBe('submitted');
      expect(signed.json.dueAt).toBeGreaterThan(Date.now());
      expect((await w.call(tokens['head-snv'], 'POST', `/api/v1/requests/${id}/approve`, {})).status).toBe(403);

      const approved = await w.call(tokens['directory-manager'], 'POST', `/api/v1/requests/${id}/approve`, { note: 'Đúng quyết định' });
      expect(approved.status).toBe(200);
      expect(approved.json.state).toBe('scheduled');

      const ran = await w.r.app.requests.runDue(Date.now());
      expect(ran.executed).toContain(id);
      const done = await w.call(tokens['clerk-snv'], 'GET', `/api/v1/requests/${id}`);
      expect(done.json.state).toBe('notified');
      const address = done.json.items[0].result.address as string;
      expect(address).toMatch(/@kontum\.gov\.vn$/);
      expect(done.json.events.map((e: { event: string }) => e.event)).toEqual(['create', 'document', 'submit', 'signoff', 'approve', 'start', 'finish', 'notify']);
      expect(done.json.changes.some((c: { entity: string }) => c.entity === 'person')).toBe(true);

      // the person's history links to the request
      const person = await w.r.app.directory.personByAddress(address);
      const history = await w.r.app.directory.history('person', person!.id);
      expect(history[0].requestId).toBe(id);
      expect(history[0].outsideRequest).toBe(false);
      expect(history[0].reason).toContain('125/QĐ-SNV');

      // a clerk does not see the credential; the head takes it, once per code
      const clerkCred = await w.call(tokens['clerk-snv'], 'POST', `/api/v1/requests/${id}/credential`, {});
      expect(clerkCred.status).toBe(403);
      expect(clerkCred.json.code).toBe('REQUEST_NOT_ALLOWED');
      const cred = await w.call(tokens['head-snv'], 'POST', `/api/v1/requests/${id}/credential`, {});
      expect(cred.status).toBe(200);
      const redeemed = await w.call(null, 'POST', cred.json.redeemPath);
      expect(redeemed.status).toBe(200);
      expect(redeemed.json.address).toBe(address);
      const again = await w.call(null, 'POST', cred.json.redeemPath);
      expect(again.status).toBe(400);
      expect(again.json.message).toContain('Mã nhận mật khẩu không đúng, đã dùng hoặc đã hết hạn');

      // imaplib: the one-time password is refused until it is changed
      const first = await imaplibLogin(w.r, address, redeemed.json.password);
      expect(first).toMatch(/^NO .*(ALERT|đổi mật khẩu)/);
      const t = await w.api.login(address, redeemed.json.password);
      expect((await w.call(t, 'POST', '/api/v1/me/password', { currentPassword: redeemed.json.password, newPassword: 'MatKhauMoi#2026' })).status).toBeLessThan(300);
      expect(await imaplibLogin(w.r, address, 'MatKhauMoi#2026')).toBe('OK');

      // notices: the approvers heard of the submission, the requester of the execution
      expect((await inboxSubjects(w.r, actors['directory-manager'])).some((s) => s.includes(`#${id}`) && s.includes('chờ phê duyệt'))).toBe(true);
      expect((await inboxSubjects(w.r, actors['clerk-snv'])).some((s) => s.includes(`#${id}`) && s.includes('đã được thực hiện'))).toBe(true);
      expect((await inboxSubjects(w.r, address)).some((s) => s.includes(`#${id}`))).toBe(true);
      // audited
      const audit = await w.r.app.audit.list(100, { target: `request:${id}` });
      expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['request.create', 'request.submit', 'request.signoff', 'request.approve', 'request.finish', 'request.notify']));
    });

    it('refusals: another agency is out of scope, a stranger cannot read, an executed request cannot be withdrawn, a rejection needs a reason', async () => {
      const { tokens, actors } = w.p;
      const outside = await w.call(tokens['head-snv'], 'POST', '/api/v1/requests', { kind: 'leaver', payload: { person: actors.user } });
      expect(outside.status).toBe(403);
      expect(outside.json.code).toBe('REQUEST_OUT_OF_SCOPE');
      expect(outside.json.message).toContain('ngoài phạm vi quản lý');
      const nobody = await w.call(tokens.user, 'POST', '/api/v1/requests', { kind: 'leaver', payload: { person: actors.user } });
      expect(nobody.status).toBe(403);
      // a request about another agency, filed by the Provincial Office: the SNV head may neither read nor submit it
      const stp = (await w.call(tokens['directory-manager'], 'POST', '/api/v1/requests', { kind: 'update', payload: { person: actors.user, title: 'Chuyên viên chính' } })).json.id;
      for (const [method, path] of [
        ['GET', `/api/v1/requests/${stp}`],
        ['POST', `/api/v1/requests/${stp}/submit`],
        ['POST', `/api/v1/requests/${stp}/withdraw`],
      ] as const) {
        const r = await w.call(tokens['head-snv'], method, path);
        expect(r.status, path).toBe(403);
        expect(r.json.code).toBe('REQUEST_OUT_OF_SCOPE');
        expect(r.json.message).toBe(`Yêu cầu liên quan đến đơn vị ngoài phạm vi quản lý của bạn: #${stp} (STP-VP)`);
      }
      expect((await w.call(tokens['head-snv'], 'GET', '/api/v1/requests')).json.requests.map((r: { id: number }) => r.id)).not.toContain(stp);

      const filed = await w.call(tokens['head-snv'], 'POST', '/api/v1/requests', { kind: 'update', payload: { person: actors['clerk-snv'], phone: '0260 3862 123' } });
      expect(filed.status).toBe(201);
      const id = filed.json.id;
      // an update needs no document
      expect((await w.call(tokens['head-snv'], 'POST', `/api/v1/requests/${id}/submit`)).json.state).toBe('submitted');
      const stranger = await w.call(tokens.user, 'GET', `/api/v1/requests/${id}`);
      expect(stranger.status).toBe(403);
      const noReason = await w.call(tokens.sysadmin, 'POST', `/api/v1/requests/${id}/reject`, { reason: ' ' });
      expect(noReason.status).toBe(400);
      expect(noReason.json.message).toContain('lý do từ chối');
      expect((await w.call(tokens.sysadmin, 'POST', `/api/v1/requests/${id}/approve`, {})).json.state).toBe('scheduled');
      const executed = await w.call(tokens.sysadmin, 'POST', `/api/v1/requests/${id}/execute`);
      expect(executed.json.state).toBe('notified');
      expect((await w.r.app.directory.personByAddress(actors['clerk-snv']))!.phone).toBe('0260 3862 123');
      const late = await w.call(tokens['head-snv'], 'POST', `/api/v1/requests/${id}/withdraw`);
      expect(late.status).toBe(409);
      expect(late.json.message).toContain('đã thực hiện và thông báo');
      // execute is the sysadmin's alone
      const headExec = await w.call(tokens['head-snv'], 'POST', `/api/v1/requests/${id}/execute`);
      expect(headExec.status).toBe(403);

      // a withdrawn request stays withdrawn; a rejected one carries its reason to the requester
      const other = (await w.call(tokens['clerk-snv'], 'POST', '/api/v1/requests', { kind: 'update', payload: { person: actors['clerk-snv'], title: 'Văn thư chính' } })).json.id;
      expect((await w.call(tokens['clerk-snv'], 'POST', `/api/v1/requests/${other}/withdraw`)).json.state).toBe('withdrawn');
      const third = (await w.call(tokens['head-snv'], 'POST', '/api/v1/requests', { kind: 'update', payload: { person: actors['clerk-snv'], title: 'Văn thư chính' } })).json.id;
      await w.call(tokens['head-snv'], 'POST', `/api/v1/requests/${third}/submit`);
      const rejected = await w.call(tokens['directory-manager'], 'POST', `/api/v1/requests/${third}/reject`, { reason: 'Chức danh không đúng quy định' });
      expect(rejected.json.state).toBe('rejected');
      expect((await inboxSubjects(w.r, actors['head-snv'])).some((s) => s.includes(`#${third}`) && s.includes('bị từ chối'))).toBe(true);

      // the list: the head sees their agency's requests, the user none, the auditor all
      const headList = await w.call(tokens['head-snv'], 'GET', '/api/v1/requests');
      expect(headList.json.requests.map((r: { id: number }) => r.id)).toEqual(expect.arrayContaining([id, other, third]));
      expect((await w.call(tokens.user, 'GET', '/api/v1/requests')).status).toBe(403);
      expect((await w.call(tokens.auditor, 'GET', `/api/v1/requests?state=rejected`)).json.requests.map((r: { id: number }) => r.id)).toEqual([third]);
    });

    it('the scanned decision is kept with the request and downloaded byte for byte; a file that is not a PDF is refused', async () => {
      const { tokens, actors } = w.p;
      const id = (await w.call(tokens['head-snv'], 'POST', '/api/v1/requests', { kind: 'update', payload: { person: actors['clerk-snv'], title: 'Văn thư' } })).json.id;
      const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n% Quyết định số 150/QĐ-SNV\n'), Buffer.alloc(300_000, 7), Buffer.from('\n%%EOF\n')]);
      const up = await w.call(tokens['clerk-snv'], 'POST', `/api/v1/requests/${id}/documents`, { ...DOC, number: '150/QĐ-SNV', filename: 'qd-150.pdf', contentBase64: pdf.toString('base64') });
      expect(up.status, up.text).toBe(201);
      expect(up.json).toMatchObject({ number: '150/QĐ-SNV', issuedOn: '2026-12-01', filename: 'qd-150.pdf', size: pdf.length });
      const res = await fetch(`${w.api.base}/api/v1/requests/${id}/documents/${up.json.id}`, { headers: { authorization: `Bearer ${tokens.auditor}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/pdf');
      expect(Buffer.from(await res.arrayBuffer()).equals(pdf)).toBe(true);
      const notPdf = await w.call(tokens['head-snv'], 'POST', `/api/v1/requests/${id}/documents`, { ...DOC, filename: 'x.docx', contentBase64: Buffer.from('PK\x03\x04 word').toString('base64') });
      expect(notPdf.status).toBe(400);
      expect(notPdf.json.message).toContain('không phải PDF');
      const noSigner = await w.call(tokens['head-snv'], 'POST', `/api/v1/requests/${id}/documents`, { ...DOC, signer: '' });
      expect(noSigner.status).toBe(400);
      expect(noSigner.json.message).toContain('người ký');
    });

    it('a leaver: login works until the effective date, and stops when the executor runs on that date', async () => {
      const { tokens } = w.p;
      const leaver = await w.r.app.directory.createPerson({ fullName: 'Trương Văn Hưu', unitCode: 'SNV-VP', localPart: 'huutv', password: TEST_PASSWORD, title: 'Chuyên viên' }, { actor: 'test' });
      const effective = new Date(Date.now() + 3 * DAY + 7 * 3600_000).toISOString().slice(0, 10);
      const filed = await w.call(tokens['head-snv'], 'POST', '/api/v1/requests', {
        kind: 'leaver',
        payload: { person: leaver.address, why: 'retirement' },
        document: { ...DOC, number: '130/QĐ-SNV' },
        effectiveDate: effective,
      });
      expect(filed.status).toBe(201);
      const id = filed.json.id;
      await w.call(tokens['head-snv'], 'POST', `/api/v1/requests/${id}/submit`);
      await w.call(tokens['directory-manager'], 'POST', `/api/v1/requests/${id}/approve`, {});
      const effectiveAt = filed.json.effectiveAt as number;

      const before = await w.r.app.requests.runDue(effectiveAt - 60_000);
      expect(before.executed).not.toContain(id);
      expect(await imaplibLogin(w.r, leaver.address, TEST_PASSWORD)).toBe('OK');

      const on = await w.r.app.requests.runDue(effectiveAt + 60_000);
      expect(on.executed).toContain(id);
      expect(await imaplibLogin(w.r, leaver.address, TEST_PASSWORD)).toMatch(/^NO/);
      const p = await w.r.app.directory.getPerson(leaver.person.id);
      expect(p!.status).toBe('left');
      const d = await w.call(tokens['head-snv'], 'GET', `/api/v1/requests/${id}`);
      // kept for the retention period (config.directory: 6 months)
      expect(d.json.items[0].result.purgeableFrom).toBeGreaterThan(Date.now() + 150 * DAY);
    });

    it('a batch CSV is checked row by row before anything is filed, then executed row by row', async () => {
      const { tokens, actors } = w.p;
      const bad = '\ufeffloai_yeu_cau,ho_ten,ma_don_vi,chuc_vu,dia_chi_thu\r\ntiếp nhận,Hồ Văn Bảy,SNV-VP,Chuyên viên,\r\nđiều chuyển,,STP-VP,,' + actors.user + '\r\nbay bổng,Ai Đó,SNV-VP,,\r\n';
      const refused = await w.call(tokens['head-snv'], 'POST', '/api/v1/requests', { kind: 'batch', csv: bad });
      expect(refused.status).toBe(400);
      expect(refused.json.code).toBe('REQUEST_BATCH_INVALID');
      expect(refused.json.errors.map((e: { line: number }) => e.line)).toEqual([4]);
      const refused2 = await w.call(tokens['head-snv'], 'POST', '/api/v1/requests', { kind: 'batch', csv: bad.split('\r\n').slice(0, 3).join('\r\n') });
      expect(refused2.status).toBe(400);
      expect(refused2.json.errors).toEqual([expect.objectContaining({ line: 3, message: expect.stringContaining('ngoài phạm vi') })]);
      const before = (await w.call(tokens.sysadmin, 'GET', '/api/v1/requests?kind=batch')).json.requests.length;
      expect(before).toBe(0);

      const good =
        '\ufeffloai_yeu_cau,ho_ten,ma_don_vi,chuc_vu,dia_chi_thu\r\ntiếp nhận,Hồ Văn Bảy,SNV-VP,Chuyên viên,\r\ntiếp nhận,Đinh Thị Tám,SNV-VP,Chuyên viên,\r\ncập nhật,,,Chánh Văn phòng,' +
        actors['clerk-snv'] +
        '\r\n';
      const filed = await w.call(tokens['head-snv'], 'POST', '/api/v1/requests', { kind: 'batch', csv: good, document: { ...DOC, number: '140/QĐ-SNV' } });
      expect(filed.status).toBe(201);
      expect(filed.json.items.map((i: { line: number; kind: string }) => [i.line, i.kind])).toEqual([
        [2, 'joiner'],
        [3, 'joiner'],
        [4, 'update'],
      ]);
      const id = filed.json.id;
      await w.call(tokens['head-snv'], 'POST', `/api/v1/requests/${id}/submit`);
      await w.call(tokens.sysadmin, 'POST', `/api/v1/requests/${id}/approve`, {});
      const progress: Array<[number, number]> = [];
      const admin = { principal: await w.r.app.roles.principal((await w.r.app.accounts.byAddress(actors.sysadmin))!.id), label: 'test' };
      const d = await w.r.app.requests.execute(admin, id, { onProgress: (a, b) => progress.push([a, b]) });
      expect(d.state).toBe('notified');
      expect(progress).toEqual([
        [0, 3],
        [1, 3],
        [2, 3],
        [3, 3],
      ]);
      expect(d.progress).toEqual({ done: 3, total: 3 });
      expect((await w.r.app.directory.personByAddress(actors['clerk-snv']))!.title).toBe('Chánh Văn phòng');
      // each joiner has its own credential, by line
      const c3 = await w.call(tokens['head-snv'], 'POST', `/api/v1/requests/${id}/credential`, { line: 3 });
      expect(c3.json.address).toBe(d.items[1].result && (d.items[1].result as { address: string }).address);
    });
  });
}
