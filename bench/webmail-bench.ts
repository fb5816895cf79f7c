// The webmail's cold open (issue 10): a folder of WEBMAIL_BENCH_MESSAGES generated messages
// (bench/corpus.ts; default 100,000; WEBMAIL_BENCH_DISTINCT of them appended through the store, the
// rest rows sharing their contents), then WEBMAIL_BENCH_REPS times a fresh chromium profile (no
// cache, the session cookie set, a first request to /health made) opens the folder's URL over HTTPS on loopback; the time from
// navigation to the first rendered rows, and to the rows of the middle of the folder after a
// jump there (a scroll to position N/2: Email/query by position + Email/get); the first rows also in
// the page's own clock (a MutationObserver from navigation start). Also the initial
// JavaScript the app loads, gzipped. Not part of the tests: `node --import tsx bench/webmail-bench.ts`
// (needs `npm run build:web` and /usr/bin/chromium).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { generateCorpus } from './corpus.ts';
import { envInt, log } from './env.ts';
import { startTestServers, TEST_PASSWORD } from '../test/helpers/servers.ts';
import { openBrowser, DESKTOP } from '../test/helpers/browser.ts';
import { WEB_DIST } from '../src/http/webapp.ts';

const N = envInt('WEBMAIL_BENCH_MESSAGES', 100_000);
const REPS = envInt('WEBMAIL_BENCH_REPS', 5);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const html = fs.readFileSync(path.join(WEB_DIST, 'index.html'), 'utf8');
// the entry and the chunks it imports statically (modulepreload): what the first screen loads
const scripts = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
const gz = scripts.reduce((n, f) => n + zlib.gzipSync(fs.readFileSync(path.join(WEB_DIST, f)), { level: 9 }).length, 0);
log(`webmail-bench: initial JavaScript ${scripts.join(', ')}: ${(gz / 1024).toFixed(1)} KB gzip`);

const r = await startTestServers();
try {
  const user = await r.user('hopthu');
  const id = (await r.app.accounts.byAddress(user))!.id;
  const t0 = performance.now();
  // DISTINCT real messages through the store, then the folder filled up to N with rows sharing their
  // contents (as deduplicated copies do), written directly: appending 100,000 one by one takes too long here.
  const DISTINCT = Math.min(N, envInt('WEBMAIL_BENCH_DISTINCT', 1000));
  for (const m of generateCorpus(DISTINCT)) await r.app.store.append(id, 'INBOX', m.raw, [], new Date(Date.parse(m.internalDate.replace(/-/g, ' ')) || Date.now()));
  const inbox = (await r.app.store.getMailbox(id, 'INBOX'))!;
  const db = r.app.db.kysely;
  const real = await db.selectFrom('messages').select(['sha256', 'size', 'internal_date']).where('mailbox_id', '=', inbox.id).execute();
  const box = await db.selectFrom('mailboxes').select(['uidnext', 'highest_modseq']).where('id', '=', inbox.id).executeTakeFirstOrThrow();
  let uid = Number(box.uidnext);
  let modseq = Number(box.highest_modseq);
  await db.transaction().execute(async (tx) => {
    for (let done = DISTINCT; done < N;) {
      const rows = [];
      for (let k = 0; k < 500 && done < N; k++, done++) {
        const x = real[done % real.length];
        rows.push({
          mailbox_id: inbox.id,
          uid: uid++,
          modseq: ++modseq,
          sha256: x.sha256,
          size: x.size,
          internal_date: Number(x.internal_date) - done * 60_000,
          flags: done % 3 ? 1 : 0,
          keywords: '',
          thread_id: `${inbox.id}_${uid - 1}`, // each a thread of its own, as the store files a message with no known key (core/threads.ts)
        });
      }
      await tx.insertInto('messages').values(rows).execute();
    }
    await tx.updateTable('mailboxes').set({ uidnext: uid, highest_modseq: modseq }).where('id', '=', inbox.id).execute();
  });
  log(`webmail-bench: ${N} messages in INBOX (${DISTINCT} distinct) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const base = `https://127.0.0.1:${r.servers.ports.https}`;
  const url = `${base}/mail/A${id}/M${inbox.id}`;
  const login = await fetch(`http://127.0.0.1:${r.servers.ports.http}/auth/web/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: user, password: TEST_PASSWORD }),
  });
  const cookies = login.headers.getSetCookie().map((c) => {
    const [name, value] = c.split(';')[0].split('=');
    return { name, value, domain: '127.0.0.1', path: '/', secure: true, httpOnly: name === 'thutin_session', sameSite: 'Strict' as const };
  });
  const jar = cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  const csrf = cookies.find((c) => c.name === 'thutin_csrf')!.value;
  for (const [label, calls] of [
    [
      'query+get',
      [
        [
          'Email/query',
          { accountId: `A${id}`, filter: { inMailbox: `M${inbox.id}` }, sort: [{ property: 'receivedAt', isAscending: false }], position: 0, limit: 50, calculateTotal: true, collapseThreads: false },
          'q',
        ],
        [
          'Email/get',
          {
            accountId: `A${id}`,
            '#ids': { resultOf: 'q', name: 'Email/query', path: '/ids' },
            properties: ['id', 'threadId', 'mailboxIds', 'keywords', 'from', 'to', 'subject', 'receivedAt', 'size', 'preview', 'hasAttachment'],
          },
          'g',
        ],
      ],
    ],
    ['mailboxes', [['Mailbox/get', { accountId: `A${id}`, ids: null }, 'm']]],
  ] as const) {
    for (let k = 0; k < 3; k++) {
      const s = performance.now();
      const res = await fetch(`http://127.0.0.1:${r.servers.ports.http}/jmap/api`, {
        method: 'POST',
        headers: { cookie: jar, 'x-csrf-token': csrf, 'content-type': 'application/json' },
        body: JSON.stringify({ using: ['urn:ietf:params:jmap:core', 'urn:ietf:params:jmap:mail'], methodCalls: calls }),
      });
      await res.text();
      log(`webmail-bench: ${label} over HTTP: ${(performance.now() - s).toFixed(0)} ms`);
    }
  }
  const first: number[] = [];
  const inPage: number[] = [];
  const middle: number[] = [];
  for (let i = 0; i < REPS; i++) {
    const b = await openBrowser(DESKTOP);
    try {
      await b.context.addCookies(cookies);
      // the page's own clock (from its navigation's start) when the first row is in the DOM: the
      // harness's round trips to a loaded browser are not in it
      await b.context.addInitScript(() => {
        const w = window as unknown as { firstRowsAt?: number };
        new MutationObserver((_, o) => {
          if (document.querySelector('.row a')) {
            w.firstRowsAt = performance.now();
            o.disconnect();
          }
        }).observe(document, { childList: true, subtree: true });
      });
      // The browser is up and has a TLS session with the server, the app is not in its cache.
      await b.page.goto(`${base}/health`);
      const s = performance.now();
      await b.page.goto(url);
      await b.page.locator('.row a').first().waitFor({ timeout: 60_000 });
      first.push(performance.now() - s);
      inPage.push(await b.page.evaluate(() => (window as unknown as { firstRowsAt?: number }).firstRowsAt ?? NaN));
      const rows = await b.page.locator('.row a').count();
      if (i === 0)
        log(
          `webmail-bench: timeline ${JSON.stringify(
            await b.page.evaluate(() => [
              ['dcl', Math.round((performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).domContentLoadedEventEnd)],
              ...performance
                .getEntriesByType('resource')
                .map((e) => [e.name.replace(location.origin, '').slice(0, 40), Math.round(e.startTime), Math.round((e as unknown as { responseEnd: number }).responseEnd)]),
            ]),
          )}`,
        );
      if (i === 0) log(`webmail-bench: scroller ${JSON.stringify(await b.page.locator('.list-scroller').evaluate((el) => ({ h: el.clientHeight, sh: el.scrollHeight })))}`);
      const m = performance.now();
      await b.page.locator('.list-scroller').evaluate((el, n) => (el.scrollTop = (n / 2) * 78), N);
      await b.page.locator(`.row[aria-posinset="${N / 2 + 1}"] a`).waitFor({ timeout: 60_000 });
      middle.push(performance.now() - m);
      if (i === 0) log(`webmail-bench: ${rows} rows in the DOM of ${N}`);
    } finally {
      await b.close();
    }
  }
  log(`webmail-bench: cold open to first rows: median ${median(first).toFixed(0)} ms (${first.map((x) => x.toFixed(0)).join(', ')})`);
  log(`webmail-bench: the same in the page's own clock (navigation start to the first row in the DOM): median ${median(inPage).toFixed(0)} ms (${inPage.map((x) => x.toFixed(0)).join(', ')})`);
  log(`webmail-bench: jump to the middle (position ${N / 2}) to its rows: median ${median(middle).toFixed(0)} ms (${middle.map((x) => x.toFixed(0)).join(', ')})`);
} finally {
  await r.stop();
}
