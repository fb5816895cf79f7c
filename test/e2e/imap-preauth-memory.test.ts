// Memory before login: `thutin serve` runs in its own process (its RSS read from /proc), and 100
// connections that have not logged in each try to send a 50 MB literal — half announce it
// synchronising (the server must not answer "+"), half as LITERAL+ and start streaming it anyway
// (the server must end the connection). The server's RSS stays under 300 MB throughout and after,
// and it still serves a normal login afterwards.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/config.ts';
import pino from 'pino';

const BIN = path.resolve(import.meta.dirname, '../../bin/thutin.js');
const LITERAL = 50 * 1024 * 1024;
const PASSWORD = 'Matkhau#2026';

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** One hostile connection: greeting, then a 50 MB literal announced; what the server said. */
async function hostile(port: number, nonSync: boolean): Promise<string> {
  const socket = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false });
  let got = '';
  let closed = false;
  socket.setEncoding('utf8');
  socket.on('data', (d: string) => (got += d));
  socket.on('error', () => {});
  const closing = new Promise<void>((res) => socket.on('close', () => ((closed = true), res())));
  await new Promise<void>((res, rej) => {
    socket.once('secureConnect', () => res());
    socket.once('error', rej);
  });
  const until = Date.now() + 10_000;
  while (!got.includes('\r\n') && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  socket.write(`a1 LOGIN {${LITERAL}${nonSync ? '+' : ''}}\r\n`);
  if (nonSync) {
    // Stream the literal as LITERAL+ allows, until the server hangs up.
    const chunk = Buffer.alloc(256 * 1024, 0x41);
    for (let sent = 0; sent < LITERAL && !closed; sent += chunk.length) {
      if (!socket.write(chunk)) await Promise.race([new Promise((r) => socket.once('drain', r)), closing, new Promise((r) => setTimeout(r, 2000))]);
    }
  }
  await Promise.race([closing, new Promise((r) => setTimeout(r, 15_000))]);
  socket.destroy();
  return got;
}

describe('IMAP before login: 100 connections × 50 MB literals', { timeout: 300_000 }, () => {
  let dir: string;
  let child: ChildProcess;
  let imaps = 0;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-rss-'));
    const listen = { host: '127.0.0.1' };
    fs.writeFileSync(
      path.join(dir, 'thutin.json'),
      JSON.stringify({
        hostname: 'mail.test.local',
        smtp: { ...listen, inboundPort: 0, submissionPort: 0, submissionTlsPort: 0 },
        imap: { ...listen, port: 0, tlsPort: 0 },
        http: { ...listen, port: 0, tlsPort: 0 },
        ldap: { ...listen, port: 0, tlsPort: 0 },
        dns: { servers: ['127.0.0.1:1'] },
        outbound: { enabled: false },
        log: { level: 'warn' },
      }),
    );
    // The account, made before the server starts (SQLite: one server process per data directory).
    const app = await createApp(loadConfig(dir, {}, {}), { log: pino({ level: 'silent' }) });
    await app.accounts.create('annv@kontum.gov.vn', PASSWORD, 'test');
    await app.close();
    child = spawn(process.execPath, [BIN, '--data', dir, 'serve'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, THUTIN_LOG_LEVEL: 'warn' } });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const until = Date.now() + 60_000;
    for (;;) {
      const m = /IMAP \d+ \(STARTTLS\) (\d+) \(TLS\)/.exec(out);
      if (m) {
        imaps = Number(m[1]);
        break;
      }
      if (Date.now() > until || child.exitCode !== null) throw new Error(`serve did not start: ${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses the literals without "+", ends the LITERAL+ senders, and stays under 300 MB', async () => {
    const pid = child.pid!;
    const idle = rssMb(pid);
    let peak = idle;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 50);
    const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => hostile(imaps, i % 2 === 1)));
    await new Promise((r) => setTimeout(r, 1000));
    clearInterval(sampler);
    const after = rssMb(pid);
    for (const a of answers) {
      expect(a).not.toMatch(/^\+/m); // never a continuation for the literal
      expect(a).toMatch(/^a1 BAD \[TOOBIG\]/m);
      expect(a).toMatch(/^\* BYE /m);
    }
    expect(peak).toBeLessThan(300);
    expect(after).toBeLessThan(300);
    // The server still serves a normal login.
    const ok = await new Promise<string>((resolve) => {
      const s = tls.connect({ host: '127.0.0.1', port: imaps, rejectUnauthorized: false });
      let got = '';
      s.setEncoding('utf8');
      s.on('data', (d: string) => {
        got += d;
        if (got.includes('\r\n') && !got.includes('a2 ')) s.write(`a2 LOGIN annv@kontum.gov.vn "${PASSWORD}"\r\n`);
        if (/^a2 (OK|NO|BAD)/m.test(got)) {
          s.destroy();
          resolve(got);
        }
      });
    });
    expect(ok).toMatch(/^a2 OK/m);
    console.log(`thutin serve RSS: idle ${idle.toFixed(0)} MB, peak ${peak.toFixed(0)} MB, after ${after.toFixed(0)} MB`);
  });
});
