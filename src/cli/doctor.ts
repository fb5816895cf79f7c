// Owns: `thutin doctor` — the configuration (and THUTIN_* overrides), TLS, the store through
// app.health() (nothing is written into the mail store: the blob directory is checked with
// fs.access), the DNS servers, and every listener: free, served by this thutin (its greeting,
// spoken over TLS on TLS ports, and the data directory's lock with its pid and ports), or held by
// a foreign process; and, on each TLS listener this thutin serves (implicit TLS or STARTTLS), the
// protocol versions and suites it offers (net/tls-probe.ts): anything without forward secrecy or
// AEAD, or older than TLS 1.2, is a failure; and whether clamd answers (PING, VERSION) where the
// virus stage asks, and what happens to mail while it does not; the same for rspamd (`/ping`)
// where the spam stage asks; and the last backup (backup/status.ts): failed or older than backup.maxAgeHours is a failure.
import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import path from 'node:path';
import crypto from 'node:crypto';
import { envOverrideNotes, loadConfig, type Config } from '../config/config.ts';
import { loadTls } from '../config/tls.ts';
import { probeResolver } from '../net/resolver.ts';
import { probeFree } from '../net/listen.ts';
import { describeOffer, probeTls, type StartTls } from '../net/tls-probe.ts';
import { listenerSpecs, type ListenerSpec } from '../server.ts';
import { encodeSearchRequest } from '../ldap/protocol/client.ts';
import { readLock } from './data-dir.ts';
import { readStatus, statusWarning } from '../backup/status.ts';
import { withApp } from './commands/common.ts';
import { describeLimits } from './commands/security.ts';
import { ClamdClient } from '../hygiene/clamd.ts';
import { RspamdClient } from '../hygiene/rspamd.ts';

/** How long `thutin doctor` waits for the DNS servers (one try) and for a listener's answer. */
const DOCTOR_DNS_TIMEOUT_MS = 2000;
const PROBE_TIMEOUT_MS = 3000;

type Check = { name: string; ok: boolean; detail: string };
/** A listener's check; `serving`: this thutin answers there (host and port to ask about TLS). */
type ListenerCheck = Check & { serving?: { spec: ListenerSpec; host: string } };

/** What a listener answers: its first bytes (SMTP/IMAP greeting, LDAP root DSE, HTTP /health). */
function probe(spec: ListenerSpec, host: string): Promise<{ text: string } | { error: string }> {
  return new Promise((resolve) => {
    let got = Buffer.alloc(0);
    let done = false;
    const finish = (r: { text: string } | { error: string }) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(r);
    };
    const opts = { host, port: spec.port };
    const sock: net.Socket = spec.implicitTls ? tls.connect({ ...opts, rejectUnauthorized: false, servername: 'localhost' }) : net.connect(opts);
    const timer = setTimeout(() => finish(got.length ? { text: got.toString('latin1') } : { error: 'không trả lời / no answer' }), PROBE_TIMEOUT_MS);
    sock.once(spec.implicitTls ? 'secureConnect' : 'connect', () => {
      if (spec.protocol === 'http') sock.write(`GET /health HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
      if (spec.protocol === 'ldap') {
        sock.write(encodeSearchRequest(1, { baseObject: '', scope: 0, filter: { type: 'present', attribute: 'objectClass' }, attributes: ['vendorName'] }));
      }
    });
    sock.on('data', (d: Buffer) => {
      got = Buffer.concat([got, d]);
      const text = got.toString('utf8');
      if ((spec.protocol === 'smtp' || spec.protocol === 'imap' || spec.protocol === 'pop3') && text.includes('\n')) finish({ text });
      // ManageSieve greets with its capabilities, then OK.
      if (spec.protocol === 'managesieve' && /^OK\b/m.test(text)) finish({ text });
      if (spec.protocol === 'ldap' && got.includes('thutin')) finish({ text: 'vendorName: thutin' });
      if (spec.protocol === 'http' && text.includes('\r\n\r\n') && /\}\s*$/.test(text)) finish({ text });
    });
    sock.once('end', () => finish(got.length ? { text: got.toString('utf8') } : { error: 'đóng kết nối / closed' }));
    sock.once('error', (e: NodeJS.ErrnoException) => finish({ error: `${e.code ?? ''} ${e.message}`.trim() }));
  });
}

/** Whether an answer is this thutin's: the SMTP banner, the IMAP greeting, LDAP's vendorName, /health's JSON. */
function isThutin(spec: ListenerSpec, text: string): boolean {
  switch (spec.protocol) {
    case 'smtp':
      return /^220 .*thutin/m.test(text);
    case 'imap':
      return /^\* OK .*thutin IMAP/m.test(text);
    case 'pop3':
      return /^\+OK .*thutin POP3/m.test(text);
    case 'managesieve':
      return /^"IMPLEMENTATION" "thutin"/m.test(text) && /^OK .*thutin ManageSieve/m.test(text);
    case 'ldap':
      return text.includes('thutin');
    case 'http':
      return /^HTTP\/1\.[01] (200|503)/.test(text) && /"status":"(ok|error)"/.test(text) && /"database":"(sqlite|postgres)"|"status":"error"/.test(text);
  }
}

function firstLine(text: string): string {
  return (text.split(/\r?\n/).find((l) => l.trim()) ?? '').trim().slice(0, 70);
}

async function listenerCheck(configured: ListenerSpec, lock: ReturnType<typeof readLock>): Promise<ListenerCheck> {
  const running = lock?.alive ? lock : null;
  const lockPort = running?.ports?.[configured.key];
  // Port 0 (any free port) is learnt from the running server's lock.
  const spec = configured.port === 0 && lockPort ? { ...configured, port: lockPort } : configured;
  const name = `${spec.key} ${spec.port} (${spec.service})`;
  const connectHost = spec.host === '0.0.0.0' || spec.host === '::' ? '127.0.0.1' : spec.host;
  const free = spec.port === 0 ? 'port 0' : await probeFree(spec.host, spec.port);
  if (free === null || spec.port === 0) {
    if (running && lockPort !== undefined) {
      return { name, ok: false, detail: `thutin đang chạy (pid ${running.pid}) nhưng không nghe ở cổng này / thutin runs (pid ${running.pid}) but does not listen here` };
    }
    return { name, ok: true, detail: 'trống, có thể dùng / free' };
  }
  if (free !== 'EADDRINUSE') return { name, ok: false, detail: `không mở được / cannot be opened: ${free}` };
  const answer = await probe(spec, connectHost);
  const tlsNote = spec.implicitTls ? 'TLS, ' : '';
  if ('text' in answer && isThutin(spec, answer.text)) {
    const who = running ? `thutin (pid ${running.pid}${lockPort === spec.port ? '' : ', cổng khác trong khoá / other port in the lock'})` : 'thutin';
    return { name, ok: true, detail: `${who} đang phục vụ / serving (${tlsNote}${firstLine(answer.text)})`, serving: { spec, host: connectHost } };
  }
  const what = 'text' in answer ? `trả lời / answers: ${firstLine(answer.text)}` : answer.error;
  return { name, ok: false, detail: `một tiến trình khác (không phải thutin) đang chiếm / held by a foreign process (not thutin): ${tlsNote}${what}` };
}

const STARTTLS: Partial<Record<ListenerSpec['protocol'], StartTls>> = { smtp: 'smtp', imap: 'imap', ldap: 'ldap', managesieve: 'managesieve' };

/** What a served TLS listener offers (none for plain HTTP and POP3's STLS, which the probe does not speak). */
async function tlsOfferCheck(spec: ListenerSpec, host: string): Promise<Check[]> {
  const starttls = spec.implicitTls ? undefined : STARTTLS[spec.protocol];
  if (!spec.implicitTls && !starttls) return [];
  const name = `tls ${spec.key} ${spec.port}`;
  try {
    const offer = await probeTls({ host, port: spec.port, starttls }, { timeoutMs: PROBE_TIMEOUT_MS });
    const old = offer.versions.filter((v) => v !== 'TLSv1.2' && v !== 'TLSv1.3');
    const ok = offer.versions.length > 0 && offer.weak.length === 0 && old.length === 0;
    return [{ name, ok, detail: `${describeOffer(offer)}${old.length ? `; CŨ / OLD: ${old.join(' ')}` : ''}` }];
  } catch (e) {
    return [{ name, ok: false, detail: (e as Error).message }];
  }
}

/**
 * Whether clamd answers PING and VERSION where the virus stage asks (socket first, then TCP). Not
 * answering is a failure only when the policy is 'tempfail' (mail is then deferred); with
 * 'accept' mail flows unscanned, which the line says.
 */
async function clamdCheck(cfg: Config): Promise<Check> {
  const v = cfg.hygiene.virus;
  const used = cfg.smtp.inboundStages.includes('virus') || cfg.smtp.submissionStages.includes('virus');
  const client = new ClamdClient({ ...v, timeoutMs: Math.min(v.timeoutMs, PROBE_TIMEOUT_MS) });
  if (!used) return { name: 'clamd', ok: true, detail: 'bước virus không được dùng / the virus stage is not configured' };
  if (!v.enabled) return { name: 'clamd', ok: true, detail: 'quét vi-rút đã tắt (hygiene.virus.enabled: false) / virus scanning is turned off (hygiene.virus.enabled: false)' };
  try {
    await client.ping();
    const { version, endpoint } = await client.version();
    return { name: 'clamd', ok: true, detail: `${version} trả lời tại / answers at ${endpoint}; thư được quét vi-rút / mail is scanned for viruses` };
  } catch (e) {
    const where = client.endpoints().join(', ');
    const policy =
      v.unreachable === 'tempfail'
        ? 'thư bị hoãn (451) cho tới khi clamd trả lời / mail is deferred (451) until clamd answers'
        : 'thư được nhận KHÔNG quét vi-rút (X-Virus-Scan: unchecked) / mail is accepted UNSCANNED (X-Virus-Scan: unchecked)';
    return { name: 'clamd', ok: v.unreachable !== 'tempfail', detail: `không trả lời / not answering at ${where} (${(e as Error).message}): ${policy}` };
  }
}

/**
 * Whether rspamd's normal worker answers `/ping` where the spam stage asks. As with clamd, not
 * answering is a failure only under 'tempfail' (mail deferred); under 'accept' mail flows
 * unchecked (`X-Spam: unchecked`), which the line says.
 */
async function rspamdCheck(cfg: Config, learns: number): Promise<Check> {
  const sp = cfg.hygiene.spam;
  const used = cfg.smtp.inboundStages.includes('spam') || cfg.smtp.submissionStages.includes('spam');
  if (!used || !sp.enabled) return { name: 'rspamd', ok: true, detail: 'kiểm tra thư rác tắt / the spam check is off (smtp.inboundStages, hygiene.spam.enabled)' };
  const client = new RspamdClient({ ...sp, timeoutMs: Math.min(sp.timeoutMs, PROBE_TIMEOUT_MS) });
  const waiting = learns > 0 ? `; ${learns} thư chờ dạy rspamd / messages waiting to be learnt` : '';
  try {
    await client.ping();
    return { name: 'rspamd', ok: true, detail: `trả lời tại / answers at ${sp.url}; thư được kiểm tra thư rác / mail is checked for spam${waiting}` };
  } catch (e) {
    const policy =
      sp.unreachable === 'tempfail'
        ? 'thư bị hoãn (451) cho tới khi rspamd trả lời / mail is deferred (451) until rspamd answers'
        : 'thư được nhận KHÔNG kiểm tra thư rác (X-Spam: unchecked) / mail is accepted UNCHECKED for spam (X-Spam: unchecked)';
    return { name: 'rspamd', ok: sp.unreachable !== 'tempfail', detail: `không trả lời / not answering at ${sp.url} (${(e as Error).message}): ${policy}${waiting}` };
  }
}

export async function runDoctor(dataDir: string): Promise<void> {
  const checks: Check[] = [];
  let cfg: Config;
  try {
    cfg = loadConfig(dataDir);
    checks.push({ name: 'config', ok: true, detail: `${cfg.domains.primary} (${cfg.database.driver}), máy chủ / host ${cfg.hostname}` });
  } catch (e) {
    process.stdout.write(`✗ config: ${(e as Error).message}\n`);
    process.exitCode = 1;
    return;
  }
  for (const n of envOverrideNotes(dataDir)) checks.push({ name: 'env', ok: true, detail: n });
  try {
    const material = loadTls(cfg);
    const x = new crypto.X509Certificate(material.cert);
    const key = crypto.createPrivateKey(material.key);
    const expires = new Date(x.validTo);
    const ok = x.checkPrivateKey(key) && expires.getTime() > Date.now();
    checks.push({ name: 'tls', ok, detail: `${x.subjectAltName ?? x.subject}; hết hạn / expires ${expires.toISOString().slice(0, 10)}${ok ? '' : ' — không hợp lệ / invalid'}` });
  } catch (e) {
    checks.push({ name: 'tls', ok: false, detail: `${(e as Error).message} — chạy / run: thutin init` });
  }
  let learns = 0; // moves into / out of Junk not yet taught to rspamd
  try {
    // Through the App only: the database answers (no SQL here, nothing written into the store).
    const h = await withApp(dataDir, async (app) => ({ ...(await app.health()), learns: await app.spamLearner.pending() }));
    learns = h.learns;
    checks.push({ name: 'store', ok: true, detail: `${h.database}, cơ sở dữ liệu trả lời / database answers` });
  } catch (e) {
    checks.push({ name: 'store', ok: false, detail: (e as Error).message });
  }
  // The blob directory must be writable by the server: asked of the file system, never by a probe file.
  const blobs = path.join(cfg.dataDir, 'blobs');
  try {
    await fs.promises.access(fs.existsSync(blobs) ? blobs : cfg.dataDir, fs.constants.R_OK | fs.constants.W_OK | fs.constants.X_OK);
    checks.push({ name: 'blobs', ok: true, detail: `${blobs} ghi được / writable` });
  } catch (e) {
    checks.push({ name: 'blobs', ok: false, detail: `${blobs}: ${(e as Error).message}` });
  }
  // The last backup (backup-status.json, written by `thutin backup create` and serve's schedule): warned when failed or older than backup.maxAgeHours.
  const last = await readStatus(cfg.dataDir);
  const stale = statusWarning(last, new Date(), cfg.backup.dir !== '', cfg.backup.maxAgeHours);
  if (stale) checks.push({ name: 'backup', ok: false, detail: stale });
  else if (last) checks.push({ name: 'backup', ok: true, detail: `gần nhất / last ${last.at}: ${last.set} trong / in ${last.dir} (${Math.round((last.storedBytes ?? 0) / 1048576)} MB)` });
  else checks.push({ name: 'backup', ok: true, detail: 'chưa cấu hình sao lưu (backup.dir, backup.schedule) / no backup configured' });
  // A DNS server that does not answer makes every SPF/DKIM/DMARC result temperror and defers
  // outbound mail: ask it for the primary domain's MX with one short try.
  const dns = await probeResolver(cfg, cfg.domains.primary, DOCTOR_DNS_TIMEOUT_MS);
  checks.push({ name: 'dns', ok: dns.ok, detail: dns.detail });
  checks.push(await clamdCheck(cfg));
  checks.push(await rspamdCheck(cfg, learns));
  const lock = readLock(cfg.dataDir);
  if (lock?.alive) checks.push({ name: 'server', ok: true, detail: `thutin đang chạy / running: pid ${lock.pid} trên / on ${lock.host}, từ / since ${lock.startedAt}` });
  else checks.push({ name: 'server', ok: true, detail: 'thutin không chạy trên thư mục này / not running on this data directory' });
  const listeners: ListenerCheck[] = [];
  for (const spec of listenerSpecs(cfg)) listeners.push(await listenerCheck(spec, lock));
  checks.push(...listeners.map(({ name, ok, detail }) => ({ name, ok, detail })));
  for (const l of listeners) if (l.serving) checks.push(...(await tlsOfferCheck(l.serving.spec, l.serving.host)));
  for (const line of describeLimits(cfg)) checks.push({ name: 'limits', ok: true, detail: line });
  for (const c of checks) process.stdout.write(`${c.ok ? '✓' : '✗'} ${c.name}: ${c.detail}\n`);
  if (checks.some((c) => !c.ok)) process.exitCode = 1;
}
