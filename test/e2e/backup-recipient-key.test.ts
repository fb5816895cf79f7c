// Backups encrypted to a public key through the real `thutin` command, keys made by openssl: for an
// X25519 and an RSA-2048 recipient, `backup create --recipient-key` stores no message text and
// needs no secret; a second set in the same folder reuses the pool (its files still open with the
// first set's wrapped key); `verify` checks without any key; `restore --private-key` brings back
// every byte; without a key, with another X25519 or RSA private key, with a tampered wrapped key
// or a tampered pool file, restore fails naming why.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/harness.ts';
import { vietnameseMessage } from '../helpers/servers.ts';
import { thutin } from '../helpers/cli.ts';
import { loadConfig } from '../../src/config/config.ts';
import { createApp } from '../../src/app.ts';

const env = { THUTIN_LOG_LEVEL: 'warn' };
const MARK = 'Hosomatkhoacongkhai4455';

let t: TestApp;
let work: string;
let user: string;

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { stdio: 'ignore' });
}

/** A private key and its public key, PEM files made by openssl. */
function keyPair(name: string, algo: 'X25519' | 'RSA'): { priv: string; pub: string } {
  const priv = path.join(work, `${name}.key`);
  const pub = path.join(work, `${name}.pub`);
  openssl('genpkey', '-algorithm', algo, ...(algo === 'RSA' ? ['-pkeyopt', 'rsa_keygen_bits:2048'] : []), '-out', priv);
  openssl('pkey', '-in', priv, '-pubout', '-out', pub);
  return { priv, pub };
}

async function deliver(n: number, from = 0): Promise<void> {
  const a = (await t.app.accounts.byAddress(user))!;
  for (let i = from; i < from + n; i++) {
    const c = await t.app.store.ingest([vietnameseMessage({ from: 'huong@kontum.gov.vn', to: user, subject: `Hồ sơ số ${i}`, body: `${MARK} ${i}\r\n` })]);
    await t.app.store.deliver(c, [{ accountId: a.id, mailbox: 'INBOX' }]);
    await t.app.store.release(c);
  }
}

function files(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-recipient-'));
  t = await createTestApp();
  user = 'an@kontum.gov.vn';
  await t.app.accounts.create(user, 'Matkhau#2026', 'test');
  await deliver(6);
}, 60_000);

afterAll(async () => {
  await t?.cleanup();
  fs.rmSync(work, { recursive: true, force: true });
});

async function restoredMessages(target: string): Promise<Buffer[]> {
  const back = await createApp(loadConfig(target, {}, {}), { log: pino({ level: 'silent' }) });
  try {
    const a = (await back.accounts.byAddress(user))!;
    const inbox = (await back.store.getMailbox(a.id, 'INBOX'))!;
    return Promise.all((await back.store.listMessages(inbox.id)).map((m) => back.store.readMessage(m)));
  } finally {
    await back.close();
  }
}

async function sourceMessages(): Promise<Buffer[]> {
  const a = (await t.app.accounts.byAddress(user))!;
  const inbox = (await t.app.store.getMailbox(a.id, 'INBOX'))!;
  return Promise.all((await t.app.store.listMessages(inbox.id)).map((m) => t.app.store.readMessage(m)));
}

describe.each(['X25519', 'RSA'] as const)('backup encrypted to a public key (%s)', (algo) => {
  it('round trip; a second set reuses the pool; no key, a wrong key, a tampered key or file fail', async () => {
    const k = keyPair(`r-${algo}`, algo);
    const other = keyPair(`o-${algo}`, algo);
    const dir = path.join(work, `bk-${algo}`);
    const c1 = await thutin(t.dataDir, ['backup', 'create', dir, '--recipient-key', k.pub], { env });
    expect(c1.code, c1.stderr).toBe(0);
    await deliver(2, 100);
    const c2 = await thutin(t.dataDir, ['backup', 'create', dir, '--recipient-key', k.pub, '--json'], { env });
    expect(c2.code, c2.stderr).toBe(0);
    expect(JSON.parse(c2.stdout).totals.copiedBlobs).toBe(2); // the pool's 6 were kept, under the first set's key
    for (const f of files(dir)) expect(fs.readFileSync(f).includes(MARK), f).toBe(false);
    expect(fs.readdirSync(path.join(dir, 'keys')).length).toBe(2);
    // Another public key, or a passphrase, for this folder is refused.
    expect((await thutin(t.dataDir, ['backup', 'create', dir, '--recipient-key', other.pub], { env })).stderr).toMatch(/does not open this backup/);

    const v = await thutin(null, ['backup', 'verify', dir], { env });
    expect(v.code, v.stderr).toBe(0);
    expect((await thutin(null, ['backup', 'verify', dir, '--private-key', k.priv], { env })).code).toBe(0);
    expect((await thutin(null, ['backup', 'verify', dir, '--private-key', other.priv], { env })).stderr).toMatch(/does not open this backup/);

    expect((await thutin(null, ['backup', 'restore', dir, '--data', path.join(work, `none-${algo}`)], { env })).stderr).toMatch(/encrypted to a public key: a key is needed/);
    expect((await thutin(null, ['backup', 'restore', dir, '--data', path.join(work, `wrong-${algo}`), '--private-key', other.priv], { env })).stderr).toMatch(/does not open this backup/);

    const target = path.join(work, `ok-${algo}`);
    const rr = await thutin(null, ['backup', 'restore', dir, '--data', target, '--private-key', k.priv], { env });
    expect(rr.code, rr.stderr).toBe(0);
    const want = await sourceMessages();
    const got = await restoredMessages(target);
    expect(got.length).toBe(want.length);
    expect(got.every((m, i) => m.equals(want[i]))).toBe(true);

    // A wrapped key altered: the data key does not come out.
    const keyFile = path.join(dir, 'keys', fs.readdirSync(path.join(dir, 'keys'))[0]);
    const saved = fs.readFileSync(keyFile, 'utf8');
    const w = JSON.parse(saved) as { wrapped: string };
    const b = Buffer.from(w.wrapped, 'base64');
    b[5] ^= 1;
    fs.writeFileSync(keyFile, JSON.stringify({ ...w, wrapped: b.toString('base64') }));
    const tk = await thutin(null, ['backup', 'restore', dir, '--data', path.join(work, `tk-${algo}`), '--private-key', k.priv], { env });
    expect(tk.code).toBe(1);
    expect(tk.stderr).toMatch(/does not open this backup|fails its checks/);
    fs.writeFileSync(keyFile, saved);

    // A pool file's ciphertext altered: verify names it, restore stops at it (AES-GCM's tag).
    const pool = files(path.join(dir, 'pool'))[0];
    const bytes = fs.readFileSync(pool);
    bytes[bytes.length - 20] ^= 1;
    fs.writeFileSync(pool, bytes);
    const tv = await thutin(null, ['backup', 'verify', dir], { env });
    expect(tv.code).toBe(1);
    expect(tv.stderr).toContain(path.relative(dir, pool));
    const tr = await thutin(null, ['backup', 'restore', dir, '--data', path.join(work, `tp-${algo}`), '--private-key', k.priv], { env });
    expect(tr.code).toBe(1);
    expect(tr.stderr).toMatch(/fails its checks/);
  }, 300_000);
});
