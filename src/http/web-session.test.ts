// The web session's pure parts: cookie parsing, the derived CSRF value and its check, which paths are the server's.
import { describe, it, expect } from 'vitest';
import type { FastifyRequest } from 'fastify';
import { csrfFor, csrfOk, parseCookies, webSessionToken } from './web-session.ts';
import { isServerPath } from './webapp.ts';

const token = 'a'.repeat(43);
const req = (method: string, cookie?: string, header?: string) => ({ method, headers: { ...(cookie ? { cookie } : {}), ...(header ? { 'x-csrf-token': header } : {}) } }) as unknown as FastifyRequest;

describe('web session cookies and CSRF', () => {
  it('parses cookies, the first of a name winning, and takes only a well-formed session token', () => {
    expect(parseCookies('a=1; thutin_session=x; a=2')).toEqual(
      new Map([
        ['a', '1'],
        ['thutin_session', 'x'],
      ]),
    );
    expect(webSessionToken(req('GET', `thutin_session=${token}`))).toBe(token);
    expect(webSessionToken(req('GET', 'thutin_session=short'))).toBeNull();
    expect(webSessionToken(req('GET', 'thutin_session=' + 'a'.repeat(30) + ';x'))).toBe('a'.repeat(30));
    expect(webSessionToken(req('GET', `thutin_session=${token.slice(0, 30)}%3Cscript`))).toBeNull();
  });

  it('derives a CSRF value per session that another session cannot reuse', () => {
    expect(csrfFor(token)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(csrfFor(token)).not.toBe(csrfFor('b'.repeat(43)));
  });

  it('lets safe methods through and wants header = cookie = the session’s value on the others', () => {
    const c = csrfFor(token);
    const jar = `thutin_session=${token}; thutin_csrf=${c}`;
    expect(csrfOk(req('GET', jar), token)).toBe(true);
    expect(csrfOk(req('HEAD', jar), token)).toBe(true);
    expect(csrfOk(req('POST', jar, c), token)).toBe(true);
    expect(csrfOk(req('POST', jar), token)).toBe(false);
    expect(csrfOk(req('POST', `thutin_session=${token}`, c), token)).toBe(false);
    const other = csrfFor('b'.repeat(43));
    expect(csrfOk(req('POST', `thutin_session=${token}; thutin_csrf=${other}`, other), token)).toBe(false);
    expect(csrfOk(req('DELETE', jar, c.slice(1)), token)).toBe(false);
  });

  it('knows the server’s own prefixes from the app’s routes', () => {
    for (const p of ['/api/v1/me', '/jmap/session', '/.well-known/jmap', '/auth/web/login', '/autodiscover/autodiscover.xml', '/AUTODISCOVER/x', '/health', '/api'])
      expect(isServerPath(p), p).toBe(true);
    for (const p of ['/', '/mail/A1/M2', '/compose', '/settings', '/apix', '/authors']) expect(isServerPath(p), p).toBe(false);
  });
});
