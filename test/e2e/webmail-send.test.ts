// The webmail in chromium (issue 10): one official writes to another and it arrives live in the
// other's open session; recipients completed from the directory without diacritics (`dang` finds
// Đặng); a draft saved as they type; attachments both ways (the picker one way, drag and drop the
// other), downloaded byte for byte; the sent copy in Sent. Screenshots and axe-core on the compose screen.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Page } from 'playwright-core';
import { startTestServers, TEST_PASSWORD, type Running } from '../helpers/servers.ts';
import { axeSerious, DESKTOP, noBrowser, openBrowser, screenshot, signIn, type UserBrowser } from '../helpers/browser.ts';
import { PDF, PNG } from '../helpers/webmail-fixtures.ts';

const ctx = { actor: 'test', reason: 'QĐ 01/QĐ-UBND' };

/** A message list row by its subject. */
const row = (page: Page, subject: string) => page.locator('.row-subject', { hasText: subject }).first();
/** Sending done: the compose form is gone (a failure says why in its alert). */
async function sent(page: Page): Promise<void> {
  await page
    .getByRole('heading', { name: 'Soạn thư' })
    .waitFor({ state: 'detached' })
    .catch(async (e) => {
      throw new Error(`${e}; alert: ${await page.getByRole('alert').allTextContents()}`);
    });
}
/** A folder of the user's own mailbox (not of a unit mailbox). */
const folder = (page: Page, name: RegExp) => page.getByRole('region', { name: 'Hộp thư của tôi' }).getByRole('link', { name });

describe.skipIf(noBrowser('webmail: compose and send'))('webmail: compose, send, arrive live (chromium)', { timeout: 90_000 }, () => {
  let r: Running;
  let base: string;
  let an: string;
  let binh: string;
  let A: UserBrowser;
  let B: UserBrowser;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-webmail-'));

  beforeAll(async () => {
    r = await startTestServers();
    base = `https://127.0.0.1:${r.servers.ports.https}`;
    const d = r.app.directory;
    await d.createUnit({ code: 'SNV', name: 'Sở Nội vụ', kind: 'agency', parentCode: null, withMailbox: false, abbreviation: 'snv' }, ctx);
    an = (await d.createPerson({ fullName: 'Nguyễn Văn An', unitCode: 'SNV', localPart: 'annv', title: 'Chuyên viên', password: TEST_PASSWORD }, ctx)).address;
    binh = (await d.createPerson({ fullName: 'Đặng Văn Bình', unitCode: 'SNV', localPart: 'binhdv', title: 'Trưởng phòng', password: TEST_PASSWORD }, ctx)).address;
    // A unit mailbox delegated to An (read, manage, send on behalf): its own heading in the folder pane, an identity in From.
    await r.app.accounts.create('vanphong@kontum.gov.vn', TEST_PASSWORD, 'test');
    await r.app.delegations.grant('vanphong@kontum.gov.vn', an, ['read', 'manage', 'send-on-behalf'], ctx);
    fs.writeFileSync(path.join(tmp, 'ke-hoach.pdf'), PDF);
    [A, B] = await Promise.all([openBrowser(DESKTOP), openBrowser(DESKTOP)]);
    await signIn(B.page, base, binh, TEST_PASSWORD);
    await signIn(A.page, base, an, TEST_PASSWORD);
  });

  afterAll(async () => {
    await A?.close();
    await B?.close();
    await r?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('completes the recipient from the directory without diacritics, saves a draft, sends with an attachment; it arrives live', async () => {
    const page = A.page;
    await page.getByRole('link', { name: 'Soạn thư' }).click();
    await page.getByRole('heading', { name: 'Soạn thư' }).waitFor();
    await page.getByRole('combobox', { name: 'Tới' }).fill('dang');
    const option = page.getByRole('option', { name: /Đặng Văn Bình/ });
    await option.waitFor();
    expect(await option.textContent()).toContain(binh);
    await page.getByRole('combobox', { name: 'Tới' }).press('Enter');
    await page.locator('.chip', { hasText: `Đặng Văn Bình <${binh}>` }).waitFor();
    await page.getByLabel('Tiêu đề').fill('Kế hoạch công tác tháng 12');
    await page.getByLabel('Nội dung').fill('Kính gửi anh Bình,\nEm gửi kế hoạch công tác tháng 12 để anh cho ý kiến.');
    await page.locator('input[type=file]').setInputFiles(path.join(tmp, 'ke-hoach.pdf'));
    await expect.poll(() => page.locator('progress').evaluate((p: HTMLProgressElement) => p.value === p.max)).toBe(true);
    await page.getByText(/Đã lưu nháp lúc/).waitFor({ timeout: 10_000 });
    await expect.poll(() => folder(page, /Thư nháp/).textContent()).toBeTruthy();
    await screenshot(page, 'webmail-compose-desktop-vi');
    expect(await axeSerious(page)).toEqual([]);
    // B's inbox is open and empty; the message appears there without a reload.
    await B.page.getByRole('heading', { name: 'Hộp thư đến' }).waitFor();
    await page.getByRole('button', { name: 'Gửi' }).click();
    await page
      .getByText('Đã gửi thư')
      .waitFor()
      .catch(async (e) => {
        throw new Error(`${e}; alert: ${await page.getByRole('alert').allTextContents()}`);
      });
    const t0 = Date.now();
    await row(B.page, 'Kế hoạch công tác tháng 12').waitFor({ timeout: 20_000 });
    await B.page.getByRole('status').filter({ hasText: 'Có thư mới' }).waitFor();
    const elapsed = Date.now() - t0;
    // With JMAP push (EventSource) it is there within a second or two; without it the app polls every 15 s.
    const jar = (await B.context.cookies(base)).map((c) => `${c.name}=${c.value}`).join('; ');
    const push = await fetch(`http://127.0.0.1:${r.servers.ports.http}/jmap/eventsource?types=*&closeafter=state&ping=0`, { headers: { cookie: jar } });
    await push.body?.cancel();
    process.stderr.write(`webmail: the sent message showed in the other browser after ${elapsed} ms (push: ${push.status === 200 ? 'yes' : 'no, polling'})\n`);
    if (push.status === 200) expect(elapsed).toBeLessThan(3000);
    await row(B.page, 'Kế hoạch công tác tháng 12').click();
    await B.page.locator('.plain-body', { hasText: 'Em gửi kế hoạch' }).waitFor();
    const [download] = await Promise.all([B.page.waitForEvent('download'), B.page.getByRole('link', { name: 'Tải về ke-hoach.pdf' }).click()]);
    expect(Buffer.compare(fs.readFileSync((await download.path())!), PDF)).toBe(0);
    // The draft is gone, the sent copy is in Sent.
    await folder(page, /Thư đã gửi/).click();
    await row(page, 'Kế hoạch công tác tháng 12').waitFor();
    await folder(page, /Thư nháp/).click();
    await page.getByText('Không có thư nào').waitFor();
  });

  it('replies with an attachment dropped on the form; it arrives in the first browser', async () => {
    const page = B.page;
    await page.getByRole('link', { name: 'Trả lời', exact: true }).click();
    await page.getByRole('heading', { name: 'Soạn thư' }).waitFor();
    await expect.poll(() => page.getByLabel('Tiêu đề').inputValue()).toBe('Re: Kế hoạch công tác tháng 12');
    await screenshot(page, 'webmail-reply-desktop-vi');
    await page.locator('.chip', { hasText: an }).waitFor();
    // Drag and drop a file onto the form.
    const data = await page.evaluateHandle((b64) => {
      const dt = new DataTransfer();
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      dt.items.add(new File([bytes], 'y-kien.png', { type: 'image/png' }));
      return dt;
    }, PNG.toString('base64'));
    await page.locator('.dropzone').dispatchEvent('dragover', { dataTransfer: data });
    await page.locator('.dropzone').dispatchEvent('drop', { dataTransfer: data });
    await page.getByText(/y-kien\.png/).waitFor();
    await expect.poll(() => page.locator('progress').evaluate((p: HTMLProgressElement) => p.value === p.max)).toBe(true);
    await page.getByLabel('Nội dung').press('Control+Home');
    await page.getByLabel('Nội dung').pressSequentially('Đồng ý. ');
    await page.getByRole('button', { name: 'Gửi' }).click();
    await sent(page);
    await folder(A.page, /Hộp thư đến/).click();
    await row(A.page, 'Re: Kế hoạch công tác tháng 12').waitFor({ timeout: 20_000 });
    await row(A.page, 'Re: Kế hoạch công tác tháng 12').click();
    const [download] = await Promise.all([A.page.waitForEvent('download'), A.page.getByRole('link', { name: 'Tải về y-kien.png' }).click()]);
    expect(Buffer.compare(fs.readFileSync((await download.path())!), PNG)).toBe(0);
    await A.page.locator('.plain-body', { hasText: 'Đồng ý.' }).waitFor();
    // The reply and the original (in Sent) are one conversation.
    const thread = A.page.getByRole('navigation', { name: 'Các thư trong cuộc trao đổi này' });
    await thread.getByRole('link').first().waitFor();
    await thread.getByRole('link').first().click();
    await A.page.locator('.plain-body', { hasText: 'Em gửi kế hoạch' }).waitFor();
  });

  it('forwards with the original attachment, leaves it as a draft, goes on with the draft and sends it', async () => {
    const page = A.page;
    await folder(page, /Hộp thư đến/).click();
    await row(page, 'Re: Kế hoạch công tác tháng 12').click();
    await page.getByRole('link', { name: 'Chuyển tiếp' }).click();
    await expect.poll(() => page.getByLabel('Tiêu đề').inputValue()).toBe('Fwd: Re: Kế hoạch công tác tháng 12');
    await page.locator('.pending li', { hasText: 'y-kien.png' }).waitFor();
    await page.getByRole('combobox', { name: 'Tới' }).fill('dang');
    await page.getByRole('option', { name: /Đặng Văn Bình/ }).waitFor();
    await page.getByRole('combobox', { name: 'Tới' }).press('Enter');
    await page.locator('.chip', { hasText: 'Đặng Văn Bình' }).waitFor();
    await page.getByText(/Đã lưu nháp lúc/).waitFor();
    // Leave it; find it in Drafts and go on.
    await folder(page, /Thư nháp/).click();
    await row(page, 'Fwd: Re: Kế hoạch công tác tháng 12').click();
    await page.getByRole('link', { name: 'Tiếp tục soạn' }).click();
    await expect.poll(() => page.getByLabel('Tiêu đề').inputValue()).toBe('Fwd: Re: Kế hoạch công tác tháng 12');
    await page.locator('.chip', { hasText: binh }).waitFor();
    await page.locator('.pending li', { hasText: 'y-kien.png' }).waitFor();
    await page.getByRole('button', { name: 'Gửi' }).click();
    await sent(page);
    await folder(page, /Thư nháp/).click();
    await page.getByText('Không có thư nào').waitFor();
    await folder(B.page, /Hộp thư đến/).click();
    await row(B.page, 'Fwd: Re: Kế hoạch công tác tháng 12').waitFor({ timeout: 20_000 });
    await row(B.page, 'Fwd: Re: Kế hoạch công tác tháng 12').click();
    const [download] = await Promise.all([B.page.waitForEvent('download'), B.page.getByRole('link', { name: 'Tải về y-kien.png' }).click()]);
    expect(Buffer.compare(fs.readFileSync((await download.path())!), PNG)).toBe(0);
  });

  it('shows the unit mailbox under its own heading and sends from it on behalf of the user', async () => {
    const page = A.page;
    await page.getByRole('heading', { name: 'Hộp thư đơn vị' }).waitFor();
    const unit = page.getByRole('region', { name: /vanphong/ });
    await unit.getByRole('link', { name: /Hộp thư đến/ }).waitFor();
    await screenshot(page, 'webmail-unit-mailbox-desktop-vi');
    await page.getByRole('link', { name: 'Soạn thư' }).click();
    const from = page.getByLabel('Người gửi');
    const option = await from.locator('option', { hasText: 'vanphong@kontum.gov.vn' }).getAttribute('value');
    await from.selectOption(option!);
    // Typed in full, with a name, as people paste it.
    await page.getByRole('combobox', { name: 'Tới' }).fill(`Đặng Văn Bình <${binh}>`);
    await page.getByRole('combobox', { name: 'Tới' }).press('Enter');
    await page.locator('.chip', { hasText: binh }).waitFor();
    await page.getByLabel('Tiêu đề').fill('Thông báo của Văn phòng');
    await page.getByLabel('Nội dung').fill('Văn phòng thông báo lịch họp.');
    await page.getByRole('button', { name: 'Gửi' }).click();
    await sent(page);
    await folder(B.page, /Hộp thư đến/).click();
    await row(B.page, 'Thông báo của Văn phòng').waitFor({ timeout: 20_000 });
    await row(B.page, 'Thông báo của Văn phòng').click();
    await B.page.locator('.headers', { hasText: 'vanphong@kontum.gov.vn' }).waitFor();
  });
});
