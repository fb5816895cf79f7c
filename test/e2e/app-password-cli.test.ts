// `thutin account app-password add|list|revoke <address> --reason …` through the real CLI (another
// process on the same data directory as a running server): the password is printed once and opens
// IMAP at once, the list never shows it, writes need --reason and are audited with it, and a
// revoked app password stops working.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { thutin as runCli } from '../helpers/cli.ts';
import { startTestServers, type Running } from '../helpers/servers.ts';
import { RawImap } from '../helpers/raw-imap.ts';
import { ImapFlow } from 'imapflow';
import { eventually } from '../../src/smtp/testing/clients.ts';
import { TEST_PASSWORD } from '../helpers/servers.ts';

/** The real CLI (test/helpers/cli.ts), its output and errors together. */
async function thutin(dir: string, args: string[]): Promise<{ code: number; out: string }> {
  const r = await runCli(dir, args);
  return { code: r.code, out: r.stdout + r.stderr };
}

describe('thutin account app-password', { timeout: 120_000 }, () => {
  let r: Running;
  beforeAll(async () => {
    r = await startTestServers();
  });
  afterAll(async () => r?.stop());

  async function imapLogin(user: string, pass: string): Promise<string> {
    const c = await RawImap.connect(r.servers.ports.imaps);
    const out = await c.cmd('a1', `LOGIN ${user} "${pass}"`);
    c.close();
    return out;
  }

  it('adds (printed once), lists, and revokes an app password, audited with the reason', async () => {
    const an = await r.user('annv');
    const noReason = await thutin(r.dataDir, ['account', 'app-password', 'add', an, '--name', 'Thunderbird']);
    expect(noReason.code).not.toBe(0);
    expect(noReason.out).toMatch(/--reason/);

    const added = await thutin(r.dataDir, ['account', 'app-password', 'add', an, '--name', 'Thunderbird', '--reason', 'Phiếu yêu cầu 12/2026']);
    expect(added.code).toBe(0);
    const password = /([a-z2-9]{4}(?:-[a-z2-9]{4}){4})/.exec(added.out)![1];
    expect(await imapLogin(an, password)).toMatch(/a1 OK/);

    const list = await thutin(r.dataDir, ['account', 'app-password', 'list', an, '--json']);
    expect(list.code).toBe(0);
    const rows = JSON.parse(list.out) as Array<{ id: number; name: string; lastUsedAt: number | null }>;
    expect(rows).toHaveLength(1);
    expect(rows[0].name).toBe('Thunderbird');
    expect(rows[0].lastUsedAt).not.toBeNull();
    expect(list.out).not.toContain(password);

    const revoked = await thutin(r.dataDir, ['account', 'app-password', 'revoke', an, '--id', String(rows[0].id), '--reason', 'Mất máy tính']);
    expect(revoked.code).toBe(0);
    expect(await imapLogin(an, password)).toMatch(/a1 NO/);
    const audit = await r.app.audit.list(10, { target: an });
    expect(audit.find((e) => e.action === 'account.app-password-add')?.reason).toBe('Phiếu yêu cầu 12/2026');
    expect(audit.find((e) => e.action === 'account.app-password-revoke')?.reason).toBe('Mất máy tính');
  });

  it('revoking an app password in another process ends the IMAP session it opened, and only that one', async () => {
    const an = await r.user('binhtt');
    const added = await thutin(r.dataDir, ['account', 'app-password', 'add', an, '--name', 'Điện thoại', '--reason', 'Phiếu 13/2026']);
    const password = /([a-z2-9]{4}(?:-[a-z2-9]{4}){4})/.exec(added.out)![1];
    const open = async (pass: string) => {
      const c = new ImapFlow({ host: '127.0.0.1', port: r.servers.ports.imaps, secure: true, tls: { rejectUnauthorized: false }, auth: { user: an, pass }, logger: false });
      await c.connect();
      return c;
    };
    const phone = await open(password);
    const desk = await open(TEST_PASSWORD);
    let phoneClosed = false;
    phone.on('close', () => (phoneClosed = true));
    const id = (JSON.parse((await thutin(r.dataDir, ['account', 'app-password', 'list', an, '--json'])).out) as Array<{ id: number; name: string }>).find((x) => x.name === 'Điện thoại')!.id;
    expect((await thutin(r.dataDir, ['account', 'app-password', 'revoke', an, '--id', String(id), '--reason', 'Mất điện thoại'])).code).toBe(0);
    await eventually(() => phoneClosed, 10_000, 'the app password session to be ended'); // at the server's next poll of the session-end log
    await desk.noop(); // the account password's session goes on
    expect(desk.usable).toBe(true);
    await desk.logout();
  });
});
