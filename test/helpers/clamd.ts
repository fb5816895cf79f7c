// Owns: a private clamd (Debian's clamav-daemon) for the tests: its own clamd.conf, a temp
// DatabaseDirectory holding a custom signature database — the EICAR test string as an .ndb body
// signature and a signature of our own (an .hdb MD5 of OWN_PAYLOAD), as an offline site would
// have, no freshclam, no network — TCP on a free loopback port and a unix socket. Start-up with this tiny
// database takes well under a second; one clamd serves a whole test file. `stop()` ends it (by
// its pid) and waits until the port refuses; `start()` brings it back on the same port.
import crypto from 'node:crypto';
import fs from 'node:fs';
import zlib from 'node:zlib';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';

export const CLAMD = '/usr/sbin/clamd';

/** The EICAR anti-virus test file (68 bytes), built so that this source file is not itself a hit. */
export const EICAR = Buffer.from(['X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR', '-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'].join(''), 'latin1');
export const EICAR_NAME = 'Eicar-Test-Signature';
/** A file our own signature (.hdb: MD5 and size) matches exactly. */
export const OWN_PAYLOAD = Buffer.from('THUTIN test payload: the province own signature\n', 'latin1');
export const OWN_NAME = 'Thutin.Test.OwnSignature';

export interface Clamd {
  port: number;
  /** Its unix socket too. */
  socket: string;
  dir: string;
  /** The running daemon's pid (null while stopped). */
  pid(): number | null;
  start(): Promise<void>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.createConnection({ host: '127.0.0.1', port });
    let got = '';
    const done = (v: boolean) => (sock.destroy(), resolve(v));
    sock.setTimeout(1000, () => done(false));
    sock.on('connect', () => sock.write('zPING\0'));
    sock.on('data', (d) => ((got += d.toString()), got.includes('PONG') && done(true)));
    sock.on('error', () => done(false));
    sock.on('close', () => done(got.includes('PONG')));
  });
}

export async function startClamd(opts: { logClean?: boolean } = {}): Promise<Clamd> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-clamd-'));
  const db = path.join(dir, 'db');
  fs.mkdirSync(db);
  fs.writeFileSync(path.join(db, 'eicar.ndb'), `${EICAR_NAME}:0:*:${EICAR.toString('hex')}\n`);
  fs.writeFileSync(path.join(db, 'own.hdb'), `${crypto.createHash('md5').update(OWN_PAYLOAD).digest('hex')}:${OWN_PAYLOAD.length}:${OWN_NAME}\n`);
  const port = await freePort();
  const conf = path.join(dir, 'clamd.conf');
  fs.writeFileSync(
    conf,
    [
      'Foreground yes',
      `TCPSocket ${port}`,
      'TCPAddr 127.0.0.1',
      `LocalSocket ${path.join(dir, 'clamd.sock')}`,
      `DatabaseDirectory ${db}`,
      `LogFile ${path.join(dir, 'clamd.log')}`,
      `TemporaryDirectory ${dir}`,
      'OfficialDatabaseOnly no',
      'SelfCheck 0',
      'MaxThreads 4',
      'StreamMaxLength 2M',
      'ScanArchive yes',
      'ScanMail yes',
      // A line per clean scan too (benches count the scans each side asked for).
      ...(opts.logClean ? ['LogClean yes'] : []),
      `User ${os.userInfo().username}`,
      '',
    ].join('\n'),
  );
  let proc: ChildProcess | null = null;
  const start = async () => {
    proc = spawn(CLAMD, ['-c', conf], { stdio: 'ignore' });
    const p = proc;
    const exited = new Promise<void>((res) => p.once('exit', () => res()));
    for (let i = 0; i < 300; i++) {
      if (await answers(port)) return;
      if (p.exitCode !== null) break;
      await Promise.race([new Promise((r) => setTimeout(r, 100)), exited]);
    }
    throw new Error(`clamd did not start: ${fs.existsSync(path.join(dir, 'clamd.log')) ? fs.readFileSync(path.join(dir, 'clamd.log'), 'utf8').slice(-2000) : 'no log'}`);
  };
  const stop = async () => {
    const p = proc;
    proc = null;
    if (!p || p.exitCode !== null) return;
    const gone = new Promise<void>((res) => p.once('exit', () => res()));
    p.kill('SIGTERM');
    await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
    if (p.exitCode === null) p.kill('SIGKILL');
  };
  await start();
  return {
    port,
    socket: path.join(dir, 'clamd.sock'),
    dir,
    pid: () => (proc as ChildProcess | null)?.pid ?? null,
    start,
    async stop() {
      await stop();
    },
  };
}

/** Remove the temp folder after the last stop. */
export function removeClamdDir(c: Clamd): void {
  fs.rmSync(c.dir, { recursive: true, force: true });
}

/** A one-file zip (stored, no compression) holding `data`, built by hand (CRC-32 from zlib). */
export function zipOf(name: string, data: Buffer): Buffer {
  const n = Buffer.from(name);
  const crc = zlib.crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(n.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(n.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + n.length, 12);
  end.writeUInt32LE(30 + n.length + data.length, 16);
  return Buffer.concat([local, n, data, central, n, end]);
}

/** A MIME message (Vietnamese text part) with one base64 attachment, CRLF line ends. */
export function mailWithAttachment(o: { from: string; to: string; subject: string; filename: string; type: string; data: Buffer; extraHeaders?: string[] }): Buffer {
  const b = `=_thutin_${crypto.randomBytes(6).toString('hex')}`;
  const lines = [
    `From: <${o.from}>`,
    `To: <${o.to}>`,
    `Subject: ${o.subject}`,
    `Date: Mon, 07 Dec 2026 09:00:00 +0700`,
    `Message-ID: <${crypto.randomBytes(8).toString('hex')}@test.example>`,
    ...(o.extraHeaders ?? []),
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${b}"`,
    '',
    `--${b}`,
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    'Kính gửi đồng chí, xin gửi tệp đính kèm.',
    `--${b}`,
    `Content-Type: ${o.type}; name="${o.filename}"`,
    `Content-Disposition: attachment; filename="${o.filename}"`,
    'Content-Transfer-Encoding: base64',
    '',
    ...(o.data.toString('base64').match(/.{1,76}/g) ?? []),
    `--${b}--`,
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'utf8');
}
