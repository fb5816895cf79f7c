// Every SEARCH key of RFC 3501 6.4.4 against a small mailbox whose answers are known, over a
// raw TLS socket, including CHARSET UTF-8 literals with Vietnamese text.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { RawImap } from '../helpers/raw-imap.ts';
import { startTestServers, TEST_PASSWORD, type Running } from '../helpers/servers.ts';

const mk = (h: Record<string, string>, body: string) =>
  Buffer.from(
    Object.entries(h)
      .map(([k, v]) => `${k}: ${v}`)
      .join('\r\n') +
      '\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n' +
      body +
      '\r\n',
  );

describe('IMAP SEARCH keys', () => {
  let r: Running;
  let c: RawImap;
  beforeAll(async () => {
    r = await startTestServers();
    const an = await r.user('annv');
    const acct = (await r.app.accounts.byAddress(an))!;
    const s = r.app.store;
    // 1: from Hùng, to An, cc Bình, seen+answered, 1 Nov (sent 31 Oct)
    await s.append(
      acct.id,
      'INBOX',
      mk(
        { From: 'hungnv@kontum.gov.vn', To: 'annv@kontum.gov.vn', Cc: 'binhlt@kontum.gov.vn', Subject: 'Kế hoạch tháng', Date: 'Fri, 31 Oct 2026 23:30:00 +0700', 'X-Priority': '1' },
        'Nội dung về chuyển đổi số.',
      ),
      ['\\Seen', '\\Answered'],
      new Date('2026-11-01T08:00:00Z'),
    );
    // 2: flagged, keyword, 10 Nov, larger body
    await s.append(
      acct.id,
      'INBOX',
      mk({ From: 'Đặng Văn Lâm <lamdv@kontum.gov.vn>', To: 'annv@kontum.gov.vn', Bcc: 'vanthu@kontum.gov.vn', Subject: 'Báo cáo quý IV', Date: 'Tue, 10 Nov 2026 09:00:00 +0700' }, 'x'.repeat(3000)),
      ['\\Flagged', 'Quantrong'],
      new Date('2026-11-10T08:00:00Z'),
    );
    // 3: draft, deleted, 20 Nov
    await s.append(
      acct.id,
      'INBOX',
      mk({ From: 'annv@kontum.gov.vn', To: 'snv@kontum.gov.vn', Subject: 'Nháp', Date: 'Fri, 20 Nov 2026 09:00:00 +0700' }, 'Bản nháp.'),
      ['\\Draft', '\\Deleted'],
      new Date('2026-11-20T08:00:00Z'),
    );
    c = await RawImap.connect(r.servers.ports.imaps);
    await c.cmd('l', `LOGIN ${an} "${TEST_PASSWORD}"`);
    await c.cmd('s', 'SELECT INBOX');
  });
  afterAll(async () => {
    c?.close();
    await r?.stop();
  });

  const cases: Array<[string, string]> = [
    ['ALL', '1 2 3'],
    ['ANSWERED', '1'],
    ['UNANSWERED', '2 3'],
    ['BCC vanthu', '2'],
    ['BEFORE 10-Nov-2026', '1'],
    ['ON 10-Nov-2026', '2'],
    ['SINCE 10-Nov-2026', '2 3'],
    ['SENTBEFORE 1-Nov-2026', '1'],
    ['SENTON 31-Oct-2026', '1'],
    ['SENTSINCE 20-Nov-2026', '3'],
    ['BODY "chuyen doi so"', '1'],
    ['CC binhlt', '1'],
    ['DELETED', '3'],
    ['UNDELETED', '1 2'],
    ['DRAFT', '3'],
    ['UNDRAFT', '1 2'],
    ['FLAGGED', '2'],
    ['UNFLAGGED', '1 3'],
    ['FROM "đặng văn"', '2'],
    ['FROM dang', '2'],
    ['HEADER X-Priority 1', '1'],
    ['HEADER X-Priority ""', '1'],
    ['KEYWORD Quantrong', '2'],
    ['UNKEYWORD Quantrong', '1 3'],
    ['LARGER 2000', '2'],
    ['SMALLER 2000', '1 3'],
    // This session is the first to select the folder, so all three are \Recent to it.
    ['NEW', '2 3'],
    ['OLD', ''],
    ['RECENT', '1 2 3'],
    ['SEEN', '1'],
    ['UNSEEN', '2 3'],
    ['SUBJECT "bao cao"', '2'],
    ['TEXT "ban nhap"', '3'],
    ['TEXT snv@kontum', '3'],
    ['TO annv', '1 2'],
    ['UID 2:*', '2 3'],
    ['2:3', '2 3'],
    ['*', '3'],
    ['NOT SEEN', '2 3'],
    ['OR FLAGGED DRAFT', '2 3'],
    ['OR (SEEN ANSWERED) KEYWORD Quantrong', '1 2'],
    ['SINCE 1-Nov-2026 NOT DELETED SMALLER 2000', '1'],
  ];

  it.each(cases)('SEARCH %s', async (key, expected) => {
    const out = await c.cmd('t', `SEARCH ${key}`);
    expect(out).toMatch(/^t OK/m);
    expect(/^\* SEARCH ?(.*)\r$/m.exec(out)![1]).toBe(expected);
  });

  it('takes Vietnamese text in a UTF-8 literal and refuses unknown charsets with BADCHARSET', async () => {
    const term = Buffer.from('Báo cáo quý', 'utf8');
    c.write(`u1 SEARCH CHARSET UTF-8 SUBJECT {${term.length}}\r\n`);
    await c.readUntil(/^\+ .*\r\n/m);
    c.write(Buffer.concat([term, Buffer.from('\r\n')]));
    const out = await c.readUntil(/^u1 (OK|NO|BAD).*\r\n/m);
    expect(out).toContain('* SEARCH 2');
    expect(await c.cmd('u2', 'SEARCH CHARSET KOI8-R ALL')).toMatch(/^u2 NO \[BADCHARSET/m);
  });
});
