// The request screens of issue 11 in chromium, end to end over the real server: the SNV clerk files a
// joiner in the agency portal (Vietnamese form, official document with its scanned PDF uploaded in the
// form) and sends it for the head's sign-off; the head signs it off; the Provincial Office (directory
// manager) finds it in the approval queue, sees the document, is refused a rejection without a reason
// (in Vietnamese), approves; the sysadmin executes it; the head takes the one-time link (and the
// credential letter PDF); the new official opens the link in their own browser, sees the temporary
// password once, signs in to the webmail with it and is made to change it. Also refused in Vietnamese:
// the clerk filing a request about another agency. Screenshots under test-artifacts/.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { axeSerious, DESKTOP, noBrowser, openBrowser, screenshot, signIn, type UserBrowser } from '../helpers/browser.ts';
import { PDF } from '../helpers/webmail-fixtures.ts';
import { startRequestWorld, TEST_PASSWORD, type RequestWorld } from '../helpers/requests.ts';

describe.skipIf(noBrowser('console: request flow'))('console: a joiner from the agency portal to the new official’s first sign-in (chromium)', { timeout: 120_000 }, () => {
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
});
