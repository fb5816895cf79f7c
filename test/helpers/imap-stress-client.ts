// Owns: the imaptest-style stress client shared by test/e2e/imap-conformance-stress.test.ts and
// bench/imap-stress-bench.ts: one raw TLS IMAP connection that keeps its own model of what it was
// told and records any contradiction — EXISTS going down, an EXPUNGE where RFC 3501 7.4.1 forbids
// it or past the end, a FETCH for a sequence number it does not have, a UID that changed, went
// backwards or came back after its EXPUNGE, a keyword before FLAGS announced it (RFC 3501 7.2.6),
// a MODSEQ going down (RFC 7162), its own STORE not echoed, \Recent shown to two sessions
// (RFC 3501 2.3.2) — and `mixOnce`, one step of the mix of SELECT, FETCH, STORE, EXPUNGE, APPEND
// and IDLE both use. It speaks only IMAP, so it measures any server alike.
import tls from 'node:tls';

export const STRESS_KEYWORDS = ['$Label1', '$Label2', 'CongVan', 'DuAn'];
const FLAGS = ['\\Seen', '\\Flagged', '\\Answered', ...STRESS_KEYWORDS];

interface Msg {
  uid: number;
  modseq: number;
  /** The flags as this client was last told (null until a FETCH said them), \Recent aside. */
  flags: string[] | null;
}

/** What the clients of one run share: which session holds each UID's \Recent, and the errors. */
export interface StressShared {
  recentOwner: Map<number, number>;
  errors: string[];
  /**
   * Count, instead of failing on, a STORE whose echo shows another session's later change instead
   * of its own (the FETCH tells the flags as they are when written: Dovecot's way). Off: the echo
   * must show the change (thutin answers from the STORE's own transaction).
   */
  lenientEcho?: boolean;
  /** Echoes that showed a later state (counted when lenientEcho is set). */
  echoLater?: number;
}

export interface Echo {
  seqs: Set<number>;
  add: string[];
  remove: string[];
  /** Messages whose FETCH during the STORE did not show the change (yet): seq → what it said. */
  missed: Map<number, string>;
}

export class StressClient {
  private buf: Buffer = Buffer.alloc(0);
  private waiter: (() => void) | null = null;
  private closed = false;
  private tagN = 0;
  /** What this client was told: one entry per sequence number. */
  private msgs: Msg[] = [];
  private expunged = new Set<number>();
  private announced = new Set<string>();
  private lastModseq = new Map<number, number>();
  /**
   * STOREs that echoed nothing showing their change for a message, by UID: allowed only if another
   * session expunged it meanwhile (RFC 2180 4.2.1: a STORE on an expunged message may answer
   * without its FETCH; the EXPUNGE comes after the command). The checkpoint judges them.
   */
  private unechoed = new Map<number, string>();
  commands = 0;

  private constructor(
    readonly id: number,
    private readonly socket: tls.TLSSocket,
    private readonly shared: StressShared,
  ) {
    socket.on('data', (d: Buffer) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  static async connect(id: number, port: number, shared: StressShared): Promise<StressClient> {
    const socket = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false });
    socket.setNoDelay(true);
    await new Promise<void>((res, rej) => {
      socket.once('secureConnect', () => res());
      socket.once('error', rej);
    });
    const c = new StressClient(id, socket, shared);
    await c.readLine();
    return c;
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  /** One response line with its literals inlined (a literal's bytes as latin1). */
  private async readLine(): Promise<string> {
    let out = '';
    for (;;) {
      const at = this.buf.indexOf('\r\n');
      if (at < 0) {
        if (this.closed) throw new Error(`client ${this.id}: connection closed`);
        await new Promise<void>((res) => (this.waiter = res));
        continue;
      }
      const line = this.buf.subarray(0, at).toString('latin1');
      const lit = /\{(\d+)\}$/.exec(line);
      if (!lit) {
        this.buf = this.buf.subarray(at + 2);
        return out + line;
      }
      const n = Number(lit[1]);
      while (this.buf.length < at + 2 + n) {
        if (this.closed) throw new Error(`client ${this.id}: connection closed in a literal`);
        await new Promise<void>((res) => (this.waiter = res));
      }
      out += line + this.buf.subarray(at + 2, at + 2 + n).toString('latin1');
      this.buf = this.buf.subarray(at + 2 + n);
    }
  }

  private fail(what: string): void {
    if (this.shared.errors.length < 50) this.shared.errors.push(`client ${this.id}: ${what}`);
  }

  /** Run a command: untagged responses go through the model; returns the tagged line. */
  async run(command: string, opts: { literal?: Buffer; idleMs?: number; echo?: Echo } = {}): Promise<string> {
    const tag = `c${this.id}x${++this.tagN}`;
    this.commands++;
    const name = command.split(' ')[0].toUpperCase();
    if (opts.literal) {
      this.socket.write(`${tag} ${command} {${opts.literal.length}+}\r\n`);
      this.socket.write(Buffer.concat([opts.literal, Buffer.from('\r\n')]));
    } else this.socket.write(`${tag} ${command}\r\n`);
    const echoed = new Set<number>();
    for (;;) {
      const line = await this.readLine();
      if (line.startsWith(`${tag} `)) {
        // A message another session expunged may be gone before this FETCH reads it (RFC 5530).
        if (!/^\S+ OK/.test(line) && !(name === 'FETCH' && /^\S+ NO \[EXPUNGEISSUED\]/.test(line))) this.fail(`${command} → ${line}`);
        if (opts.echo)
          for (const [seq, items] of opts.echo.missed) {
            if (echoed.has(seq)) continue;
            const uid = this.msgs[seq - 1]?.uid;
            if (this.shared.lenientEcho) this.shared.echoLater = (this.shared.echoLater ?? 0) + 1;
            else if (uid) this.unechoed.set(uid, `${command}: ${seq} echoed without the change: ${items}`);
            else this.fail(`${command}: ${seq} echoed without the change: ${items}`);
          }
        return line;
      }
      if (line.startsWith('+ ') && opts.idleMs !== undefined) {
        setTimeout(() => this.socket.write('DONE\r\n'), opts.idleMs);
        continue;
      }
      this.untagged(line, name, opts.echo, echoed);
    }
  }

  private untagged(line: string, command: string, echo: Echo | undefined, echoed: Set<number>): void {
    let m: RegExpExecArray | null;
    if ((m = /^\* (\d+) EXISTS$/.exec(line))) {
      const n = Number(m[1]);
      if (n < this.msgs.length) this.fail(`EXISTS ${n} after ${this.msgs.length} without EXPUNGE`);
      while (this.msgs.length < n) this.msgs.push({ uid: 0, modseq: 0, flags: null });
    } else if ((m = /^\* (\d+) EXPUNGE$/.exec(line))) {
      const n = Number(m[1]);
      if (command === 'FETCH' || command === 'STORE' || command === 'SEARCH') this.fail(`EXPUNGE during ${command} (RFC 3501 7.4.1)`);
      if (n < 1 || n > this.msgs.length) return this.fail(`EXPUNGE ${n} of ${this.msgs.length}`);
      const [gone] = this.msgs.splice(n - 1, 1);
      if (gone.uid) this.expunged.add(gone.uid);
    } else if ((m = /^\* (\d+) RECENT$/.exec(line))) {
      if (Number(m[1]) > this.msgs.length) this.fail(`RECENT ${m[1]} above EXISTS ${this.msgs.length}`);
    } else if ((m = /^\* FLAGS \(([^)]*)\)$/.exec(line))) {
      this.announced = new Set(m[1].split(' ').filter(Boolean));
    } else if ((m = /^\* (\d+) FETCH \((.*)\)$/.exec(line))) {
      this.fetched(Number(m[1]), m[2], echo, echoed);
    }
  }

  private fetched(seq: number, items: string, echo: Echo | undefined, echoed: Set<number>): void {
    if (seq < 1 || seq > this.msgs.length) return this.fail(`FETCH for ${seq} of ${this.msgs.length}`);
    const msg = this.msgs[seq - 1];
    const uidM = /\bUID (\d+)/.exec(items);
    if (uidM) {
      const uid = Number(uidM[1]);
      if (msg.uid && msg.uid !== uid) this.fail(`seq ${seq} was UID ${msg.uid}, now ${uid}`);
      if (this.expunged.has(uid)) this.fail(`UID ${uid} came back after its EXPUNGE`);
      const before = this.msgs.slice(0, seq - 1).findLast((x) => x.uid);
      const after = this.msgs.slice(seq).find((x) => x.uid);
      if ((before && before.uid >= uid) || (after && after.uid <= uid)) this.fail(`UID ${uid} at ${seq} out of order`);
      msg.uid = uid;
    }
    const flagsM = /\bFLAGS \(([^)]*)\)/.exec(items);
    const flags = flagsM ? flagsM[1].split(' ').filter(Boolean) : null;
    if (flags) {
      msg.flags = flags.filter((f) => f !== '\\Recent').sort();
      for (const f of flags) if (!f.startsWith('\\') && !this.announced.has(f)) this.fail(`keyword ${f} before FLAGS announced it`);
      if (flags.includes('\\Recent') && msg.uid) {
        const owner = this.shared.recentOwner.get(msg.uid);
        if (owner !== undefined && owner !== this.id) this.fail(`UID ${msg.uid} \\Recent in clients ${owner} and ${this.id}`);
        this.shared.recentOwner.set(msg.uid, this.id);
      }
      // Its own STORE is echoed with the change it made. Another session's earlier change may be
      // told first in the same response (Dovecot does), so one FETCH of the message showing it is enough.
      if (echo && echo.seqs.has(seq)) {
        const shows = echo.add.every((f) => flags.includes(f)) && echo.remove.every((f) => !flags.includes(f));
        if (shows) echoed.add(seq);
        else echo.missed.set(seq, items);
      }
    }
    const modM = /\bMODSEQ \((\d+)\)/.exec(items);
    if (modM && msg.uid) {
      const v = Number(modM[1]);
      const last = this.lastModseq.get(msg.uid) ?? 0;
      if (v < last) this.fail(`UID ${msg.uid} MODSEQ ${v} after ${last}`);
      this.lastModseq.set(msg.uid, v);
    }
  }

  /** Its own .SILENT change, which the server does not echo (RFC 3501 6.4.6). */
  knowsAdded(seq: number, flag: string): void {
    const m = this.msgs[seq - 1];
    if (m?.flags && !m.flags.includes(flag)) m.flags = [...m.flags, flag].sort();
  }

  /**
   * imaptest's checkpoint: with nobody writing any more, the flags this client was told through
   * updates must be the folder's; returns what a fresh FETCH says (uid → flags) to compare clients.
   */
  async checkpoint(): Promise<Map<number, string>> {
    await this.run('NOOP');
    const told = new Map(this.msgs.filter((m) => m.uid && m.flags).map((m) => [m.uid, m.flags!.join(' ')]));
    const state = new Map<number, string>();
    if (this.msgs.length) await this.run('FETCH 1:* (UID FLAGS)');
    for (const m of this.msgs) {
      state.set(m.uid, (m.flags ?? []).join(' '));
      const t = told.get(m.uid);
      if (t !== undefined && t !== state.get(m.uid)) this.fail(`UID ${m.uid}: told (${t}) but the folder has (${state.get(m.uid)})`);
    }
    // A STORE without its echo is right only for a message that is gone now.
    for (const [uid, what] of this.unechoed) if (state.has(uid)) this.fail(what);
    this.unechoed.clear();
    return state;
  }

  get exists(): number {
    return this.msgs.length;
  }

  /** SELECT starts the model over (UIDs and expunges are kept: UIDVALIDITY does not change). */
  async select(folder: string): Promise<void> {
    this.msgs = [];
    await this.run(`SELECT ${folder} (CONDSTORE)`);
  }

  /**
   * One step of imaptest's mix on `folder`: SELECT 5 %, FETCH 1:* (UID FLAGS MODSEQ) 25 %, FETCH of
   * one header 10 %, STORE ± a flag or keyword on 1–3 messages 25 %, STORE \Deleted + EXPUNGE 10 %
   * (while more than 8 messages), APPEND 12 %, IDLE of 20–170 ms 8 %, NOOP 5 %.
   */
  async mixOnce(rnd: () => number, folder: string, message: () => Buffer): Promise<void> {
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
    const p = rnd();
    const seq = () => 1 + Math.floor(rnd() * Math.max(1, this.exists));
    if (p < 0.05) await this.select(folder);
    else if (p < 0.3) {
      if (this.exists) await this.run(`FETCH 1:* (UID FLAGS MODSEQ)`);
    } else if (p < 0.4) {
      if (this.exists) await this.run(`FETCH ${seq()} (UID FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])`);
    } else if (p < 0.65) {
      if (!this.exists) return;
      const a = seq();
      const b = Math.min(this.exists, a + Math.floor(rnd() * 3));
      const flag = pick(FLAGS);
      const add = rnd() < 0.6;
      const seqs = new Set(Array.from({ length: b - a + 1 }, (_, i) => a + i));
      await this.run(`STORE ${a}:${b} ${add ? '+' : '-'}FLAGS (${flag})`, { echo: { seqs, add: add ? [flag] : [], remove: add ? [] : [flag], missed: new Map() } });
    } else if (p < 0.75) {
      if (this.exists > 8) {
        const n = seq();
        await this.run(`STORE ${n} +FLAGS.SILENT (\\Deleted)`);
        this.knowsAdded(n, '\\Deleted');
        await this.run('EXPUNGE');
      }
    } else if (p < 0.87) {
      const flags = rnd() < 0.5 ? `(${pick(STRESS_KEYWORDS)})` : '()';
      await this.run(`APPEND ${folder} ${flags}`, { literal: message() });
    } else if (p < 0.95) await this.run('IDLE', { idleMs: 20 + Math.floor(rnd() * 150) });
    else await this.run('NOOP');
  }

  close(): void {
    this.socket.destroy();
  }
}

/** imaptest's end of run: every client's view agrees with the folder and with the others'. */
export async function checkpointAll(clients: StressClient[], errors: string[]): Promise<void> {
  const views = await Promise.all(clients.map((c) => c.checkpoint()));
  for (let i = 1; i < views.length; i++) {
    const a = JSON.stringify([...views[0]]);
    const b = JSON.stringify([...views[i]]);
    if (a !== b) errors.push(`client ${clients[i].id} sees another folder than client ${clients[0].id} at the checkpoint`);
  }
}
