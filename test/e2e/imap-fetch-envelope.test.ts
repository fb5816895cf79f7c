// ENVELOPE as a folder listing fetches it ("FETCH 1:* (UID FLAGS ENVELOPE)": the text path with the
// envelopes kept serialized, imap/envelope-texts.ts) is byte for byte the ENVELOPE the general FETCH
// path builds from the stored index ("FETCH n (BODYSTRUCTURE ENVELOPE)"), for quoted and literal
// strings, encoded words, groups and missing fields; asked again (now from memory) it is the same;
// a message whose served header fields replace Sender: shows that Sender, and one expunged by
// another session is left out with NO [EXPUNGEISSUED]. Over a raw TLS socket, on both backends.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { RawImap } from '../helpers/raw-imap.ts';
import { startTestServers, vietnameseMessage, TEST_PASSWORD, type Running } from '../helpers/servers.ts';
import { backends } from '../helpers/harness.ts';
import { DELETED } from '../../src/core/flags.ts';

const crlf = (lines: string[]) => Buffer.from(lines.join('\r\n') + '\r\n');

/** The ENVELOPE item of a one-message FETCH answer whose last item it is. */
function envelopeOf(answer: string, tag: string): string {
  const start = answer.indexOf('ENVELOPE (');
  const end = answer.lastIndexOf(`)\r\n${tag} OK`);
  expect(start).toBeGreaterThan(0);
  expect(end).toBeGreaterThan(start);
  return answer.slice(start, end);
}

describe.each(backends())('IMAP FETCH ENVELOPE from kept texts (%s)', (backend) => {
  let r: Running;
  let an: string;
  let accountId: number;
  beforeAll(async () => {
    r = await startTestServers({ backend });
    an = await r.user('annv');
    accountId = (await r.app.accounts.byAddress(an))!.id;
    const messages = [
      vietnameseMessage({ from: 'binhlt@kontum.gov.vn', to: an, subject: 'Giấy mời họp' }),
      // 8-bit header text: a literal inside the envelope
      crlf([
        'From: Đặng Thị Hương <huongdt@kontum.gov.vn>',
        'To: an@kontum.gov.vn, Phòng "Tổng hợp" <th@kontum.gov.vn>',
        'Subject: Kế hoạch năm 2027',
        'Date: Mon, 7 Dec 2026 08:00:00 +0700',
        '',
        'Nội dung',
      ]),
      // a group, Reply-To, Cc, In-Reply-To; no Date
      crlf([
        'From: a@kontum.gov.vn',
        'Sender: thuky@kontum.gov.vn',
        'Reply-To: b@kontum.gov.vn',
        'To: Ban giam doc: gd@kontum.gov.vn, pgd@kontum.gov.vn;',
        'Cc: c@kontum.gov.vn',
        'In-Reply-To: <x@y>',
        'Message-ID: <m3@kontum.gov.vn>',
        'Subject: "quoted" \\ back',
        '',
        'x',
      ]),
      // almost nothing
      crlf(['X-Nothing: 1', '', 'body']),
    ];
    for (const m of messages) await r.app.store.append(accountId, 'INBOX', m, []);
  });
  afterAll(async () => {
    await r?.stop();
  });

  async function loggedIn(): Promise<RawImap> {
    const c = await RawImap.connect(r.servers.ports.imaps);
    expect(await c.cmd('L', `LOGIN ${an} "${TEST_PASSWORD}"`)).toMatch(/^L OK/m);
    expect(await c.cmd('S', 'SELECT INBOX')).toMatch(/^S OK/m);
    return c;
  }

  it('answers a listing with the envelopes the general path builds, again from memory', async () => {
    const c = await loggedIn();
    for (const n of [1, 2, 3, 4]) {
      const general = envelopeOf(await c.cmd(`g${n}`, `FETCH ${n} (BODYSTRUCTURE ENVELOPE)`), `g${n}`);
      for (const round of [1, 2]) {
        const listing = envelopeOf(await c.cmd(`l${n}${round}`, `FETCH ${n} (UID FLAGS ENVELOPE)`), `l${n}${round}`);
        expect(listing).toBe(general);
      }
    }
    const all = await c.cmd('a', 'FETCH 1:* (UID ENVELOPE FLAGS)');
    expect(all.match(/^\* \d+ FETCH \(UID \d+ ENVELOPE \(/gm)).toHaveLength(4);
    expect(all).toContain('ENVELOPE ("Sat, 28 Nov 2026 09:15:00 +0700" "=?UTF-8?B?');
    expect(all).toMatch(/\{\d+\}\r\nKế hoạch năm 2027/); // 8-bit subject: a literal
    expect(all).toContain('((NIL NIL "Ban giam doc" NIL)'); // a group's start
    expect(all).toContain('"\\"quoted\\" \\\\ back"'); // quotes and backslash escaped
    expect(all).toMatch(/ENVELOPE \(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL\) FLAGS/); // nothing to show
    expect(all).toMatch(/^a OK/m);
    c.close();
  });

  it('shows a Sender: served in front of the stored message, not the stored one', async () => {
    // A delivery whose stage added Sender: (as a list expansion does): the served header fields replace it.
    const raw = crlf(['From: vanthu@kontum.gov.vn', 'To: ' + an, 'Subject: qua danh sach', 'Message-ID: <list@kontum.gov.vn>', '', 'x']);
    const content = await r.app.store.ingest([raw]);
    try {
      await r.app.store.commit(content, { copies: [{ headerPrefix: Buffer.from('Sender: ds-phong@kontum.gov.vn\r\n'), local: [{ accountId }] }] });
    } finally {
      await r.app.store.release(content);
    }
    const c = await loggedIn();
    const n = 5;
    for (const round of [1, 2]) {
      const listing = envelopeOf(await c.cmd(`s${round}`, `FETCH ${n} (UID ENVELOPE)`), `s${round}`);
      expect(listing).toContain('(NIL NIL "ds-phong" "kontum.gov.vn")');
      expect(listing).toBe(envelopeOf(await c.cmd(`t${round}`, `FETCH ${n} (BODY ENVELOPE)`), `t${round}`));
    }
    c.close();
  });

  it('leaves out a message another session expunged and says NO [EXPUNGEISSUED]', async () => {
    const c = await loggedIn();
    const inbox = (await r.app.store.getMailbox(accountId, 'INBOX'))!.id;
    await r.app.store.storeFlags(inbox, [2], 'add', { mask: DELETED, keywords: [] });
    expect(await r.app.store.expunge(inbox)).toEqual([2]);
    const answer = await c.cmd('x', 'FETCH 1:* (UID ENVELOPE)');
    expect(answer.match(/^\* \d+ FETCH \(UID \d+ ENVELOPE/gm)).toHaveLength(4);
    expect(answer).not.toMatch(/^\* \d+ FETCH \(UID 2 /m);
    expect(answer).toMatch(/^x NO \[EXPUNGEISSUED\]/m);
    c.close();
  });
});
