// Legacy Vietnamese over JMAP (issue 10): a letter typed in TCVN3 (.VnTime) and sent labelled
// windows-1258, and one typed in VNI sent without a charset, come back from Email/get's bodyValues
// and preview as Unicode (core/mime/legacy-vietnamese.ts), as the webmail shows them.
import http from 'node:http';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestServers, TEST_PASSWORD, type Running } from '../helpers/servers.ts';

function post(port: number, user: string, body: unknown): Promise<any> {
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/jmap/api',
        agent: false,
        headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${user}:${TEST_PASSWORD}`).toString('base64')}` },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const letter = (subject: string, contentType: string, body: string) =>
  Buffer.concat([
    Buffer.from(
      [
        `From: <vanthu@ubnd.kontum.gov.vn>`,
        `To: <an@kontum.gov.vn>`,
        `Subject: ${subject}`,
        'Date: Mon, 07 Dec 2026 08:00:00 +0700',
        'MIME-Version: 1.0',
        `Content-Type: ${contentType}`,
        'Content-Transfer-Encoding: 8bit',
        '',
        '',
      ].join('\r\n'),
    ),
    Buffer.from(body, 'latin1'),
    Buffer.from('\r\n'),
  ]);

describe('legacy Vietnamese encodings in JMAP body values', () => {
  let r: Running;
  beforeAll(async () => {
    r = await startTestServers();
  });
  afterAll(async () => {
    await r?.stop();
  });

  it('shows TCVN3 and VNI letters as Unicode', async () => {
    const user = await r.user('an');
    const id = (await r.app.accounts.byAddress(user))!.id;
    await r.app.store.append(id, 'INBOX', letter('TCVN3', 'text/plain; charset=windows-1258', 'Uû ban nh©n d©n tØnh Kon Tum ®Ò nghÞ c¸c ®¬n vÞ b¸o c¸o.'), []);
    await r.app.store.append(id, 'INBOX', letter('VNI', 'text/plain', 'UÛy ban nhaân daân tænh Kon Tum ñeà nghò caùc ñôn vò baùo caùo.'), []);
    const res = await post(r.servers.ports.http, user, {
      using: ['urn:ietf:params:jmap:core', 'urn:ietf:params:jmap:mail'],
      methodCalls: [
        ['Email/query', { accountId: `A${id}`, sort: [{ property: 'receivedAt', isAscending: true }] }, 'q'],
        [
          'Email/get',
          { accountId: `A${id}`, '#ids': { resultOf: 'q', name: 'Email/query', path: '/ids' }, properties: ['subject', 'preview', 'bodyValues', 'textBody'], fetchTextBodyValues: true },
          'g',
        ],
      ],
    });
    const list = res.methodResponses[1][1].list as Array<{ subject: string; preview: string; bodyValues: Record<string, { value: string }> }>;
    const want = 'Ủy ban nhân dân tỉnh Kon Tum đề nghị các đơn vị báo cáo.';
    expect(list.map((e) => e.subject)).toEqual(['TCVN3', 'VNI']);
    for (const e of list) {
      expect(Object.values(e.bodyValues)[0].value.trim()).toBe(want);
      expect(e.preview).toContain('Ủy ban nhân dân tỉnh Kon Tum');
    }
  });
});
