// Owns: the PROXY protocol (HAProxy's, v1 text and v2 binary) on every listener — a pure parser of
// the header, and `acceptProxyProtocol`, which makes a listening server read the header from the
// peers configured in `proxyProtocol.trustedFrom` (addresses or CIDRs) before any protocol byte
// and lets every front end see the client the proxy speaks for (socket.remoteAddress/remotePort,
// TLS sockets included). A trusted peer that sends no valid header in time is cut; a peer that is
// not trusted is served as before, so its own "PROXY …" line is just a bad command.
// (The PROXY protocol spec: haproxy.org/download/2.9/doc/proxy-protocol.txt.)
import net from 'node:net';
import type tls from 'node:tls';

export interface ProxyPeer {
  address: string;
  port: number;
}

export type ProxyParse =
  | { kind: 'incomplete' }
  | { kind: 'invalid'; reason: string }
  /** `source` null: LOCAL (v2) or UNKNOWN (v1) — the proxy speaks for itself (health checks). */
  | { kind: 'ok'; length: number; version: 1 | 2; source: ProxyPeer | null };

export const V2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
const V1_PREFIX = Buffer.from('PROXY ', 'latin1');
const V1_MAX = 107; // the spec's longest v1 line, CRLF included
/** v2 headers carry TLVs after the addresses; more than this is refused rather than buffered. */
const V2_MAX = 2048;

function port(s: string): number | null {
  if (!/^(0|[1-9]\d{0,4})$/.test(s)) return null;
  const n = Number(s);
  return n <= 65535 ? n : null;
}

function parseV1(buf: Buffer): ProxyParse {
  const end = buf.indexOf('\r\n', 0, 'latin1');
  if (end < 0) return buf.length >= V1_MAX ? { kind: 'invalid', reason: 'v1 line too long' } : { kind: 'incomplete' };
  if (end + 2 > V1_MAX) return { kind: 'invalid', reason: 'v1 line too long' };
  const parts = buf.toString('latin1', 0, end).split(' ');
  if (parts[1] === 'UNKNOWN') return { kind: 'ok', length: end + 2, version: 1, source: null };
  if (parts.length !== 6) return { kind: 'invalid', reason: 'v1 fields' };
  const [, family, src, dst, sport, dport] = parts;
  const fam = family === 'TCP4' ? 4 : family === 'TCP6' ? 6 : 0;
  if (!fam) return { kind: 'invalid', reason: `v1 family ${family}` };
  if (net.isIP(src) !== fam || net.isIP(dst) !== fam) return { kind: 'invalid', reason: 'v1 address' };
  const sp = port(sport);
  if (sp === null || port(dport) === null) return { kind: 'invalid', reason: 'v1 port' };
  return { kind: 'ok', length: end + 2, version: 1, source: { address: src, port: sp } };
}

function ipv6(b: Buffer): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i).toString(16));
  // let the URL parser write the canonical (compressed) form
  return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
}

function parseV2(buf: Buffer): ProxyParse {
  if (buf.length < 16) return { kind: 'incomplete' };
  const verCmd = buf[12];
  if (verCmd >> 4 !== 2) return { kind: 'invalid', reason: 'v2 version' };
  const command = verCmd & 0x0f;
  if (command > 1) return { kind: 'invalid', reason: 'v2 command' };
  const length = buf.readUInt16BE(14);
  if (16 + length > V2_MAX) return { kind: 'invalid', reason: 'v2 header too long' };
  if (buf.length < 16 + length) return { kind: 'incomplete' };
  const total = 16 + length;
  if (command === 0) return { kind: 'ok', length: total, version: 2, source: null }; // LOCAL
  const family = buf[13] >> 4;
  const transport = buf[13] & 0x0f;
  const body = buf.subarray(16, total);
  if (family === 0 || transport !== 1) return { kind: 'ok', length: total, version: 2, source: null }; // UNSPEC or not TCP: the proxy's own
  if (family === 1) {
    if (length < 12) return { kind: 'invalid', reason: 'v2 IPv4 block short' };
    return { kind: 'ok', length: total, version: 2, source: { address: `${body[0]}.${body[1]}.${body[2]}.${body[3]}`, port: body.readUInt16BE(8) } };
  }
  if (family === 2) {
    if (length < 36) return { kind: 'invalid', reason: 'v2 IPv6 block short' };
    return { kind: 'ok', length: total, version: 2, source: { address: ipv6(body.subarray(0, 16)), port: body.readUInt16BE(32) } };
  }
  if (family === 3) return { kind: 'ok', length: total, version: 2, source: null }; // AF_UNIX: no client address to give
  return { kind: 'invalid', reason: `v2 family ${family}` };
}

/** Parse a PROXY header at the start of `buf` (v1 or v2). Never throws. */
export function parseProxyHeader(buf: Buffer): ProxyParse {
  const n = Math.min(buf.length, V2_SIGNATURE.length);
  if (buf.subarray(0, n).equals(V2_SIGNATURE.subarray(0, n))) return n < V2_SIGNATURE.length ? { kind: 'incomplete' } : parseV2(buf);
  const m = Math.min(buf.length, V1_PREFIX.length);
  if (buf.subarray(0, m).equals(V1_PREFIX.subarray(0, m))) return m < V1_PREFIX.length ? { kind: 'incomplete' } : parseV1(buf);
  return { kind: 'invalid', reason: 'no PROXY header' };
}

/** The trusted peers (addresses or CIDRs, IPv4 and IPv6) as a BlockList; null when none. */
export function trustList(entries: string[]): net.BlockList | null {
  if (entries.length === 0) return null;
  const list = new net.BlockList();
  for (const e of entries) {
    const [addr, bits] = e.split('/');
    const type = net.isIPv6(addr) ? 'ipv6' : 'ipv4';
    if (!net.isIP(addr)) throw new Error(`proxyProtocol.trustedFrom: "${e}" không phải địa chỉ IP hay CIDR / is not an IP address or CIDR`);
    if (bits === undefined) list.addAddress(addr, type);
    else list.addSubnet(addr, Number(bits), type);
  }
  return list;
}

export function isTrusted(list: net.BlockList | null, address: string | undefined): boolean {
  if (!list || !address) return false;
  const v4 = address.replace(/^::ffff:/i, '');
  return net.isIPv4(v4) ? list.check(v4, 'ipv4') : list.check(address, 'ipv6');
}

/** What a trusted proxy said, by socket and by the real TCP peer (proxy address|port) of open connections. */
const proxied = new WeakMap<net.Socket, ProxyPeer>();
const byRealPeer = new Map<string, ProxyPeer>();

/**
 * The client a trusted proxy named for this socket, or null (not proxied, or LOCAL/UNKNOWN). A TLS
 * socket made over a proxied one by a library (smtp-server's implicit TLS) is found by its real
 * peer, which it shares with the socket it wraps.
 */
export function proxiedPeer(socket: net.Socket): ProxyPeer | null {
  return proxied.get(socket) ?? byRealPeer.get(`${socket.remoteAddress}|${socket.remotePort}`) ?? null;
}

/** Make `socket` report `peer` as its remote end (remoteAddress, remotePort), for every reader. */
export function presentAs(socket: net.Socket, peer: ProxyPeer): void {
  proxied.set(socket, peer);
  Object.defineProperty(socket, 'remoteAddress', { value: peer.address, configurable: true });
  Object.defineProperty(socket, 'remotePort', { value: peer.port, configurable: true });
  Object.defineProperty(socket, 'remoteFamily', { value: net.isIPv6(peer.address) ? 'IPv6' : 'IPv4', configurable: true });
}

/** A TLS socket made over `raw` (STARTTLS, implicit TLS) reports what `raw` was given. */
export function carryPeer(raw: net.Socket, secure: tls.TLSSocket): void {
  const peer = proxied.get(raw);
  if (peer) presentAs(secure, peer);
}

/**
 * Read the PROXY header from a freshly accepted socket: resolves with the peer it names (null
 * for LOCAL/UNKNOWN), the bytes after it left unread for the protocol; rejects (the caller cuts
 * the connection) when the header is invalid, the peer closes, or `timeoutMs` passes.
 */
export function readProxyHeader(socket: net.Socket, timeoutMs: number): Promise<ProxyPeer | null> {
  return new Promise((resolve, reject) => {
    let buf: Buffer = Buffer.alloc(0);
    const timer = setTimeout(() => finish(new Error('PROXY header timeout')), timeoutMs);
    const onData = (chunk: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      const r = parseProxyHeader(buf);
      if (r.kind === 'incomplete') return;
      if (r.kind === 'invalid') return finish(new Error(`PROXY header invalid: ${r.reason}`));
      socket.pause();
      const rest = buf.subarray(r.length);
      finish(null, r.source);
      if (rest.length) socket.unshift(rest);
    };
    const onEnd = () => finish(new Error('closed before the PROXY header'));
    function finish(err: Error | null, peer?: ProxyPeer | null) {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
      socket.off('error', onEnd);
      if (err) reject(err);
      else resolve(peer ?? null);
    }
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('close', onEnd);
    socket.once('error', onEnd);
  });
}

export interface ProxyProtocolOptions {
  trusted: net.BlockList | null;
  timeoutMs?: number;
  onRefused?: (remote: string | undefined, reason: string) => void;
}

/**
 * Put PROXY protocol reading in front of every 'connection' listener `server` has now (call it
 * after the front end attached its own, before listening). For a TLS server (tls.Server,
 * https.Server) the TLS socket handed to 'secureConnection' reports the proxied client too.
 */
export function acceptProxyProtocol(server: net.Server, opts: ProxyProtocolOptions): void {
  if (!opts.trusted) return;
  const trusted = opts.trusted;
  const timeoutMs = opts.timeoutMs ?? 5000;
  const listeners = server.listeners('connection') as Array<(socket: net.Socket) => void>;
  server.removeAllListeners('connection');
  server.on('connection', (socket: net.Socket) => {
    const dispatch = () => {
      for (const l of listeners) l.call(server, socket);
    };
    if (!isTrusted(trusted, socket.remoteAddress)) return dispatch();
    const real = `${socket.remoteAddress}|${socket.remotePort}`;
    socket.on('error', () => {}); // the protocol front end adds its own once dispatched
    readProxyHeader(socket, timeoutMs).then(
      (peer) => {
        if (socket.destroyed) return;
        if (peer) {
          byRealPeer.set(real, peer);
          socket.once('close', () => byRealPeer.delete(real));
          presentAs(socket, peer);
        }
        dispatch();
        // reading was paused at the end of the header; a plain protocol reading 'data' goes on (a TLS
        // server's socket took the buffered bytes and the handle itself)
        if (socket.isPaused() && socket.listenerCount('data') > 0) socket.resume();
      },
      (e: Error) => {
        opts.onRefused?.(socket.remoteAddress, e.message);
        socket.destroy();
      },
    );
  });
  server.prependListener('secureConnection', (secure: tls.TLSSocket) => {
    const peer = proxiedPeer(secure);
    if (peer) presentAs(secure, peer);
  });
}
