// The webmail's unit-mailbox work queue, report buttons, directory browser and help pages in
// chromium (issue 10; R8.4, R7.6, R7.7, R5.8): the deputy assigns a unit letter to the clerk in the
// reading view, the clerk finds it under "my work" in another browser and marks it handled, the
// head filters the queue and sees it done; a spam report files a ticket with the message and moves
// it to Junk, a fault report files another, both followed under "my reports"; the directory tree,
// a unit's people and a search without diacritics; the help pages with the server's settings and the
// Apple profile link. Screenshots (Vietnamese, desktop and phone) and axe-core on each screen.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Page } from 'playwright-core';
import { startTestServers, TEST_PASSWORD, vietnameseMessage, type Running } from '../helpers/servers.ts';
import { axeSerious, DESKTOP, noBrowser, openBrowser, PHONE, screenshot, signIn, type UserBrowser } from '../helpers/browser.ts';

const D = 'kontum.gov.vn';
const UNIT = `vp@${D}`;
const ctx = { actor: 'test', reason: 'QĐ 20/QĐ-UBND' };

const toastSays = (page: Page, text: string | RegExp) => page.locator('.toasts').getByText(text).first().waitFor();

describe.skipIf(noBrowser('webmail: work queue, reports, directory, help'))('webmail: work queue, reports, directory, help (chromium)', { timeout: 120_000 }, () => {
  let r: Running;
  let base: string;
  let unitAccount: string;
  let inboxId: number;
  let letterUid: number;
  let clerkAccount: number;
  let deputy: UserBrowser;
  let clerk: UserBrowser;
  let head: UserBrowser;
  const head_ = `thunv@${D}`;
  const deputy_ = `pholv@${D}`;
  const clerk_ = `thutt@${D}`;

  beforeAll(async () => {
    r = await startTestServers();
    base = `https://127.0.0.1:${r.servers.ports.https}`;
    const d = r.app.directory;
    await d.createUnit({ code: 'UBND', name: 'Ủy ban nhân dân tỉnh Kon Tum', kind: 'province', abbreviation: 'ubnd', withMailbox: false }, ctx);
    await d.createUnit({ code: 'VP', name: 'Văn phòng UBND tỉnh', kind: 'agency', parentCode: 'UBND', abbreviation: 'vp' }, ctx);
    await d.createUnit({ code: 'SNV', name: 'Sở Nội vụ', kind: 'agency', parentCode: 'UBND', abbreviation: 'snv', withMailbox: false }, ctx);
    const p = async (fullName: string, unitCode: string, localPart: string, title: string, phone = '') =>
      (await d.createPerson({ fullName, unitCode, localPart, title, phone, password: TEST_PASSWORD }, ctx)).person;
    const h = await p('Nguyễn Văn Thủ', 'VP', 'thunv', 'Chánh Văn phòng', '0260 3862 111');
    await p('Lê Văn Phó', 'VP', 'pholv', 'Phó Chánh Văn phòng');
    const c = await p('Trần Thị Thư', 'VP', 'thutt', 'Văn thư', '0260 3862 222');
    await p('Đặng Thị Hương', 'SNV', 'huongdt', 'Chuyên viên');
    await d.setUnitHead('VP', h.id, ctx);
    await r.app.delegations.grant(UNIT, deputy_, ['read', 'manage'], ctx);
    await r.app.delegations.grant(UNIT, clerk_, ['read'], ctx);
    const unitId = (await r.app.accounts.byAddress(UNIT))!.id;
    unitAccount = `A${unitId}`;
    await r.app.store.append(unitId, 'INBOX', vietnameseMessage({ from: `vanthu@snv.${D}`, to: UNIT, subject: 'Giấy mời họp giao ban tháng 12' }), []);
    letterUid = (await r.app.store.append(unitId, 'INBOX', vietnameseMessage({ from: `vanthu@ubnd.${D}`, to: UNIT, subject: 'Công văn 245/UBND về cải cách hành chính' }), [])).uid;
    inboxId = (await r.app.store.getMailbox(unitId, 'INBOX'))!.id;
    clerkAccount = c.accountId!;
    await r.app.store.append(clerkAccount, 'INBOX', vietnameseMessage({ from: 'khuyenmai@lua-dao.example', to: clerk_, subject: 'Trúng thưởng 500 triệu đồng!!!' }), []);
    await r.app.store.append(clerkAccount, 'INBOX', vietnameseMessage({ from: `an@${D}`, to: clerk_, subject: 'Tệp đính kèm không mở được' }), []);
    [deputy, clerk, head] = await Promise.all([openBrowser(DESKTOP), openBrowser(DESKTOP), openBrowser(PHONE)]);
    await Promise.all([signIn(deputy.page, base, deputy_, TEST_PASSWORD), signIn(clerk.page, base, clerk_, TEST_PASSWORD), signIn(head.page, base, head_, TEST_PASSWORD)]);
  });

  afterAll(async () => {
    await Promise.all([deputy?.close(), clerk?.close(), head?.close()]);
    await r?.stop();
  });

  it('work queue: the deputy assigns, the clerk handles in her own session, the head filters (seen by each delegate)', async () => {
    const page = deputy.page;
    await page.goto(`${base}/mail/${unitAccount}/M${inboxId}/E${inboxId}_${letterUid}`);
    await page.getByRole('heading', { name: 'Công văn 245/UBND về cải cách hành chính' }).waitFor();
    const panel = page.getByRole('region', { name: 'Giao việc' });
    await panel.waitFor();
    await panel.getByLabel('Người xử lý').selectOption(clerk_);
    await panel.getByLabel('Ghi chú nội bộ').fill('Dự thảo văn bản trả lời, trình trước 10/12');
    await panel.getByRole('button', { name: 'Lưu' }).click();
    await toastSays(page, 'Đã lưu giao việc');
    await panel.getByText('Lịch sử').click();
    await panel.getByText(`${deputy_}: giao cho ${clerk_}`).waitFor();
    await screenshot(page, 'webmail-workqueue-panel-desktop-vi');
    expect(await axeSerious(page)).toEqual([]);

    // The clerk, in her own browser: the work queue link in the folder pane, filtered to her work.
    const cp = clerk.page;
    await cp.getByRole('link', { name: `Hàng việc: ${UNIT}` }).click();
    await cp.getByRole('heading', { name: /Hàng việc: Văn phòng UBND tỉnh/ }).waitFor();
    await cp.getByTestId('wq-filter-assignee').selectOption('me');
    const table = cp.getByTestId('wq-table');
    await table.getByRole('link', { name: 'Công văn 245/UBND về cải cách hành chính' }).waitFor();
    expect(await table.getByRole('row').count()).toBe(2); // header + her one letter
    await screenshot(cp, 'webmail-workqueue-list-desktop-vi');
    expect(await axeSerious(cp)).toEqual([]);
    await table.getByRole('link', { name: 'Công văn 245/UBND về cải cách hành chính' }).click();
    const cpanel = cp.getByRole('region', { name: 'Giao việc' });
    await expect.poll(() => cpanel.getByLabel('Ghi chú nội bộ').inputValue()).toBe('Dự thảo văn bản trả lời, trình trước 10/12');
    await cpanel.getByLabel('Đã xử lý').check();
    await cpanel.getByLabel('Ghi chú nội bộ').fill('Đã trình ký, số đi 245/VP');
    await cpanel.getByRole('button', { name: 'Lưu' }).click();
    await toastSays(cp, 'Đã lưu giao việc');
    const item = (await r.app.workQueue.items({ accountId: clerkAccount, address: clerk_ }, inboxId, [letterUid]))[0];
    expect(item).toMatchObject({ assignee: clerk_, handled: true, note: 'Đã trình ký, số đi 245/VP', updatedBy: clerk_ });

    // The head (phone size): the queue filtered by the clerk and handled shows the letter done.
    const hp = head.page;
    await hp.goto(`${base}/workqueue/${unitAccount}`);
    await hp.getByText('Bạn là thủ trưởng đơn vị').waitFor();
    await hp.getByTestId('wq-filter-assignee').selectOption(clerk_);
    await hp.getByTestId('wq-filter-state').selectOption('done');
    const ht = hp.getByTestId('wq-table');
    await ht.getByRole('link', { name: 'Công văn 245/UBND về cải cách hành chính' }).waitFor();
    await ht.getByText('Đã trình ký, số đi 245/VP').waitFor();
    await hp.getByTestId('wq-filter-assignee').selectOption('none');
    await hp.getByTestId('wq-filter-state').selectOption('open');
    await hp.getByTestId('wq-table').getByRole('link', { name: 'Giấy mời họp giao ban tháng 12' }).waitFor();
    await screenshot(hp, 'webmail-workqueue-head-phone-vi');
    expect(await axeSerious(hp)).toEqual([]);
    // The deputy's open reading view shows the clerk's change once reloaded (shared record).
    await page.reload();
    await expect.poll(() => page.getByRole('region', { name: 'Giao việc' }).getByLabel('Đã xử lý').isChecked(), { timeout: 10_000 }).toBe(true);
    // The list marks it (from the $Handled keyword), and the other letter shows no mark.
    await page.locator('.row-subject', { hasText: 'Công văn 245/UBND' }).locator('.wq-badge', { hasText: 'Đã xử lý' }).waitFor();
    expect(await page.locator('.row-subject', { hasText: 'Giấy mời họp giao ban tháng 12' }).locator('.wq-badge').count()).toBe(0);
  });

  it('report buttons: spam with the message attached and moved to Junk, a fault to the administrators; both followed under my reports', async () => {
    const page = clerk.page;
    await page.goto(`${base}/`);
    await page.locator('.row-subject', { hasText: 'Trúng thưởng 500 triệu đồng!!!' }).first().click();
    await page.getByRole('heading', { name: 'Trúng thưởng 500 triệu đồng!!!' }).waitFor();
    await page.getByRole('button', { name: 'Báo cáo thư rác / virus' }).click();
    const dialog = page.getByRole('dialog', { name: 'Báo cáo thư rác hoặc mã độc' });
    await dialog.waitFor();
    await screenshot(page, 'webmail-report-spam-dialog-desktop-vi');
    expect(await axeSerious(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Gửi báo cáo' }).click();
    await toastSays(page, /Đã gửi báo cáo #\d+/);
    await toastSays(page, 'Thư đã được chuyển vào Thư rác');
    const junk = (await r.app.store.getMailbox(clerkAccount, 'Junk'))!;
    await expect.poll(async () => (await r.app.store.listMessages(junk.id)).length).toBe(1);
    const principal = await r.app.roles.principal(clerkAccount);
    const tickets = await r.app.tickets.list(r.app.tickets.actorOf(principal), {});
    const spam = tickets.find((t) => t.category === 'spam')!;
    expect(spam).toMatchObject({ subject: expect.stringContaining('Trúng thưởng'), state: 'new', source: 'api' });
    expect((await r.app.tickets.get(r.app.tickets.actorOf(principal), spam.id)).message).toMatchObject({ subject: 'Trúng thưởng 500 triệu đồng!!!' });

    await page.locator('.row-subject', { hasText: 'Tệp đính kèm không mở được' }).first().click();
    await page.getByRole('button', { name: 'Báo lỗi' }).click();
    const fault = page.getByRole('dialog', { name: 'Báo lỗi cho quản trị mạng' });
    await fault.getByLabel('Mô tả').fill('Không mở được tệp PDF đính kèm trong thư này.');
    await fault.getByRole('button', { name: 'Gửi báo cáo' }).click();
    await toastSays(page, /Đã gửi báo cáo #\d+/);

    await page.getByRole('link', { name: 'Báo cáo của tôi' }).click();
    const list = page.getByTestId('my-tickets');
    await list.getByText('Trúng thưởng 500 triệu đồng!!!').waitFor();
    await list.getByText('Tệp đính kèm không mở được').waitFor();
    expect(await list.getByText('Mới').count()).toBe(2);
    // An administrator takes the fault: the reporter sees the new state.
    const faultTicket = (await r.app.tickets.list(r.app.tickets.actorOf(principal), {})).find((t) => t.category === 'fault')!;
    await r.app.roles.grant(`huongdt@${D}`, 'sysadmin', null, ctx);
    const admin = r.app.tickets.actorOf(await r.app.roles.principal((await r.app.accounts.byAddress(`huongdt@${D}`))!.id));
    await r.app.tickets.transition(admin, faultTicket.id, 'take');
    await page.reload();
    await page.getByTestId('my-tickets').getByText('Đang xử lý').waitFor();
    await screenshot(page, 'webmail-my-reports-desktop-vi');
    expect(await axeSerious(page)).toEqual([]);
  });

  it('directory: the organisation tree, a unit’s people with position and contact, search without diacritics', async () => {
    const page = head.page; // phone size
    await page.goto(`${base}/directory`);
    await page.getByRole('heading', { name: 'Danh bạ', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Văn phòng UBND tỉnh' }).click();
    const people = page.getByTestId('dir-people');
    await people.getByText('Trần Thị Thư').waitFor();
    await people.getByText('Chánh Văn phòng', { exact: true }).waitFor();
    await people.getByRole('link', { name: '0260 3862 222' }).waitFor();
    await page.getByText(`Hộp thư đơn vị: ${UNIT}`).waitFor();
    await screenshot(page, 'webmail-directory-phone-vi');
    expect(await axeSerious(page)).toEqual([]);
    await page.getByTestId('dir-search').fill('dang thi huong');
    await page.getByRole('button', { name: 'Tìm' }).click();
    const results = page.getByTestId('dir-results');
    await results.getByText('Đặng Thị Hương').waitFor();
    await results.getByText('Sở Nội vụ').waitFor();
    const desk = deputy.page;
    await desk.goto(`${base}/directory`);
    await desk.getByTestId('dir-search').fill('TRAN THI THU');
    await desk.getByRole('button', { name: 'Tìm' }).click();
    await desk.getByTestId('dir-results').getByText('Trần Thị Thư').waitFor();
    await screenshot(desk, 'webmail-directory-desktop-vi');
  });

  it('help: the guide in Vietnamese with English, the server’s own settings and the Apple profile', async () => {
    const page = deputy.page;
    await page.getByRole('link', { name: 'Trợ giúp' }).click();
    await page.getByRole('heading', { name: /Cài đặt Thunderbird/ }).waitFor();
    for (const h of ['Dùng thư điện tử trên web', 'Hộp thư đơn vị', 'Cài đặt Outlook', 'Điện thoại', 'Quy định đối với người dùng'])
      await page
        .locator('main')
        .getByRole('heading', { name: new RegExp(`^${h} /`) })
        .waitFor();
    await page.getByText('Keep your password secret').waitFor();
    const settings = page.getByTestId('help-settings');
    await settings.getByText('IMAP (thư đến / incoming)').first().waitFor();
    await settings.getByText('SMTP (thư đi / outgoing)').first().waitFor();
    const href = await page.getByTestId('mobileconfig-link').getAttribute('href');
    expect(href).toBe(`/.well-known/thutin/profile.mobileconfig?address=${encodeURIComponent(deputy_)}`);
    const res = await page.request.get(`${base}${href}`);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toContain('application/x-apple-aspen-config');
    await screenshot(page, 'webmail-help-desktop-vi');
    expect(await axeSerious(page)).toEqual([]);
    await page.setViewportSize(PHONE);
    await page.locator('#phone').scrollIntoViewIfNeeded();
    await screenshot(page, 'webmail-help-phone-vi');
    expect(await axeSerious(page)).toEqual([]);
    await page.setViewportSize(DESKTOP);
  });
});
