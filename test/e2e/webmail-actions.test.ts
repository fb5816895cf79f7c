// Everyday actions in the webmail in chromium (issue 10): flag, mark as spam (to Junk) and not
// spam (back to Inbox), delete to Trash, empty Trash, move to a folder, keyboard shortcuts, and
// the out-of-office reply (VacationResponse) in the settings — each seen from IMAP too (imapflow);
// the compose form's size limit, told before anything is uploaded.
import fs from 'node:fs';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Page } from 'playwright-core';
import { imapClient, startTestServers, TEST_PASSWORD, vietnameseMessage, type Running } from '../helpers/servers.ts';
import { axeSerious, DESKTOP, noBrowser, openBrowser, screenshot, signIn, type UserBrowser } from '../helpers/browser.ts';
import { appendTo } from '../helpers/webmail-fixtures.ts';

const row = (page: Page, subject: string) => page.locator('.row-subject', { hasText: subject }).first();
const folder = (page: Page, name: RegExp) => page.getByRole('region', { name: 'Hộp thư của tôi' }).getByRole('link', { name });

describe.skipIf(noBrowser('webmail: everyday actions'))('webmail: everyday actions (chromium)', () => {
  let r: Running;
  let base: string;
  let an: string;
  let b: UserBrowser;

  /** Subjects per folder as IMAP sees them. */
  async function imapSubjects(path: string): Promise<string[]> {
    const c = imapClient(r, an);
    await c.connect();
    try {
      const lock = await c.getMailboxLock(path);
      try {
        const out: string[] = [];
        for await (const m of c.fetch('1:*', { envelope: true, flags: true })) out.push(`${m.envelope?.subject}${m.flags?.has('\\Flagged') ? ' [flagged]' : ''}`);
        return out.sort();
      } finally {
        lock.release();
      }
    } catch {
      return [];
    } finally {
      await c.logout();
    }
  }

  beforeAll(async () => {
    // A small message size limit, for the compose form's limit told before any upload.
    r = await startTestServers({ config: { smtp: { maxMessageSize: 200_000 } } });
    base = `https://127.0.0.1:${r.servers.ports.https}`;
    an = await r.user('an');
    await appendTo(r, an, [
      vietnameseMessage({ from: 'a@kontum.gov.vn', to: an, subject: 'Thư một' }),
      vietnameseMessage({ from: 'b@kontum.gov.vn', to: an, subject: 'Thư hai' }),
      vietnameseMessage({ from: 'c@kontum.gov.vn', to: an, subject: 'Thư ba' }),
    ]);
    b = await openBrowser(DESKTOP);
    b.page.on('dialog', (d) => void d.accept());
    await signIn(b.page, base, an, TEST_PASSWORD);
    await row(b.page, 'Thư một').waitFor();
  });

  afterAll(async () => {
    await b?.close();
    await r?.stop();
  });

  it('flags a message', async () => {
    const page = b.page;
    await row(page, 'Thư một').click();
    await page.getByRole('button', { name: 'Gắn cờ' }).click();
    await page.getByRole('button', { name: 'Bỏ cờ' }).waitFor();
    expect(await page.getByRole('button', { name: 'Bỏ cờ' }).getAttribute('aria-pressed')).toBe('true');
    await page.locator('.row', { hasText: 'Thư một' }).getByRole('img', { name: 'được gắn cờ' }).waitFor();
    await expect.poll(() => imapSubjects('INBOX')).toContain('Thư một [flagged]');
  });

  it('marks as spam (to Junk) and back as not spam', async () => {
    const page = b.page;
    await page.getByRole('button', { name: 'Là thư rác' }).click();
    await page.getByText('Chọn một thư để đọc').waitFor();
    await expect.poll(() => page.locator('.row-subject').allTextContents()).not.toContainEqual(expect.stringContaining('Thư một'));
    await expect.poll(() => imapSubjects('Junk')).toEqual(['Thư một [flagged]']);
    await folder(page, /Thư rác/).click();
    await row(page, 'Thư một').click();
    await page.getByRole('button', { name: 'Không phải thư rác' }).click();
    await expect.poll(() => imapSubjects('INBOX')).toContain('Thư một [flagged]');
    expect(await imapSubjects('Junk')).toEqual([]);
  });

  it('deletes to Trash, then empties Trash', async () => {
    const page = b.page;
    await folder(page, /Hộp thư đến/).click();
    await row(page, 'Thư hai').click();
    await page.getByRole('button', { name: 'Xoá' }).click();
    await expect.poll(() => imapSubjects('Trash')).toEqual(['Thư hai']);
    await folder(page, /Thùng rác/).click();
    await row(page, 'Thư hai').waitFor();
    await page.getByRole('button', { name: 'Dọn thùng rác' }).click();
    await page.getByText('Không có thư nào').waitFor();
    await expect.poll(() => imapSubjects('Trash')).toEqual([]);
  });

  it('moves a message to another folder', async () => {
    const page = b.page;
    await folder(page, /Hộp thư đến/).click();
    await row(page, 'Thư ba').click();
    await page.getByLabel('Chuyển thư tới thư mục').selectOption({ label: 'Lưu trữ' });
    await expect.poll(() => imapSubjects('Archive')).toEqual(['Thư ba']);
  });

  it('answers keyboard shortcuts', async () => {
    const page = b.page;
    await appendTo(r, an, [vietnameseMessage({ from: 'd@kontum.gov.vn', to: an, subject: 'Thư bốn' })]);
    await folder(page, /Hộp thư đến/).click();
    await row(page, 'Thư bốn').waitFor({ timeout: 20_000 });
    await row(page, 'Thư một').click();
    // j / k move between messages from anywhere on the screen.
    const current = () => page.locator('.rows a[aria-current="true"] .row-subject').textContent();
    const before = await current();
    await page.locator('body').press('k');
    await expect.poll(current).toContain('Thư bốn');
    await page.locator('body').press('j');
    await expect.poll(current).toBe(before);
    await page.locator('body').press('r');
    await page.getByRole('heading', { name: 'Soạn thư' }).waitFor();
    await expect.poll(() => page.getByLabel('Tiêu đề').inputValue()).toBe('Re: Thư một');
    await page.goBack();
    await page.locator('body').press('?');
    await page.getByRole('heading', { name: 'Phím tắt' }).waitFor();
  });

  it('sets an out-of-office reply (VacationResponse)', async () => {
    const page = b.page;
    await page.goto(`${base}/settings`);
    await page.getByRole('heading', { name: 'Cài đặt' }).waitFor();
    await page.getByLabel('Bật trả lời tự động').check();
    await page.getByLabel('Tiêu đề').fill('Vắng mặt');
    await page.getByLabel('Nội dung trả lời').fill('Tôi đi công tác đến hết tuần, xin liên hệ Văn phòng.');
    await page.locator('form.vacation').getByRole('button', { name: 'Lưu' }).click();
    await page.getByText('Đã lưu trả lời tự động').waitFor();
    await screenshot(page, 'webmail-settings-desktop-vi');
    expect(await axeSerious(page)).toEqual([]);
    await page.reload();
    await expect.poll(() => page.getByLabel('Nội dung trả lời').inputValue()).toBe('Tôi đi công tác đến hết tuần, xin liên hệ Văn phòng.');
    expect(await page.getByLabel('Bật trả lời tự động').isChecked()).toBe(true);
  });

  it('downloads all of my mail as mbox from the settings (issue 14: export by the user from the webmail)', async () => {
    const page = b.page;
    await page.goto(`${base}/settings`);
    await page.getByRole('heading', { name: 'Tải toàn bộ thư của tôi' }).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Tải về dạng mbox' }).click()]);
    expect(download.suggestedFilename()).toBe(`${an}.mbox`);
    const mbox = fs.readFileSync((await download.path())!, 'utf8');
    expect(mbox).toMatch(/^From /);
    expect(mbox).toContain(`Subject: =?UTF-8?B?${Buffer.from('Thư một').toString('base64')}?=`); // the message as it was stored, byte for byte
  });

  it('keeps a sender name and a signature per identity, used when composing', async () => {
    const page = b.page;
    await page.goto(`${base}/settings`);
    const form = page.getByRole('form', { name: an });
    await form.getByLabel('Tên hiển thị khi gửi').fill('Nguyễn Văn An');
    await form.getByLabel('Chữ ký').fill('Nguyễn Văn An\nChuyên viên, Sở Nội vụ');
    await form.getByRole('button', { name: 'Lưu' }).click();
    await page.getByText('Đã lưu tên và chữ ký').waitFor();
    await page.getByRole('link', { name: 'Soạn thư' }).click();
    // The body is the formatted-text editor (compose/RichEditor.tsx): the signature under the line to write on.
    await expect.poll(() => page.getByRole('textbox', { name: 'Nội dung' }).innerText()).toMatch(/^\s+--\s*\nNguyễn Văn An\nChuyên viên, Sở Nội vụ$/);
    expect(await page.getByLabel('Người gửi').locator('option').first().textContent()).toContain(`Nguyễn Văn An <${an}>`);
  });

  it('tells the size limit and refuses a file over it before uploading anything', async () => {
    const page = b.page;
    await page.getByRole('link', { name: 'Soạn thư' }).click();
    await page.getByText(/Tối đa 195 KB cho toàn bộ thư/).waitFor();
    const uploads = () => b.requests.filter((u) => u.includes('/jmap/upload/')).length;
    const before = uploads();
    await page.locator('input[type=file]').setInputFiles({ name: 'bao-cao-lon.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(300_000, 0x41) });
    await page.getByRole('alert').filter({ hasText: '“bao-cao-lon.pdf” quá lớn: thư tối đa 195 KB' }).waitFor();
    expect(uploads()).toBe(before);
    await page.locator('input[type=file]').setInputFiles({ name: 'nho.txt', mimeType: 'text/plain', buffer: Buffer.from('Báo cáo ngắn') });
    await page.locator('.pending li', { hasText: 'nho.txt' }).waitFor();
    await expect.poll(uploads).toBe(before + 1);
  });

  it('saves what was typed just before leaving the compose screen as a draft', async () => {
    const page = b.page;
    await page.getByRole('link', { name: 'Soạn thư' }).click();
    await page.getByLabel('Tiêu đề').fill('Nháp viết vội');
    await folder(page, /Thư nháp/).click();
    await row(page, 'Nháp viết vội').waitFor({ timeout: 20_000 });
    await expect.poll(() => imapSubjects('Drafts')).toContain('Nháp viết vội');
  });
});
