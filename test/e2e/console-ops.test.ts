// The Provincial Office's operations console in chromium (issue 11 R5.9, R10.1; issue 14): after
// mail is delivered over SMTP the dashboard's charts show the numbers /metrics gives (mail in today,
// storage per agency, mailboxes per state, requests waiting, queue depth); the audit viewer filters,
// verifies the chain, and after the test alters one row in the database shows it broken at that
// entry; the last-backup card after `thutin backup create` (fresh, then verified, then red once older
// than backup.maxAgeHours); the capacity report's answer and its PDF and CSV downloads; the queue and
// lockouts screens. Screenshots (Vietnamese, desktop and phone) and axe-core on each screen.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { sql } from 'kysely';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Page } from 'playwright-core';
import { startTestServers, TEST_PASSWORD, vietnameseMessage, type Running } from '../helpers/servers.ts';
import { axeSerious, DESKTOP, noBrowser, openBrowser, PHONE, screenshot, signIn, type UserBrowser } from '../helpers/browser.ts';
import { thutin } from '../helpers/cli.ts';
import { cliEnv } from '../helpers/backup.ts';
import { parseProm, samples, value } from '../../web/src/console/ops/prom.ts';

const D = 'kontum.gov.vn';
const ctx = { actor: 'test', reason: 'QĐ 11/QĐ-UBND' };
const ADMIN = `quannv@${D}`;
const AUDITOR = `kiemlv@${D}`;

/** The numbers of a chart's table: category → series → value. */
async function chartTable(page: Page, testId: string): Promise<Record<string, Record<string, number>>> {
  await page.getByTestId(`${testId}-table`).waitFor({ state: 'attached' });
  return page.getByTestId(`${testId}-table`).evaluate((t) => {
    const out: Record<string, Record<string, number>> = {};
    for (const tr of Array.from(t.querySelectorAll('tbody tr'))) {
      const row: Record<string, number> = {};
      for (const td of Array.from(tr.querySelectorAll('td'))) row[td.getAttribute('data-series')!] = Number(td.getAttribute('data-value'));
      out[tr.getAttribute('data-category')!] = row;
    }
    return out;
  });
}

describe.skipIf(noBrowser('console: dashboard, audit, backup, capacity, queue, lockouts'))('console: dashboard, audit, backup, capacity, queue, lockouts (chromium)', { timeout: 180_000 }, () => {
  let r: Running;
  let base: string;
  let admin: UserBrowser;
  let auditor: UserBrowser;
  let work: string;

  async function scrape(): Promise<ReturnType<typeof parseProm>> {
    const login = await fetch(`http://127.0.0.1:${r.servers.ports.http}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: AUDITOR, password: TEST_PASSWORD }),
    });
    const token = ((await login.json()) as { token: string }).token;
    const res = await fetch(`http://127.0.0.1:${r.servers.ports.http}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    return parseProm(await res.text());
  }

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-console-'));
    r = await startTestServers({ config: { security: { signIn: { accountMaxFailures: 3 } } } });
    base = `https://127.0.0.1:${r.servers.ports.https}`;
    const d = r.app.directory;
    await d.createUnit({ code: 'UBND', name: 'Ủy ban nhân dân tỉnh Kon Tum', kind: 'province', abbreviation: 'ubnd', withMailbox: false }, ctx);
    await d.createUnit({ code: 'VP', name: 'Văn phòng UBND tỉnh', kind: 'agency', parentCode: 'UBND', abbreviation: 'vp' }, ctx);
    await d.createUnit({ code: 'SNV', name: 'Sở Nội vụ', kind: 'agency', parentCode: 'UBND', abbreviation: 'snv', withMailbox: false }, ctx);
    const p = (fullName: string, unitCode: string, localPart: string, title: string) => d.createPerson({ fullName, unitCode, localPart, title, password: TEST_PASSWORD }, ctx);
    await p('Nguyễn Văn Quản', 'VP', 'quannv', 'Quản trị hệ thống');
    await p('Lê Văn Kiểm', 'VP', 'kiemlv', 'Kiểm toán viên');
    await p('Đặng Thị Hương', 'SNV', 'huongdt', 'Chuyên viên');
    await p('Trần Văn Bình', 'SNV', 'binhtv', 'Phó Giám đốc');
    await r.app.roles.grant(ADMIN, 'sysadmin', null, ctx);
    await r.app.roles.grant(AUDITOR, 'auditor', null, ctx);
    // mail delivered over SMTP: three copies into SNV's mailboxes, one into VP's unit mailbox
    const smtp = nodemailer.createTransport({ host: '127.0.0.1', port: r.servers.ports.smtp, secure: false, ignoreTLS: true, name: 'mx.example.org' });
    for (const [i, to] of [`huongdt@${D}`, `binhtv@${D}`, `huongdt@${D}`, `vp@${D}`].entries()) {
      await smtp.sendMail({ envelope: { from: `vanthu@ubnd.${D}`, to: [to] }, raw: vietnameseMessage({ from: `vanthu@ubnd.${D}`, to, subject: `Công văn số ${i + 1}/UBND về báo cáo tháng` }) });
    }
    smtp.close();
    [admin, auditor] = await Promise.all([openBrowser(DESKTOP), openBrowser(PHONE)]);
    await Promise.all([signIn(admin.page, base, ADMIN, TEST_PASSWORD), signIn(auditor.page, base, AUDITOR, TEST_PASSWORD)]);
  });

  afterAll(async () => {
    await Promise.all([admin?.close(), auditor?.close()]);
    await r?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('dashboard: the charts show what /metrics says after mail was delivered', async () => {
    const page = admin.page;
    await page.getByRole('link', { name: 'Bảng điều khiển, hàng đợi, nhật ký' }).click();
    await page.getByRole('heading', { name: 'Bảng điều khiển của Văn phòng UBND tỉnh' }).waitFor();
    await page.getByTestId('chart-mail').waitFor();
    const m = await scrape();
    const delivered = value(m, 'thutin_mail_messages_total', { direction: 'in' });
    expect(delivered).toBeGreaterThanOrEqual(4);
    // mail per day: today's bar is the counter of this (fresh) server
    const mail = await chartTable(page, 'chart-mail');
    const today = Object.keys(mail).sort().at(-1)!;
    expect(mail[today]).toEqual({ 'Thư đến': delivered, 'Thư đi': value(m, 'thutin_mail_messages_total', { direction: 'out' }) });
    await expect.poll(() => page.getByTestId('mail-since-start').getAttribute('data-in')).toBe(String(delivered));
    // storage per agency: each bar is thutin_storage_bytes of that agency
    const storage = await chartTable(page, 'chart-storage');
    const bytes = samples(m, 'thutin_storage_bytes');
    expect(bytes.length).toBeGreaterThanOrEqual(2);
    for (const s of bytes) expect(storage[s.labels.name]?.['Dung lượng'], s.labels.name).toBe(s.value);
    expect(storage['Sở Nội vụ']['Dung lượng']).toBeGreaterThan(0);
    // mailboxes per state, requests waiting, queue depth
    const boxes = await chartTable(page, 'chart-mailboxes');
    expect(boxes['Cá nhân · Hoạt động']['Số lượng']).toBe(value(m, 'thutin_mailboxes', { kind: 'person', state: 'active' }));
    expect(boxes['Cá nhân · Hoạt động']['Số lượng']).toBe(4);
    const pending = await chartTable(page, 'chart-pending');
    expect(pending['Đã trình']['Số lượng']).toBe(value(m, 'thutin_requests_pending', { state: 'submitted' }));
    const queue = await chartTable(page, 'chart-queue');
    expect(queue['Hoạt động']['Số lượng']).toBe(value(m, 'thutin_outbound_queue_depth', { state: 'active' }));
    await screenshot(page, 'console-dashboard-desktop-vi');
    // the small charts side by side below the fold
    await page.getByTestId('chart-queue').scrollIntoViewIfNeeded();
    await screenshot(page, 'console-dashboard-lower-desktop-vi');
    expect(await axeSerious(page)).toEqual([]);
  });

  it('audit viewer: filters, pages, verifies the chain, and shows where it was broken after a row is altered', async () => {
    const page = auditor.page;
    await page.goto(`${base}/console/audit`);
    await page.getByRole('heading', { name: 'Nhật ký kiểm toán' }).waitFor();
    await page.getByRole('button', { name: 'Kiểm tra chuỗi băm' }).click();
    const result = page.getByTestId('chain-result');
    await expect.poll(() => result.getAttribute('data-ok')).toBe('true');
    await result.getByText(/Chuỗi nguyên vẹn/).waitFor();
    // filter: the role grants (action prefix), by the test's actor
    await page.getByLabel('Hành động (tiền tố)').fill('role.');
    await page.getByRole('button', { name: 'Lọc', exact: true }).click();
    const table = page.getByTestId('audit-table');
    await expect.poll(() => table.locator('tbody tr').count()).toBe(2);
    await table.getByText(ADMIN).waitFor();
    await screenshot(page, 'console-audit-phone-vi');
    // a date range before anything happened: nothing
    await page.getByLabel('Từ ngày').fill('2020-01-01');
    await page.getByLabel('Đến ngày').fill('2020-01-02');
    await page.getByRole('button', { name: 'Lọc', exact: true }).click();
    await page.getByText('Không có mục nào khớp bộ lọc.').waitFor();
    await page.getByRole('button', { name: 'Bỏ lọc' }).click();
    // paging back: 55 entries of one action are two pages (50 and 5), the newest first
    for (let i = 1; i <= 55; i++) await r.app.audit.record({ actor: 'test', action: 'test.page', target: `mục ${i}` });
    await page.getByLabel('Hành động (tiền tố)').fill('test.page');
    await page.getByRole('button', { name: 'Lọc', exact: true }).click();
    await table.getByText('mục 55', { exact: true }).waitFor();
    await expect.poll(() => table.locator('tbody tr').count()).toBe(50);
    await page.getByRole('button', { name: 'Cũ hơn →' }).click();
    await page.getByText('Trang 2').waitFor();
    await table.getByText('mục 1', { exact: true }).waitFor();
    await expect.poll(() => table.locator('tbody tr').count()).toBe(5);
    expect(await page.getByRole('button', { name: 'Cũ hơn →' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: '← Mới hơn' }).click();
    await table.getByText('mục 55', { exact: true }).waitFor();
    // someone with the database's password changes the reason of one entry
    const victim = (await r.app.audit.list(1, { action: 'role.' }))[0];
    await sql`UPDATE audit_log SET reason = ${'QĐ giả mạo'} WHERE id = ${victim.id}`.execute(r.app.db.kysely);
    await page.getByRole('button', { name: 'Kiểm tra chuỗi băm' }).click();
    await expect.poll(() => result.getAttribute('data-ok')).toBe('false');
    expect(await result.getAttribute('data-broken')).toBe(String(victim.id));
    await result.getByText(`Chuỗi bị phá tại mục #${victim.id}`).waitFor();
    await page.getByLabel('Hành động (tiền tố)').fill('role.');
    await page.getByRole('button', { name: 'Lọc', exact: true }).click();
    await table.locator(`tr.ops-broken[data-audit-id="${victim.id}"]`).getByText('QĐ giả mạo').waitFor();
    await screenshot(page, 'console-audit-broken-phone-vi');
    expect(await axeSerious(page)).toEqual([]);
  });

  it('last backup: none, then after `thutin backup create` fresh and verified, red once older than the limit', async () => {
    const page = admin.page;
    await page.goto(`${base}/console`);
    const card = page.getByTestId('backup-card');
    await card.getByText('Chưa có bản sao lưu nào.').waitFor();
    expect(await card.getAttribute('data-stale')).toBe('true');
    const dir = path.join(work, 'backup');
    const c = await thutin(r.dataDir, ['backup', 'create', dir], { env: cliEnv(r.app) });
    expect(c.code, c.stderr).toBe(0);
    await page.reload();
    await card.getByText('Bản sao lưu còn mới (giới hạn 48 giờ).').waitFor();
    expect(await card.getAttribute('data-stale')).toBe('false');
    expect(Number(await card.getByTestId('backup-size').getAttribute('data-value'))).toBeGreaterThan(0);
    await card.getByText('Chưa kiểm tra với bản kê.').waitFor();
    await card.getByRole('button', { name: 'Kiểm tra bản sao lưu' }).click();
    await expect.poll(() => card.getByTestId('backup-verified').getAttribute('data-ok')).toBe('true');
    await card.getByText(/nguyên vẹn/).waitFor();
    await card.scrollIntoViewIfNeeded();
    await screenshot(page, 'console-backup-fresh-desktop-vi');
    // three days later (the status file says so): the card turns red
    const statusFile = path.join(r.dataDir, 'backup-status.json');
    const status = JSON.parse(fs.readFileSync(statusFile, 'utf8')) as { at: string };
    status.at = new Date(Date.now() - 3 * 86_400_000).toISOString();
    fs.writeFileSync(statusFile, JSON.stringify(status));
    await page.reload();
    await card.getByText('Bản sao lưu đã cũ hơn giới hạn 48 giờ!').waitFor();
    expect(await card.getAttribute('data-stale')).toBe('true');
    await card.scrollIntoViewIfNeeded();
    await screenshot(page, 'console-backup-stale-desktop-vi');
    expect(await axeSerious(page)).toEqual([]);
  });

  it('capacity report: the answer for next year, and its PDF and CSV through the session', async () => {
    const page = admin.page;
    await page.goto(`${base}/console/capacity`);
    await page.getByRole('heading', { name: 'Năm tới cần bao nhiêu ổ đĩa và kinh phí?' }).waitFor();
    const answer = page.getByTestId('cap-answer');
    await answer.getByText(/Năm tới cần khoảng .* GB ổ đĩa/).waitFor();
    const report = (await (await page.request.get(`${base}/api/v1/reports/capacity`)).json()) as { total: { budget: number } };
    expect(await answer.getAttribute('data-budget')).toBe(String(report.total.budget));
    const [pdf] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Tải PDF' }).click()]);
    const pdfBytes = fs.readFileSync((await pdf.path())!);
    expect(pdfBytes.subarray(0, 5).toString()).toBe('%PDF-');
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Tải CSV' }).click()]);
    const csvText = fs.readFileSync((await csv.path())!, 'utf8');
    expect(csvText.startsWith('\ufeffco_quan,')).toBe(true);
    expect(csvText).toContain('Sở Nội vụ');
    await screenshot(page, 'console-capacity-desktop-vi');
    expect(await axeSerious(page)).toEqual([]);
  });

  it('outbound queue and lockouts: listed, retried, deleted, lifted with a reason', async () => {
    const page = admin.page;
    // a message to a remote domain waits in the queue (no DNS in tests: it stays deferred)
    const content = await r.app.store.ingest([vietnameseMessage({ from: `huongdt@${D}`, to: 'doitac@example.org', subject: 'Gửi đối tác' })]);
    const queuedId = (await r.app.store.commit(content, { copies: [{ remote: { sender: `huongdt@${D}`, recipients: ['doitac@example.org'], accountId: null } }] })).queued[0];
    await r.app.store.release(content);
    await page.goto(`${base}/console/queue`);
    await page.getByRole('heading', { name: 'Hàng đợi thư đi' }).waitFor();
    const row = page.locator(`tr[data-queue-id="${queuedId}"]`);
    await row.getByText(/doitac@example\.org/).waitFor();
    await page.getByTestId('queue-filter').selectOption('hold');
    await page.getByText('Hàng đợi trống.').waitFor();
    await page.getByTestId('queue-filter').selectOption('all');
    await row.getByRole('button', { name: 'Gửi lại ngay' }).click();
    await page.locator('.toasts').getByText(`Đã đưa thư #${queuedId} vào gửi lại`).waitFor();
    await screenshot(page, 'console-queue-desktop-vi');
    expect(await axeSerious(page)).toEqual([]);
    page.once('dialog', (dlg) => void dlg.accept());
    await row.getByRole('button', { name: 'Xoá' }).click();
    await page.locator('.toasts').getByText(`Đã xoá thư #${queuedId} khỏi hàng đợi`).waitFor();
    await expect.poll(async () => (await r.app.queue.list()).some((q) => q.id === queuedId)).toBe(false);
    await page.getByText('Hàng đợi trống.').waitFor();

    // a password guessed wrong until the account locks (security.signIn.accountMaxFailures: 3 here)
    for (let i = 0; i < 3; i++) {
      await fetch(`http://127.0.0.1:${r.servers.ports.http}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: `binhtv@${D}`, password: `sai-mat-khau-${i}` }),
      });
    }
    const lock = (await r.app.signIn.lockouts()).find((l) => l.kind === 'account' && l.subject === `binhtv@${D}`)!;
    expect(lock).toBeDefined();
    await page.goto(`${base}/console/lockouts`);
    await page.getByRole('heading', { name: 'Khoá đăng nhập đang có hiệu lực' }).waitFor();
    const lrow = page.locator(`tr[data-lockout="${lock.subject}"]`);
    await lrow.getByRole('button', { name: 'Gỡ khoá' }).click();
    await lrow.getByRole('button', { name: 'Gỡ khoá' }).click();
    await lrow.getByText('Cần ghi lý do gỡ khoá.').waitFor();
    await screenshot(page, 'console-lockouts-desktop-vi');
    await lrow.getByLabel('Lý do (số/ký hiệu văn bản)').fill('Phiếu yêu cầu 12/VP');
    await lrow.getByRole('button', { name: 'Gỡ khoá' }).click();
    await page.locator('.toasts').getByText(`Đã gỡ khoá binhtv@${D}`).waitFor();
    await expect.poll(async () => (await r.app.signIn.lockouts()).some((l) => l.key === lock.key)).toBe(false);
    expect((await r.app.audit.list(5, { actor: `api:${ADMIN}` })).some((e) => e.reason === 'Phiếu yêu cầu 12/VP')).toBe(true);
    expect(await axeSerious(page)).toEqual([]);
  });
});
