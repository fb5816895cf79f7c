// The request screens of issue 11 in chromium, end to end over the real server: the SNV clerk files a
// joiner in the agency portal (Vietnamese form, official document with its scanned PDF uploaded in the
// form) and sends it for the head's sign-off; the head signs it off; the Provincial Office (directory
// manager) finds it in the approval queue, sees the document, is refused a rejection without a reason
// (in Vietnamese), approves; the sysadmin executes it; the head takes the one-time link (and the
// credential letter PDF); the new official opens the link in their own browser, sees the temporary
// password once, signs in to the webmail with it and is made to change it. Also refused in Vietnamese:
// the clerk filing a request about another agency. The approval queue flags an overdue request (and
// filters on it); a batch CSV shows its errors per row before anything is filed, then makes one
// request; after a handover both heads open the record and acknowledge it in the app, and the record
// (PDF) is rendered by poppler to a PNG kept with the screenshots under test-artifacts/.
import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ARTIFACTS, axeSerious, DESKTOP, noBrowser, openBrowser, screenshot, signIn, type UserBrowser } from '../helpers/browser.ts';
import { PDF } from '../helpers/webmail-fixtures.ts';
import { vietnameseMessage } from '../helpers/servers.ts';
import { missingTool } from '../helpers/tools.ts';
import { startRequestWorld, TEST_PASSWORD, type RequestWorld } from '../helpers/requests.ts';

const DAY = 86_400_000;
const run = promisify(execFile);

const T = 'console: request flow';
const skip = noBrowser(T) || missingTool('pdftoppm', T) || missingTool('pdftotext', T);

describe.skipIf(skip)('console: a joiner from the agency portal to the new official’s first sign-in (chromium)', { timeout: 120_000 }, () => {
  let w: RequestWorld;
  let base: string;
  let b: UserBrowser;
  let id = 0;

  beforeAll(async () => {
    w = await startRequestWorld('sqlite');
    base = `https://127.0.0.1:${w.r.servers.ports.https}`;
    b = await openBrowser(DESKTOP);
  });
  afterAll(async () => {
    await b?.close();
    await w?.stop();
  });

  async function as(user: string): Promise<Page> {
    await b.context.clearCookies();
    await signIn(b.page, base, user, TEST_PASSWORD);
    return b.page;
  }
  const state = (page: Page) => page.getByTestId('request-state');

  it('the clerk files a joiner with its document and scanned PDF; it waits for the head', async () => {
    const page = await as(w.p.actors['clerk-snv']);
    await page.getByRole('link', { name: 'Yêu cầu của đơn vị' }).click();
    await page.getByRole('heading', { name: 'Yêu cầu của đơn vị' }).waitFor();
    await page.getByText('Bạn là văn thư: yêu cầu bạn gửi sẽ chờ thủ trưởng ký duyệt.').waitFor();
    await page.getByRole('link', { name: 'Lập yêu cầu mới' }).click();
    await expect.poll(() => page.getByLabel('Loại yêu cầu').inputValue()).toBe('joiner');
    await page.getByLabel('Họ và tên').fill('Lê Thị Mai');
    await page.getByLabel('Đơn vị', { exact: true }).selectOption('SNV-VP');
    await page.getByLabel('Chức vụ').fill('Chuyên viên');
    await page.getByLabel('Số, ký hiệu văn bản').fill('125/QĐ-SNV');
    await page.getByLabel('Ngày ký').fill('2026-12-01');
    await page.getByLabel('Người ký').fill('Phạm Thị Hoa');
    await page.getByLabel('Bản quét văn bản (PDF)').setInputFiles({ name: 'qd-125.pdf', mimeType: 'application/pdf', buffer: PDF });
    await screenshot(page, 'console-request-new-joiner-vi');
    expect(await axeSerious(page)).toEqual([]);
    await page.getByRole('button', { name: 'Lưu và gửi' }).click();
    await page.waitForURL(/\/requests\/\d+$/);
    id = Number(/\/requests\/(\d+)$/.exec(page.url())![1]);
    await expect.poll(() => state(page).textContent()).toBe('Chờ thủ trưởng ký duyệt');
    await page.getByRole('link', { name: /Tải bản quét \(qd-125\.pdf\)/ }).waitFor();
    await page.getByTestId('timeline').getByText('Thêm văn bản', { exact: true }).waitFor();
    await screenshot(page, 'console-request-awaiting-signoff-vi');
    // the scan stored is the file uploaded
    const docs = (await w.call(w.p.tokens['clerk-snv'], 'GET', `/api/v1/requests/${id}`)).json.documents as Array<{ id: number; sha256?: string }>;
    const dl = await w.call(w.p.tokens['clerk-snv'], 'GET', `/api/v1/requests/${id}/documents/${docs[0].id}`);
    expect(Buffer.from(dl.text, 'latin1').subarray(0, 8).toString()).toBe(PDF.subarray(0, 8).toString());
  });

  it('refuses the clerk a request about another agency, in Vietnamese', async () => {
    const page = b.page;
    await page.goto(`${base}/requests/new`);
    await page.getByLabel('Loại yêu cầu').selectOption('password-reset');
    await page.getByLabel('Cán bộ (địa chỉ thư)').fill(w.p.actors.user);
    await page.getByRole('button', { name: 'Lưu bản nháp' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('ngoài phạm vi quản lý');
    expect(await alert.textContent()).toContain('REQUEST_OUT_OF_SCOPE');
    await screenshot(page, 'console-request-out-of-scope-vi');
  });

  it('the head signs it off to the Provincial Office', async () => {
    const page = await as(w.p.actors['head-snv']);
    await page.getByRole('link', { name: 'Yêu cầu của đơn vị' }).click();
    await page.getByRole('link', { name: `Mở #${id}` }).click();
    await page.getByText('Yêu cầu do văn thư lập, đang chờ thủ trưởng ký duyệt.').waitFor();
    await page.getByRole('button', { name: 'Ký duyệt và gửi Văn phòng UBND tỉnh' }).click();
    await expect.poll(() => state(page).textContent()).toBe('Chờ Văn phòng UBND tỉnh phê duyệt');
    await page.getByTestId('timeline').getByText('Thủ trưởng ký duyệt', { exact: true }).waitFor();
  });

  it('the Provincial Office finds it in the queue, is refused a rejection without a reason, approves it; the sysadmin executes it', async () => {
    let page = await as(w.p.actors['directory-manager']);
    await page.getByRole('link', { name: 'Duyệt yêu cầu' }).click();
    await page.getByRole('heading', { name: 'Duyệt yêu cầu' }).waitFor();
    const row = page.getByTestId('queue').locator(`tr[data-request="${id}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('Tiếp nhận cán bộ mới');
    await screenshot(page, 'console-approval-queue-vi');
    expect(await axeSerious(page)).toEqual([]);
    await row.getByRole('link', { name: `Mở #${id}` }).click();
    await page.getByRole('link', { name: /Tải bản quét/ }).waitFor();
    await page.getByRole('button', { name: 'Từ chối' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('Phải ghi rõ lý do từ chối');
    await screenshot(page, 'console-approval-reject-needs-reason-vi');
    await page.getByRole('button', { name: 'Phê duyệt' }).click();
    await expect.poll(() => state(page).textContent()).toBe('Đã phê duyệt, chờ thực hiện');
    // only a sysadmin executes now
    expect(await page.getByRole('button', { name: 'Thực hiện ngay' }).count()).toBe(0);

    page = await as(w.p.actors.sysadmin);
    await page.goto(`${base}/requests/${id}`);
    await page.getByRole('button', { name: 'Thực hiện ngay' }).click();
    await expect.poll(() => state(page).textContent()).toMatch(/^Đã thực hiện/);
    await page.getByTestId('timeline').getByText('Thực hiện xong', { exact: true }).waitFor();
    await screenshot(page, 'console-request-executed-vi');
  });

  it('the head takes the one-time link; the new official collects the password, signs in and must change it', async () => {
    const page = await as(w.p.actors['head-snv']);
    await page.goto(`${base}/requests/${id}`);
    // the letter: a PDF for the head to print
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Tải thư cấp mật khẩu (PDF)' }).click();
    const letter = fs.readFileSync((await (await download).path())!);
    expect(letter.subarray(0, 5).toString()).toBe('%PDF-');
    // the link, which replaces the letter's code
    await page.getByRole('button', { name: 'Tạo đường dẫn dùng một lần' }).click();
    const link = await page.getByTestId('credential-link').getAttribute('href');
    expect(link).toMatch(/\/credential\/[^/]+$/);
    await screenshot(page, 'console-request-credential-link-vi');

    const official = await openBrowser(DESKTOP);
    try {
      const p2 = official.page;
      await p2.goto(link!);
      await p2.getByRole('heading', { name: 'Nhận mật khẩu hộp thư' }).waitFor();
      await p2.getByRole('button', { name: 'Nhận mật khẩu' }).click();
      const address = (await p2.getByTestId('redeemed-address').textContent())!.trim();
      const password = (await p2.getByTestId('redeemed-password').textContent())!.trim();
      expect(address).toMatch(/@kontum\.gov\.vn$/);
      await screenshot(p2, 'console-credential-redeemed-vi');
      // once only
      await p2.reload();
      await p2.getByRole('button', { name: 'Nhận mật khẩu' }).click();
      expect(await p2.getByRole('alert').textContent()).toContain('Mã nhận mật khẩu không đúng, đã dùng hoặc đã hết hạn');

      await signIn(p2, base, address, password);
      await p2.waitForURL(/\/change-password$/);
      await p2.getByText('Bạn phải đổi mật khẩu trước khi tiếp tục.').waitFor();
      await p2.getByLabel('Mật khẩu hiện tại').fill(password);
      await p2.getByLabel('Mật khẩu mới', { exact: true }).fill('LeThiMai#2026-moi');
      await p2.getByLabel('Nhập lại mật khẩu mới').fill('LeThiMai#2026-moi');
      await p2.getByRole('button', { name: 'Đổi mật khẩu' }).click();
      await p2.waitForURL(/\/mail\//);
      await p2.getByRole('heading', { name: 'Hộp thư đến' }).waitFor();
      await screenshot(p2, 'console-new-official-inbox-vi');
      expect((await w.r.app.accounts.byAddress(address))!.mustChangePassword).toBe(false);
    } finally {
      await official.close();
    }
  });
  it('the approval queue flags an overdue request (past its working-day service level)', async () => {
    const { tokens, actors } = w.p;
    const filed = await w.call(tokens['head-snv'], 'POST', '/api/v1/requests', { kind: 'update', payload: { person: actors['clerk-snv'], title: 'Chánh Văn phòng' } });
    const late = filed.json.id as number;
    expect((await w.call(tokens['head-snv'], 'POST', `/api/v1/requests/${late}/submit`)).json.state).toBe('submitted');
    // as if submitted weeks ago: its deadline (the working-day service level) three days past
    await w.r.app.db.kysely
      .updateTable('requests')
      .set({ due_at: Date.now() - 3 * DAY })
      .where('id', '=', late)
      .execute();
    const page = await as(actors['directory-manager']);
    await page.goto(`${base}/approvals`);
    const row = page.getByTestId('queue').locator(`tr[data-request="${late}"]`);
    await row.getByText('Quá hạn').waitFor();
    // the one approved earlier is not in the queue any more
    expect(await page.getByTestId('queue').locator(`tr[data-request="${id}"]`).count()).toBe(0);
    await page.getByLabel('Chỉ yêu cầu quá hạn').check();
    await expect.poll(() => page.getByTestId('queue').locator('tbody tr').count()).toBe(1);
    await screenshot(page, 'console-approval-queue-overdue-vi');
    await row.getByRole('link', { name: `Mở #${late}` }).click();
    await page.getByLabel('Lý do từ chối').fill('Chưa có quyết định bổ nhiệm kèm theo');
    await page.getByRole('button', { name: 'Từ chối' }).click();
    await expect.poll(() => state(page).textContent()).toBe('Bị từ chối');
    await page.getByText('Lý do từ chối: Chưa có quyết định bổ nhiệm kèm theo').waitFor();
  });

  it('a batch CSV: the errors per row are shown before anything is filed, then the valid file makes one request', async () => {
    const { actors } = w.p;
    const page = await as(actors['head-snv']);
    await page.goto(`${base}/requests/batch`);
    const bad = `\ufeffloai_yeu_cau,ho_ten,ma_don_vi,chuc_vu,dia_chi_thu\r\ntiếp nhận,Hồ Văn Bảy,SNV-VP,Chuyên viên,\r\nđiều chuyển,,STP-VP,,${actors.user}\r\n`;
    await page.getByLabel('Tệp CSV').setInputFiles({ name: 'lo.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    await page.getByLabel('Số, ký hiệu văn bản').fill('140/QĐ-SNV');
    await page.getByLabel('Ngày ký').fill('2026-12-02');
    await page.getByLabel('Người ký').fill('Phạm Thị Hoa');
    await page.getByRole('button', { name: 'Lưu bản nháp' }).click();
    const errors = page.getByTestId('batch-errors');
    await errors.waitFor();
    expect(await errors.textContent()).toMatch(/Dòng 3: .*ngoài phạm vi/);
    await screenshot(page, 'console-request-batch-errors-vi');
    const before = (await w.call(w.p.tokens.sysadmin, 'GET', '/api/v1/requests?kind=batch')).json.requests.length;
    expect(before).toBe(0);
    const good = `\ufeffloai_yeu_cau,ho_ten,ma_don_vi,chuc_vu,dia_chi_thu\r\ntiếp nhận,Hồ Văn Bảy,SNV-VP,Chuyên viên,\r\ntiếp nhận,Đinh Thị Tám,SNV-VP,Chuyên viên,\r\n`;
    await page.getByLabel('Tệp CSV').setInputFiles({ name: 'lo.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
    await page.getByRole('button', { name: 'Lưu bản nháp' }).click();
    await page.waitForURL(/\/requests\/\d+$/);
    await expect.poll(() => state(page).textContent()).toBe('Bản nháp');
    await page.getByRole('cell', { name: /Đinh Thị Tám/ }).waitFor();
    await page.getByText('140/QĐ-SNV').waitFor();
  });

  it('a handover: both heads open the record (PDF) and acknowledge it in the app', async () => {
    const d = w.r.app.directory;
    const ctx = { actor: 'test', reason: 'QĐ 02/QĐ-UBND' };
    await d.createUnit({ code: 'SNV-P3', name: 'Phòng Công chức, viên chức', kind: 'department', parentCode: 'SNV', abbreviation: 'snvccvc' }, ctx);
    const oldHead = await d.createPerson({ fullName: 'Trịnh Thị Bàn Giao', unitCode: 'SNV-P3', localPart: 'giaottb', password: TEST_PASSWORD, title: 'Trưởng phòng' }, ctx);
    const newHead = await d.createPerson({ fullName: 'Lưu Đức Tiếp Nhận', unitCode: 'SNV-P3', localPart: 'nhanldt', password: TEST_PASSWORD, title: 'Phó trưởng phòng' }, ctx);
    await d.setUnitHead('SNV-P3', oldHead.person.id, ctx, { rotatePassword: false });
    const box = (await w.r.app.accounts.byAddress('snvccvc@kontum.gov.vn'))!.id;
    for (const subject of ['Công văn đến số 7', 'Giấy mời họp giao ban'])
      await w.r.app.store.append(box, 'INBOX', vietnameseMessage({ from: w.p.actors.user, to: 'snvccvc@kontum.gov.vn', subject }), []);
    const { tokens } = w.p;
    const filed = await w.call(tokens['head-snv'], 'POST', '/api/v1/requests', {
      kind: 'handover',
      payload: { unitCode: 'SNV-P3', person: newHead.address },
      document: { number: '150/QĐ-SNV', date: '2026-12-03', signer: 'Phạm Thị Hoa' },
    });
    const hid = filed.json.id as number;
    await w.call(tokens['head-snv'], 'POST', `/api/v1/requests/${hid}/submit`);
    await w.call(tokens['directory-manager'], 'POST', `/api/v1/requests/${hid}/approve`, {});
    expect((await w.call(tokens.sysadmin, 'POST', `/api/v1/requests/${hid}/execute`)).json.state).toBe('notified');

    for (const [who, role] of [
      [newHead.address, 'thủ trưởng tiếp nhận'],
      [oldHead.address, 'thủ trưởng bàn giao'],
    ] as const) {
      const page = await as(who);
      await page.goto(`${base}/requests/${hid}`);
      await page.getByRole('heading', { name: 'Biên bản bàn giao' }).waitFor();
      const href = await page.getByRole('link', { name: 'Xem biên bản bàn giao (PDF)' }).getAttribute('href');
      const pdf = await page.request.get(`${base}${href}`);
      expect(pdf.headers()['content-type']).toBe('application/pdf');
      const body = await pdf.body();
      expect(body.subarray(0, 5).toString()).toBe('%PDF-');
      await page.getByRole('button', { name: 'Xác nhận biên bản' }).click();
      await page
        .getByTestId('handover-acks')
        .getByText(new RegExp(`${who.replace('.', '\\.')} \\(${role}\\)`))
        .waitFor();
      expect(await page.getByRole('button', { name: 'Xác nhận biên bản' }).count()).toBe(0);
      // the outgoing head may no longer read the request itself (no longer head of the unit), yet sees no refusal here
      expect(await page.getByText('FORBIDDEN').count()).toBe(0);
      await screenshot(page, `console-handover-ack-${role === 'thủ trưởng bàn giao' ? 'outgoing' : 'incoming'}-vi`);
    }
    expect((await w.call(tokens['head-snv'], 'GET', `/api/v1/requests/${hid}/handover`)).json.acknowledgements).toHaveLength(2);
    // the record as the outgoing head opens it now, rendered by poppler to a PNG kept beside the screenshots
    const pdf = await b.page.request.get(`${base}/api/v1/requests/${hid}/handover.pdf`);
    const file = path.join(ARTIFACTS, 'console-handover-record-vi.pdf');
    fs.writeFileSync(file, await pdf.body());
    await run('pdftoppm', ['-r', '80', '-png', '-singlefile', '-f', '1', '-l', '1', file, file.slice(0, -4)], { timeout: 20_000 });
    expect(fs.statSync(`${file.slice(0, -4)}.png`).size).toBeGreaterThan(10_000);
    const text = (await run('pdftotext', ['-enc', 'UTF-8', file, '-'], { timeout: 20_000 })).stdout.normalize('NFC');
    for (const s of ['BIÊN BẢN BÀN GIAO HỘP THƯ ĐƠN VỊ', 'Phòng Công chức, viên chức (SNV-P3)', 'Trịnh Thị Bàn Giao', 'Lưu Đức Tiếp Nhận', '150/QĐ-SNV']) expect(text).toContain(s);
    expect(text).toMatch(/INBOX\s+2\s/);
    expect(text).not.toContain('Chưa xác nhận');
  });
});
