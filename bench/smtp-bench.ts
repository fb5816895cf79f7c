// SMTP accept-and-store: Postfix's own load generator (smtp-source: 10 KB messages, 20
// parallel sessions, one message per connection as MX traffic comes) against thutin's inbound
// port and against Postfix. The clock runs until every message is stored: for thutin, until
// the recipient's INBOX holds them all (thutin answers 250 only after the commit; the count is
// still checked over IMAP); for Postfix, until Dovecot's Maildir holds them all after LMTP.
// Before each batch the recipient empties their INBOX over IMAP (on both servers), so every
// batch starts from the same state.
import { ImapConn } from './imap-client.ts';
import { PASSWORD, SENDER, SMTP_USER, log, median, run, sleep } from './env.ts';

export interface SmtpRun {
  messages: number;
  /** smtp-source's own run time: every message accepted (250). */
  acceptMs: number;
  /** Until every message is stored where IMAP can see it. */
  storedMs: number;
}

export interface SmtpResult {
  runs: SmtpRun[];
  /** Median end-to-end rate (messages per second until all stored). */
  storedRate: number;
  acceptRate: number;
}

export interface SmtpTarget {
  name: string;
  port: number;
  /** Messages the recipient has now (stored, visible). */
  count(): Promise<number>;
  /** Run before each batch, so each batch starts alike. */
  prepare(): Promise<void>;
}

/**
 * The recipient reads and deletes their mail (SELECT, \Deleted on all, EXPUNGE), so every
 * batch is delivered into an empty INBOX on both servers: the runs are alike, and neither
 * server's cost of a growing folder (Dovecot re-reads its Maildir) leaks from run to run.
 */
export async function emptyInbox(port: number, user: string): Promise<void> {
  const c = await ImapConn.connect(port);
  try {
    await c.login(user, PASSWORD);
    const sel = await c.ok('SELECT INBOX', { collect: true });
    const exists = Number(/^\* (\d+) EXISTS/im.exec(sel.lines.join('\n'))?.[1] ?? 0);
    if (exists > 0) {
      await c.ok('STORE 1:* +FLAGS.SILENT (\\Deleted)');
      await c.ok('EXPUNGE');
    }
  } finally {
    await c.logout();
  }
}

export async function imapMessageCount(port: number, user: string): Promise<number> {
  const c = await ImapConn.connect(port);
  try {
    await c.login(user, PASSWORD);
    const r = await c.ok('STATUS INBOX (MESSAGES)', { collect: true });
    const m = /MESSAGES (\d+)/i.exec(r.lines.join(' '));
    return m ? Number(m[1]) : NaN;
  } finally {
    await c.logout();
  }
}

async function once(t: SmtpTarget, messages: number, sessions: number, size: number): Promise<SmtpRun> {
  await t.prepare();
  const before = await t.count();
  const want = before + messages;
  const t0 = performance.now();
  const args = ['-s', String(sessions), '-l', String(size), '-m', String(messages), '-f', SENDER, '-t', SMTP_USER, `127.0.0.1:${t.port}`];
  const r = await run('smtp-source', args, { allowFail: true });
  const acceptMs = performance.now() - t0;
  if (r.code !== 0) throw new Error(`smtp-source → ${t.name} failed (${r.code}): ${r.stderr.slice(0, 500)}`);
  let n = await t.count();
  const deadline = performance.now() + 300_000;
  while (n < want && performance.now() < deadline) {
    await sleep(10);
    n = await t.count();
  }
  const storedMs = performance.now() - t0;
  if (n < want) throw new Error(`${t.name}: only ${n - before} of ${messages} messages stored after 5 minutes`);
  return { messages, acceptMs, storedMs };
}

export async function smtpBench(targets: SmtpTarget[], opts: { messages: number; sessions: number; size: number; runs: number }): Promise<Map<string, SmtpResult>> {
  const runs = new Map<string, SmtpRun[]>(targets.map((t) => [t.name, []]));
  // Warm up each path (processes spawned, code compiled, caches filled), then alternate the
  // measured runs.
  for (const t of targets) await once(t, Math.min(500, opts.messages), opts.sessions, opts.size);
  for (let i = 0; i < opts.runs; i++) {
    for (const t of targets) {
      const r = await once(t, opts.messages, opts.sessions, opts.size);
      runs.get(t.name)!.push(r);
      log(
        `SMTP ${t.name} run ${i + 1}: ${r.messages} msgs accepted in ${(r.acceptMs / 1000).toFixed(2)} s, stored in ${(r.storedMs / 1000).toFixed(2)} s (${((r.messages * 1000) / r.storedMs).toFixed(0)} msg/s)`,
      );
    }
  }
  const out = new Map<string, SmtpResult>();
  for (const [name, rs] of runs) {
    out.set(name, {
      runs: rs,
      storedRate: median(rs.map((r) => (r.messages * 1000) / r.storedMs)),
      acceptRate: median(rs.map((r) => (r.messages * 1000) / r.acceptMs)),
    });
  }
  return out;
}
