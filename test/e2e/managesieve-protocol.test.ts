// ManageSieve (RFC 5804) over a raw socket, on SQLite and PostgreSQL: before STARTTLS SASL is
// empty and AUTHENTICATE is refused NO (ENCRYPT-NEEDED), loopback included, and script commands
// are refused; after STARTTLS the capabilities come again with SASL "PLAIN" and no STARTTLS; PLAIN
// with an initial response and with the empty challenge and a literal response ("*" cancels);
// quotas (HAVESPACE and PUTSCRIPT: QUOTA/MAXSIZE, QUOTA/MAXSCRIPTS; a literal far past the size read
// and thrown away, the connection still in step); `{n}` literals read like `{n+}`; the response
// codes NONEXISTENT, ALREADYEXISTS, ACTIVE, an invalid script's "line N: …" and WARNINGS for a
// redirect past MAXREDIRECTS; NOOP's TAG;
// UNAUTHENTICATE then a second sign-in; a big literal before sign-in ends the connection; bad
// commands end it past the cap; the 11th wrong password is NO (TRYLATER) unchecked; a password reset
// ends a signed-in session with BYE.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestServers, TEST_PASSWORD, type Running } from '../helpers/servers.ts';
import { backends } from '../helpers/harness.ts';
import { RawSieve } from '../helpers/raw-sieve.ts';
import { ERRORS } from '../../src/core/errors.ts';

for (const backend of backends()) {
  describe(`ManageSieve protocol (${backend})`, { timeout: 120_000 }, () => {
    let r: Running;
    let user: string;
    let port: number;

    beforeAll(async () => {
      // No delays between failures (baseDelayMs): the lockout itself is what is tested.
      r = await startTestServers({ backend, config: { sieve: { maxScripts: 2, maxScriptBytes: 300, maxBadCommands: 3 }, security: { signIn: { baseDelayMs: 0 } } } });
      user = await r.user('giaothuc');
      port = r.servers.ports.sieve;
    });
    afterAll(async () => {
      await r?.stop();
    });

    async function signedIn(): Promise<RawSieve> {
      const { c } = await RawSieve.connect(port);
      await c.starttls();
      expect(await c.login(user, TEST_PASSWORD)).toMatch(/^OK/);
      return c;
    }

    it('offers SASL PLAIN only after STARTTLS and refuses AUTHENTICATE before it', async () => {
      const { c, greeting } = await RawSieve.connect(port);
      expect(greeting).toMatch(/^"IMPLEMENTATION" "thutin"\r\n/);
      expect(greeting).toContain('"SASL" ""\r\n');
      expect(greeting).toContain('"STARTTLS"\r\n');
      expect(greeting).toMatch(/"SIEVE" "fileinto reject ereject envelope body vacation vacation-seconds imap4flags copy variables date relational subaddress mailbox/);
      expect(greeting).toContain('"VERSION" "1.0"\r\n');
      expect(greeting).toMatch(/\r\nOK "thutin ManageSieve/);
      expect(await c.login(user, TEST_PASSWORD)).toMatch(/^NO \(ENCRYPT-NEEDED\) /);
      expect(await c.cmd('LISTSCRIPTS')).toMatch(/^NO /);
      expect(await c.cmd('NOOP "truoc-tls"')).toBe('OK (TAG "truoc-tls") "Xong / done"\r\n');
      const again = await c.starttls();
      expect(again).toContain('"SASL" "PLAIN"\r\n');
      expect(again).not.toContain('STARTTLS');
      expect(again).toMatch(/\r\nOK /);
      expect(await c.cmd('STARTTLS')).toMatch(/^NO /);
      // PLAIN with the empty challenge, the response as a literal; then a cancelled exchange
      c.write('AUTHENTICATE "PLAIN"\r\n');
      const b64 = Buffer.from(`\0${user}\0sai-mat-khau`).toString('base64');
      expect(await c.withLiteral('', b64)).toMatch(/^""\r\nNO "Sai tên đăng nhập hoặc mật khẩu \/ authentication failed"\r\n$/);
      c.write('AUTHENTICATE "PLAIN"\r\n');
      expect(await c.cmd('"*"')).toMatch(/^""\r\nNO .*cancelled/);
      const good = Buffer.from(`\0${user}\0${TEST_PASSWORD}`).toString('base64');
      c.write('AUTHENTICATE "PLAIN"\r\n');
      expect(await c.cmd(`{${good.length}+}\r\n${good}`)).toMatch(/^""\r\nOK /);
      const caps = await c.cmd('CAPABILITY');
      expect(caps).toContain(`"OWNER" "${user}"\r\n`);
      expect(await c.cmd('LOGOUT')).toMatch(/^OK /);
      await new Promise((res) => setTimeout(res, 100));
      expect(c.closed).toBe(true);
    });

    it('keeps the quotas: HAVESPACE and PUTSCRIPT answer QUOTA/MAXSIZE and QUOTA/MAXSCRIPTS', async () => {
      const c = await signedIn();
      expect(await c.cmd('HAVESPACE "một" 100')).toMatch(/^OK /);
      expect(await c.cmd('HAVESPACE "một" 301')).toMatch(/^NO \(QUOTA\/MAXSIZE\) /);
      expect(await c.withLiteral('PUTSCRIPT "một"', `# ${'x'.repeat(300)}\r\nkeep;\r\n`)).toMatch(/^NO \(QUOTA\/MAXSIZE\) /);
      // Far past the size: read and thrown away, and the connection stays in step.
      expect(await c.withLiteral('PUTSCRIPT "một"', Buffer.alloc(200_000, 0x20))).toMatch(/^NO \(QUOTA\/MAXSIZE\) /);
      expect(await c.withLiteral('PUTSCRIPT "một"', 'keep;\r\n')).toMatch(/^OK /);
      // a synchronising literal {n}: no continuation, read the same way
      expect(await c.withLiteral('PUTSCRIPT "hai"', 'discard;\r\n', true)).toMatch(/^OK /);
      expect(await c.cmd('HAVESPACE "ba" 10')).toMatch(/^NO \(QUOTA\/MAXSCRIPTS\) /);
      expect(await c.withLiteral('PUTSCRIPT "ba"', 'keep;\r\n')).toMatch(/^NO \(QUOTA\/MAXSCRIPTS\) /);
      // replacing an existing one is not a new script
      expect(await c.cmd('HAVESPACE "hai" 10')).toMatch(/^OK /);
      expect(await c.cmd('LISTSCRIPTS')).toBe('"hai"\r\n"một"\r\nOK "2 kịch bản / listscripts completed"\r\n');
      for (const name of ['một', 'hai']) expect(await c.cmd(`DELETESCRIPT "${name}"`)).toMatch(/^OK /);
      c.close();
    });

    it('answers NONEXISTENT, ALREADYEXISTS, ACTIVE and an invalid script with its line', async () => {
      const c = await signedIn();
      expect(await c.cmd('GETSCRIPT "không có"')).toMatch(/^NO \(NONEXISTENT\) /);
      expect(await c.cmd('SETACTIVE "không có"')).toMatch(/^NO \(NONEXISTENT\) /);
      expect(await c.withLiteral('PUTSCRIPT "a"', 'keep;\r\n')).toMatch(/^OK /);
      expect(await c.withLiteral('PUTSCRIPT "b"', 'stop;\r\n')).toMatch(/^OK /);
      expect(await c.cmd('RENAMESCRIPT "a" "b"')).toMatch(/^NO \(ALREADYEXISTS\) /);
      expect(await c.cmd('SETACTIVE "a"')).toMatch(/^OK /);
      expect(await c.cmd('DELETESCRIPT "a"')).toMatch(/^NO \(ACTIVE\) /);
      expect(await c.cmd('RENAMESCRIPT "a" "c"')).toMatch(/^OK /);
      expect(await c.cmd('LISTSCRIPTS')).toBe('"b"\r\n"c" ACTIVE\r\nOK "2 kịch bản / listscripts completed"\r\n');
      expect(await c.cmd('GETSCRIPT "c"')).toBe('{7}\r\nkeep;\r\n\r\nOK "Xong / getscript completed"\r\n');
      expect(await c.withLiteral('PUTSCRIPT "b"', 'require "fileinto";\r\nif true {\r\n  fileinto;\r\n}\r\n')).toMatch(/^NO "line 3: /);
      expect(await c.withLiteral('CHECKSCRIPT', 'frobnicate;\r\n')).toMatch(/^NO "line 1: /);
      expect(await c.withLiteral('CHECKSCRIPT', 'require "vacation";\r\nvacation "Vắng mặt";\r\n')).toMatch(/^OK /);
      // RFC 5804 §1.3's own example: a redirect past MAXREDIRECTS is stored with a warning naming its line
      const redirects = [1, 2, 3, 4, 5, 6].map((i) => `redirect "vanthu${i}@kontum.gov.vn";`).join('\r\n');
      expect(await c.withLiteral('CHECKSCRIPT', `${redirects}\r\n`)).toMatch(/^OK \(WARNINGS\) "line 6: .*the server's redirect limit is 5, this redirect might be ignored"\r\n$/);
      expect(await c.withLiteral('PUTSCRIPT "b"', `# chuyển tiếp\r\n${redirects}\r\n`)).toMatch(/^OK \(WARNINGS\) "line 7: /);
      expect(await c.cmd('SETACTIVE ""')).toMatch(/^OK /);
      for (const name of ['b', 'c']) expect(await c.cmd(`DELETESCRIPT "${name}"`)).toMatch(/^OK /);
      c.close();
    });

    it('UNAUTHENTICATE returns to the unauthenticated state; a second sign-in works', async () => {
      const c = await signedIn();
      expect(await c.cmd('UNAUTHENTICATE')).toMatch(/^OK /);
      expect(await c.cmd('LISTSCRIPTS')).toMatch(/^NO /);
      expect(await c.cmd('UNAUTHENTICATE')).toMatch(/^NO /);
      expect(await c.cmd('CAPABILITY')).not.toContain('OWNER');
      expect(await c.login(user, TEST_PASSWORD)).toMatch(/^OK /);
      expect(await c.cmd('LISTSCRIPTS')).toMatch(/(^|\r\n)OK "/);
      c.close();
    });

    it('ends a connection sending a big literal before sign-in, or too many bad commands', async () => {
      const { c } = await RawSieve.connect(port);
      expect(await c.withLiteral('AUTHENTICATE "PLAIN"', Buffer.alloc(20_000, 0x41))).toMatch(/^BYE /);
      await new Promise((res) => setTimeout(res, 100));
      expect(c.closed).toBe(true);
      // the same as the response of a SASL exchange
      const { c: e } = await RawSieve.connect(port);
      await e.starttls();
      e.write('AUTHENTICATE "PLAIN"\r\n');
      expect(await e.withLiteral('', Buffer.alloc(20_000, 0x41))).toMatch(/^""\r\nBYE /);
      const { c: d } = await RawSieve.connect(port);
      expect(await d.cmd('FROB')).toMatch(/^NO /);
      expect(await d.cmd('GETSCRIPT')).toMatch(/^NO /);
      expect(await d.cmd('PUTSCRIPT "x" "keep;"')).toMatch(/^NO .*authenticate first/);
      expect(await d.response()).toMatch(/^BYE "Quá nhiều lệnh sai \/ too many bad commands"/);
      await new Promise((res) => setTimeout(res, 100));
      expect(d.closed).toBe(true);
    });

    it('the 11th wrong password on an account is refused NO (TRYLATER) without a check, as at every door', async () => {
      const login = await r.user('domat');
      const { c } = await RawSieve.connect(port);
      await c.starttls();
      const answers: string[] = [];
      for (let i = 0; i < 11; i++) answers.push(await c.login(login, `sai-mat-khau-${i}`));
      answers.push(await c.login(login, TEST_PASSWORD)); // locked: even the right one is not checked
      c.close();
      expect(answers.slice(0, 10)).toEqual(Array(10).fill('NO "Sai tên đăng nhập hoặc mật khẩu / authentication failed"\r\n'));
      expect(answers[10]).toBe(`NO (TRYLATER) "${ERRORS.TOO_MANY_ATTEMPTS.vi} / ${ERRORS.TOO_MANY_ATTEMPTS.en}"\r\n`);
      expect(answers[11]).toMatch(/^NO \(TRYLATER\) /);
      const account = (await r.app.accounts.byAddress(login))!;
      const history = await r.app.signIn.history(account.id, 50);
      expect(history).toHaveLength(10);
      expect(new Set(history.map((h) => h.protocol))).toEqual(new Set(['managesieve']));
    });

    it('a password reset ends a signed-in session with BYE', async () => {
      const login = await r.user('datlai');
      const { c } = await RawSieve.connect(port);
      await c.starttls();
      expect(await c.login(login, TEST_PASSWORD)).toMatch(/^OK /);
      await r.app.accounts.resetPassword(login, 'test', { reason: 'Phiếu yêu cầu 12/2026' });
      expect(await c.response()).toMatch(/^BYE "Phiên đã kết thúc \/ session ended"/);
      await new Promise((res) => setTimeout(res, 100));
      expect(c.closed).toBe(true);
    });
  });
}
