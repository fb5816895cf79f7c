// Owns: the proof of the public discovery files: the MTA-STS policy and Thunderbird's autoconfig, fetched over a
// real socket without a token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/harness.ts';
import { startHttp } from '../server.ts';

describe('well-known discovery files', () => {
  let t: TestApp;
  let http: Awaited<ReturnType<typeof startHttp>>;
  let base: string;
  beforeAll(async () => {
    t = await createTestApp({ config: { imap: { tlsPort: 993 }, pop3: { tlsPort: 995 }, smtp: { submissionTlsPort: 465 } } }); // told to clients; not listening here
    http = await startHttp(t.app);
    base = `http://127.0.0.1:${http.port}`;
  });
  afterAll(async () => {
    await http.close();
    await t.cleanup();
  });

  it('serves the MTA-STS policy naming our MX host, in the configured mode', async () => {
    const res = await fetch(`${base}/.well-known/mta-sts.txt`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toBe(`version: STSv1\r\nmode: testing\r\nmx: ${t.app.config.hostname}\r\nmax_age: 604800\r\n`);
  });

  it('serves Thunderbird autoconfig with the IMAPS, POP3S and submission listeners, at both paths', async () => {
    for (const p of ['/mail/config-v1.1.xml', '/.well-known/autoconfig/mail/config-v1.1.xml']) {
      const res = await fetch(`${base}${p}?emailaddress=${encodeURIComponent(`annv@${t.app.config.domains.primary}`)}`);
      expect(res.status).toBe(200);
      const xml = await res.text();
      expect(xml).toContain(`<emailProvider id="${t.app.config.domains.primary}">`);
      expect(xml).toContain(`<port>${t.app.config.imap.tlsPort}</port>`);
      expect(xml).toContain(`<port>${t.app.config.smtp.submissionTlsPort}</port>`);
      // POP3 beside IMAP (Outlook profiles and phones that download), over TLS, the address as user name
      const pop3 = /<incomingServer type="pop3">([\s\S]*?)<\/incomingServer>/.exec(xml)?.[1] ?? '';
      expect(pop3).toContain(`<hostname>${t.app.config.hostname}</hostname>`);
      expect(pop3).toContain(`<port>${t.app.config.pop3.tlsPort}</port>`);
      expect(pop3).toContain('<socketType>SSL</socketType>');
      expect(pop3).toContain('<username>%EMAILADDRESS%</username>');
      expect(xml.indexOf('type="imap"')).toBeLessThan(xml.indexOf('type="pop3"'));
      expect(xml).toContain('<username>%EMAILADDRESS%</username>');
    }
  });

  it('escapes what it echoes: a hostile address does not reach the XML', async () => {
    const res = await fetch(`${base}/mail/config-v1.1.xml?emailaddress=${encodeURIComponent('x@"><script>')}`);
    const xml = await res.text();
    expect(xml).not.toContain('<script>');
  });
});
