// Memory per idle IMAP connection: after one session that logs in, selects and leaves (the costs
// paid once, whatever the number of connections), open N TLS connections (LOGIN, SELECT INBOX of
// the 20,000-message mailbox, then nothing), and compare the server's memory before and after:
// RSS as the brief asks (for Dovecot summed over the master and all its children, which counts
// pages shared between processes once per process) and PSS (each shared page divided among the
// processes sharing it), the fairer figure for a multi-process server.
import { ImapConn } from './imap-client.ts';
import { PASSWORD, log, memoryOf, sleep, type Mem } from './env.ts';

export interface IdleResult {
  connections: number;
  before: Mem;
  after: Mem;
  openMs: number;
  rssPerConnKb: number;
  pssPerConnKb: number;
}

export async function idleBench(opts: { name: string; port: number; user: string; connections: number; concurrency: number; pids: () => number[]; settleMs?: number }): Promise<IdleResult> {
  const settle = opts.settleMs ?? 5000;
  // One session first (LOGIN, SELECT, LOGOUT): what any first session costs once — caches, the
  // folder's pages read in (thutin's SQLite file is memory-mapped, Dovecot's index files are
  // mapped too) — is in "before", so the difference is what the connections themselves hold.
  const first = await ImapConn.connect(opts.port);
  await first.login(opts.user, PASSWORD);
  await first.ok('SELECT INBOX');
  await first.logout();
  await sleep(settle);
  const before = memoryOf(opts.pids());
  const conns: ImapConn[] = [];
  const t0 = performance.now();
  let next = 0;
  let lastLog = t0;
  const worker = async () => {
    while (next < opts.connections) {
      next++;
      const c = await ImapConn.connect(opts.port);
      conns.push(c);
      await c.login(opts.user, PASSWORD);
      await c.ok('SELECT INBOX');
      if (performance.now() - lastLog > 15_000) {
        lastLog = performance.now();
        log(`  ${opts.name}: ${conns.length} / ${opts.connections} connections open`);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: opts.concurrency }, worker));
    const openMs = performance.now() - t0;
    await sleep(settle);
    if (conns.some((c) => c.closed)) throw new Error(`${opts.name}: ${conns.filter((c) => c.closed).length} idle connections were closed by the server`);
    const after = memoryOf(opts.pids());
    const n = opts.connections;
    return {
      connections: n,
      before,
      after,
      openMs,
      rssPerConnKb: (after.rssKb - before.rssKb) / n,
      pssPerConnKb: (after.pssKb - before.pssKb) / n,
    };
  } finally {
    await Promise.all(conns.map((c) => c.logout()));
  }
}
