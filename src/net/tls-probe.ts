// Owns: asking a TLS port what it offers, as a client would — for `thutin doctor` and the TLS
// policy tests. Each protocol version (TLS 1.0 … 1.3) and each cipher suite this Node's OpenSSL
// knows (PSK and SRP suites left out: they need a shared secret) is tried in its own handshake;
// STARTTLS ports (SMTP, IMAP, LDAP, ManageSieve) are first brought to the point where TLS starts.
import net from 'node:net';
import tls from 'node:tls';

export type StartTls = 'smtp' | 'imap' | 'ldap' | 'managesieve';

export interface TlsProbeTarget {
  host: string;
  port: number;
  /** How TLS starts on a plain port; absent = TLS at once (SMTPS, IMAPS, LDAPS, HTTPS). */
  starttls?: StartTls;
}

export interface TlsOffer {
  /** Protocol versions a handshake succeeded with, oldest first ('TLSv1.2', 'TLSv1.3' …). */
  versions: string[];
  /** Suites accepted, by version (OpenSSL names, e.g. ECDHE-RSA-AES128-GCM-SHA256, TLS_AES_256_GCM_SHA384). */
  ciphers: Array<{ version: string; name: string }>;
  /** Accepted TLS ≤ 1.2 suites without forward secrecy (no ECDHE/DHE) or without AEAD (CBC, SHA-1 MAC). */
  weak: string[];
}

const VERSIONS: tls.SecureVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];
const TLS13_SUITES = ['TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_128_GCM_SHA256', 'TLS_AES_128_CCM_SHA256', 'TLS_AES_128_CCM_8_SHA256'];

/** OpenSSL's names of the TLS ≤ 1.2 suites worth asking about (tls.getCiphers() is lower case). */
function legacySuites(): string[] {
  return tls
    .getCiphers()
    .filter((c) => !c.startsWith('tls_') && !/psk|srp/.test(c))
    .map((c) => c.toUpperCase());
}

/** A TLS ≤ 1.2 suite is strong when it has ephemeral ECDH key exchange and AEAD encryption. */
export function isStrongSuite(name: string): boolean {
  if (name.startsWith('TLS_')) return true; // TLS 1.3: always ephemeral, always AEAD
  return /^ECDHE-/.test(name) && /(GCM|CHACHA20-POLY1305)/.test(name);
}

const LDAP_STARTTLS = Buffer.concat([Buffer.from([0x30, 0x1d, 0x02, 0x01, 0x01, 0x77, 0x18, 0x80, 0x16]), Buffer.from('1.3.6.1.4.1.1466.20037', 'latin1')]);

/** Open a plain connection and speak until TLS may start; resolves with the socket, rejects when refused. */
function startTls(target: TlsProbeTarget, kind: StartTls, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: target.host, port: target.port });
    let buf = Buffer.alloc(0);
    let step = 0;
    const fail = (why: string) => {
      sock.destroy();
      reject(new Error(why));
    };
    const timer = setTimeout(() => fail('timeout before STARTTLS'), timeoutMs);
    const done = () => {
      clearTimeout(timer);
      sock.removeAllListeners('data');
      sock.removeAllListeners('error');
      resolve(sock);
    };
    sock.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (kind === 'ldap') {
        // ExtendedResponse: resultCode is the first ENUMERATED (0x0a 0x01 code) in the answer
        const at = buf.indexOf(Buffer.from([0x0a, 0x01]));
        if (at < 0 || buf.length < at + 3) return;
        return buf[at + 2] === 0 ? done() : fail(`LDAP StartTLS refused (${buf[at + 2]})`);
      }
      const text = buf.toString('latin1');
      if (!text.endsWith('\n')) return;
      const lines = text.split('\r\n').filter(Boolean);
      const last = lines[lines.length - 1] ?? '';
      buf = Buffer.alloc(0);
      // SMTP: greeting → EHLO → STARTTLS → 220; IMAP: greeting → STARTTLS → tagged OK;
      // ManageSieve: capabilities and OK → STARTTLS → OK
      const script: Array<[RegExp, string | null]> =
        kind === 'managesieve'
          ? [
              [/^OK\b/, 'STARTTLS\r\n'],
              [/^OK\b/, null],
            ]
          : kind === 'smtp'
            ? [
                [/^220 /, 'EHLO tls-probe.invalid\r\n'],
                [/^250 /, 'STARTTLS\r\n'],
                [/^220 /, null],
              ]
            : [
                [/^\* OK/, 'p1 STARTTLS\r\n'],
                [/^p1 OK/, null],
              ];
      if (kind === 'smtp' && /^\d{3}-/.test(last)) return; // more lines follow
      if (kind === 'imap' && step > 0 && !last.startsWith('p1 ')) return; // untagged lines
      if (kind === 'managesieve' && !/^(OK|NO|BYE)\b/.test(last)) return; // capability lines
      const [expect, send] = script[step];
      if (!expect.test(last)) return fail(`${kind}: ${last}`);
      step++;
      if (send === null) return done();
      sock.write(send);
    });
    if (kind === 'ldap') sock.write(LDAP_STARTTLS);
  });
}

/** One handshake with exactly this version and cipher list; resolves with the suite agreed, or null. */
async function handshake(target: TlsProbeTarget, version: tls.SecureVersion, ciphers: string | null, timeoutMs: number): Promise<string | null> {
  let socket: net.Socket | undefined;
  if (target.starttls) {
    try {
      socket = await startTls(target, target.starttls, timeoutMs);
    } catch {
      return null;
    }
  }
  return new Promise((resolve) => {
    const options: tls.ConnectionOptions = {
      host: target.host,
      port: target.port,
      rejectUnauthorized: false,
      minVersion: version,
      maxVersion: version,
      // @SECLEVEL=0: the client must be able to ask for old suites to learn whether they are refused
      ciphers: version === 'TLSv1.3' ? `${ciphers ?? TLS13_SUITES.join(':')}:DEFAULT@SECLEVEL=0` : `${ciphers ?? 'ALL:COMPLEMENTOFALL'}@SECLEVEL=0`,
      ...(socket ? { socket } : {}),
    };
    const s = tls.connect(options);
    const timer = setTimeout(() => finish(null), timeoutMs);
    function finish(result: string | null) {
      clearTimeout(timer);
      s.destroy();
      socket?.destroy();
      resolve(result);
    }
    s.once('secureConnect', () => finish(s.getCipher().name));
    s.once('error', () => finish(null));
    s.once('close', () => finish(null));
  });
}

/** What `target` offers: every version and suite it completes a handshake with. */
export async function probeTls(target: TlsProbeTarget, opts: { timeoutMs?: number; concurrency?: number } = {}): Promise<TlsOffer> {
  const timeoutMs = opts.timeoutMs ?? 3000;
  const versions: string[] = [];
  for (const v of VERSIONS) if (await handshake(target, v, null, timeoutMs)) versions.push(v);
  const jobs: Array<{ version: tls.SecureVersion; suite: string }> = [];
  for (const v of versions as tls.SecureVersion[]) {
    for (const suite of v === 'TLSv1.3' ? TLS13_SUITES : legacySuites()) jobs.push({ version: v, suite });
  }
  const ciphers: TlsOffer['ciphers'] = [];
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++];
      const got = await handshake(target, job.version, job.suite, timeoutMs);
      if (got === job.suite) ciphers.push({ version: job.version, name: job.suite });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 4) }, worker));
  ciphers.sort((a, b) => VERSIONS.indexOf(a.version as tls.SecureVersion) - VERSIONS.indexOf(b.version as tls.SecureVersion) || a.name.localeCompare(b.name));
  const weak = ciphers.filter((c) => c.version !== 'TLSv1.3' && !isStrongSuite(c.name)).map((c) => `${c.version} ${c.name}`);
  return { versions, ciphers, weak };
}

/** One line for an administrator: "TLSv1.2 TLSv1.3: 9 suites (ECDHE-RSA-AES128-GCM-SHA256 …)". */
export function describeOffer(offer: TlsOffer): string {
  if (offer.versions.length === 0) return 'không có TLS / no TLS';
  const names = offer.ciphers.map((c) => c.name).join(' ');
  const weak = offer.weak.length ? `; YẾU / WEAK: ${offer.weak.join(', ')}` : '';
  return `${offer.versions.join(' ')}: ${names}${weak}`;
}
