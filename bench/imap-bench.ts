// IMAP on the 20,000-message mailbox. Loading: the same generated messages, in the same order
// and with the same internal dates, APPENDed over one TLS connection with INBOX selected
// (LITERAL+, a window of pipelined commands) to each server. Operations: per repetition a fresh TLS connection runs
// LOGIN, SELECT, FETCH 1:* (FLAGS), FETCH 1:* (ENVELOPE), UID FETCH of 500 bodies, SEARCH
// SUBJECT, SEARCH TEXT, STORE +FLAGS (\Seen) and STORE -FLAGS (\Seen); the servers take turns,
// the first repetition is a warm-up, and the median of the rest is reported.
import { ImapConn, searchHits, type Result } from './imap-client.ts';
import { PASSWORD, log, median } from './env.ts';
import { SUBJECT_WORD, TEXT_WORD, sampleUidSet, type CorpusMessage } from './corpus.ts';

export interface ImapTarget {
  name: string;
  port: number;
}

export interface LoadResult {
  messages: number;
  ms: number;
  rate: number;
}

export async function loadMailbox(t: ImapTarget, user: string, corpus: CorpusMessage[], window = 16): Promise<LoadResult> {
  const c = await ImapConn.connect(t.port);
  try {
    await c.login(user, PASSWORD);
    // APPEND with the folder selected, as a mail client does: the server reports each new
    // message (EXISTS). For Dovecot this also moves each one from new/ to cur/ at once; with
    // nothing selected, new/ grows and every save re-reads it (quadratic).
    await c.ok('SELECT INBOX');
    const t0 = performance.now();
    let next = 0;
    let failed: string | null = null;
    let lastLog = t0;
    const worker = async () => {
      while (next < corpus.length && !failed) {
        const m = corpus[next++];
        const r = await c.send([`APPEND INBOX () "${m.internalDate}" `, m.raw]);
        if (r.status !== 'OK') failed = `${r.status} ${r.text}`;
        if (performance.now() - lastLog > 15_000) {
          lastLog = performance.now();
          log(`  ${t.name}: ${next} / ${corpus.length} appended`);
        }
      }
    };
    await Promise.all(Array.from({ length: window }, worker));
    if (failed) throw new Error(`${t.name}: APPEND failed: ${failed}`);
    const ms = performance.now() - t0;
    const st = await c.ok('STATUS INBOX (MESSAGES)', { collect: true });
    const n = Number(/MESSAGES (\d+)/i.exec(st.lines.join(' '))?.[1]);
    if (n !== corpus.length) throw new Error(`${t.name}: INBOX has ${n} messages after loading ${corpus.length}`);
    return { messages: corpus.length, ms, rate: (corpus.length * 1000) / ms };
  } finally {
    await c.logout();
  }
}

export const IMAP_OPS = [
  'LOGIN',
  'SELECT INBOX',
  'FETCH 1:* (FLAGS)',
  'FETCH 1:* (ENVELOPE)',
  'UID FETCH 500 × BODY.PEEK[]',
  'SEARCH SUBJECT',
  'SEARCH TEXT',
  'STORE 1:* +FLAGS (\\Seen)',
  'STORE 1:* -FLAGS (\\Seen)',
] as const;
export type ImapOp = (typeof IMAP_OPS)[number];

export interface OpSample {
  ms: number;
  /** What came back, to check both servers answered the same: responses, hits or bytes. */
  check: string;
}

export interface ImapOpsResult {
  /** Per operation: the measured samples (warm-up excluded). */
  samples: Map<ImapOp, OpSample[]>;
  medians: Map<ImapOp, number>;
  connectMs: number[];
  tls: string;
}

async function session(t: ImapTarget, user: string, total: number, bodies: string): Promise<{ ops: Map<ImapOp, OpSample>; connectMs: number; tls: string }> {
  const ops = new Map<ImapOp, OpSample>();
  const t0 = performance.now();
  const c = await ImapConn.connect(t.port);
  const connectMs = performance.now() - t0;
  const rec = (op: ImapOp, r: Result, check: string) => ops.set(op, { ms: r.ms, check });
  try {
    rec('LOGIN', await c.login(user, PASSWORD), 'OK');
    const sel = await c.ok('SELECT INBOX', { collect: true });
    const exists = Number(/^\* (\d+) EXISTS/im.exec(sel.lines.join('\n'))?.[1]);
    if (exists !== total) throw new Error(`${t.name}: SELECT says ${exists} EXISTS, expected ${total}`);
    rec('SELECT INBOX', sel, `${exists} EXISTS`);
    const flags = await c.ok('FETCH 1:* (FLAGS)');
    rec('FETCH 1:* (FLAGS)', flags, `${flags.untagged} FETCH`);
    const env = await c.ok('FETCH 1:* (ENVELOPE)');
    rec('FETCH 1:* (ENVELOPE)', env, `${env.untagged} FETCH`);
    const body = await c.ok(`UID FETCH ${bodies} (BODY.PEEK[])`);
    rec('UID FETCH 500 × BODY.PEEK[]', body, `${body.untagged} FETCH, ${body.literalBytes} B`);
    const subj = await c.ok(['SEARCH CHARSET UTF-8 SUBJECT ', Buffer.from(SUBJECT_WORD, 'utf8')], { collect: true });
    rec('SEARCH SUBJECT', subj, `${searchHits(subj.lines)} hits`);
    const text = await c.ok(['SEARCH CHARSET UTF-8 TEXT ', Buffer.from(TEXT_WORD, 'utf8')], { collect: true });
    rec('SEARCH TEXT', text, `${searchHits(text.lines)} hits`);
    const add = await c.ok('STORE 1:* +FLAGS (\\Seen)');
    rec('STORE 1:* +FLAGS (\\Seen)', add, `${add.untagged} FETCH`);
    const del = await c.ok('STORE 1:* -FLAGS (\\Seen)');
    rec('STORE 1:* -FLAGS (\\Seen)', del, `${del.untagged} FETCH`);
    return { ops, connectMs, tls: c.tlsInfo };
  } finally {
    await c.logout();
  }
}

export async function imapOpsBench(targets: ImapTarget[], user: string, total: number, reps: number): Promise<Map<string, ImapOpsResult>> {
  const { set: bodies } = sampleUidSet(total, 500);
  const out = new Map<string, ImapOpsResult>(targets.map((t) => [t.name, { samples: new Map(IMAP_OPS.map((o) => [o, []])), medians: new Map(), connectMs: [], tls: '' }]));
  for (let rep = 0; rep <= reps; rep++) {
    for (const t of targets) {
      const s = await session(t, user, total, bodies);
      const res = out.get(t.name)!;
      res.tls = s.tls;
      const summary = IMAP_OPS.map((o) => `${o.split(' ')[0]} ${s.ops.get(o)!.ms.toFixed(0)}`).join(', ');
      log(`IMAP ${t.name} ${rep === 0 ? 'warm-up' : `rep ${rep}`}: ${summary} ms`);
      if (rep === 0) continue;
      res.connectMs.push(s.connectMs);
      for (const o of IMAP_OPS) res.samples.get(o)!.push(s.ops.get(o)!);
    }
  }
  for (const res of out.values()) for (const o of IMAP_OPS) res.medians.set(o, median(res.samples.get(o)!.map((x) => x.ms)));
  return out;
}
