// The webmail in chromium (issue 10): signing in through the form (Vietnamese by default), the
// folder tree with unread counts, the list, reading an HTML mail in the sandboxed frame with its
// remote image blocked (no request leaves for it) until the reader allows it, attachments
// downloaded and previewed, legacy TCVN3 text readable, English switchable; screenshots on desktop and phone; axe-core finds
// no serious or critical violation on the sign-in, list and reading screens.
import fs from 'node:fs';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestServers, TEST_PASSWORD, type Running } from '../helpers/servers.ts';
import { axeSerious, DESKTOP, noBrowser, openBrowser, PHONE, screenshot, signIn, type UserBrowser } from '../helpers/browser.ts';
import { appendTo, htmlMessage, PDF, PNG, TRACKER } from '../helpers/webmail-fixtures.ts';

describe.skipIf(noBrowser('webmail: sign in and read'))('webmail: sign in and read (chromium)', () => {
  let r: Running;
  let base: string;
  let an: string;
  let b: UserBrowser;

  beforeAll(async () => {
    r = await startTestServers();
    base = `https://127.0.0.1:${r.servers.ports.https}`;
    an = await r.user('an');
    const html = `<h1>Giấy mời họp</h1><p>Kính gửi đồng chí Nguyễn Văn An, Sở Nội vụ trân trọng kính mời đồng chí dự họp giao ban.</p><img src="${TRACKER}" alt="logo"><p><a href="https://kontum.gov.vn/">Cổng thông tin</a></p>`;
    await appendTo(r, an, [
      htmlMessage({
        from: 'hoa@kontum.gov.vn',
        fromName: 'Phạm Thị Hoa',
        to: an,
        subject: 'Giấy mời họp giao ban tháng 12',
        html,
        attachments: [
          { name: 'so-do.png', type: 'image/png', data: PNG },
          { name: 'giay-moi.pdf', type: 'application/pdf', data: PDF },
        ],
      }),
      htmlMessage({ from: 'tu@kontum.gov.vn', fromName: 'Đỗ Văn Tư', to: an, subject: 'Báo cáo quý IV', html: '<p>Đề nghị gửi báo cáo.</p>', date: 'Sun, 06 Dec 2026 10:00:00 +0700' }),
      // An old district office's mail: TCVN3 (ABC) text declared as windows-1258.
      Buffer.concat([
        Buffer.from(
          'From: <vanthu@kontum.gov.vn>\r\nTo: <' +
            an +
            '>\r\nSubject: Cong van TCVN3\r\nDate: Sat, 05 Dec 2026 09:00:00 +0700\r\nMessage-ID: <tcvn3@kontum.gov.vn>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=windows-1258\r\nContent-Transfer-Encoding: 8bit\r\n\r\n',
        ),
        Buffer.from('Uû ban nh©n d©n tØnh Kon Tum\r\nKÝnh göi: Së Th«ng tin vµ TruyÒn th«ng\r\n', 'latin1'),
      ]),
    ]);
    b = await openBrowser(DESKTOP);
  });

  afterAll(async () => {
    await b?.close();
    await r?.stop();
  });

  it('signs in in Vietnamese, shows the folders with unread counts and the list', async () => {
    const { page } = b;
    await page.goto(`${base}/`);
    await page.waitForURL(/\/login/);
    expect(await page.getAttribute('html', 'lang')).toBe('vi');
    await screenshot(page, 'webmail-login-desktop-vi');
    expect(await axeSerious(page)).toEqual([]);
    // The session cookie is HttpOnly, Secure, SameSite=Strict; the CSRF cookie is readable.
    await signIn(page, base, an, TEST_PASSWORD);
    const cookies = await b.context.cookies(base);
    const session = cookies.find((c) => c.name === 'thutin_session')!;
    expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/' });
    expect(cookies.find((c) => c.name === 'thutin_csrf')).toMatchObject({ httpOnly: false, secure: true, sameSite: 'Strict' });
    const inbox = page.getByRole('link', { name: /Hộp thư đến/ });
    await expect.poll(() => inbox.textContent()).toContain('3');
    await page.getByText('Giấy mời họp giao ban tháng 12').waitFor();
    await page.getByText('Báo cáo quý IV').waitFor();
    await screenshot(page, 'webmail-list-desktop-vi');
    expect(await axeSerious(page)).toEqual([]);
  });

  it('reads an HTML mail in the sandboxed frame; the remote image is blocked until allowed', async () => {
    const { page } = b;
    await page.getByText('Giấy mời họp giao ban tháng 12').click();
    await page.getByRole('heading', { name: 'Giấy mời họp giao ban tháng 12' }).waitFor();
    const frame = page.locator('iframe.mail-frame');
    expect(await frame.getAttribute('sandbox')).toBe('allow-popups allow-popups-to-escape-sandbox');
    await page.frameLocator('iframe.mail-frame').getByText('trân trọng kính mời').waitFor();
    expect(await frame.getAttribute('srcdoc')).toContain("default-src 'none'");
    await page.getByText('Đã chặn 1 hình ảnh từ bên ngoài').waitFor();
    expect(b.requests.filter((u) => u.startsWith('http://198.51.100.7'))).toEqual([]);
    // Opening marks it read: Inbox now counts 2 unread.
    await expect.poll(() => page.getByRole('link', { name: /Hộp thư đến/ }).textContent()).toMatch(/2$/);
    await screenshot(page, 'webmail-read-desktop-vi');
    expect(await axeSerious(page)).toEqual([]);
    await page.getByRole('button', { name: 'Hiện hình ảnh' }).click();
    await expect.poll(() => b.requests.some((u) => u.startsWith(TRACKER))).toBe(true);
  });

  it('downloads and previews attachments', async () => {
    const { page } = b;
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Tải về so-do.png' }).click()]);
    expect(download.suggestedFilename()).toBe('so-do.png');
    expect(Buffer.compare(fs.readFileSync((await download.path())!), PNG)).toBe(0);
    await page.getByRole('button', { name: 'Xem trước so-do.png' }).click();
    const img = page.getByRole('img', { name: 'so-do.png' });
    await img.waitFor();
    expect(await img.getAttribute('src')).toMatch(/^blob:/);
    await page.getByRole('button', { name: 'Xem trước giay-moi.pdf' }).click();
    expect(await page.locator('iframe.pdf-frame').getAttribute('src')).toMatch(/^blob:/);
  });

  it('shows legacy TCVN3 text readably', async () => {
    const { page } = b;
    await page.locator('.row-subject', { hasText: 'Cong van TCVN3' }).click();
    await page.locator('.plain-body', { hasText: 'Ủy ban nhân dân tỉnh Kon Tum' }).waitFor();
    expect(await page.locator('.plain-body').textContent()).toContain('Kính gửi: Sở Thông tin và Truyền thông');
  });

  it('switches to English', async () => {
    const { page } = b;
    await page.locator('.account-menu summary').click();
    await page.getByLabel('Ngôn ngữ').first().selectOption('en');
    await page.getByRole('link', { name: /Inbox/ }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await page.getByLabel('Language').first().selectOption('vi');
  });

  it('fits a phone: list first, then the message with a way back', async () => {
    const phone = await openBrowser(PHONE);
    try {
      const { page } = phone;
      await signIn(page, base, an, TEST_PASSWORD);
      await page.getByText('Báo cáo quý IV').waitFor();
      await screenshot(page, 'webmail-list-phone-vi');
      expect(await axeSerious(page)).toEqual([]);
      await page.getByText('Báo cáo quý IV').click();
      await page.getByRole('link', { name: 'Về danh sách thư' }).waitFor();
      await screenshot(page, 'webmail-read-phone-vi');
      await page.getByRole('button', { name: 'Thư mục' }).click();
      await screenshot(page, 'webmail-folders-phone-vi');
      await page.getByRole('link', { name: 'Hộp thư đến' }).click();
      await page.getByRole('link', { name: 'Soạn thư' }).click();
      await page.getByRole('heading', { name: 'Soạn thư' }).waitFor();
      await screenshot(page, 'webmail-compose-phone-vi');
      expect(await axeSerious(page)).toEqual([]);
    } finally {
      await phone.close();
    }
  });
});
