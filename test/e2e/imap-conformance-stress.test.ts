// A stress test in the manner of imaptest's stress mode (issue 13): many clients at once on one
// folder mixing SELECT, FETCH, STORE, EXPUNGE, APPEND and IDLE over raw TLS sockets. Each client
// keeps its own model of what it was told and fails the test on any contradiction: EXISTS going
// down, an EXPUNGE where RFC 3501 7.4.1 forbids it or past the end, a FETCH for a sequence number
// it does not have, a UID that changed, went backwards or came back after its EXPUNGE, a keyword
// before FLAGS announced it (RFC 3501 7.2.6), a MODSEQ going down (RFC 7162), its own STORE not
// echoed, or \Recent shown to two sessions (RFC 3501 2.3.2). The client and the mix are
// test/helpers/imap-stress-client.ts, which bench/imap-stress-bench.ts runs against Dovecot too.
// The suite runs 10 clients for 15 s; THUTIN_STRESS_CLIENTS and THUTIN_STRESS_SECONDS set the
// full run (imaptest's 50 clients for 60 s).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { backends } from '../helpers/harness.ts';
import { StressClient, checkpointAll, type StressShared } from '../helpers/imap-stress-client.ts';
import { rng } from '../helpers/rng.ts';
import { startTestServers, vietnameseMessage, TEST_PASSWORD, type Running } from '../helpers/servers.ts';

const CLIENTS = Number(process.env.THUTIN_STRESS_CLIENTS ?? 10);
const SECONDS = Number(process.env.THUTIN_STRESS_SECONDS ?? 15);
const FOLDER = 'Stress';

describe.each(backends())('IMAP stress in the manner of imaptest (%s)', (backend) => {
  let r: Running;
  let an: string;
  beforeAll(async () => {
    r = await startTestServers({ backend });
    an = await r.user('annv');
    const acct = (await r.app.accounts.byAddress(an))!;
    await r.app.store.createMailbox(acct.id, FOLDER);
    for (let i = 0; i < 20; i++) await r.app.store.append(acct.id, FOLDER, vietnameseMessage({ from: 'binhlt@kontum.gov.vn', to: an, subject: `Đầu ${i}` }), []);
  });
  afterAll(async () => {
    await r?.stop();
  });

  it(`${CLIENTS} clients for ${SECONDS} s: SELECT, FETCH, STORE, EXPUNGE, APPEND and IDLE on one folder, no contradiction`, { timeout: SECONDS * 1000 + 60_000 }, async () => {
    const shared: StressShared = { recentOwner: new Map(), errors: [] };
    const errors = shared.errors;
    const clients = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => StressClient.connect(i + 1, r.servers.ports.imaps, shared)));
    // One login after another, as clients arriving over time do (the sign-in throttle counts logins in flight).
    for (const c of clients) await c.run(`LOGIN ${an} "${TEST_PASSWORD}"`);
    const deadline = Date.now() + SECONDS * 1000;
    const work = clients.map(async (c) => {
      const rnd = rng(c.id * 7919);
      await c.select(FOLDER);
      while (Date.now() < deadline && !errors.length) await c.mixOnce(rnd, FOLDER, () => vietnameseMessage({ from: 'binhlt@kontum.gov.vn', to: an, subject: `Thêm ${c.id} ${c.commands}` }));
    });
    await Promise.all(work);
    // Checkpoint: every client's view agrees with the folder and with the others'.
    await checkpointAll(clients, errors);
    for (const c of clients) await c.run('LOGOUT').catch(() => undefined);
    for (const c of clients) c.close();
    expect(errors).toEqual([]);
    const total = clients.reduce((a, c) => a + c.commands, 0);
    expect(total).toBeGreaterThan(CLIENTS * 10);
  });
});
