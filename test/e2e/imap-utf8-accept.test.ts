// RFC 6855 UTF8=ACCEPT with Python's imaplib (which speaks it: enable() switches it to UTF-8 and
// APPEND to `UTF8 (literal)`): folder names travel as UTF-8 instead of modified UTF-7 once enabled
// (LIST, STATUS, GETQUOTAROOT), a message with raw UTF-8 header fields is appended and found.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startTestServers, TEST_PASSWORD, type Running } from '../helpers/servers.ts';
import { RawImap } from '../helpers/raw-imap.ts';

const run = promisify(execFile);

describe('IMAP UTF8=ACCEPT (RFC 6855)', { timeout: 60_000 }, () => {
  let r: Running;
  let an: string;
  beforeAll(async () => {
    r = await startTestServers();
    an = await r.user('annv');
    await r.app.store.createMailbox((await r.app.accounts.byAddress(an))!.id, 'Công văn đến');
  });
  afterAll(async () => r?.stop());

  it('names folders in modified UTF-7 until enabled, then in UTF-8 (raw socket)', async () => {
    const c = await RawImap.connect(r.servers.ports.imaps);
    await c.cmd('a', `LOGIN ${an} "${TEST_PASSWORD}"`);
    expect(await c.cmd('b', 'LIST "" "C*"')).toContain('"C&APQ-ng v&AQM-n &AREevw-n"');
    expect(await c.cmd('c', 'ENABLE UTF8=ACCEPT')).toContain('* ENABLED UTF8=ACCEPT');
    const list = await c.cmd('d', 'LIST "" "C*"');
    expect(list).toMatch(/\* LIST \([^)]*\) "\/" "Công văn đến"/); // RFC 6855 §3: a UTF-8 quoted string
    expect(await c.cmd('e', Buffer.from('STATUS "Công văn đến" (MESSAGES)'))).toMatch(/\* STATUS "Công văn đến" \(MESSAGES 0\)/);
    expect(await c.cmd('f', Buffer.from('GETQUOTAROOT "Công văn đến"'))).toMatch(/\* QUOTAROOT "Công văn đến" ""/);
    c.close();
  });

  it("works with Python imaplib's UTF8=ACCEPT: UTF-8 names and APPEND of a message with raw UTF-8 headers", async () => {
    const py = [
      'import imaplib, ssl, json',
      'ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE',
      `m = imaplib.IMAP4_SSL("127.0.0.1", ${r.servers.ports.imaps}, ssl_context=ctx)`,
      `m.login("${an}", "${TEST_PASSWORD}")`,
      'out = {"enable": m.enable("UTF8=ACCEPT")[0]}',
      'out["create"] = m.create("\\"Dự án 2027\\"")[0]',
      'msg = "From: Đặng Văn Bình <binhdv@kontum.gov.vn>\\r\\nTo: annv@kontum.gov.vn\\r\\nSubject: Kế hoạch dự án\\r\\n\\r\\nNội dung.\\r\\n".encode("utf-8")',
      'out["append"] = m.append("\\"Dự án 2027\\"", None, None, msg)[0]',
      'typ, data = m.select("\\"Dự án 2027\\"")',
      'out["select"] = [typ, data[0].decode()]',
      'typ, data = m.fetch("1", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")',
      'out["subject"] = data[0][1].decode("utf-8").strip()',
      'typ, data = m.list(\'""\', "D*")',
      'out["list"] = [x.decode("utf-8") if isinstance(x, bytes) else repr(x) for x in data]',
      'print(json.dumps(out, ensure_ascii=False))',
    ].join('\n');
    const { stdout } = await run('python3', ['-c', py], { timeout: 20_000 });
    const out = JSON.parse(stdout) as Record<string, unknown>;
    expect(out).toMatchObject({ enable: 'OK', create: 'OK', append: 'OK', select: ['OK', '1'], subject: 'Subject: Kế hoạch dự án' });
    expect((out.list as string[]).join('\n')).toContain('Dự án 2027');
  });
});
