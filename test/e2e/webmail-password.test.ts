// Signing in to the webmail in chromium when the account asks for more (issue 10): a password
// that must be changed leads to the change screen first, and only then to the mail (the old
// password no longer opens anything); an account with the second factor on is asked for its code;
// "sign out everywhere" in one browser sends the user's other browser back to the sign-in.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import * as OTPAuth from 'otpauth';
import { startTestServers, TEST_PASSWORD, type Running } from '../helpers/servers.ts';
import { axeSerious, DESKTOP, noBrowser, openBrowser, screenshot, signIn, type UserBrowser } from '../helpers/browser.ts';

describe.skipIf(noBrowser('webmail: forced password change, second factor'))('webmail: forced password change and second factor (chromium)', { timeout: 60_000 }, () => {
  let r: Running;
  let base: string;
  let b: UserBrowser;

  beforeAll(async () => {
    r = await startTestServers();
    base = `https://127.0.0.1:${r.servers.ports.https}`;
    b = await openBrowser(DESKTOP);
  });

  afterAll(async () => {
    await b?.close();
    await r?.stop();
  });

  it('sends a user whose password must be changed to the change screen, then to the mail', async () => {
    const user = 'moi@kontum.gov.vn';
    await r.app.accounts.create(user, TEST_PASSWORD, 'test', { mustChangePassword: true });
    const page = b.page;
    await signIn(page, base, user, TEST_PASSWORD);
    await page.waitForURL(/\/change-password$/);
    await page.getByText('Bạn phải đổi mật khẩu trước khi tiếp tục.').waitFor();
    await screenshot(page, 'webmail-password-desktop-vi');
    expect(await axeSerious(page)).toEqual([]);
    // Going to the mail is not possible yet.
    await page.goto(`${base}/settings`);
    await page.waitForURL(/\/change-password$/);
    await page.getByLabel('Mật khẩu hiện tại').fill(TEST_PASSWORD);
    await page.getByLabel('Mật khẩu mới', { exact: true }).fill('Kontum#2026-moi');
    await page.getByLabel('Nhập lại mật khẩu mới').fill('Kontum#2026-khac');
    await page.getByRole('button', { name: 'Đổi mật khẩu' }).click();
    await page.getByText('Hai mật khẩu mới không giống nhau').waitFor();
    await page.getByLabel('Nhập lại mật khẩu mới').fill('Kontum#2026-moi');
    await page.getByRole('button', { name: 'Đổi mật khẩu' }).click();
    await page.waitForURL(/\/mail\//);
    await page.getByRole('heading', { name: 'Hộp thư đến' }).waitFor();
    const account = (await r.app.accounts.byAddress(user))!;
    expect(account.mustChangePassword).toBe(false);
    const old = await fetch(`http://127.0.0.1:${r.servers.ports.http}/auth/web/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: user, password: TEST_PASSWORD }),
    });
    expect(old.status).toBe(401);
  });

  it('asks for the second-factor code when the account has it on', async () => {
    const user = await r.user('hai');
    const acct = (await r.app.accounts.byAddress(user))!;
    const e = await r.app.secondFactor.enrol(acct.id, user);
    const totp = OTPAuth.URI.parse(e.uri) as OTPAuth.TOTP;
    await r.app.secondFactor.confirm(acct.id, user, totp.generate(), 'test');
    await b.context.clearCookies();
    const page = b.page;
    await page.goto(`${base}/`);
    await page.waitForURL(/\/login/);
    await page.getByLabel('Tên đăng nhập hoặc địa chỉ thư').fill(user);
    await page.getByLabel('Mật khẩu').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByText('Nhập mã xác thực hai lớp').waitFor();
    await page.getByLabel('Mã xác thực hai lớp').fill(totp.generate({ timestamp: Date.now() + 30_000 }));
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL(/\/mail\//);
    await page.getByRole('heading', { name: 'Hộp thư đến' }).waitFor();
  });

  it('signs out everywhere: the other browser of the same user is back at the sign-in', async () => {
    const user = await r.user('khap');
    const other = await openBrowser(DESKTOP);
    try {
      await b.context.clearCookies();
      await signIn(b.page, base, user, TEST_PASSWORD);
      await signIn(other.page, base, user, TEST_PASSWORD);
      await other.page.getByRole('heading', { name: 'Hộp thư đến' }).waitFor();
      b.page.once('dialog', (d) => void d.accept());
      await b.page.locator('.account-menu summary').click();
      await b.page.getByRole('button', { name: 'Đăng xuất mọi nơi' }).click();
      await b.page.waitForURL(/\/login/);
      // The other window comes back to the foreground (the app also asks every minute).
      await other.page.evaluate(() => window.dispatchEvent(new Event('focus')));
      await other.page.waitForURL(/\/login/);
      await other.page.getByRole('heading', { name: 'Đăng nhập hộp thư' }).waitFor();
      expect((await other.context.cookies(base)).find((c) => c.name === 'thutin_session')).toBeDefined(); // the cookie is there, but its session is over
      expect(
        (
          await fetch(`http://127.0.0.1:${r.servers.ports.http}/api/v1/me`, {
            headers: { cookie: `thutin_session=${(await other.context.cookies(base)).find((c) => c.name === 'thutin_session')!.value}` },
          })
        ).status,
      ).toBe(401);
    } finally {
      await other.close();
    }
  });
});
