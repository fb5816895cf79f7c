// RFC 5464 METADATA over a raw socket and Python's imaplib: server entries (/shared/admin, private
// server entries), folder entries /private and /shared with DEPTH and MAXSIZE (LONGENTRIES),
// removal with NIL, binary values as literal8, size and count limits, a read-only delegate refused
// /shared, and entries gone with their folder.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestServers, TEST_PASSWORD, type Running } from '../helpers/servers.ts';
import { RawImap } from '../helpers/raw-imap.ts';
import { encodeMailboxName } from '../../src/imap/protocol/mutf7.ts';

describe('IMAP METADATA (RFC 5464)', { timeout: 60_000 }, () => {
  let r: Running;
  let c: RawImap;
  let an: string;
  let binh: string;
  beforeAll(async () => {
    r = await startTestServers();
    an = await r.user('annv');
    binh = await r.user('binhlt');
    const anId = (await r.app.accounts.byAddress(an))!.id;
    await r.app.store.createMailbox(anId, 'Dự án');
    await r.app.delegations.grant(an, binh, ['read'], { actor: 'test', reason: 'test' });
    c = await RawImap.connect(r.servers.ports.imaps);
    await c.cmd('a', `LOGIN ${an} "${TEST_PASSWORD}"`);
  });
  afterAll(async () => {
    c?.close();
    await r?.stop();
  });

  it('announces METADATA and METADATA-SERVER, and gives the server administrator', async () => {
    expect(await c.cmd('b', 'CAPABILITY')).toMatch(/ METADATA METADATA-SERVER/);
    expect(await c.cmd('c', 'GETMETADATA "" /shared/admin')).toContain('* METADATA "" (/shared/admin "mailto:postmaster@kontum.gov.vn")');
    expect(await c.cmd('d', 'SETMETADATA "" (/shared/admin "mailto:x@y")')).toMatch(/^d NO /m);
    expect(await c.cmd('e', 'SETMETADATA "" (/private/vendor/thutin/theme "dark")')).toMatch(/^e OK/m);
    expect(await c.cmd('f', 'GETMETADATA "" /private/vendor/thutin/theme')).toContain('(/private/vendor/thutin/theme "dark")');
  });

  it('keeps folder entries, private and shared, with DEPTH, MAXSIZE and NIL removal', async () => {
    const name = `"${encodeMailboxName('Dự án')}"`;
    expect(await c.cmd('g', `SETMETADATA ${name} (/private/comment "Việc riêng" /shared/comment "Dự án chung" /shared/vendor/a "1" /shared/vendor/a/b "2")`)).toMatch(/^g OK/m);
    const all = await c.cmd('h', `GETMETADATA (DEPTH infinity) ${name} (/shared/vendor)`);
    expect(all).toContain('/shared/vendor/a "1"');
    expect(all).toContain('/shared/vendor/a/b "2"');
    const one = await c.cmd('i', `GETMETADATA (DEPTH 1) ${name} (/shared/vendor)`);
    expect(one).toContain('/shared/vendor/a "1"');
    expect(one).not.toContain('/shared/vendor/a/b');
    const small = await c.cmd('j', `GETMETADATA (MAXSIZE 5) ${name} (/private/comment /shared/vendor/a)`);
    expect(small).toContain('/shared/vendor/a "1"');
    expect(small).toMatch(/^j OK \[METADATA LONGENTRIES \d+\]/m);
    expect(small).not.toContain('Việc riêng');
    expect(await c.cmd('k', `SETMETADATA ${name} (/shared/vendor/a NIL)`)).toMatch(/^k OK/m);
    expect(await c.cmd('l', `GETMETADATA ${name} /shared/vendor/a`)).not.toContain('* METADATA');
  });

  it('stores a binary value and answers it as literal8', async () => {
    const v = Buffer.from([0x41, 0x00, 0x42]);
    await c.cmd('m', Buffer.concat([Buffer.from('SETMETADATA INBOX (/private/blob ~{3}\r\n'), v, Buffer.from(')')]));
    const out = await c.cmd('n', 'GETMETADATA INBOX /private/blob');
    expect(out).toContain('/private/blob ~{3}\r\nA\0B');
  });

  it('refuses invalid names, a value past the limit, and /shared from a read-only delegate', async () => {
    expect(await c.cmd('o', 'SETMETADATA INBOX (/comment "x")')).toMatch(/^o BAD/m);
    expect(await c.cmd('p', 'GETMETADATA INBOX /private/a*')).toMatch(/^p BAD/m);
    const big = 'x'.repeat(70 * 1024);
    expect(await c.cmd('q', `SETMETADATA INBOX (/private/big {${big.length}+}\r\n${big})`)).toMatch(/^q NO \[METADATA MAXSIZE 65536\]/m);
    const d = await RawImap.connect(r.servers.ports.imaps);
    await d.cmd('a', `LOGIN ${binh} "${TEST_PASSWORD}"`);
    expect(await d.cmd('b', `SETMETADATA "Shared/${an}/INBOX" (/shared/comment "x")`)).toMatch(/^b NO/m);
    expect(await d.cmd('c', `SETMETADATA "Shared/${an}/INBOX" (/private/comment "của tôi")`)).toMatch(/^c OK/m);
    expect(await c.cmd('r', 'GETMETADATA INBOX /private/comment')).not.toContain('của tôi'); // private to the delegate
    d.close();
  });

  it('drops a folder’s entries with the folder', async () => {
    await c.cmd('s', 'CREATE Tam');
    await c.cmd('t', 'SETMETADATA Tam (/private/comment "tạm")');
    await c.cmd('u', 'DELETE Tam');
    await c.cmd('v', 'CREATE Tam');
    expect(await c.cmd('w', 'GETMETADATA Tam /private/comment')).not.toContain('* METADATA');
  });
});
