// rspamd's HTTP client on the wire: what it sends (one request, Content-Length, the envelope
// headers, the whole body) and how it reads answers framed as rspamd or a proxy in front of it
// may frame them — Content-Length, chunked, until the connection ends, in pieces — and what is
// not an answer (cut short, not HTTP, too slow, an HTTP error): RspamdUnavailable. The real rspamd
// is in test/e2e/spam-rspamd.test.ts; here a loopback TCP server plays each framing.
import net from 'node:net';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { RspamdClient, RspamdUnavailable } from './rspamd.ts';

const RESULT = JSON.stringify({ action: 'add header', score: 7.5, required_score: 15, symbols: { BAYES_SPAM: { name: 'BAYES_SPAM', score: 5.1 }, R_DKIM_NA: { name: 'R_DKIM_NA', score: 0 } } });
const MESSAGE = Buffer.from('Subject: Báo cáo\r\nFrom: a@gui.test\r\n\r\n' + 'nội dung thư\r\n'.repeat(500));
const ENV = { from: 'a@gui.test', rcpt: ['an@kontum.gov.vn', 'binh@kontum.gov.vn'], ip: '::ffff:192.0.2.7', helo: 'mx.gui.test', queueId: 'Q1', hostname: 'mail.kontum.gov.vn' };

let server: net.Server | null = null;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

/** A server that reads one request (head + Content-Length body), hands it over and answers with `write`. */
function serve(answer: (socket: net.Socket) => void): Promise<{ url: string; request: Promise<{ head: string; body: Buffer }> }> {
  let got!: (r: { head: string; body: Buffer }) => void;
  const request = new Promise<{ head: string; body: Buffer }>((r) => (got = r));
  server = net.createServer((socket) => {
    let buf = Buffer.alloc(0);
    socket.on('data', (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buf.subarray(0, end).toString('latin1');
      const length = Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1] ?? 0);
      if (buf.length - end - 4 < length) return;
      got({ head, body: buf.subarray(end + 4) });
      answer(socket);
    });
  });
  return new Promise((resolve) => server!.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server!.address() as net.AddressInfo).port}`, request })));
}

const client = (url: string, timeoutMs = 2000) => new RspamdClient({ url, controllerUrl: url, timeoutMs });
const check = (url: string, timeoutMs?: number) => client(url, timeoutMs).check(Readable.from([MESSAGE], { objectMode: false }), MESSAGE.length, ENV);

describe('rspamd client on the wire', () => {
  it('sends one POST /checkv2 with the envelope and the whole message; reads a Content-Length answer in pieces', async () => {
    const { url, request } = await serve((s) => {
      const text = Buffer.from(`HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(RESULT)}\r\n\r\n${RESULT}`);
      s.write(text.subarray(0, 30));
      setImmediate(() => s.write(text.subarray(30, 90), () => setImmediate(() => s.end(text.subarray(90)))));
    });
    const r = await check(url);
    expect(r).toMatchObject({
      action: 'add header',
      score: 7.5,
      requiredScore: 15,
      symbols: [
        { name: 'BAYES_SPAM', score: 5.1 },
        { name: 'R_DKIM_NA', score: 0 },
      ],
    });
    const { head, body } = await request;
    expect(head.split('\r\n')[0]).toBe('POST /checkv2 HTTP/1.1');
    expect(head).toContain('\r\nRcpt: an@kontum.gov.vn\r\nRcpt: binh@kontum.gov.vn\r\n');
    expect(head).toContain('\r\nIP: 192.0.2.7\r\n');
    expect(head).toContain(`\r\nContent-Length: ${MESSAGE.length}`);
    expect(body.equals(MESSAGE)).toBe(true);
  });

  it('reads a chunked answer, and one that ends with the connection', async () => {
    const half = Math.floor(RESULT.length / 2);
    const chunked = await serve((s) =>
      s.end(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${half.toString(16)}\r\n${RESULT.slice(0, half)}\r\n${(RESULT.length - half).toString(16)}\r\n${RESULT.slice(half)}\r\n0\r\n\r\n`),
    );
    expect((await check(chunked.url)).score).toBe(7.5);
    await new Promise<void>((r) => server!.close(() => r()));
    const untilClose = await serve((s) => s.end(`HTTP/1.0 200 OK\r\n\r\n${RESULT}`));
    expect((await check(untilClose.url)).action).toBe('add header');
  });

  it('anything else is RspamdUnavailable: an HTTP error, an answer cut short, not HTTP, too slow, nobody listening', async () => {
    const cases: Array<[(s: net.Socket) => void, RegExp]> = [
      [(s) => s.end('HTTP/1.1 500 Internal Server Error\r\nContent-Length: 5\r\n\r\nerror'), /HTTP 500/],
      [(s) => s.end(`HTTP/1.1 200 OK\r\nContent-Length: ${RESULT.length}\r\n\r\n${RESULT.slice(0, 20)}`), /closed before the answer ended/],
      [(s) => s.end('SMTP? 220 hello\r\n\r\n'), /not an HTTP answer/],
      [() => {}, /no answer within 300 ms/],
    ];
    for (const [answer, why] of cases) {
      const { url } = await serve(answer);
      const e = await check(url, 300).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(RspamdUnavailable);
      expect((e as Error).message).toMatch(why);
      await new Promise<void>((r) => server!.close(() => r()));
      server = null;
    }
    const closed = await check('http://127.0.0.1:1').catch((x: unknown) => x);
    expect(closed).toBeInstanceOf(RspamdUnavailable);
    expect((closed as Error).message).toMatch(/ECONNREFUSED/);
  });
});
