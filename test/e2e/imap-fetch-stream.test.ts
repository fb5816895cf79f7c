// FETCH of a folder of big messages streams their bodies: a client that reads slowly gets every
// byte exactly, and the server never holds more than a bounded number of body bytes — asserted
// structurally through fetch-writer's counter (bytes read from the store and not yet handed to
// the socket), not through timing or process memory.
import crypto from 'node:crypto';
import tls from 'node:tls';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestServers, TEST_PASSWORD, type Running } from '../helpers/servers.ts';
import { FLUSH_AT, SMALL_LITERAL, fetchBodyBytes } from '../../src/imap/fetch-writer.ts';

const COUNT = 20;
const SIZE = 5 * 1024 * 1024;

function bigMessage(i: number): Buffer {
  const head = Buffer.from(
    `From: <binhlt@kontum.gov.vn>\r\nTo: <annv@kontum.gov.vn>\r\nSubject: Ho so ${i}\r\nMessage-ID: <big${i}@kontum.gov.vn>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\n`,
  );
  const lines: string[] = [];
  let len = head.length;
  const rnd = crypto.randomBytes(57 * 1024).toString('base64');
  for (let n = 0; len < SIZE; n++) {
    const line = rnd.slice((n * 76) % (rnd.length - 76), ((n * 76) % (rnd.length - 76)) + 76) + '\r\n';
    lines.push(line);
    len += line.length;
  }
  return Buffer.concat([head, Buffer.from(lines.join(''))]);
}

const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

/**
 * A raw TLS client that reads FETCH responses as a stream: text up to `{n}\r\n`, then n literal
 * bytes hashed as they pass, never keeping a body. It stops reading for `pauseMs` after the
 * command is sent, so the server meets a full socket first.
 */
async function fetchHashes(port: number, user: string, command: string, pauseMs: number): Promise<{ literals: Array<{ label: string; length: number; sha256: string }>; tagged: string }> {
  const socket = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false });
  await new Promise<void>((res, rej) => {
    socket.once('secureConnect', () => res());
    socket.once('error', rej);
  });
  let text = '';
  let literalLeft = 0;
  let hash: crypto.Hash | null = null;
  let current = { label: '', length: 0 };
  const literals: Array<{ label: string; length: number; sha256: string }> = [];
  let waiter: (() => void) | null = null;
  socket.on('data', (chunk: Buffer) => {
    let at = 0;
    while (at < chunk.length) {
      if (literalLeft > 0) {
        const n = Math.min(literalLeft, chunk.length - at);
        hash!.update(chunk.subarray(at, at + n));
        literalLeft -= n;
        at += n;
        if (literalLeft === 0) literals.push({ ...current, sha256: hash!.digest('hex') });
        continue;
      }
      const nl = chunk.indexOf(0x0a, at);
      const end = nl < 0 ? chunk.length : nl + 1;
      text += chunk.subarray(at, end).toString('latin1');
      at = end;
      const m = /([A-Z0-9.[\]<>]+) \{(\d+)\}\r\n$/.exec(text);
      if (m && nl >= 0) {
        current = { label: m[1], length: Number(m[2]) };
        literalLeft = current.length;
        hash = crypto.createHash('sha256');
        text += '<literal>';
        if (literalLeft === 0) literals.push({ ...current, sha256: sha(Buffer.alloc(0)) });
      }
    }
    waiter?.();
  });
  const until = async (re: RegExp) => {
    while (!re.test(text)) await new Promise<void>((r) => (waiter = r));
    waiter = null;
  };
  await until(/^\* OK/m);
  socket.write(`L LOGIN ${user} "${TEST_PASSWORD}"\r\nS SELECT INBOX\r\n`);
  await until(/^S OK/m);
  text = '';
  socket.write(`F ${command}\r\n`);
  socket.pause();
  await new Promise((r) => setTimeout(r, pauseMs));
  socket.resume();
  await until(/^F (OK|NO|BAD)[^\r\n]*\r\n/m);
  const tagged = /^F (OK|NO|BAD)[^\r\n]*/m.exec(text)![0];
  socket.end('Z LOGOUT\r\n');
  return { literals, tagged };
}

describe('FETCH streams big bodies', () => {
  let r: Running;
  let an: string;
  const hashes: string[] = [];
  let first: Buffer;

  beforeAll(async () => {
    r = await startTestServers();
    an = await r.user('annv');
    const account = await r.app.accounts.byAddress(an);
    for (let i = 0; i < COUNT; i++) {
      const msg = bigMessage(i);
      if (i === 0) first = msg;
      hashes.push(sha(msg));
      await r.app.store.append(account!.id, 'INBOX', msg, []);
    }
  }, 120_000);
  afterAll(async () => {
    await r?.stop();
  });

  it('sends 20 × 5 MB BODY.PEEK[] byte-exact to a slow reader, holding at most one chunk of a body', async () => {
    fetchBodyBytes.reset();
    const { literals, tagged } = await fetchHashes(r.servers.ports.imaps, an, 'FETCH 1:* (UID RFC822.SIZE BODY.PEEK[])', 300);
    expect(tagged).toMatch(/^F OK/);
    expect(literals.map((l) => l.sha256)).toEqual(hashes);
    expect(literals.every((l) => l.label === 'BODY[]' && l.length >= SIZE)).toBe(true);
    // Bounded by the writer's gathering threshold and a chunk or two of the store's stream —
    // not by a message (5 MB), let alone the folder (100 MB).
    expect(fetchBodyBytes.peak).toBeLessThanOrEqual(FLUSH_AT + 4 * SMALL_LITERAL);
    expect(fetchBodyBytes.held).toBe(0);
  }, 120_000);

  it('streams BODY[TEXT] and a <partial> range of a big message exactly', async () => {
    const bodyStart = first.indexOf('\r\n\r\n') + 4;
    const { literals, tagged } = await fetchHashes(r.servers.ports.imaps, an, 'FETCH 1 (BODY.PEEK[TEXT] BODY.PEEK[]<1000.3000000> RFC822.HEADER)', 50);
    expect(tagged).toMatch(/^F OK/);
    expect(literals).toEqual([
      { label: 'BODY[TEXT]', length: first.length - bodyStart, sha256: sha(first.subarray(bodyStart)) },
      { label: 'BODY[]<1000>', length: 3000000, sha256: sha(first.subarray(1000, 3001000)) },
      { label: 'RFC822.HEADER', length: bodyStart, sha256: sha(first.subarray(0, bodyStart)) },
    ]);
  }, 60_000);
});
