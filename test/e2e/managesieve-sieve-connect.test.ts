// ManageSieve (RFC 5804) end to end with Debian's sieve-connect (a Perl client we did not write),
// on SQLite and PostgreSQL: it reads the greeting, upgrades with STARTTLS (the self-signed test
// certificate, --notlsverify), signs in with SASL PLAIN, then uploads a script, lists it, activates
// it (LISTSCRIPTS marks it ACTIVE, and the core's active script is it), downloads it byte for byte
// (UTF-8 Vietnamese, a `text:` block), checks a local file (CHECKSCRIPT), is refused an invalid
// script with the line of the error, is refused the deletion of the active script, deactivates and
// deletes it. The sign-in is recorded with protocol 'managesieve'.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestServers, TEST_PASSWORD, type Running } from '../helpers/servers.ts';
import { backends } from '../helpers/harness.ts';
import { missingTool } from '../helpers/tools.ts';

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

function sieveConnect(port: number, user: string, args: string[], password = TEST_PASSWORD): Promise<Ran> {
  return new Promise((resolve) => {
    const child = execFile(
      'sieve-connect',
      ['--server', '127.0.0.1', '--port', String(port), '--nosrv', '--user', user, '--passwordfd', '0', '--notlsverify', ...args],
      { timeout: 30_000 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin!.end(`${password}\n`);
  });
}

const SCRIPT = `require ["fileinto", "vacation"];
# Lọc thư của Sở Nội vụ vào thư mục riêng
if header :contains "subject" "Công văn" {
  fileinto "Công văn";
}
vacation :days 3 :subject "Vắng mặt" text:
Tôi đang đi công tác, sẽ trả lời sau.
.
;
`;

const INVALID = `require "fileinto";
fileinto;
`;

for (const backend of backends()) {
  describe.skipIf(missingTool('sieve-connect', 'ManageSieve with sieve-connect'))(`ManageSieve with sieve-connect (${backend})`, { timeout: 120_000 }, () => {
    let r: Running;
    let user: string;
    let dir: string;
    let port: number;

    beforeAll(async () => {
      r = await startTestServers({ backend });
      user = await r.user('locsieve');
      port = r.servers.ports.sieve;
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-sieve-connect-'));
    });
    afterAll(async () => {
      await r?.stop();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it('uploads, lists, activates, downloads the same bytes, refuses an invalid script with its line, deletes', async () => {
      const local = path.join(dir, 'loc.sieve');
      fs.writeFileSync(local, SCRIPT);

      const up = await sieveConnect(port, user, ['--upload', '--localsieve', local, '--remotesieve', 'lọc thư']);
      expect(up.code, up.stderr).toBe(0);
      const account = (await r.app.accounts.byAddress(user))!;
      expect(await r.app.sieveScripts.get(account.id, 'lọc thư')).toBe(SCRIPT);

      const check = await sieveConnect(port, user, ['--checkscript', '--localsieve', local]);
      expect(check.code, check.stderr).toBe(0);

      const act = await sieveConnect(port, user, ['--activate', '--remotesieve', 'lọc thư']);
      expect(act.code, act.stderr).toBe(0);
      expect((await r.app.sieveScripts.active(account.id))?.name).toBe('lọc thư');

      const list = await sieveConnect(port, user, ['--list']);
      expect(list.code, list.stderr).toBe(0);
      expect(list.stdout).toContain('"lọc thư" ACTIVE');

      const back = path.join(dir, 'back.sieve');
      const down = await sieveConnect(port, user, ['--download', '--remotesieve', 'lọc thư', '--localsieve', back]);
      expect(down.code, down.stderr).toBe(0);
      expect(fs.readFileSync(back)).toEqual(Buffer.from(SCRIPT, 'utf8'));

      const bad = path.join(dir, 'bad.sieve');
      fs.writeFileSync(bad, INVALID);
      const refused = await sieveConnect(port, user, ['--upload', '--localsieve', bad, '--remotesieve', 'hỏng']);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/line 2:/);
      await expect(r.app.sieveScripts.get(account.id, 'hỏng')).rejects.toThrow();

      const activeDelete = await sieveConnect(port, user, ['--delete', '--remotesieve', 'lọc thư']);
      expect(`${activeDelete.stdout}${activeDelete.stderr}`).toMatch(/ACTIVE/);
      expect((await r.app.sieveScripts.list(account.id)).map((s) => s.name)).toEqual(['lọc thư']);

      const off = await sieveConnect(port, user, ['--deactivate']);
      expect(off.code, off.stderr).toBe(0);
      const del = await sieveConnect(port, user, ['--delete', '--remotesieve', 'lọc thư']);
      expect(del.code, del.stderr).toBe(0);
      expect(await r.app.sieveScripts.list(account.id)).toEqual([]);

      const history = await r.app.signIn.history(account.id, 50);
      expect(history.some((h) => h.protocol === 'managesieve' && h.success)).toBe(true);
    });

    it('a wrong password is refused', async () => {
      const res = await sieveConnect(port, user, ['--list'], 'sai-mat-khau');
      expect(res.code).not.toBe(0);
      expect(res.stderr).toMatch(/authentication failed|refused/i);
    });
  });
}
