// The address book as mail clients use it, with OpenLDAP's own tools (ldapsearch, ldapwhoami,
// ldapdelete): StartTLS and LDAPS, binds with a real account, Thunderbird's and Outlook's filters,
// paged results, size limits, refusals, and a garbage byte stream that must not hurt anyone else.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import net from 'node:net';
import { promisify } from 'node:util';
import { backends } from '../helpers/harness.ts';
import { startTestServers, TEST_PASSWORD, type Running } from '../helpers/servers.ts';
import { decodeResponse } from '../../src/ldap/protocol/client.ts';
import { LdapFramer } from '../../src/ldap/protocol/framer.ts';
import { Oid } from '../../src/ldap/protocol/constants.ts';
import { missingTool } from '../helpers/tools.ts';

const exec = promisify(execFile);
const BASE = 'dc=kontum,dc=gov,dc=vn';
// The certificate is self-signed; no ldap.conf or ldaprc of the machine applies (LDAPNOINIT would drop LDAPTLS_* too).
const ENV = { ...process.env, LDAPTLS_REQCERT: 'never', LDAPCONF: '/dev/null', LDAPRC: '/dev/null' };

interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

async function tool(cmd: string, args: string[]): Promise<ToolResult> {
  try {
    const { stdout, stderr } = await exec(cmd, args, { env: ENV, timeout: 20_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    if (typeof err.code !== 'number') throw e;
    return { code: err.code, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

type Entry = Record<string, string[]>;

/** Parse LDIF as ldapsearch prints it: folded lines, `attr: value` and `attr:: base64`. */
function parseLdif(text: string): Entry[] {
  const lines = text.replace(/\r?\n /g, '').split(/\r?\n/);
  const entries: Entry[] = [];
  let cur: Entry | null = null;
  for (const line of lines) {
    if (line.startsWith('#')) continue;
    if (line.trim() === '') {
      cur = null;
      continue;
    }
    const m = /^([^:]+)(::?) ?(.*)$/.exec(line);
    if (!m) continue;
    if (!cur) {
      cur = {};
      entries.push(cur);
    }
    const value = m[2] === '::' ? Buffer.from(m[3], 'base64').toString('utf8') : m[3];
    (cur[m[1]] ??= []).push(value);
  }
  return entries.filter((e) => e.dn); // without -LLL, result blocks (search:, result:) follow the entries
}

describe.skipIf(missingTool('ldapsearch', 'LDAP address book with ldapsearch')).each(backends())('LDAP address book with ldapsearch (%s)', (backend) => {
  let r: Running;
  let huong: string;
  let an: string;
  let starttls: string[];
  let ldaps: string[];

  beforeAll(async () => {
    r = await startTestServers({ backend });
    const d = r.app.directory;
    const ctx = { actor: 'test' };
    await d.createUnit({ code: 'UBND', name: 'Ủy ban nhân dân tỉnh Kon Tum', kind: 'province', withMailbox: false }, ctx);
    await d.createUnit({ code: 'SNV', name: 'Sở Nội vụ', kind: 'agency', parentCode: 'UBND' }, ctx);
    huong = (await d.createPerson({ fullName: 'Đặng Thị Hương', title: 'Phó Giám đốc', unitCode: 'SNV', phone: '0260 3862 123', password: TEST_PASSWORD }, ctx)).address;
    an = (await d.createPerson({ fullName: 'Nguyễn Văn An', title: 'Chuyên viên', unitCode: 'SNV', password: TEST_PASSWORD }, ctx)).address;
    await d.createPerson({ fullName: 'Trần Đăng Khoa', title: 'Chuyên viên', unitCode: 'SNV', password: TEST_PASSWORD }, ctx);
    const dung = await d.createPerson({ fullName: 'Đặng Văn Dũng', unitCode: 'SNV', password: TEST_PASSWORD }, ctx);
    await d.setPersonStatus(dung.person.id, 'suspended', ctx);
    starttls = ['-H', `ldap://127.0.0.1:${r.servers.ports.ldap}`, '-ZZ', '-x'];
    ldaps = ['-H', `ldaps://127.0.0.1:${r.servers.ports.ldaps}`, '-x'];
  }, 60_000);
  afterAll(async () => {
    await r?.stop();
  });

  const search = (conn: string[], bind: string[], args: string[]) => tool('ldapsearch', [...conn, ...bind, '-b', BASE, '-LLL', ...args]);

  it('over StartTLS, bound with a mail address: (cn=*dang*) finds Đặng Thị Hương, base64 in LDIF decoding to the NFC name', async () => {
    const res = await search(starttls, ['-D', huong, '-w', TEST_PASSWORD], ['(cn=*dang*)', 'cn', 'sn', 'givenName', 'mail', 'title', 'ou', 'telephoneNumber']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^cn:: /m);
    const entries = parseLdif(res.stdout);
    const names = entries.map((e) => e.cn[0]).sort();
    expect(names).toEqual(['Trần Đăng Khoa', 'Đặng Thị Hương'].sort());
    const h = entries.find((e) => e.mail[0] === huong)!;
    expect(h.cn[0]).toBe('Đặng Thị Hương'.normalize('NFC'));
    expect(h.cn[0].normalize('NFC')).toBe(h.cn[0]);
    expect(h).toMatchObject({ sn: ['Đặng'], givenName: ['Hương'], title: ['Phó Giám đốc'], ou: ['Sở Nội vụ'], telephoneNumber: ['0260 3862 123'] });
    expect(h.dn[0]).toBe(`uid=${huong.split('@')[0]},ou=people,${BASE}`);
    // the suspended Đặng Văn Dũng is not published
    expect(res.stdout).not.toContain('Dũng');
  });

  it('over LDAPS, bound with a DN and with the local part', async () => {
    const dn = `uid=${an.split('@')[0]},ou=people,${BASE}`;
    const byDn = await search(ldaps, ['-D', dn, '-w', TEST_PASSWORD], ['(uid=' + an.split('@')[0] + ')', 'cn']);
    expect(byDn.code, byDn.stderr).toBe(0);
    expect(parseLdif(byDn.stdout).map((e) => e.cn[0])).toEqual(['Nguyễn Văn An']);
    const byLocal = await search(ldaps, ['-D', an.split('@')[0], '-w', TEST_PASSWORD], ['(sn=nguyen)', 'mail']);
    expect(byLocal.code, byLocal.stderr).toBe(0);
    expect(parseLdif(byLocal.stdout).map((e) => e.mail[0])).toEqual([an]);
  });

  it("Thunderbird's autocomplete and address book filters", async () => {
    const bind = ['-D', an, '-w', TEST_PASSWORD];
    const auto = await search(ldaps, bind, ['(|(cn=dang*huong*)(mail=dang*huong*)(sn=dang*huong*))', 'cn', 'mail']);
    expect(auto.code, auto.stderr).toBe(0);
    expect(parseLdif(auto.stdout).map((e) => e.mail[0])).toEqual([huong]);
    const book = await search(ldaps, bind, ['(&(objectclass=*)(|(cn=*Hương*)(mail=*Hương*)(givenName=*Hương*)(sn=*Hương*)))', 'cn']);
    expect(book.code, book.stderr).toBe(0);
    expect(parseLdif(book.stdout).map((e) => e.cn[0])).toEqual(['Đặng Thị Hương']);
  });

  it("Outlook's paged search (pr=2) returns every person in pages, and its anr filter", async () => {
    const bind = ['-D', an, '-w', TEST_PASSWORD];
    const paged = await tool('ldapsearch', [...ldaps, ...bind, '-b', `ou=people,${BASE}`, '-E', 'pr=2/noprompt', '(&(mail=*)(objectClass=person))', 'mail']);
    expect(paged.code, paged.stderr).toBe(0);
    const entries = parseLdif(paged.stdout);
    expect(entries.map((e) => e.mail[0]).sort(), paged.stdout).toHaveLength(3);
    // a cookie after the first page, none after the last
    expect(paged.stdout.match(/^pagedresults: estimate=3 cookie=\S+$/gm), paged.stdout).toHaveLength(1);
    expect(paged.stdout.match(/^pagedresults: cookie=$/gm), paged.stdout).toHaveLength(1);
    const anr = await search(ldaps, bind, ['(&(mail=*)(|(anr=huong)))', 'displayName']);
    expect(anr.code, anr.stderr).toBe(0);
    expect(parseLdif(anr.stdout).map((e) => e.displayName[0])).toEqual(['Đặng Thị Hương']);
  });

  it('a sizeLimit of 1 gives one entry and sizeLimitExceeded (4)', async () => {
    const res = await search(ldaps, ['-D', an, '-w', TEST_PASSWORD], ['-z', '1', '(objectClass=inetOrgPerson)', 'cn']);
    expect(res.code).toBe(4);
    expect(res.stderr).toMatch(/Size limit exceeded/i);
    expect(parseLdif(res.stdout)).toHaveLength(1);
  });

  it('units and the tree are published too', async () => {
    const res = await search(ldaps, ['-D', an, '-w', TEST_PASSWORD], ['-s', 'one', '-b', `ou=units,${BASE}`, '(objectClass=organizationalUnit)', 'cn', 'mail']);
    expect(res.code, res.stderr).toBe(0);
    const units = parseLdif(res.stdout);
    expect(units.map((u) => u.cn[0]).sort()).toEqual(['Sở Nội vụ', 'Ủy ban nhân dân tỉnh Kon Tum'].sort());
    expect(units.find((u) => u.cn[0] === 'Sở Nội vụ')!.mail[0]).toMatch(/@kontum\.gov\.vn$/);
  });

  it('anonymous search is refused with insufficientAccessRights (50); the root DSE stays readable', async () => {
    const anon = await search(ldaps, [], ['(cn=*dang*)']);
    expect(anon.code).toBe(50);
    expect(anon.stdout).not.toContain('dn:');
    const dse = await tool('ldapsearch', [...ldaps, '-b', '', '-s', 'base', '-LLL', '(objectClass=*)', 'namingContexts', 'supportedLDAPVersion', 'supportedControl']);
    expect(dse.code, dse.stderr).toBe(0);
    expect(dse.stdout).toContain(`namingContexts: ${BASE}`);
    expect(dse.stdout).toContain('supportedControl: 1.2.840.113556.1.4.319');
  });

  it('a wrong password is invalidCredentials (49); a bind in clear text is confidentialityRequired (13)', async () => {
    const wrong = await search(ldaps, ['-D', huong, '-w', 'Sai#mat-khau1'], ['(cn=*dang*)']);
    expect(wrong.code).toBe(49);
    const clear = await tool('ldapsearch', ['-H', `ldap://127.0.0.1:${r.servers.ports.ldap}`, '-x', '-D', huong, '-w', TEST_PASSWORD, '-b', BASE, '(cn=x)']);
    expect(clear.code).toBe(13);
  });

  it('whoami names the bound person; updates are refused (53)', async () => {
    const who = await tool('ldapwhoami', [...starttls, '-D', huong, '-w', TEST_PASSWORD]);
    expect(who.code, who.stderr).toBe(0);
    expect(who.stdout.trim()).toBe(`dn:uid=${huong.split('@')[0]},ou=people,${BASE}`);
    const del = await tool('ldapdelete', [...ldaps, '-D', huong, '-w', TEST_PASSWORD, `uid=${an.split('@')[0]},ou=people,${BASE}`]);
    expect(del.code).toBe(53);
  });

  it('a garbage byte stream gets a Notice of Disconnection and a close; others keep being served', async () => {
    const sock = net.connect(r.servers.ports.ldap, '127.0.0.1');
    const framer = new LdapFramer();
    const got: Buffer[] = [];
    const closed = new Promise<void>((resolve) => sock.on('close', () => resolve()));
    sock.on('data', (b) => got.push(...framer.push(b)));
    sock.on('error', () => {});
    await new Promise<void>((resolve) => sock.once('connect', () => resolve()));
    sock.write(Buffer.from('\x30\x05\x02\x01\x01\x42\x00GET / HTTP/1.1\r\nHost: x\r\n\r\n\xff\xfe\x00'));
    await closed;
    expect(got).toHaveLength(1);
    expect(decodeResponse(got[0])).toMatchObject({ messageId: 0, code: 2, responseName: Oid.noticeOfDisconnection });
    const after = await search(ldaps, ['-D', an, '-w', TEST_PASSWORD], ['(cn=*dang*)', 'cn']);
    expect(after.code, after.stderr).toBe(0);
    expect(parseLdif(after.stdout)).toHaveLength(2);
  });
});
