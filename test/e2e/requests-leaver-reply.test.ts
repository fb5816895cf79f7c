// Owns: the leaver request's mail behaviour end to end (issue 11, R6.3). A leaver request naming a
// successor, with forwarding, filed by the agency head over the HTTP API, approved and scheduled:
// until the effective date the official logs in (Python's imaplib) and mail to them gets no
// automatic reply; when the executor runs on that date (runDue with an injected "now") login stops,
// and mail sent by a colleague through submission (nodemailer) is kept in the retained mailbox,
// answered by the automatic reply in Vietnamese (then English) naming the successor, and copied to
// the successor; the official leaves the address book (directory search).
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/harness.ts';
import { imaplibLogin, startRequestWorld, TEST_PASSWORD, type RequestWorld } from '../helpers/requests.ts';
import { eventually, inbox } from '../../src/smtp/testing/clients.ts';

const DAY = 86_400_000;
const DOC = { number: '160/QĐ-SNV', date: '2026-12-04', signer: 'Phạm Thị Hoa' };

for (const backend of backends()) {
  describe(`a leaver request's automatic reply and forwarding (${backend})`, { timeout: 120_000 }, () => {
    let w: RequestWorld;
    beforeAll(async () => {
      w = await startRequestWorld(backend);
    });
    afterAll(async () => {
      await w?.stop();
    });

    /** A message from `from` to `to` through authenticated submission, as a mail client sends it. */
    const send = (from: string, to: string, subject: string) =>
      nodemailer
        .createTransport({ host: '127.0.0.1', port: w.r.servers.ports.submission, requireTLS: true, tls: { rejectUnauthorized: false }, auth: { user: from, pass: TEST_PASSWORD } })
        .sendMail({ from, to, subject, text: 'Kính gửi đồng chí, đề nghị phối hợp xử lý.' });
    const findInBook = (name: string) => w.call(w.p.tokens['head-snv'], 'GET', `/api/v1/directory/search?q=${encodeURIComponent(name)}`);
    const subjects = async (address: string) => {
      const out: string[] = [];
      for (const m of await inbox(w.r.app, address)) {
        const raw = (await w.r.app.store.readMessage(m)).toString('utf8');
        out.push(decodeSubject(raw));
      }
      return out;
    };
    const bodyOf = async (address: string, subject: RegExp) => {
      for (const m of await inbox(w.r.app, address)) {
        const raw = (await w.r.app.store.readMessage(m)).toString('utf8');
        if (subject.test(decodeSubject(raw))) return raw;
      }
      return '';
    };

    it('until the effective date nothing changes; on it login stops, mail is kept, answered naming the successor, and copied to them', async () => {
      const { tokens, actors } = w.p;
      const ctx = { actor: 'test' };
      const leaver = await w.r.app.directory.createPerson({ fullName: 'Hà Văn Chuyển', unitCode: 'SNV-VP', localPart: 'chuyenhv', password: TEST_PASSWORD, title: 'Chuyên viên' }, ctx);
      const successor = await w.r.app.directory.createPerson({ fullName: 'Kiều Thị Tiếp', unitCode: 'SNV-VP', localPart: 'tiepkt', password: TEST_PASSWORD, title: 'Chuyên viên' }, ctx);
      const colleague = actors.user;
      const effective = new Date(Date.now() + 3 * DAY + 7 * 3600_000).toISOString().slice(0, 10);
      const filed = await w.call(tokens['head-snv'], 'POST', '/api/v1/requests', {
        kind: 'leaver',
        payload: { person: leaver.address, why: 'transfer', successor: successor.address, forward: true },
        document: DOC,
        effectiveDate: effective,
      });
      expect(filed.status, filed.text).toBe(201);
      const id = filed.json.id as number;
      expect((await w.call(tokens['head-snv'], 'POST', `/api/v1/requests/${id}/submit`)).status).toBe(200);
      expect((await w.call(tokens['directory-manager'], 'POST', `/api/v1/requests/${id}/approve`, {})).json.state).toBe('scheduled');
      const effectiveAt = filed.json.effectiveAt as number;

      // the day before: still working, mail arrives and is not answered
      expect((await w.r.app.requests.runDue(effectiveAt - 60_000)).executed).not.toContain(id);
      expect(await imaplibLogin(w.r, leaver.address, TEST_PASSWORD)).toBe('OK');
      expect((await findInBook('Hà Văn Chuyển')).text).toContain(leaver.address);
      await send(colleague, leaver.address, 'Công văn 201 trước ngày nghỉ');
      await eventually(async () => (await subjects(leaver.address)).includes('Công văn 201 trước ngày nghỉ'), 10_000, 'the first letter');

      // the effective date
      expect((await w.r.app.requests.runDue(effectiveAt + 60_000)).executed).toContain(id);
      expect(await imaplibLogin(w.r, leaver.address, TEST_PASSWORD)).toMatch(/^NO/);
      await send(colleague, leaver.address, 'Công văn 202 sau ngày nghỉ');
      const reply = /^Thông báo tự động: Hà Văn Chuyển đã nghỉ việc/;
      await eventually(async () => (await subjects(colleague)).some((s) => reply.test(s)), 15_000, 'the automatic reply');
      await eventually(async () => (await subjects(successor.address)).includes('Công văn 202 sau ngày nghỉ'), 15_000, 'the copy to the successor');
      // kept in the retained mailbox, one reply only (none for the letter before the date), no copy of the earlier one
      expect(await subjects(leaver.address)).toContain('Công văn 202 sau ngày nghỉ');
      expect((await subjects(colleague)).filter((s) => reply.test(s))).toHaveLength(1);
      expect(await subjects(successor.address)).not.toContain('Công văn 201 trước ngày nghỉ');
      const body = decodeBody(await bodyOf(colleague, reply));
      expect(body).toContain('Đồng chí Hà Văn Chuyển không còn làm việc tại cơ quan');
      expect(body).toContain(`Xin vui lòng gửi thư tới ${successor.address}`);
      expect(body).toContain(`Please write to ${successor.address}`);

      // out of the address book
      const search = await findInBook('Hà Văn Chuyển');
      expect(search.status, search.text).toBe(200);
      expect(search.text).not.toContain(leaver.address);
    });
  });
}

/** The Subject header, RFC 2047 B or Q encoded words decoded (one line, as the server writes them). */
function decodeSubject(raw: string): string {
  const head = raw.split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, ' ');
  const line = /^Subject: (.*)$/im.exec(head)?.[1] ?? '';
  return line
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?UTF-8\?([BQ])\?([^?]*)\?=/gi, (_, enc: string, text: string) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : Buffer.from(
            text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
            'latin1',
          ).toString('utf8'),
    )
    .trim();
}

/** The text of a single-part message: base64 or quoted-printable undone. */
function decodeBody(raw: string): string {
  const [head, ...rest] = raw.split(/\r?\n\r?\n/);
  const body = rest.join('\n\n');
  if (/^Content-Transfer-Encoding:\s*base64/im.test(head)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (/^Content-Transfer-Encoding:\s*quoted-printable/im.test(head))
    return Buffer.from(
      body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
      'latin1',
    ).toString('utf8');
  return body;
}
