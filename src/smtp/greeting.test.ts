// The greeting (src/smtp/compat.ts, 3): smtp-server holds every new connection for a fixed
// 100 ms before its 220; thutin greets after `smtp.greetPauseMs` instead (0 by default, as
// Postfix's smtpd). The library's own timer must never greet a second time, and a configured
// pause still refuses a client that talks first (an early talker, postscreen's pregreet test).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import { startFixture, type SmtpFixture } from './testing/fixture.ts';

/** A raw SMTP conversation: the lines received so far, and a wait for the next reply. */
function converse(port: number, opts: { talkFirst?: string } = {}) {
  const socket = net.connect({ host: '127.0.0.1', port });
  socket.setEncoding('utf8');
  let got = '';
  let waiters: Array<() => void> = [];
  socket.on('data', (d: string) => {
    got += d;
    const w = waiters;
    waiters = [];
    for (const f of w) f();
  });
  const closed = new Promise<void>((r) => socket.on('close', () => r()));
  if (opts.talkFirst) socket.write(opts.talkFirst);
  const lines = () => got.split('\r\n').filter(Boolean);
  /** Resolves once `n` reply lines have arrived. */
  const until = (n: number) =>
    new Promise<void>((resolve, reject) => {
      const check = () => (lines().length >= n ? resolve() : waiters.push(check));
      socket.once('close', () => (lines().length >= n ? resolve() : reject(new Error(`closed after ${JSON.stringify(lines())}`))));
      check();
    });
  return { socket, lines, until, closed };
}

describe('SMTP greeting', { timeout: 60_000 }, () => {
  let f: SmtpFixture;
  let paused: SmtpFixture;
  beforeAll(async () => {
    f = await startFixture('sqlite');
    paused = await startFixture('sqlite', { config: { smtp: { greetPauseMs: 300 } } });
  });
  afterAll(async () => {
    await f?.close();
    await paused?.close();
  });

  it('greets once, on the inbound and the submission listener, and the session goes on past the library’s own 100 ms timer', async () => {
    for (const port of [f.ports.inbound, f.ports.submission]) {
      const c = converse(port);
      await c.until(1);
      expect(c.lines()[0]).toMatch(/^220 /);
      c.socket.write('NOOP\r\n');
      await c.until(2);
      // smtp-server's timer fires 100 ms after the connection: by then a second 220 would be here.
      await new Promise((r) => setTimeout(r, 200));
      c.socket.write('NOOP\r\nQUIT\r\n');
      await c.closed;
      expect(c.lines().map((l) => l.slice(0, 3))).toEqual(['220', '250', '250', '221']);
    }
  });

  it('with a greeting pause, refuses a client that talks before the greeting (421) and greets one that waits', async () => {
    const early = converse(paused.ports.inbound, { talkFirst: 'EHLO early.example\r\n' });
    await early.closed;
    expect(early.lines().join('\n')).toMatch(/^421 .*talk too soon/im);
    expect(early.lines().some((l) => l.startsWith('220 '))).toBe(false);

    const polite = converse(paused.ports.inbound);
    await polite.until(1);
    expect(polite.lines()[0]).toMatch(/^220 /);
    polite.socket.write('QUIT\r\n');
    await polite.closed;
    expect(polite.lines().map((l) => l.slice(0, 3))).toEqual(['220', '221']);
  });
});
