// The webmail's search in chromium (issue 10): the server's folded search (Email/query text,
// the same as IMAP SEARCH) finds "Đặng" whether typed with diacritics or without, and "đ" as "d";
// the results page marks the words found (SearchSnippet/get), says what was searched and clears back to the folder.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Page } from 'playwright-core';
import { startTestServers, TEST_PASSWORD, vietnameseMessage, type Running } from '../helpers/servers.ts';
import { DESKTOP, noBrowser, openBrowser, screenshot, signIn, type UserBrowser } from '../helpers/browser.ts';
import { appendTo } from '../helpers/webmail-fixtures.ts';

/** The subjects listed (without the screen reader's "chưa đọc:" prefix). */
const rows = async (page: Page) => (await page.locator('.row-subject').allTextContents()).map((x) => x.replace(/^chưa đọc: /, ''));

describe.skipIf(noBrowser('webmail: search'))('webmail: search with and without diacritics (chromium)', () => {
  let r: Running;
  let base: string;
  let an: string;
  let b: UserBrowser;

  beforeAll(async () => {
    r = await startTestServers();
    base = `https://127.0.0.1:${r.servers.ports.https}`;
    an = await r.user('an');
    await appendTo(r, an, [
      vietnameseMessage({ from: 'huong@kontum.gov.vn', to: an, subject: 'Ý kiến của đồng chí Đặng Thị Hương', body: 'Về dự thảo quy chế.\r\n' }),
      vietnameseMessage({ from: 'tu@kontum.gov.vn', to: an, subject: 'Lịch trực cơ quan tuần 50', body: 'Phân công trực.\r\n' }),
      vietnameseMessage({ from: 'nam@kontum.gov.vn', to: an, subject: 'Kế hoạch đào tạo', body: 'Lớp bồi dưỡng do anh Đặng Văn Nam phụ trách.\r\n' }),
    ]);
    b = await openBrowser(DESKTOP);
    await signIn(b.page, base, an, TEST_PASSWORD);
    await b.page.locator('.row-subject').first().waitFor();
  });

  afterAll(async () => {
    await b?.close();
    await r?.stop();
  });

  async function search(q: string): Promise<string[]> {
    const page = b.page;
    await page.getByRole('searchbox', { name: 'Tìm thư' }).fill(q);
    await page.getByRole('searchbox', { name: 'Tìm thư' }).press('Enter');
    await page.getByRole('heading', { name: `Kết quả tìm “${q}”` }).waitFor();
    // the results, or the word that there are none (not the loading line)
    await page.locator('.row-subject').first().or(page.getByText('Không có thư nào')).waitFor();
    return (await rows(page)).sort();
  }

  it('finds Đặng typed without diacritics, with them, and đ as d — in subjects and bodies', async () => {
    expect(await search('dang')).toEqual(['Kế hoạch đào tạo', 'Ý kiến của đồng chí Đặng Thị Hương']);
    // The words found are marked where they stand in the original text (SearchSnippet/get).
    await expect.poll(() => b.page.locator('.row mark').allTextContents()).toEqual(['Đặng', 'Đặng']);
    await screenshot(b.page, 'webmail-search-desktop-vi');
    expect(await search('Đặng')).toEqual(['Kế hoạch đào tạo', 'Ý kiến của đồng chí Đặng Thị Hương']);
    expect(await search('dao tao')).toEqual(['Kế hoạch đào tạo']);
    expect(await search('lich truc')).toEqual(['Lịch trực cơ quan tuần 50']);
    await search('không có gì như thế');
    await b.page.getByText('Không có thư nào').waitFor();
    await b.page.getByRole('link', { name: 'Bỏ tìm kiếm' }).click();
    await b.page.getByRole('heading', { name: 'Hộp thư đến' }).waitFor();
    await expect.poll(() => rows(b.page).then((x) => x.length)).toBe(3);
  });
});
