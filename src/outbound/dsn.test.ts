import { describe, expect, it } from 'vitest';
import { buildDsn, mimeWordEncode } from './dsn.ts';
import { parseRelay } from './mx.ts';
import { statusOf } from './transport.ts';

const base = {
  hostname: 'mail.kontum.gov.vn',
  to: 'an@kontum.gov.vn',
  queueId: 7,
  arrivalDate: Date.UTC(2026, 10, 28, 2, 15),
  originalHeaders: 'From: <an@kontum.gov.vn>\r\nTo: <x@remote.test>\r\nSubject: Thu\r\n\r\n',
  now: Date.UTC(2026, 10, 28, 3, 0),
};

describe('delivery status notifications', () => {
  it('keeps a hostile remote reply out of the header fields of the report', () => {
    const raw = buildDsn({
      ...base,
      kind: 'failed',
      recipients: [
        { recipient: 'x@remote.test', status: '5.1.1', reason: 'mx.remote.test [10.0.0.1] (RCPT TO) 550 5.1.1 no\r\nX-Injected: yes', remoteMta: 'mx.remote.test [10.0.0.1]', lastAttemptAt: base.now },
      ],
    }).toString('utf8');
    expect(raw).not.toMatch(/^X-Injected/m);
    expect(raw).toContain('Diagnostic-Code: smtp; 550 5.1.1 no X-Injected: yes');
    expect(raw).toContain('Arrival-Date: Sat, 28 Nov 2026 02:15:00 +0000');
    expect(raw).toContain('Last-Attempt-Date: Sat, 28 Nov 2026 03:00:00 +0000');
    expect(raw).toMatch(/\r\n\r\nFrom: <an@kontum\.gov\.vn>\r\nTo: <x@remote\.test>\r\nSubject: Thu\r\n\r\n--=_thutin_/);
  });

  it('gives our own reasons (not an SMTP reply) as an x-thutin diagnostic, and the delay warning its retry limit', () => {
    const raw = buildDsn({
      ...base,
      kind: 'delayed',
      expiresAt: base.arrivalDate + 5 * 86400_000,
      recipients: [{ recipient: 'x@nowhere.test', status: '4.4.3', reason: 'Lỗi tra cứu DNS / DNS lookup failed for nowhere.test: ESERVFAIL', remoteMta: null, lastAttemptAt: null }],
    }).toString('utf8');
    expect(raw).toContain('Action: delayed\r\nStatus: 4.4.3\r\nDiagnostic-Code: x-thutin; L?i tra c?u DNS / DNS lookup failed for nowhere.test: ESERVFAIL');
    expect(raw).toContain('Will-Retry-Until: Thu, 03 Dec 2026 02:15:00 +0000');
    expect(raw).not.toContain('Remote-MTA');
  });

  it('encodes Vietnamese header text as RFC 2047 words of whole characters', () => {
    const w = mimeWordEncode('Thư không gửi được / Undelivered Mail Returned to Sender');
    const words = w.split('\r\n ');
    expect(words.length).toBeGreaterThan(1);
    const decoded = words.map((x) => Buffer.from(/^=\?UTF-8\?B\?(.*)\?=$/.exec(x)![1], 'base64').toString('utf8')).join('');
    expect(decoded).toBe('Thư không gửi được / Undelivered Mail Returned to Sender');
    expect(words.every((x) => x.length <= 75)).toBe(true);
  });
});

describe('relay host and reply codes', () => {
  it('reads a relay host as Postfix does: brackets skip the MX lookup', () => {
    expect(parseRelay('[smtp.gov.vn]:587')).toEqual({ host: 'smtp.gov.vn', port: 587, mxLookup: false });
    expect(parseRelay('relay.gov.vn')).toEqual({ host: 'relay.gov.vn', port: 25, mxLookup: true });
    expect(parseRelay('relay.gov.vn:2525')).toEqual({ host: 'relay.gov.vn', port: 2525, mxLookup: true });
    expect(parseRelay('10.1.2.3')).toEqual({ host: '10.1.2.3', port: 25, mxLookup: false });
    expect(parseRelay('[::1]:25')).toEqual({ host: '::1', port: 25, mxLookup: false });
  });

  it('takes the enhanced status code of a reply, or makes one from the basic code', () => {
    expect(statusOf('550 5.7.1 Relaying denied', '5.0.0')).toBe('5.7.1');
    expect(statusOf('450 Mailbox busy', '4.0.0')).toBe('4.0.0');
    expect(statusOf('250-2.1.5 Ok', '2.0.0')).toBe('2.1.5');
    expect(statusOf(undefined, '4.4.1')).toBe('4.4.1');
  });
});
