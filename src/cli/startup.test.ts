// Start-up and operation as an administrator meets them (issue 15), over the real CLI: a second
// `serve` on the same data directory is refused while the first runs (and a stale lock is not an
// obstacle); configuration typos are refused with the nearest key, details in both languages, and
// an environment override is said; taken ports are named with service and key before anything
// listens; doctor tells a foreign process from thutin; the CLI is quiet when its reader goes, and
// refuses a missing data directory; commander's own texts are Vietnamese / English.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import pg from 'pg';
import { BIN, loopbackEnv, serve, thutin } from '../../test/helpers/cli.ts';

const PG_URL = process.env.THUTIN_TEST_PG_URL;

function listenOn(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, () => resolve((server.address() as net.AddressInfo).port)));
}

describe('thutin start-up and operation', { timeout: 240_000 }, () => {
  let root: string;
  let dir: string;
  const env = loopbackEnv();
  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-startup-'));
    dir = path.join(root, 'data');
    expect((await thutin(dir, ['init'], { env })).code).toBe(0);
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('refuses a second serve on the same data directory, and takes over a stale lock', async () => {
    const first = serve(dir, env);
    await first.ready;
    const lock = JSON.parse(fs.readFileSync(path.join(dir, 'thutin.lock'), 'utf8'));
    expect(lock.pid).toBe(first.proc.pid);
    const second = await thutin(dir, ['serve'], { env });
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`đang được một thutin khác dùng (pid ${first.proc.pid}`);
    expect(second.stderr).toContain(`is in use by another thutin (pid ${first.proc.pid}`);
    // kill -9 leaves the lock behind; its process is gone, so the next start replaces it.
    first.proc.kill('SIGKILL');
    await first.exited;
    expect(fs.existsSync(path.join(dir, 'thutin.lock'))).toBe(true);
    const third = serve(dir, env);
    await third.ready;
    await third.stop();
    expect(fs.existsSync(path.join(dir, 'thutin.lock'))).toBe(false);
  });

  it.skipIf(!PG_URL)('on PostgreSQL with store.sharedBlobs several serve processes share a data directory; without it the second is refused', async () => {
    const name = `thutin_test_${crypto.randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const u = new URL(PG_URL!);
    u.pathname = `/${name}`;
    const pgDir = path.join(root, 'pg');
    const running: Array<ReturnType<typeof serve>> = [];
    try {
      expect((await thutin(pgDir, ['init'], { env })).code).toBe(0);
      const file = path.join(pgDir, 'thutin.json');
      const base = JSON.parse(fs.readFileSync(file, 'utf8'));
      fs.writeFileSync(file, JSON.stringify({ ...base, database: { driver: 'postgres', url: u.toString() }, store: { sharedBlobs: true } }));
      for (let i = 0; i < 2; i++) {
        running.push(serve(pgDir, env));
        await running[i].ready;
      }
      expect(fs.existsSync(path.join(pgDir, 'thutin.lock'))).toBe(false);
      for (const s of running.splice(0)) await s.stop();
      fs.writeFileSync(file, JSON.stringify({ ...base, database: { driver: 'postgres', url: u.toString() } }));
      running.push(serve(pgDir, env));
      await running[0].ready;
      const second = await thutin(pgDir, ['serve'], { env });
      expect(second.code).toBe(1);
      expect(second.stderr).toContain('several processes only on PostgreSQL with store.sharedBlobs: true');
    } finally {
      for (const s of running) await s.stop();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });

  it('names every taken port with its service and key, before listening on any', async () => {
    const a = net.createServer();
    const b = net.createServer();
    const [pa, pb] = [await listenOn(a), await listenOn(b)];
    try {
      const r = await thutin(dir, ['serve'], { env: { ...env, THUTIN_LOG_LEVEL: 'info', THUTIN_IMAP_PORT: String(pa), THUTIN_LDAP_TLS_PORT: String(pb) } });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`cổng ${pa} (IMAP (STARTTLS), imap.port) đang bị tiến trình khác chiếm / port ${pa} (IMAP (STARTTLS), imap.port) is in use`);
      expect(r.stderr).toContain(`port ${pb} (LDAPS, ldap.tlsPort) is in use`);
      expect(r.stdout + r.stderr).not.toContain('SMTP listening');
      expect(fs.existsSync(path.join(dir, 'thutin.lock'))).toBe(false);
    } finally {
      a.close();
      b.close();
    }
  });

  it('doctor tells a foreign process from thutin, speaking TLS on TLS ports, and writes nothing into the store', async () => {
    // A foreign IMAP server on imap.port, and a plain TCP service on ldap.tlsPort (LDAPS).
    const foreignImap = net.createServer((s) => s.end('* OK [CAPABILITY IMAP4rev1] Dovecot ready.\r\n'));
    const plain = net.createServer((s) => s.end('hello\r\n'));
    const [pi, pl] = [await listenOn(foreignImap), await listenOn(plain)];
    const blobsBefore = fs.existsSync(path.join(dir, 'blobs')) ? fs.readdirSync(path.join(dir, 'blobs'), { recursive: true }) : [];
    try {
      const r = await thutin(dir, ['doctor'], { env: { ...env, THUTIN_IMAP_PORT: String(pi), THUTIN_LDAP_TLS_PORT: String(pl) } });
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(new RegExp(`^✗ imap\\.port ${pi} .*không phải thutin.*held by a foreign process \\(not thutin\\): trả lời / answers: \\* OK \\[CAPABILITY IMAP4rev1\\] Dovecot`, 'm'));
      expect(r.stdout).toMatch(new RegExp(`^✗ ldap\\.tlsPort ${pl} \\(LDAPS\\): .*foreign process \\(not thutin\\): TLS, `, 'm'));
      // Every other listener (port 0 and no server running) is free; the THUTIN_* overrides are said.
      expect(r.stdout).toMatch(/^✓ http\.port 0 \(HTTP\): trống, có thể dùng \/ free$/m);
      expect(r.stdout).toContain(`✓ env: THUTIN_IMAP_PORT=${pi} đặt imap.port / sets imap.port`);
      expect(r.stdout).toMatch(/^✓ blobs: .* ghi được \/ writable$/m);
    } finally {
      foreignImap.close();
      plain.close();
    }
    const blobsAfter = fs.existsSync(path.join(dir, 'blobs')) ? fs.readdirSync(path.join(dir, 'blobs'), { recursive: true }) : [];
    expect(blobsAfter).toEqual(blobsBefore);
  });

  it('refuses configuration typos naming the nearest key, in Vietnamese and English, and says what the environment overrides', async () => {
    const file = path.join(dir, 'thutin.json');
    const good = fs.readFileSync(file, 'utf8');
    try {
      fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(good), imap: { prot: 2143 }, smtp: { maxMesageSize: 1000 }, http: { port: 'abc' } }));
      const r = await thutin(dir, ['account', 'list']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('imap.prot: khoá không có, có phải ý bạn là imap.port? / unknown key, did you mean imap.port?');
      expect(r.stderr).toContain('smtp.maxMesageSize: khoá không có, có phải ý bạn là smtp.maxMessageSize? / unknown key, did you mean smtp.maxMessageSize?');
      expect(r.stderr).toContain('http.port: Đầu vào không hợp lệ: mong đợi số, nhận được string / Invalid input: expected number, received string');
      fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(good), imap: { port: 2143 } }));
      const o = await thutin(dir, ['init'], { env: { THUTIN_IMAP_PORT: '3143' } });
      expect(o.code).toBe(0);
      expect(o.stderr).toContain('THUTIN_IMAP_PORT=3143 ghi đè imap.port trong thutin.json (2143) / overrides imap.port from thutin.json');
    } finally {
      fs.writeFileSync(file, good);
    }
  });

  it('ends quietly when its reader goes away (EPIPE), and refuses a data directory that is not there', async () => {
    const child = spawn(process.execPath, [BIN, '--data', dir, 'audit', 'list'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // the reader is gone before the first line is written (`| head -0`)
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(stderr).not.toContain('EPIPE');
    expect(code).toBe(0);

    const nowhere = path.join(root, 'no-such-dir');
    const r = await thutin(nowhere, ['account', 'list']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Không tìm thấy thư mục dữ liệu / no data directory found: ${nowhere}`);
    expect(fs.existsSync(nowhere)).toBe(false);
    const empty = path.join(root, 'empty');
    fs.mkdirSync(empty);
    const e = await thutin(empty, ['queue', 'list']);
    expect(e.stderr).toContain('holds no thutin data (no thutin.json)');
    expect(fs.readdirSync(empty)).toEqual([]);
  });

  it("gives commander's own texts in Vietnamese and English", async () => {
    const help = await thutin(null, ['--help']);
    expect(help.stdout).toContain('Cách dùng / Usage: thutin [options] [command]');
    expect(help.stdout).toContain('Tuỳ chọn / Options:');
    expect(help.stdout).toContain('Lệnh / Commands:');
    expect(help.stdout).toContain('xem trợ giúp / display help for command');
    const missing = await thutin(dir, ['unit', 'add', 'SNV', '--name', 'Sở Nội vụ', '--kind', 'agency']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain("lỗi: thiếu tuỳ chọn bắt buộc '--reason <ref>' / error: required option '--reason <ref>' not specified");
    const unknown = await thutin(dir, ['acount', 'list']);
    expect(unknown.stderr).toContain("lỗi: không có lệnh 'acount' / error: unknown command 'acount'");
    expect(unknown.stderr).toContain('(Có phải ý bạn là account? / Did you mean account?)');
    const arg = await thutin(dir, ['account', 'add']);
    expect(arg.stderr).toContain("lỗi: thiếu tham số bắt buộc 'address' / error: missing required argument 'address'");
  });
});
