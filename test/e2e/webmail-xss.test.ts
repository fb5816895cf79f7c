// The XSS corpus (issue 10; test/fixtures/xss/corpus.ts: more than 80 hostile mails) in chromium:
// delivered over IMAP APPEND (imapflow), each opened in the webmail's reading view — its links and
// buttons labelled CLICK clicked inside the frame — and nothing may happen: no script runs (no
// dialog, no window.__xss flag on the app or in the frame, no console message of the payload) and
// no request leaves the test server (every request of the page, its frames and any popup is
// watched); remote images stay blocked. Screenshots of a few hostile mails as they are shown.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Frame, Page } from 'playwright-core';
import { startTestServers, TEST_PASSWORD, type Running } from '../helpers/servers.ts';
import { DESKTOP, noBrowser, openBrowser, screenshot, signIn, type UserBrowser } from '../helpers/browser.ts';
import { appendTo } from '../helpers/webmail-fixtures.ts';
import { OFF_HOST, xssCorpus, type XssCase } from '../fixtures/xss/corpus.ts';

/** A request that stays on the test server (or never leaves the browser). */
function onHost(url: string): boolean {
  if (/^(data|blob|about|chrome-error|javascript):/i.test(url)) return true;
  try {
    return new URL(url).hostname === '127.0.0.1';
  } catch {
    return false;
  }
}

describe.skipIf(noBrowser('webmail: XSS corpus'))('webmail: the XSS corpus runs nothing and fetches nothing off-host (chromium)', { timeout: 600_000 }, () => {
  let r: Running;
  let base: string;
  let user: string;
  let b: UserBrowser;
  let cases: XssCase[];
  let account: string;
  let inbox: number;
  const dialogs: string[] = [];
  const consoleHits: string[] = [];
  const popups: string[] = [];
  /** Off-host requests with where they came from (frame, resource type). */
  const offHost: string[] = [];

  beforeAll(async () => {
    r = await startTestServers();
    base = `https://127.0.0.1:${r.servers.ports.https}`;
    user = await r.user('nan-nhan');
    cases = xssCorpus(user);
    await appendTo(
      r,
      user,
      cases.map((c) => c.raw),
    );
    const id = (await r.app.accounts.byAddress(user))!.id;
    account = `A${id}`;
    inbox = (await r.app.store.getMailbox(id, 'INBOX'))!.id;
    b = await openBrowser(DESKTOP);
    b.page.on('dialog', (d) => {
      dialogs.push(`${d.type()}: ${d.message()}`);
      void d.dismiss().catch(() => undefined);
    });
    b.context.on('request', (q) => {
      if (!onHost(q.url())) offHost.push(`${q.url()} (${q.resourceType()} from ${q.frame().url().slice(0, 60)})`);
    });
    b.context.on('console', (m) => {
      if (/XSS|__xss/.test(m.text())) consoleHits.push(m.text());
    });
    b.context.on('page', (p) => {
      popups.push(p.url());
      p.on('dialog', (d) => {
        dialogs.push(`popup ${d.type()}: ${d.message()}`);
        void d.dismiss().catch(() => undefined);
      });
    });
    await signIn(b.page, base, user, TEST_PASSWORD);
  });

  afterAll(async () => {
    await b?.close();
    await r?.stop();
  });

  const frameOf = (page: Page): Frame | undefined => page.frames().find((f) => f !== page.mainFrame() && f.parentFrame() === page.mainFrame());

  it('has more than 60 hostile mails', () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
    expect(new Set(cases.map((c) => c.subject)).size).toBe(cases.length);
  });

  it('opens every one in the reading view without running a script or fetching anything off-host', async () => {
    const page = b.page;
    const outcome: string[] = [];
    const only = process.env.XSS_ONLY ? new Set(process.env.XSS_ONLY.split(',').map(Number)) : null; // to look at a few cases
    for (const [i, c] of cases.entries()) {
      if (only && !only.has(c.n)) continue;
      const before = b.requests.length;
      const uid = i + 1; // appended in order into a new INBOX
      await page.goto(`${base}/mail/${account}/M${inbox}/E${inbox}_${uid}`);
      await page.getByRole('heading', { name: c.subject, exact: true }).waitFor();
      const nn = String(c.n).padStart(2, '0');
      // The body rendered: the sentinel is in the sandboxed frame (HTML) or on the page (plain text).
      await expect
        .poll(async () => {
          if (await page.locator('pre.plain-body').count()) return true;
          const f = frameOf(page);
          return !!f && (await f.evaluate(() => document.readyState === 'complete' && document.body !== null).catch(() => false));
        })
        .toBe(true);
      const f = frameOf(page);
      if (f) {
        await f
          .getByText(`Sentinel ${nn}`)
          .waitFor({ timeout: 5000 })
          .catch(() => undefined); // some payloads eat the sentinel (noscript, xmp): never mind
        if (c.click) {
          for (const el of await f.getByText('CLICK').all()) await el.click({ timeout: 1000, force: true }).catch(() => undefined);
        }
        // Every image, font and stylesheet the frame wanted has been settled by now.
        await f.waitForFunction(() => [...document.images].every((img) => img.complete), undefined, { timeout: 5000 }).catch(() => undefined);
        // Painted (CSS backgrounds, borders, cursors and list images are fetched when laid out and painted): a screenshot paints.
        await page.screenshot({ type: 'jpeg', quality: 5 });
        await page.screenshot({ type: 'jpeg', quality: 5 });
        const inFrame = await f.evaluate(() => (window as unknown as { __xss?: number }).__xss ?? null).catch(() => null);
        if (inFrame !== null) outcome.push(`${nn} ${c.name}: script ran in the frame`);
      }
      const onTop = await page.evaluate(() => (window as unknown as { __xss?: number }).__xss ?? null);
      if (onTop !== null) outcome.push(`${nn} ${c.name}: script ran in the app`);
      const leaked = offHost.splice(0);
      if (leaked.length || b.requests.slice(before).some((u) => !onHost(u))) outcome.push(`${nn} ${c.name}: requests off-host ${leaked.join(' ')}`);
      if (c.n === 1 || c.name.startsWith('tracking pixel') || c.name.startsWith('hostile subject')) await screenshot(page, `webmail-xss-${nn}`);
      for (const p of b.context.pages()) if (p !== page) await p.close().catch(() => undefined);
    }
    expect(outcome).toEqual([]);
    expect(dialogs).toEqual([]);
    expect(consoleHits).toEqual([]);
    expect(popups.filter((u) => !onHost(u))).toEqual([]);
    expect(b.requests.filter((u) => u.includes(OFF_HOST))).toEqual([]);
  });
});
