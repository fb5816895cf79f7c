// The console's directory management in chromium (issue 11; R4.1–R4.3, R8.2): a directory manager
// follows the admin link, creates a unit under the province with its document (recorded outside a
// request), finds "Nguyễn Văn Đức" by typing "nguyen van duc" (the server folds diacritics and đ),
// finds an official who left only with "include suspended and departed" (GET /directory/search?inactive=true),
// delegates the department's unit mailbox to him and his IMAP client (imapflow) then sees the shared
// mailbox and its letter; the role grant a directory manager may not make is refused with the API's
// Vietnamese message; a sysadmin reads the new unit's history, "outside a request" with its document,
// and a person's, whose change made by an executed request links to that request.
// Screenshots (Vietnamese) in test-artifacts/ and axe-core on each screen.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Page } from 'playwright-core';
import { startTestServers, imapClient, TEST_PASSWORD, vietnameseMessage, type Running } from '../helpers/servers.ts';
import { axeSerious, DESKTOP, noBrowser, openBrowser, screenshot, signIn, type UserBrowser } from '../helpers/browser.ts';

const D = 'kontum.gov.vn';
const UNIT_BOX = `stttt@${D}`;
const ctx = { actor: 'test', reason: 'QĐ 01/QĐ-UBND' };

const toastSays = (page: Page, text: string | RegExp) => page.locator('.toasts').getByText(text).first().waitFor();

describe.skipIf(noBrowser('console: directory management'))('console: directory management (chromium)', { timeout: 180_000 }, () => {
  let r: Running;
  let base: string;
  let manager: UserBrowser;
  let ducId: number;
  let requestId: number;
  const manager_ = `quantt@${D}`;
  const admin_ = `quantri@${D}`;
  const duc_ = `ducnv@${D}`;

  beforeAll(async () => {
    r = await startTestServers();
    base = `https://127.0.0.1:${r.servers.ports.https}`;
    const d = r.app.directory;
    await d.createUnit({ code: 'UBND', name: 'Ủy ban nhân dân tỉnh Kon Tum', kind: 'province', abbreviation: 'ubnd', withMailbox: false }, ctx);
    await d.createUnit({ code: 'VP', name: 'Văn phòng UBND tỉnh', kind: 'agency', parentCode: 'UBND', abbreviation: 'vp', withMailbox: false }, ctx);
    await d.createUnit({ code: 'STTTT', name: 'Sở Thông tin và Truyền thông', kind: 'agency', parentCode: 'UBND', abbreviation: 'stttt' }, ctx);
    const p = async (fullName: string, unitCode: string, localPart: string, title: string) => (await d.createPerson({ fullName, unitCode, localPart, title, password: TEST_PASSWORD }, ctx)).person;
    await p('Trần Thị Quản', 'VP', 'quantt', 'Chuyên viên quản lý danh bạ');
    await p('Lê Văn Trị', 'VP', 'quantri', 'Quản trị hệ thống');
    ducId = (await p('Nguyễn Văn Đức', 'STTTT', 'ducnv', 'Chuyên viên')).id;
    await p('Nguyễn Văn Dũng', 'STTTT', 'dungnv', 'Phó Giám đốc');
    const hung = await p('Phạm Văn Hùng', 'STTTT', 'hungpv', 'Chuyên viên');
    await d.setPersonStatus(hung.id, 'left', ctx);
    await r.app.roles.grant(manager_, 'directory-manager', null, ctx);
    await r.app.roles.grant(admin_, 'sysadmin', null, ctx);
    // Đức's title changed by a request (filed, submitted, approved, executed): his history links it.
    const admin = { principal: await r.app.roles.principal((await r.app.accounts.byAddress(admin_))!.id), label: `api:${admin_}` };
    requestId = (await r.app.requests.file(admin, { kind: 'update', payload: { person: duc_, title: 'Chuyên viên chính' } })).id;
    await r.app.requests.submit(admin, requestId);
    await r.app.requests.approve(admin, requestId);
    await r.app.requests.execute(admin, requestId);
    expect((await r.app.directory.getPerson(ducId))!.title).toBe('Chuyên viên chính');
    const box = (await r.app.accounts.byAddress(UNIT_BOX))!.id;
    await r.app.store.append(box, 'INBOX', vietnameseMessage({ from: `vanthu@ubnd.${D}`, to: UNIT_BOX, subject: 'Công văn 312/UBND về chuyển đổi số' }), []);
    manager = await openBrowser(DESKTOP);
    await signIn(manager.page, base, manager_, TEST_PASSWORD);
  });

  afterAll(async () => {
    await manager?.close();
    await r?.stop();
  });

  it('a directory manager creates a unit under the province, recorded outside a request with its document', async () => {
    const page = manager.page;
    await page.getByRole('link', { name: 'Quản lý danh bạ' }).click();
    await page.getByRole('heading', { name: 'Quản lý danh bạ', level: 1 }).waitFor();
    await page.getByRole('note').getByText('ngoài quy trình yêu cầu').waitFor();
    await page.getByRole('navigation', { name: 'Cây đơn vị' }).getByRole('link', { name: 'Ủy ban nhân dân tỉnh Kon Tum' }).click();
    await page.getByRole('heading', { name: 'Ủy ban nhân dân tỉnh Kon Tum', level: 2 }).waitFor();
    const form = page.getByRole('form', { name: 'Thành lập đơn vị trực thuộc' });
    await form.getByLabel('Mã', { exact: true }).fill('TTCDS');
    await form.getByLabel('Tên', { exact: true }).fill('Trung tâm Chuyển đổi số');
    await form.getByLabel('Viết tắt').fill('ttcds');
    await form.getByLabel('Loại đơn vị').selectOption('agency');
    // The document is required: the browser will not send the form without it.
    await form.getByRole('button', { name: 'Thành lập đơn vị trực thuộc' }).click();
    expect(await r.app.directory.getUnit('TTCDS')).toBeFalsy();
    await form.getByLabel('Số/ký hiệu văn bản cho phép').fill('QĐ 45/QĐ-UBND');
    await form.getByRole('button', { name: 'Thành lập đơn vị trực thuộc' }).click();
    await toastSays(page, 'Đã thành lập đơn vị Trung tâm Chuyển đổi số');
    await form.getByText(/Mật khẩu ban đầu của hộp thư đơn vị \(chỉ hiện một lần\): \S+/).waitFor();
    await page.getByRole('navigation', { name: 'Cây đơn vị' }).getByRole('link', { name: 'Trung tâm Chuyển đổi số' }).waitFor();
    const unit = await r.app.directory.getUnit('TTCDS');
    expect(unit).toMatchObject({ name: 'Trung tâm Chuyển đổi số', parentId: (await r.app.directory.getUnit('UBND'))!.id, mailbox: `ttcds@${D}` });
    const versions = await r.app.directory.history('unit', unit!.id);
    expect(versions.at(-1)).toMatchObject({ actor: `api:${manager_}`, reason: 'QĐ 45/QĐ-UBND', requestId: null, outsideRequest: true });
    await page.getByRole('navigation', { name: 'Cây đơn vị' }).getByRole('link', { name: 'Trung tâm Chuyển đổi số' }).click();
    await page.getByRole('heading', { name: 'Trung tâm Chuyển đổi số', level: 2 }).waitFor();
    await page.getByText(`ttcds@${D}`).first().waitFor();
    await screenshot(page, 'console-directory-unit-created-vi');
    expect(await axeSerious(page)).toEqual([]);
  });

  it('finds "Nguyễn Văn Đức" by typing "nguyen van duc", and one who left only when asked', async () => {
    const page = manager.page;
    await page.getByRole('navigation', { name: 'Các mục quản lý danh bạ' }).getByRole('link', { name: 'Cán bộ' }).click();
    await page.getByTestId('cdir-search').fill('nguyen van duc');
    await page.getByRole('button', { name: 'Tìm' }).click();
    const results = page.getByTestId('cdir-results');
    await results.getByRole('link', { name: 'Nguyễn Văn Đức' }).waitFor();
    expect(await results.getByRole('row').count()).toBe(2); // header + Đức (not Dũng)
    await screenshot(page, 'console-directory-people-search-vi');
    expect(await axeSerious(page)).toEqual([]);
    await results.getByRole('link', { name: 'Nguyễn Văn Đức' }).click();
    await page.getByRole('heading', { name: 'Nguyễn Văn Đức', level: 2 }).waitFor();
    expect(page.url()).toContain(`/console/directory/people/${ducId}`);
    await page.getByRole('form', { name: 'Cấp lại mật khẩu' }).waitFor();
    await screenshot(page, 'console-directory-person-vi');
    expect(await axeSerious(page)).toEqual([]);

    // The one who left: not in the address book's search, found when the console asks for everyone.
    await page.getByRole('link', { name: /Về kết quả tìm/ }).click();
    await page.getByTestId('cdir-search').fill('pham van hung');
    await page.getByRole('button', { name: 'Tìm' }).click();
    await page.getByText('Không tìm thấy ai.').waitFor();
    await page.getByLabel('Cả người tạm khoá, đã nghỉ').check();
    await page.getByRole('button', { name: 'Tìm' }).click();
    await page.getByTestId('cdir-results').getByRole('cell', { name: 'Đã nghỉ' }).waitFor();
    await page.getByTestId('cdir-results').getByRole('link', { name: 'Phạm Văn Hùng' }).waitFor();
  });

  it('delegates the unit mailbox to Đức, whose IMAP client (imapflow) then sees the shared mailbox', async () => {
    const before = imapClient(r, duc_);
    await before.connect();
    expect((await before.list()).map((m) => m.path)).not.toContain(`Shared/${UNIT_BOX}/INBOX`);
    await before.logout();

    const page = manager.page;
    await page.getByRole('navigation', { name: 'Các mục quản lý danh bạ' }).getByRole('link', { name: 'Hộp thư đơn vị' }).click();
    await page.getByRole('link', { name: 'Sở Thông tin và Truyền thông' }).click();
    await page.getByRole('heading', { name: `Người được uỷ quyền trên ${UNIT_BOX}` }).waitFor();
    await page.getByText('Chưa uỷ quyền cho ai.').waitFor();
    const form = page.getByRole('form', { name: 'Uỷ quyền' });
    await form.getByLabel('Người được uỷ quyền (địa chỉ thư)').fill(duc_);
    await form.getByLabel('Gửi với danh nghĩa').check();
    await form.getByLabel('Số/ký hiệu văn bản cho phép').fill('QĐ 46/QĐ-STTTT');
    await form.getByRole('button', { name: 'Uỷ quyền' }).click();
    await toastSays(page, `Đã uỷ quyền cho ${duc_}`);
    const row = page.getByTestId('cdir-delegations').getByRole('row', { name: new RegExp(duc_) });
    await row.getByText('Đọc, Gửi với danh nghĩa').waitFor();
    expect((await r.app.delegations.list(UNIT_BOX)).map((x) => [x.grantee, [...x.rights].sort()])).toEqual([[duc_, ['read', 'send-as']]]);
    await screenshot(page, 'console-directory-delegation-vi');
    expect(await axeSerious(page)).toEqual([]);

    const c = imapClient(r, duc_);
    await c.connect();
    try {
      expect((await c.list()).map((m) => m.path)).toEqual(expect.arrayContaining(['INBOX', `Shared/${UNIT_BOX}/INBOX`]));
      const box = await c.mailboxOpen(`Shared/${UNIT_BOX}/INBOX`, { readOnly: true });
      expect(box.exists).toBe(1);
      const m = await c.fetchOne('1', { envelope: true });
      expect(m && m.envelope!.subject).toBe('Công văn 312/UBND về chuyển đổi số');
    } finally {
      await c.logout();
    }
  });

  it('a role the directory manager may not grant is refused with the API’s Vietnamese message', async () => {
    const page = manager.page;
    await page.getByRole('navigation', { name: 'Các mục quản lý danh bạ' }).getByRole('link', { name: 'Phân quyền' }).click();
    await page.getByTestId('cdir-roles').getByText(manager_).waitFor();
    const form = page.getByRole('form', { name: 'Cấp vai trò' });
    await form.getByLabel('Tài khoản').fill(duc_);
    await form.getByLabel('Vai trò').selectOption('agency-clerk');
    await form.getByLabel('Mã đơn vị (để trống: toàn tỉnh)').fill('STTTT');
    await form.getByLabel('Số/ký hiệu văn bản cho phép').fill('QĐ 47/QĐ-STTTT');
    await form.getByRole('button', { name: 'Cấp vai trò' }).click();
    await expect.poll(() => page.getByTestId('cdir-role-error').textContent()).toContain('Không có quyền thực hiện thao tác này');
    expect(await r.app.roles.list(duc_)).toEqual([]);
    await screenshot(page, 'console-directory-refusal-vi');
    expect(await axeSerious(page)).toEqual([]);
  });

  it('a sysadmin reads the history: the new unit’s outside a request with its document, a request’s change linked to it', async () => {
    const admin = await openBrowser(DESKTOP);
    try {
      const page = admin.page;
      await signIn(page, base, admin_, TEST_PASSWORD);
      await page.goto(`${base}/console/directory/units/TTCDS`);
      await page.getByRole('heading', { name: 'Trung tâm Chuyển đổi số', level: 2 }).waitFor();
      await page.getByText('Xem lịch sử').click();
      const history = page.getByRole('group').filter({ hasText: 'Lịch sử thay đổi' });
      const row = history.getByRole('row', { name: /QĐ 45\/QĐ-UBND/ });
      await row.getByText(`api:${manager_}`).waitFor();
      await row.getByText('Ngoài yêu cầu').waitFor();
      await screenshot(page, 'console-directory-history-vi');
      expect(await axeSerious(page)).toEqual([]);

      // Đức's history: the request's change links to the request, the earlier direct one says so.
      await page.goto(`${base}/console/directory/people/${ducId}`);
      await page.getByRole('heading', { name: 'Nguyễn Văn Đức', level: 2 }).waitFor();
      await page.getByText('Xem lịch sử').click();
      const link = page
        .getByRole('group')
        .filter({ hasText: 'Lịch sử thay đổi' })
        .getByRole('link', { name: `Yêu cầu #${requestId}` });
      await link.waitFor();
      expect(await link.getAttribute('href')).toBe(`/requests/${requestId}`);
      // what the request changed, in words: the position, old → new
      const changed = page
        .getByRole('group')
        .filter({ hasText: 'Lịch sử thay đổi' })
        .getByRole('row', { name: new RegExp(`Yêu cầu #${requestId}`) });
      expect((await changed.locator('td.cdir-data').textContent())?.trim()).toBe('Chức vụ: Chuyên viên → Chuyên viên chính');
      await page
        .getByRole('group')
        .filter({ hasText: 'Lịch sử thay đổi' })
        .getByRole('row', { name: /QĐ 01\/QĐ-UBND/ })
        .first()
        .getByText('Ngoài yêu cầu')
        .waitFor();
      await screenshot(page, 'console-directory-person-history-vi');
    } finally {
      await admin.close();
    }
  });
});
