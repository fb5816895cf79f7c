// RFC 4469 CATENATE over a raw socket (no common client we could drive sends it; Trojitá does):
// a new message made of TEXT parts and URLs naming a section of a stored message (absolute from
// the mailbox, and relative to the selected one), stored byte-exact; bad URLs refused NO [BADURL].
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestServers, TEST_PASSWORD, type Running } from '../helpers/servers.ts';
import { RawImap } from '../helpers/raw-imap.ts';

const ORIGINAL = [
  'From: an@kontum.gov.vn',
  'Subject: Hồ sơ',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="b"',
  '',
  '--b',
  'Content-Type: text/plain',
  '',
  'Thư gốc.',
  '--b',
  'Content-Type: application/pdf; name="hs.pdf"',
  'Content-Transfer-Encoding: base64',
  '',
  'JVBERi0xLjQK',
  '--b--',
  '',
].join('\r\n');

describe('IMAP CATENATE (RFC 4469)', { timeout: 60_000 }, () => {
  let r: Running;
  let c: RawImap;
  let uidvalidity = 0;
  beforeAll(async () => {
    r = await startTestServers();
    const an = await r.user('annv');
    const id = (await r.app.accounts.byAddress(an))!.id;
    await r.app.store.append(id, 'INBOX', Buffer.from(ORIGINAL), []);
    uidvalidity = (await r.app.store.getMailbox(id, 'INBOX'))!.uidvalidity;
    c = await RawImap.connect(r.servers.ports.imaps);
    await c.cmd('a', `LOGIN ${an} "${TEST_PASSWORD}"`);
  });
  afterAll(async () => {
    c?.close();
    await r?.stop();
  });

  it('announces CATENATE and builds a message from text and the attachment of another', async () => {
    expect(await c.cmd('b', 'CAPABILITY')).toContain(' CATENATE');
    const head = 'From: an@kontum.gov.vn\r\nSubject: Fwd\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="n"\r\n\r\n--n\r\nContent-Type: text/plain\r\n\r\nChuyển tiếp.\r\n--n\r\n';
    const headBytes = Buffer.from(head);
    const tail = '\r\n--n--\r\n';
    const url = `/INBOX;UIDVALIDITY=${uidvalidity}/;UID=1/;SECTION=2.MIME`;
    const url2 = `/INBOX/;UID=1/;SECTION=2`;
    const cmd = Buffer.concat([Buffer.from(`APPEND INBOX CATENATE (TEXT {${headBytes.length}+}\r\n`), headBytes, Buffer.from(` URL "${url}" URL "${url2}" TEXT {${tail.length}+}\r\n${tail})`)]);
    const out = await c.cmd('c', cmd);
    expect(out).toMatch(/^c OK \[APPENDUID \d+ 2\]/m);
    await c.cmd('d', 'SELECT INBOX');
    const body = await c.cmd('e', 'FETCH 2 BODY.PEEK[]');
    const expected = head + 'Content-Type: application/pdf; name="hs.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK' + tail;
    expect(body).toContain(`{${Buffer.byteLength(expected)}}\r\n${expected}`);
  });

  it('takes a URL relative to the selected mailbox', async () => {
    const out = await c.cmd('f', Buffer.from('APPEND INBOX CATENATE (URL ";UID=1/;SECTION=HEADER" TEXT {6+}\r\nHello\n)'));
    expect(out).toMatch(/^f OK \[APPENDUID \d+ 3\]/m);
    expect(await c.cmd('g', 'FETCH 3 BODY.PEEK[HEADER.FIELDS (SUBJECT)]')).toContain('Subject: Hồ sơ');
  });

  it('refuses a stale UIDVALIDITY, a missing message, another user and an unparsable URL with NO [BADURL]', async () => {
    for (const [tag, url] of [
      ['h', `/INBOX;UIDVALIDITY=${uidvalidity + 1}/;UID=1`],
      ['i', '/INBOX/;UID=99'],
      ['j', 'imap://binhlt@mail.kontum.gov.vn/INBOX/;UID=1'],
      ['k', '/INBOX/;UID=1/;SECTION=NOPE'],
      ['l', '/Không có/;UID=1'],
    ]) {
      expect(await c.cmd(tag, Buffer.from(`APPEND INBOX CATENATE (URL "${url}")`))).toMatch(new RegExp(`^${tag} NO \\[BADURL `, 'm'));
    }
    expect(await c.cmd('m', 'STATUS INBOX (MESSAGES)')).toContain('MESSAGES 3');
  });
});
