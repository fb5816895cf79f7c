// The Received header we prepend: RFC 5321 trace fields, RFC 5322 date, nothing a client can break.
import { describe, expect, it } from 'vitest';
import { addressLiteral, receivedHeader, rfc5322Date } from './received.ts';

describe('Received header', () => {
  it('names the client, us, the protocol, the queue id, the single recipient and the date', () => {
    const h = receivedHeader({
      helo: 'mx.example.org',
      clientHostname: 'mx.example.org',
      remoteAddress: '192.0.2.7',
      hostname: 'mail.kontum.gov.vn',
      protocol: 'ESMTPS',
      queueId: 'ABCDEF123456',
      recipient: 'alice@kontum.gov.vn',
      date: new Date('2026-07-07T02:05:03Z'),
    });
    expect(h).toMatch(
      /^Received: from mx\.example\.org \(mx\.example\.org \[192\.0\.2\.7\]\)\r\n\tby mail\.kontum\.gov\.vn \(thutin\) with ESMTPS id ABCDEF123456\r\n\tfor <alice@kontum\.gov\.vn>;\r\n\t(Mon|Tue), 0[67] Jul 2026 \d\d:05:03 [+-]\d{4}\r\n$/,
    );
  });

  it('shows [ip] when there is no reverse name, and leaves out the recipient when asked', () => {
    const h = receivedHeader({ helo: 'x', clientHostname: '[::1]', remoteAddress: '::1', hostname: 'h', protocol: 'ESMTP', queueId: 'Q' });
    expect(h).toContain('from x ([IPv6:::1])');
    expect(h).not.toContain('for <');
    expect(addressLiteral('::ffff:10.1.2.3')).toBe('[10.1.2.3]');
  });

  it('cannot be broken by a hostile HELO name or recipient', () => {
    const h = receivedHeader({ helo: 'evil\r\nX-Injected: 1', clientHostname: '[1.2.3.4]', remoteAddress: '1.2.3.4', hostname: 'h', protocol: 'ESMTP', queueId: 'Q', recipient: 'a>\r\nX: y@b' });
    expect(h).not.toMatch(/\r\nX-Injected/);
    expect(h.split('\r\n').filter((l) => l && !/^\t/.test(l))).toHaveLength(1);
  });

  it('formats RFC 5322 dates', () => {
    expect(rfc5322Date(new Date())).toMatch(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d [+-]\d{4}$/);
  });
});
