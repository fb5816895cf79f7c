// JMAP's list view against IMAP's: a folder of JMAP_BENCH_MESSAGES generated messages (bench/
// corpus.ts; default 20,000), then per repetition one JMAP request of Email/query (the folder,
// newest first, 50 rows) + Email/get of those 50 (subject, from, receivedAt, keywords, size,
// preview) over loopback HTTP with a bearer token, and the same 50 envelopes + flags fetched by
// IMAP (imapflow, UID FETCH … ENVELOPE FLAGS over TLS). Reports p50 / p99 of each.
// Not part of the tests: `node --import tsx bench/jmap-bench.ts` (SQLite; THUTIN_TEST_PG_URL + JMAP_BENCH_BACKEND=postgres for PostgreSQL).
import { generateCorpus } from './corpus.ts';
import { envInt, log } from './env.ts';
import { startTestServers, imapClient, TEST_PASSWORD } from '../test/helpers/servers.ts';

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

const N = envInt('JMAP_BENCH_MESSAGES', 20_000);
const REPS = envInt('JMAP_BENCH_REPS', 200);
const backend = process.env.JMAP_BENCH_BACKEND === 'postgres' ? 'postgres' : 'sqlite';
const r = await startTestServers({ backend });
try {
  const user = await r.user('hopthu');
  const id = (await r.app.accounts.byAddress(user))!.id;
  const t0 = performance.now();
  for (const m of generateCorpus(N)) await r.app.store.append(id, 'INBOX', m.raw, [], new Date(Date.parse(m.internalDate.replace(/-/g, ' ')) || Date.now()));
  log(`jmap-bench: ${N} messages appended in ${((performance.now() - t0) / 1000).toFixed(1)} s (${backend})`);
  const inbox = (await r.app.store.getMailbox(id, 'INBOX'))!;
  const { token } = await r.app.tokens.login(user, TEST_PASSWORD, '127.0.0.1');
  const url = `http://127.0.0.1:${r.servers.ports.http}/jmap/api`;
  const request = (props: string[]) =>
    JSON.stringify({
      using: ['urn:ietf:params:jmap:core', 'urn:ietf:params:jmap:mail'],
      methodCalls: [
        ['Email/query', { accountId: `A${id}`, filter: { inMailbox: `M${inbox.id}` }, sort: [{ property: 'receivedAt', isAscending: false }], limit: 50 }, 'q'],
        ['Email/get', { accountId: `A${id}`, '#ids': { resultOf: 'q', name: 'Email/query', path: '/ids' }, properties: props }, 'g'],
      ],
    });
  let rows = 0;
  // what IMAP's FETCH ENVELOPE FLAGS gives, then the same with the preview (a read of each message's first text part)
  for (const props of [
    ['subject', 'from', 'to', 'receivedAt', 'keywords', 'size', 'messageId'],
    ['subject', 'from', 'receivedAt', 'keywords', 'size', 'preview'],
  ]) {
    const body = request(props);
    const jmap: number[] = [];
    for (let i = 0; i < REPS + 5; i++) {
      const s = performance.now();
      const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });
      const json = (await res.json()) as { methodResponses: Array<[string, { list?: unknown[] }, string]> };
      rows = json.methodResponses[1][1].list?.length ?? 0;
      if (i >= 5) jmap.push(performance.now() - s);
    }
    log(`JMAP Email/query + Email/get of ${rows} rows (${props.join(', ')}): p50 ${pct(jmap, 50).toFixed(1)} ms, p99 ${pct(jmap, 99).toFixed(1)} ms`);
  }
  // the first page after a change: the folder's list is read and sorted again (the query cache's key moved)
  const cold: number[] = [];
  const body = request(['subject', 'from', 'receivedAt', 'keywords', 'size', 'preview']);
  for (let i = 0; i < 20; i++) {
    await r.app.store.storeFlags(inbox.id, [1 + i], 'add', { mask: 1, keywords: [] });
    const s = performance.now();
    await (await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body })).json();
    cold.push(performance.now() - s);
  }
  log(`JMAP the same, first request after a change in the folder: p50 ${pct(cold, 50).toFixed(1)} ms, max ${pct(cold, 100).toFixed(1)} ms`);
  const c = imapClient(r, user);
  await c.connect();
  const lock = await c.getMailboxLock('INBOX');
  const imap: number[] = [];
  try {
    const last = inbox.uidnext - 1;
    const range = `${Math.max(1, last - 49)}:${last}`;
    for (let i = 0; i < REPS + 5; i++) {
      const s = performance.now();
      let n = 0;
      for await (const msg of c.fetch(range, { envelope: true, flags: true, size: true, internalDate: true }, { uid: true })) if (msg) n++;
      rows = n;
      if (i >= 5) imap.push(performance.now() - s);
    }
  } finally {
    lock.release();
    await c.logout();
  }
  log(`IMAP UID FETCH of ${rows} envelopes + flags: p50 ${pct(imap, 50).toFixed(1)} ms, p99 ${pct(imap, 99).toFixed(1)} ms`);
} finally {
  await r.stop();
}
