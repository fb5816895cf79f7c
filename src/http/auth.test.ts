// Fail closed: a route under /api/ that declares neither `public` nor an `action` stops the
// server from starting, so no route can exist without an authorisation decision.
import { describe, it, expect } from 'vitest';
import Fastify from 'fastify';
import { installAuth, bearerOf } from './auth.ts';
import { installErrorHandling } from './errors.ts';
import type { App } from '../app.ts';

describe('route declarations', () => {
  const app = {} as App; // the hooks only use it per request; none is made here

  it('refuses an /api/ route without an authorisation declaration', async () => {
    const server = Fastify();
    installAuth(server, app);
    expect(() => server.get('/api/v1/oops', async () => 'open')).toThrow(/declares no authorisation/);
    await server.close();
  });

  it('accepts declared routes and leaves routes outside /api/ alone', async () => {
    const server = Fastify();
    installErrorHandling(server);
    installAuth(server, app);
    server.get('/api/v1/a', { config: { action: 'directory.read' } }, async () => 'a');
    server.get('/api/v1/b', { config: { public: true } }, async () => 'b');
    server.get('/health', async () => 'ok');
    await server.ready();
    expect((await server.inject('/api/v1/b')).body).toBe('b');
    expect((await server.inject('/api/v1/a')).statusCode).toBe(401);
    await server.close();
  });
});

describe('bearerOf', () => {
  const req = (authorization?: string) => ({ headers: authorization ? { authorization } : {} }) as never;
  it('reads a base64url bearer token and nothing else', () => {
    const t = 'A'.repeat(43);
    expect(bearerOf(req(`Bearer ${t}`))).toBe(t);
    expect(bearerOf(req(`bearer  ${t} `))).toBe(t);
    expect(bearerOf(req(`Basic ${t}`))).toBeNull();
    expect(bearerOf(req('Bearer short'))).toBeNull();
    expect(bearerOf(req('Bearer a b'))).toBeNull();
    expect(bearerOf(req())).toBeNull();
  });
});
