// A scripted remote SMTP server on a loopback port, for outbound delivery tests: it answers
// each recipient as the test says (250, 4xx, 5xx), and can misbehave the ways real remotes
// do — stall before the greeting or after the data, greet with garbage, drop the connection
// in the middle of DATA, offer STARTTLS with a self-signed certificate or with a broken TLS
// handshake, answer the data slowly. It keeps every message it accepted (envelope, bytes,
// whether the session was encrypted) and counts sessions and transactions.
import net from 'node:net';
import tls from 'node:tls';
import { generate } from 'selfsigned';

export interface RemoteScript {
  /** '220 …' line, 'stall' (never greet) or 'garbage' (a non-SMTP greeting). */
  greeting?: string;
  /** Offer STARTTLS: 'ok' (self-signed certificate), 'broken' (the handshake fails), or not. */
  starttls?: 'ok' | 'broken' | false;
  /** Reply to RCPT TO for one address (default 250). */
  rcpt?: (address: string) => string;
  /** After the data: a reply line, 'stall' (never answer), 'drop' (close mid-DATA, no reply). */
  data?: string | 'stall' | 'drop' | ((m: RemoteMessage) => string);
  /** Wait this long before answering the data (a slow remote). */
  dataDelayMs?: number;
}

export interface RemoteMessage {
  from: string;
  to: string[];
  data: Buffer;
  tls: boolean;
  helo: string;
}

export interface ScriptedRemote {
  readonly port: number;
  /** Messages the remote answered 250 to, in order. */
  readonly messages: RemoteMessage[];
  /** Connections accepted, RCPT commands seen per address, whole messages received (answered or not). */
  readonly stats: { sessions: number; rcpts: Map<string, number>; dataSeen: number };
  setScript(s: RemoteScript): void;
  /** Resolves when `n` messages have been accepted. */
  waitForMessages(n: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

let certCache: { key: string; cert: string } | null = null;
async function selfSigned(): Promise<{ key: string; cert: string }> {
  if (certCache) return certCache;
  const pems = await generate([{ name: 'commonName', value: 'mx.remote.test' }], { keySize: 2048, algorithm: 'sha256' } as Parameters<typeof generate>[1]);
  certCache = { key: pems.private, cert: pems.cert };
  return certCache;
}

export async function startScriptedRemote(initial: RemoteScript = {}, host = '127.0.0.1', listenPort = 0): Promise<ScriptedRemote> {
  let script = initial;
  const messages: RemoteMessage[] = [];
  const stats = { sessions: 0, rcpts: new Map<string, number>(), dataSeen: 0 };
  const sockets = new Set<net.Socket>();
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const pem = await selfSigned();

  const server = net.createServer((raw) => {
    stats.sessions++;
    const s = script; // the greeting is the script's at connect time; later replies follow the current one
    let sock: net.Socket = raw;
    sockets.add(raw);
    raw.on('close', () => sockets.delete(raw));
    raw.on('error', () => {});
    let buf = Buffer.alloc(0);
    let inData = false;
    let secure = false;
    let helo = '';
    let from = '';
    let to: string[] = [];
    let dataChunks: Buffer[] = [];
    let dead = false;

    const write = (line: string) => {
      if (!dead && !sock.destroyed) sock.write(line + '\r\n');
    };
    const reset = () => {
      from = '';
      to = [];
    };
    const attach = (x: net.Socket) => {
      x.on('data', onData);
      x.on('error', () => {});
    };

    const onData = (chunk: Buffer) => {
      if (dead) return;
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        if (inData) {
          if (script.data === 'drop') {
            dead = true;
            sock.destroy();
            raw.destroy();
            return;
          }
          const end = buf.indexOf('\r\n.\r\n');
          const startsWithDot = buf.subarray(0, 3).toString() === '.\r\n';
          if (end < 0 && !startsWithDot) {
            dataChunks.push(buf);
            buf = Buffer.alloc(0);
            return;
          }
          const cut = startsWithDot ? 0 : end + 2;
          dataChunks.push(buf.subarray(0, cut));
          buf = buf.subarray(cut + 3);
          inData = false;
          const body = Buffer.concat(dataChunks)
            .toString('latin1')
            .replace(/\r\n\.\./g, '\r\n.')
            .replace(/^\.\./, '.');
          const m: RemoteMessage = { from, to, data: Buffer.from(body, 'latin1'), tls: secure, helo };
          dataChunks = [];
          reset();
          stats.dataSeen++; // the whole message arrived; the answer is still to come
          if (script.data === 'stall') return;
          const reply = typeof script.data === 'function' ? script.data(m) : (script.data ?? '250 2.0.0 Ok: queued');
          const answer = () => {
            if (reply.startsWith('250')) {
              messages.push(m);
              for (const w of [...waiters]) if (messages.length >= w.n) w.resolve();
            }
            write(reply);
          };
          if (script.dataDelayMs) setTimeout(answer, script.dataDelayMs);
          else answer();
          continue;
        }
        const nl = buf.indexOf('\r\n');
        if (nl < 0) return;
        const line = buf.subarray(0, nl).toString('utf8');
        buf = buf.subarray(nl + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') {
          helo = line.slice(5).trim();
          const ext = ['250-mx.remote.test', '250-PIPELINING', '250-8BITMIME', '250-SIZE 100000000'];
          if (script.starttls && !secure) ext.push('250-STARTTLS');
          ext.push('250 ENHANCEDSTATUSCODES');
          write(ext.join('\r\n'));
        } else if (line.toUpperCase() === 'STARTTLS') {
          if (!script.starttls) {
            write('502 5.5.1 not offered');
            continue;
          }
          write('220 2.0.0 Ready to start TLS');
          raw.removeAllListeners('data');
          if (script.starttls === 'broken') {
            raw.write(Buffer.from('this is not a TLS handshake\r\n'));
            setTimeout(() => raw.destroy(), 20);
            dead = true;
            return;
          }
          const t = new tls.TLSSocket(raw, { isServer: true, key: pem.key, cert: pem.cert });
          sock = t;
          secure = true;
          buf = Buffer.alloc(0);
          attach(t);
          return;
        } else if (verb === 'MAIL') {
          reset();
          from = /<([^>]*)>/.exec(line)?.[1] ?? '';
          write('250 2.1.0 Ok');
        } else if (verb === 'RCPT') {
          const addr = /<([^>]*)>/.exec(line)?.[1] ?? '';
          stats.rcpts.set(addr, (stats.rcpts.get(addr) ?? 0) + 1);
          const reply = script.rcpt ? script.rcpt(addr) : '250 2.1.5 Ok';
          if (reply.startsWith('250')) to.push(addr);
          write(reply);
        } else if (verb === 'DATA') {
          if (!to.length) {
            write('554 5.5.1 Error: no valid recipients');
            continue;
          }
          inData = true;
          write('354 End data with <CR><LF>.<CR><LF>');
        } else if (verb === 'RSET') {
          reset();
          write('250 2.0.0 Ok');
        } else if (verb === 'NOOP') {
          write('250 2.0.0 Ok');
        } else if (verb === 'QUIT') {
          write('221 2.0.0 Bye');
          sock.end();
          return;
        } else {
          write('502 5.5.2 Error: command not recognized');
        }
      }
    };

    if (s.greeting === 'stall') return; // say nothing, read nothing
    if (s.greeting === 'garbage') {
      raw.write('HTTP/1.1 400 Bad Request\r\n\r\n');
      attach(raw);
      return;
    }
    raw.write((s.greeting ?? '220 mx.remote.test ESMTP scripted') + '\r\n');
    attach(raw);
  });

  await new Promise<void>((resolve) => server.listen(listenPort, host, resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    messages,
    stats,
    setScript(x) {
      script = x;
    },
    waitForMessages(n, timeoutMs = 15_000) {
      if (messages.length >= n) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const w = { n, resolve: () => (clearTimeout(t), resolve()) };
        const t = setTimeout(() => reject(new Error(`remote got ${messages.length} of ${n} messages`)), timeoutMs);
        waiters.push(w);
      });
    },
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
