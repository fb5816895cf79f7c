// Test DNS server: a real authoritative DNS server on 127.0.0.1 (UDP and TCP on the same port,
// port 0 = any free one) answering A, AAAA, MX, TXT, CNAME, SRV and NXDOMAIN from a zone map the
// test gives (and PTR), encoded with dns-packet. Point the system at it with
// `dns: { servers: [dns.address] }`. `setRecords` changes records during a test; `setFailure`
// makes it answer SERVFAIL or never answer at all — a silent resolver, as on an isolated network
// (to test temperror paths and the resolver's breaker); `queries` lists every query received,
// answered or not; `stop` closes both sockets.
import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket, { type Answer, type Packet, type Question } from 'dns-packet';

export interface MxRecord {
  exchange: string;
  priority?: number;
}
export interface SrvRecord {
  target: string;
  port: number;
  priority?: number;
  weight?: number;
}

/** The records of one name. A TXT entry longer than 255 bytes is split into character-strings. */
export interface NameRecords {
  A?: string[];
  AAAA?: string[];
  MX?: MxRecord[];
  TXT?: string[];
  CNAME?: string;
  SRV?: SrvRecord[];
  /** For reverse names (`1.2.0.192.in-addr.arpa`). */
  PTR?: string[];
}

/** Zone map: owner name (any case, trailing dot optional) → records; null removes the name. */
export type Zone = Record<string, NameRecords | null>;

export type Failure = 'servfail' | 'drop' | null;

export interface TestDnsServer {
  /** "127.0.0.1:<port>", as `dns.servers` takes it. */
  readonly address: string;
  readonly port: number;
  /** Queries received so far (answered or not: also while silent), as "TYPE name". */
  readonly queries: string[];
  /** Replace the records of each name given (null deletes the name); other names stay. */
  setRecords(zone: Zone): void;
  /** Forget every name. */
  clear(): void;
  /** 'servfail': answer every query with SERVFAIL; 'drop': never answer (a dead resolver); null: normal. */
  setFailure(f: Failure): void;
  stop(): Promise<void>;
}

const TTL = 60;
const RCODE_NXDOMAIN = 3;
const RCODE_SERVFAIL = 2;
const RCODE_NOTIMP = 4;

function norm(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

function txtChunks(s: string): Buffer[] {
  const b = Buffer.from(s, 'utf8');
  const out: Buffer[] = [];
  for (let i = 0; i < b.length; i += 255) out.push(b.subarray(i, i + 255));
  return out.length ? out : [Buffer.alloc(0)];
}

function recordsOf(name: string, type: string, r: NameRecords): Answer[] {
  const base = { name, ttl: TTL, class: 'IN' as const };
  switch (type) {
    case 'A':
      return (r.A ?? []).map((data) => ({ ...base, type: 'A', data }));
    case 'AAAA':
      return (r.AAAA ?? []).map((data) => ({ ...base, type: 'AAAA', data }));
    case 'MX':
      return (r.MX ?? []).map((m) => ({ ...base, type: 'MX', data: { exchange: m.exchange, preference: m.priority ?? 10 } }));
    case 'TXT':
      return (r.TXT ?? []).map((t) => ({ ...base, type: 'TXT', data: txtChunks(t) }));
    case 'SRV':
      return (r.SRV ?? []).map((s) => ({ ...base, type: 'SRV', data: { target: s.target, port: s.port, priority: s.priority ?? 0, weight: s.weight ?? 0 } }));
    case 'PTR':
      return (r.PTR ?? []).map((data) => ({ ...base, type: 'PTR', data }));
    case 'CNAME':
      return r.CNAME ? [{ ...base, type: 'CNAME', data: r.CNAME }] : [];
    default:
      return [];
  }
}

class Server implements TestDnsServer {
  readonly queries: string[] = [];
  private readonly zone = new Map<string, NameRecords>();
  private failure: Failure = null;

  constructor(
    private readonly udp: dgram.Socket,
    private readonly tcp: net.Server,
    readonly port: number,
  ) {}

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  setRecords(zone: Zone): void {
    for (const [name, recs] of Object.entries(zone)) {
      if (recs === null) this.zone.delete(norm(name));
      else this.zone.set(norm(name), recs);
    }
  }

  clear(): void {
    this.zone.clear();
  }

  setFailure(f: Failure): void {
    this.failure = f;
  }

  /** The response packet for a query, or null to stay silent. */
  answer(query: Packet, maxSize: number): Buffer | null {
    const q: Question | undefined = query.questions?.[0];
    if (q) this.queries.push(`${q.type} ${norm(q.name)}`);
    if (this.failure === 'drop') return null;
    const flagsBase = dnsPacket.AUTHORITATIVE_ANSWER | ((query.flags ?? 0) & dnsPacket.RECURSION_DESIRED) | dnsPacket.RECURSION_AVAILABLE;
    const reply = (rcode: number, answers: Answer[]): Buffer => {
      const packet: Packet = { type: 'response', id: query.id, flags: flagsBase | rcode, questions: query.questions, answers };
      let buf = dnsPacket.encode(packet);
      if (buf.length > maxSize) {
        // Too big for UDP: send the header and question with TC set; the resolver retries over TCP.
        buf = dnsPacket.encode({ ...packet, flags: (packet.flags ?? 0) | dnsPacket.TRUNCATED_RESPONSE, answers: [] });
      }
      return buf;
    };
    if (!q) return reply(RCODE_NOTIMP, []);
    if (this.failure === 'servfail') return reply(RCODE_SERVFAIL, []);

    const answers: Answer[] = [];
    let name = norm(q.name);
    // Follow CNAMEs inside the zone (at most 8), as a recursive resolver would.
    for (let hops = 0; hops < 8; hops++) {
      const recs = this.zone.get(name);
      if (!recs) return reply(answers.length ? 0 : RCODE_NXDOMAIN, answers);
      if (recs.CNAME && q.type !== 'CNAME') {
        answers.push(...recordsOf(name, 'CNAME', recs));
        name = norm(recs.CNAME);
        continue;
      }
      answers.push(...recordsOf(name, q.type, recs));
      return reply(0, answers);
    }
    return reply(RCODE_SERVFAIL, []);
  }

  private stopped: Promise<void> | null = null;

  /** Close both sockets; calling it again is harmless. */
  stop(): Promise<void> {
    return (this.stopped ??= new Promise((resolve) => {
      this.udp.close(() => this.tcp.close(() => resolve()));
    }));
  }
}

function handleTcp(server: Server, sock: net.Socket): void {
  let buf = Buffer.alloc(0);
  sock.on('error', () => sock.destroy());
  sock.on('data', (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    while (buf.length >= 2) {
      const len = buf.readUInt16BE(0);
      if (buf.length < 2 + len) break;
      const msg = buf.subarray(2, 2 + len);
      buf = buf.subarray(2 + len);
      let query: Packet;
      try {
        query = dnsPacket.decode(msg);
      } catch {
        sock.destroy();
        return;
      }
      const res = server.answer(query, 65535);
      if (!res) continue;
      const len2 = Buffer.alloc(2);
      len2.writeUInt16BE(res.length);
      sock.write(Buffer.concat([len2, res]));
    }
  });
}

function bindUdp(port: number): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket('udp4');
    s.once('error', reject);
    s.bind(port, '127.0.0.1', () => {
      s.off('error', reject);
      resolve(s);
    });
  });
}

function listenTcp(port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(port, '127.0.0.1', () => {
      s.off('error', reject);
      resolve(s);
    });
  });
}

/** Start a DNS server on a free loopback port (UDP and TCP) serving `zone`. */
export async function startDnsServer(zone: Zone = {}): Promise<TestDnsServer> {
  for (let attempt = 0; ; attempt++) {
    const udp = await bindUdp(0);
    const port = (udp.address() as { port: number }).port;
    let tcp: net.Server;
    try {
      tcp = await listenTcp(port);
    } catch (e) {
      udp.close();
      if (attempt < 10) continue; // the TCP port of that number is taken: try another
      throw e;
    }
    const server = new Server(udp, tcp, port);
    server.setRecords(zone);
    udp.on('message', (msg, rinfo) => {
      let query: Packet;
      try {
        query = dnsPacket.decode(msg);
      } catch {
        return;
      }
      const opt = query.additionals?.find((a) => a.type === 'OPT') as { udpPayloadSize?: number } | undefined;
      const res = server.answer(query, Math.max(512, opt?.udpPayloadSize ?? 512));
      if (res) udp.send(res, rinfo.port, rinfo.address);
    });
    tcp.on('connection', (sock) => handleTcp(server, sock));
    return server;
  }
}
