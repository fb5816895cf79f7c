// IMAP end to end with Python's imaplib: LOGINDISABLED before STARTTLS, STARTTLS, UTF-8
// SEARCH (with and without diacritics), FETCH of MIME sections, STORE and EXPUNGE.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { startTestServers, TEST_PASSWORD, type Running } from '../helpers/servers.ts';

const run = promisify(execFile);

describe('IMAP with Python imaplib', () => {
  let r: Running;
  let an: string;
  beforeAll(async () => {
    r = await startTestServers();
    an = await r.user('annv');
  });
  afterAll(async () => {
    await r?.stop();
  });

  it('runs a whole session the way imaplib does', async () => {
    const script = path.join(import.meta.dirname, 'clients', 'imaplib_session.py');
    const { stdout } = await run('python3', [script, '127.0.0.1', String(r.servers.ports.imap), an, TEST_PASSWORD], { timeout: 20000 });
    const out = JSON.parse(stdout);
    expect(out.caps_before_tls).toEqual(expect.arrayContaining(['STARTTLS', 'LOGINDISABLED']));
    expect(out.caps_before_tls).not.toContain('AUTH=PLAIN');
    expect(out.login_before_tls).toMatch(/^refused/);
    expect(out.caps_after_tls).toContain('AUTH=PLAIN');
    expect(out.login).toBe('OK');
    expect(out.append[1]).toMatch(/^\[APPENDUID \d+ 1\]/);
    expect(out.search_utf8).toBe('1');
    expect(out.search_folded).toBe('1');
    expect(out.fetch_part1).toBe('Kế hoạch năm 2027 của Sở Thông tin và Truyền thông.');
    expect(out.fetch_part2_mime).toBe('Content-Type: application/pdf; name="ke-hoach.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n');
    expect(out.fetch_subject).toBe('Subject: =?UTF-8?Q?K=E1=BA=BF_ho=E1=BA=A1ch_n=C4=83m?=\r\n\r\n');
    // RFC 3501 body-type-mpart: the parts follow each other with no space between them.
    expect(out.bodystructure).toMatch(
      /\(\("TEXT" "PLAIN" \("CHARSET" "utf-8"\) NIL NIL "8BIT" 65 \d+ [^)]*\)\("APPLICATION" "PDF" \("NAME" "ke-hoach.pdf"\) NIL NIL "BASE64" 12 [^)]*\) "MIXED" \("BOUNDARY" "b1"\)/i,
    );
    expect(out.expunge).toEqual(['1']);
    expect(out.exists_after).toBe('0');
  });
});
