// Owns: the inbound processes of `thutin serve` (`smtp.inboundProcesses`): more Node processes
// that run SMTP sessions of the MX listener, so that receiving mail uses more than one CPU (one
// event loop was the ceiling: issue 8). The main process keeps the listener: it accepts each
// connection, counts it against the caps, and hands the socket to the next process in turn (itself
// included) over the IPC channel, before a byte of it is read. Each inbound process opens the
// same database and blob directory (SQLite in WAL mode takes writers from several processes; the
// store then runs as shared, store/reclaim.ts: a blob is pinned only in the process writing it, so
// unreferenced blobs younger than store.orphanGraceMs are left to the sweep). What a delivery
// announces there — changed mailboxes, mail flow, new outbound work — is sent here and announced
// or counted as if it had happened here (core/events.ts `fromPeer`).
// The child side is cli/commands/inbound-process.ts. A process that dies is started again; the
// connections it held are cut (their clients retry, as after any lost connection before 250).
// A process whose main process goes away (kill -9) exits at once, as a crash would: nothing it
// answered 250 for is lost, and nothing survives to race the next start's sweep.
// THUTIN_INBOUND_NODE_ARGS: node flags for the inbound processes only (e.g. "--cpu-prof
// --cpu-prof-dir=/tmp/prof" to profile them; they are started without the main process's flags).
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type net from 'node:net';
import type { Logger } from 'pino';
import type { PeerEvent } from '../core/events.ts';

/** Messages from an inbound process. */
export type FromInbound = { t: 'ready' } | { t: 'closed'; id: number } | { t: 'queued' } | PeerEvent;
/** Messages to an inbound process. */
export type ToInbound = { t: 'connection'; id: number } | { t: 'stop' };

export interface InboundProcessesOptions {
  dataDir: string;
  count: number;
  log: Logger;
  /** What an inbound process announced (changed mailboxes, mail flow). */
  onEvent(e: PeerEvent): void;
  /** An inbound process queued outbound work. */
  onQueued(): void;
}

const BIN = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'bin', 'thutin.js');
const RESTART_DELAY_MS = 1000;
const STOP_GRACE_MS = 15_000;

interface Member {
  child: ChildProcess;
  ready: boolean;
  /** Sockets handed over and not yet closed there: this process keeps its copy until then (the caps count it). */
  sockets: Map<number, net.Socket>;
}

export class InboundProcesses {
  private readonly members: Member[] = [];
  private turn = 0;
  private nextId = 1;
  private stopping = false;

  constructor(private readonly o: InboundProcessesOptions) {}

  /** Start the processes; resolves when each has said it is ready (or failed to start). */
  async start(): Promise<void> {
    await Promise.all(Array.from({ length: this.o.count }, () => this.spawn()));
  }

  /** Processes ready to take connections now. */
  get ready(): number {
    return this.members.filter((m) => m.ready).length;
  }

  /**
   * Offer a just-accepted connection: the main process takes every (ready + 1)-th, each inbound
   * process one in turn. False: serve it here.
   */
  handOff(socket: net.Socket): boolean {
    const live = this.members.filter((m) => m.ready && m.child.connected);
    if (!live.length || this.stopping) return false;
    const i = this.turn++ % (live.length + 1);
    if (i === live.length) return false;
    const m = live[i];
    const id = this.nextId++;
    m.sockets.set(id, socket);
    socket.on('error', () => {});
    try {
      m.child.send({ t: 'connection', id } satisfies ToInbound, socket, { keepOpen: true }, (err) => {
        if (err) {
          // Not delivered: this copy is the only one; end it (the client retries).
          m.sockets.delete(id);
          socket.destroy();
        }
      });
    } catch {
      m.sockets.delete(id);
      socket.destroy();
    }
    return true;
  }

  private spawn(): Promise<void> {
    return new Promise((resolve) => {
      const child = fork(BIN, ['--data', this.o.dataDir, 'inbound-process'], {
        execArgv: process.env.THUTIN_INBOUND_NODE_ARGS ? process.env.THUTIN_INBOUND_NODE_ARGS.split(' ') : [],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        serialization: 'json',
      });
      const m: Member = { child, ready: false, sockets: new Map() };
      this.members.push(m);
      let settled = false;
      const settle = () => {
        if (!settled) {
          settled = true;
          resolve();
        }
      };
      child.on('message', (msg: FromInbound) => {
        switch (msg.t) {
          case 'ready':
            m.ready = true;
            this.o.log.info({ inboundPid: child.pid }, 'tiến trình nhận thư sẵn sàng / inbound process ready');
            settle();
            break;
          case 'closed': {
            const s = m.sockets.get(msg.id);
            m.sockets.delete(msg.id);
            s?.destroy();
            break;
          }
          case 'queued':
            this.o.onQueued();
            break;
          default:
            this.o.onEvent(msg);
        }
      });
      child.on('error', (e) => this.o.log.warn({ err: e, inboundPid: child.pid }, 'inbound process error'));
      child.on('exit', (code, signal) => {
        m.ready = false;
        for (const s of m.sockets.values()) s.destroy();
        m.sockets.clear();
        this.members.splice(this.members.indexOf(m), 1);
        settle();
        if (this.stopping) return;
        this.o.log.warn({ inboundPid: child.pid, code, signal }, 'tiến trình nhận thư dừng; khởi động lại / inbound process ended; starting another');
        setTimeout(() => void this.spawn(), RESTART_DELAY_MS).unref();
      });
    });
  }

  /** Stop handing over; let each process finish its sessions (up to a grace), then end it. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      this.members.map(
        (m) =>
          new Promise<void>((resolve) => {
            if (m.child.exitCode !== null || m.child.signalCode !== null) return resolve();
            const timer = setTimeout(() => m.child.kill('SIGKILL'), STOP_GRACE_MS);
            m.child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            try {
              m.child.send({ t: 'stop' } satisfies ToInbound);
            } catch {
              m.child.kill('SIGTERM');
            }
          }),
      ),
    );
  }
}
