// kill -9 of `thutin serve` in the middle of a delivery loses no message: the recipient was
// claimed with a lease, so after a restart it is tried again once the lease ends and the
// remote gets the message exactly once (it had not said 250 when the process died). A second
// case kills the process after the remote's 250 but before thutin could record it: then, and
// only then, the remote gets it twice (at-least-once).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../src/config/config.ts';
import { createApp } from '../../src/app.ts';
import { startScriptedRemote, type ScriptedRemote } from '../helpers/remote-smtp.ts';
import { vietnameseMessage } from '../helpers/servers.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/thutin.js');
const SENDER = 'annv@kontum.gov.vn';

function serve(dir: string): ChildProcess {
  const p = spawn(process.execPath, [BIN, '--data', dir, 'serve'], { stdio: ['ignore', 'pipe', 'pipe'] });
  p.stdout!.on('data', (d) => process.env.DEBUG_CRASH && process.stderr.write(d));
  p.stderr!.on('data', (d) => process.env.DEBUG_CRASH && process.stderr.write(d));
  return p;
}

async function until(what: string, f: () => boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!f()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function killed(p: ChildProcess, sig: NodeJS.Signals): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    p.once('exit', () => resolve());
    p.kill(sig);
  });
}

describe('kill -9 during outbound delivery', { timeout: 180_000 }, () => {
  let remote: ScriptedRemote;
  let dir: string;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    remote = await startScriptedRemote();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-crash-'));
    fs.writeFileSync(
      path.join(dir, 'thutin.json'),
      JSON.stringify({
        hostname: 'mail.test.local',
        log: { level: 'warn' },
        smtp: { host: '127.0.0.1', inboundPort: 0, submissionPort: 0, submissionTlsPort: 0 },
        imap: { host: '127.0.0.1', port: 0, tlsPort: 0 },
        http: { host: '127.0.0.1', port: 0, tlsPort: 0 },
        ldap: { host: '127.0.0.1', port: 0, tlsPort: 0 },
        pop3: { host: '127.0.0.1', port: 0, tlsPort: 0 },
        sieve: { host: '127.0.0.1', port: 0 }, // every listener on a free port: test files run side by side
        // lease = connect + 2 × command timeout = 5 s
        outbound: { enabled: true, relayHost: `[127.0.0.1]:${remote.port}`, connectTimeoutMs: 1000, commandTimeoutMs: 2000, retryMinMs: 200, retryMaxMs: 200 },
      }),
    );
  });
  afterAll(async () => {
    for (const c of children) await killed(c, 'SIGKILL');
    await remote?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Queue one message directly in the data directory (as submission would). */
  async function queueOne(to: string): Promise<number> {
    const app = await createApp(loadConfig(dir), { log: pino({ level: 'silent' }) });
    try {
      if (!(await app.accounts.byAddress(SENDER))) await app.accounts.create(SENDER, 'Matkhau#2026', 'test');
      const content = await app.store.ingest([vietnameseMessage({ from: SENDER, to, subject: `Thư cho ${to}` })]);
      let id = 0;
      id = (await app.store.commit(content, { copies: [{ remote: { sender: SENDER, recipients: [to], accountId: null } }] })).queued[0];
      return id;
    } finally {
      await app.close();
    }
  }

  async function entry(id: number) {
    const app = await createApp(loadConfig(dir), { log: pino({ level: 'silent' }) });
    try {
      return await app.queue.get(id);
    } finally {
      await app.close();
    }
  }

  async function crashThenRestart(to: string, script: Parameters<ScriptedRemote['setScript']>[0]): Promise<{ id: number; copies: number }> {
    remote.setScript(script);
    const seen = remote.stats.dataSeen;
    const id = await queueOne(to);
    const first = serve(dir);
    children.push(first);
    // The whole message reached the remote, whose answer is still to come: kill -9 now.
    await until('the remote to receive the data', () => remote.stats.dataSeen > seen, 90_000);
    await killed(first, 'SIGKILL');
    expect(first.signalCode).toBe('SIGKILL');
    const e = await entry(id);
    expect(e!.recipients[0].state).toBe('queued'); // nothing recorded: the attempt died with the process
    remote.setScript({});
    await new Promise((r) => setTimeout(r, 600)); // a remote's late answer lands in a dead socket
    const copies = () => remote.messages.filter((m) => m.to.includes(to)).length;
    const before = copies();
    const second = serve(dir);
    children.push(second);
    await until('the message to be delivered after the lease', () => copies() > before, 90_000);
    // let the restarted worker record it, then stop it cleanly
    await new Promise((r) => setTimeout(r, 1500));
    await killed(second, 'SIGTERM');
    const after = await entry(id);
    expect(after!.recipients[0].state).toBe('delivered');
    expect(after!.state).toBe('done');
    return { id, copies: copies() };
  }

  it('killed before the remote answered the data: delivered exactly once after restart', async () => {
    const { copies } = await crashThenRestart('an@remote.test', { data: 'stall' });
    expect(copies).toBe(1);
  });

  it('killed after the remote said 250 but before thutin recorded it: a duplicate, never a loss', async () => {
    // The remote takes the message (and answers 250 300 ms later, to a process already dead):
    // thutin never learnt of it, so the restarted worker sends it again — two copies, not zero.
    const { copies } = await crashThenRestart('binh@remote.test', { dataDelayMs: 300 });
    expect(copies).toBe(2);
  });
});
