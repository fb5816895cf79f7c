// Owns: the proof of Outlook's Autodiscover (POX) over the real HTTP and HTTPS listeners (issue 13):
// Outlook's request posted as text/xml at both spellings of the path answers the Outlook response
// schema element by element (Autodiscover/Response/Account/Protocol, children in the order
// Microsoft's Protocol (POX) reference lists them) with IMAP, POP3 and SMTP over TLS and the address
// as LoginName; an address outside our domains, a request that is not one and a foreign response
// schema get the schema's Error answer (500 / 600 / 601), the same whether or not a mailbox exists;
// a remote client reaches it on the plain port (no redirect, no refusal).
import http from 'node:http';
import https from 'node:https';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/harness.ts';
import { startHttp } from '../server.ts';
import { OUTLOOK_NS, RESPONSE_NS } from './autodiscover.ts';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(secure: boolean, port: number, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = (secure ? https : http).request({ host: '127.0.0.1', port, method, path, headers, rejectUnauthorized: false, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const outlookRequest = (email: string, schema = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a') =>
  `<?xml version="1.0" encoding="utf-8"?>\r\n<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">\r\n  <Request>\r\n    <EMailAddress>${email}</EMailAddress>\r\n    <AcceptableResponseSchema>${schema}</AcceptableResponseSchema>\r\n  </Request>\r\n</Autodiscover>\r\n`;

type Node = Record<string, unknown>;
/** Ordered tree: [{ Tag: [children…], ':@': { '@_attr': … } }, { '#text': … }]. */
const ordered = (xml: string): Node[] => new XMLParser({ preserveOrder: true, ignoreAttributes: false, parseTagValue: false }).parse(xml) as Node[];
const tagOf = (n: Node) => Object.keys(n).find((k) => k !== ':@')!;
const children = (n: Node) => (n[tagOf(n)] as Node[]).filter((c) => tagOf(c) !== '#text');
const text = (n: Node) => ((n[tagOf(n)] as Node[]).find((c) => '#text' in c)?.['#text'] as string | undefined) ?? '';
const attrs = (n: Node) => (n[':@'] ?? {}) as Record<string, string>;
const root = (xml: string) => ordered(xml).find((n) => tagOf(n) === 'Autodiscover')!;

// Microsoft's Protocol (POX) element: its children, in this order.
const PROTOCOL_CHILDREN = [
  'Type',
  'Internal',
  'TTL',
  'Server',
  'ServerDN',
  'ServerVersion',
  'MdbDN',
  'Port',
  'DirectoryPort',
  'ReferralPort',
  'ASUrl',
  'OOFUrl',
  'OABUrl',
  'UMUrl',
  'LoginName',
  'DomainRequired',
  'DomainName',
  'SPA',
  'AuthPackage',
  'CertPrincipalName',
  'SSL',
  'AuthRequired',
  'UsePOPAuth',
  'SMTPLast',
  'NetworkRequirements',
];

describe('Outlook Autodiscover (POX)', () => {
  let t: TestApp;
  let srv: Awaited<ReturnType<typeof startHttp>>;
  beforeAll(async () => {
    t = await createTestApp({
      config: {
        domains: { primary: 'kontum.gov.vn', aliases: { 'kontum.vn': 'kontum.gov.vn' } },
        // what clients are told; only the HTTP listeners run in this test
        imap: { tlsPort: 993 },
        pop3: { tlsPort: 995 },
        smtp: { submissionTlsPort: 465 },
        http: { trustedProxies: ['127.0.0.0/8', '::1'] },
      },
    });
    await t.app.accounts.create('annv@kontum.gov.vn', 'Matkhau#2026', 'test'); // one mailbox exists, khongco@ does not
    srv = await startHttp(t.app, t.tls);
  });
  afterAll(async () => {
    await srv?.close();
    await t?.cleanup();
  });

  it('answers the Outlook response schema, element by element, at both paths, over HTTPS', async () => {
    for (const p of ['/autodiscover/autodiscover.xml', '/Autodiscover/Autodiscover.xml']) {
      const res = await request(true, srv.tlsPort!, 'POST', p, outlookRequest('annv@kontum.gov.vn'), { 'content-type': 'text/xml' });
      expect(res.status, res.body).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/xml/);
      const ad = root(res.body);
      expect(attrs(ad)['@_xmlns']).toBe(RESPONSE_NS);
      expect(children(ad).map(tagOf)).toEqual(['Response']);
      const response = children(ad)[0];
      expect(attrs(response)['@_xmlns']).toBe(OUTLOOK_NS);
      expect(children(response).map(tagOf)).toEqual(['Account']);
      const acc = children(response)[0];
      expect(children(acc).map(tagOf)).toEqual(['AccountType', 'Action', 'Protocol', 'Protocol', 'Protocol']);
      expect(text(children(acc)[0])).toBe('email');
      expect(text(children(acc)[1])).toBe('settings');
      const protocols = children(acc).slice(2);
      const byType = Object.fromEntries(protocols.map((pr) => [text(children(pr)[0]), Object.fromEntries(children(pr).map((c) => [tagOf(c), text(c)]))]));
      for (const pr of protocols) {
        const names = children(pr).map(tagOf);
        // every child is one Microsoft lists, in the documented order
        const at = names.map((n) => PROTOCOL_CHILDREN.indexOf(n));
        expect(
          at.every((i) => i >= 0),
          names.join(),
        ).toBe(true);
        expect([...at].sort((a, b) => a - b)).toEqual(at);
      }
      expect(Object.keys(byType)).toEqual(['IMAP', 'POP3', 'SMTP']);
      const common = { Server: 'mail.test.local', LoginName: 'annv@kontum.gov.vn', DomainRequired: 'off', SPA: 'off', SSL: 'on', AuthRequired: 'on' };
      expect(byType.IMAP).toEqual({ Type: 'IMAP', Port: '993', ...common });
      expect(byType.POP3).toEqual({ Type: 'POP3', Port: '995', ...common });
      expect(byType.SMTP).toEqual({ Type: 'SMTP', Port: '465', ...common, UsePOPAuth: 'on', SMTPLast: 'off' });
    }
  });

  it('gives any address in our domains the same answer, mailbox or not; an alias domain signs in on its target', async () => {
    const post = (email: string) => request(false, srv.port, 'POST', '/autodiscover/autodiscover.xml', outlookRequest(email), { 'content-type': 'text/xml' });
    const known = await post('annv@kontum.gov.vn');
    const unknown = await post('khongco@kontum.gov.vn');
    expect(unknown.body).toBe(known.body.replaceAll('annv@', 'khongco@'));
    const alias = await post('annv@kontum.vn');
    expect(alias.body).toContain('<LoginName>annv@kontum.gov.vn</LoginName>');
  });

  it('answers the Error element (500) for an address outside our domains, 600 for a request that is not one, 601 for ActiveSync', async () => {
    const error = (body: string) => {
      const response = children(root(body))[0];
      const e = children(response)[0];
      expect(tagOf(e)).toBe('Error');
      expect(attrs(e)['@_Time']).toMatch(/^\d\d:\d\d:\d\d\.\d{7}$/);
      expect(attrs(e)['@_Id']).toMatch(/^\d+$/);
      expect(children(e).map(tagOf)).toEqual(['ErrorCode', 'Message', 'DebugData']);
      return { code: text(children(e)[0]), message: text(children(e)[1]), ns: attrs(response)['@_xmlns'] };
    };
    const foreign = await request(false, srv.port, 'POST', '/autodiscover/autodiscover.xml', outlookRequest('someone@gmail.com'), { 'content-type': 'text/xml' });
    expect(foreign.status).toBe(200);
    expect(error(foreign.body)).toMatchObject({ code: '500', message: expect.stringMatching(/Không tìm thấy.*\/ The e-mail address cannot be found/) });
    expect(foreign.body).not.toContain('gmail');
    for (const bad of [
      '',
      'not xml',
      '<Autodiscover><Request></Request></Autodiscover>',
      '<!DOCTYPE x [<!ENTITY a "b">]><Autodiscover><Request><EMailAddress>&a;</EMailAddress></Request></Autodiscover>',
    ]) {
      const res = await request(false, srv.port, 'POST', '/autodiscover/autodiscover.xml', bad, { 'content-type': 'text/xml' });
      expect(res.status, bad).toBe(200);
      expect(error(res.body).code, bad).toBe('600');
    }
    const getProbe = await request(false, srv.port, 'GET', '/autodiscover/autodiscover.xml');
    expect(error(getProbe.body).code).toBe('600');
    const mobile = await request(
      false,
      srv.port,
      'POST',
      '/autodiscover/autodiscover.xml',
      outlookRequest('annv@kontum.gov.vn', 'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006'),
      {
        'content-type': 'text/xml',
      },
    );
    expect(error(mobile.body)).toMatchObject({ code: '601', ns: 'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006' });
  });

  it('is served on the plain port to a remote client, POST and GET, even when Outlook sends its credentials', async () => {
    const remote = { 'x-forwarded-for': '203.0.113.7' };
    const post = await request(false, srv.port, 'POST', '/Autodiscover/Autodiscover.xml', outlookRequest('annv@kontum.gov.vn'), {
      ...remote,
      'content-type': 'text/xml',
      authorization: 'Basic YW5udjp4',
    });
    expect(post.status).toBe(200);
    expect(post.body).toContain('<Type>IMAP</Type>');
    const get = await request(false, srv.port, 'GET', '/autodiscover/autodiscover.xml?EMailAddress=annv%40kontum.gov.vn', undefined, remote);
    expect(get.status).toBe(200);
    expect(get.body).toContain('<LoginName>annv@kontum.gov.vn</LoginName>');
    // any other path still follows the plain-port rule
    const other = await request(false, srv.port, 'POST', '/api/v1/me', '{}', { ...remote, 'content-type': 'application/json' });
    expect(other.status).toBe(403);
  });
});
