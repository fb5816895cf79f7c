// RFC 3516 BINARY over real sockets: BINARY[part] undoes base64 and quoted-printable and answers a
// literal8 (~{n}) when the bytes hold NUL, BINARY.SIZE, partial BINARY, an unknown encoding
// answered NO [UNKNOWN-CTE], BINARY setting \Seen and BINARY.PEEK not; and Python's imaplib reading
// the decoded attachment.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startTestServers, TEST_PASSWORD, type Running } from '../helpers/servers.ts';
import { RawImap } from '../helpers/raw-imap.ts';

const run = promisify(execFile);
const ATTACHMENT = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x41, 0x42, 0x00, 0x43]); // "PK\3\4\0\0AB\0C"
const MSG = [
  'From: an@kontum.gov.vn',
  'To: binh@kontum.gov.vn',
  'Subject: BINARY',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="b"',
  '',
  '--b',
  'Content-Type: text/plain; charset=utf-8',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  'K=E1=BA=BF ho=E1=BA=A1ch n=C4=83m 2027=',
  ' c=E1=BB=A7a S=E1=BB=9F.',
  '--b',
  'Content-Type: application/zip; name="a.zip"',
  'Content-Transfer-Encoding: base64',
  '',
  ATTACHMENT.toString('base64'),
  '--b',
  'Content-Type: application/octet-stream',
  'Content-Transfer-Encoding: x-uuencode',
  '',
  'begin 644 x',
  '--b--',
  '',
].join('\r\n');

describe('IMAP BINARY (RFC 3516)', { timeout: 60_000 }, () => {
  let r: Running;
  let c: RawImap;
  let an: string;
  beforeAll(async () => {
    r = await startTestServers();
    an = await r.user('annv');
    const id = (await r.app.accounts.byAddress(an))!.id;
    await r.app.store.append(id, 'INBOX', Buffer.from(MSG), []);
    c = await RawImap.connect(r.servers.ports.imaps);
    await c.cmd('a', `LOGIN ${an} "${TEST_PASSWORD}"`);
    await c.cmd('b', 'SELECT INBOX');
  });
  afterAll(async () => {
    c?.close();
    await r?.stop();
  });

  it('announces BINARY', async () => {
    expect(await c.cmd('c', 'CAPABILITY')).toMatch(/ BINARY[ \r]/);
  });

  it('decodes quoted-printable text and base64 with NUL (as literal8), and their sizes', async () => {
    const text = await c.cmd('d', 'FETCH 1 (BINARY.PEEK[1] BINARY.SIZE[1])');
    expect(text).toContain('BINARY[1] {34}\r\nKế hoạch năm 2027 của Sở.');
    expect(text).toMatch(/BINARY\.SIZE\[1\] 34/);
    const zip = await c.cmd('e', 'FETCH 1 (BINARY.PEEK[2] BINARY.SIZE[2])');
    expect(zip).toContain(`BINARY[2] ~{10}\r\n${ATTACHMENT.toString('latin1')}`);
    expect(zip).toMatch(/BINARY\.SIZE\[2\] 10/);
    expect(await c.cmd('f', 'FETCH 1 (BINARY.PEEK[2]<6.2>)')).toContain('BINARY[2]<6> {2}\r\nAB');
    expect(await c.cmd('g', 'FETCH 1 (BINARY.PEEK[9])')).toContain('BINARY[9] {0}\r\n');
  });

  it('answers an encoding it does not know with NO [UNKNOWN-CTE]', async () => {
    expect(await c.cmd('h', 'FETCH 1 (BINARY.PEEK[3])')).toMatch(/^h NO \[UNKNOWN-CTE\]/m);
  });

  it('BINARY sets \\Seen, BINARY.PEEK does not', async () => {
    expect(await c.cmd('i', 'FETCH 1 (FLAGS)')).not.toContain('\\Seen');
    expect(await c.cmd('j', 'FETCH 1 (BINARY[1])')).toMatch(/FLAGS \([^)]*\\Seen/);
  });

  it("Python's imaplib reads the decoded attachment", async () => {
    const py = [
      'import imaplib, ssl, sys, json',
      'ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE',
      `m = imaplib.IMAP4_SSL("127.0.0.1", ${r.servers.ports.imaps}, ssl_context=ctx)`,
      `m.login("${an}", "${TEST_PASSWORD}")`,
      'm.select("INBOX")',
      'typ, data = m.fetch("1", "(BINARY.PEEK[2])")',
      'print(json.dumps([typ, list(data[0][1])]))',
    ].join('\n');
    const { stdout } = await run('python3', ['-c', py], { timeout: 20_000 });
    expect(JSON.parse(stdout)).toEqual(['OK', [...ATTACHMENT]]);
  });
});
