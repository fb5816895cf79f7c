// Owns: the browser of the webmail tests — Debian's chromium (/usr/bin/chromium, scripts/test-packages.txt)
// driven by playwright-core, one fresh profile (--user-data-dir) per user; signing in through the
// real form; screenshots under test-artifacts/ (gitignored); axe-core injected into the page (by
// the DevTools protocol: the app's CSP allows no inline script) and its serious/critical findings.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { missingTool } from './tools.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = path.resolve(import.meta.dirname, '../../test-artifacts');
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

/** True (and said loudly) when chromium is not installed: the caller skips. */
export function noBrowser(test: string): boolean {
  return missingTool(CHROMIUM, test);
}

export interface UserBrowser {
  context: BrowserContext;
  page: Page;
  /** Every URL the page (and its frames) asked for. */
  requests: string[];
  close(): Promise<void>;
}

/** A chromium with a fresh profile, on the given viewport, trusting the test server's self-signed certificate. */
export async function openBrowser(viewport = DESKTOP, lang = 'vi-VN'): Promise<UserBrowser> {
  // The app is built by `npm test`'s pretest (npm run build:web); a test run on its own needs it done first.
  if (!fs.existsSync(path.resolve(import.meta.dirname, '../../dist/web/index.html'))) throw new Error('dist/web is missing: run `npm run build:web` first (npm test does it in its pretest)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-chromium-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    ignoreHTTPSErrors: true,
    viewport,
    locale: lang,
    acceptDownloads: true,
    // No transitions half-way in a screenshot (the phone's folder drawer slides in otherwise).
    reducedMotion: 'reduce',
  });
  context.setDefaultTimeout(10_000);
  const page = context.pages()[0] ?? (await context.newPage());
  const requests: string[] = [];
  context.on('request', (r) => requests.push(r.url()));
  return {
    context,
    page,
    requests,
    async close() {
      await context.close().catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Sign in through the form; waits for the mail screen (or the password change screen). */
export async function signIn(page: Page, base: string, username: string, password: string): Promise<void> {
  await page.goto(`${base}/`);
  await page.waitForURL(/\/login/);
  await page.getByLabel('Tên đăng nhập hoặc địa chỉ thư').fill(username);
  await page.getByLabel('Mật khẩu').fill(password);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.waitForURL(/\/(mail\/|change-password)/);
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

const AXE = fs.readFileSync(path.resolve(import.meta.dirname, '../../node_modules/axe-core/axe.min.js'), 'utf8');

export interface AxeFinding {
  id: string;
  impact: string;
  help: string;
  nodes: string[];
}

/** axe-core's serious and critical violations on the page as it is now (WCAG 2.1 A/AA rules). */
export async function axeSerious(page: Page): Promise<AxeFinding[]> {
  await page.evaluate(AXE);
  const out = await page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: Array<{ id: string; impact: string; help: string; nodes: Array<{ target: string[] }> }> }> } }
    ).axe;
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
  });
  return out.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
