// JMAP push over EventSource (RFC 8620 §7.3), raw HTTP reading the stream: the first event tells
// the states; a message delivered through the MX (nodemailer) shows within a second as a StateChange
// with EmailDelivery whose Email state Email/changes accepts; an IMAP flag change (imapflow) shows
// as a state without EmailDelivery; `types` narrows the types; `ping` sends pings; closeafter=state
// ends the stream after the first change; bad parameters and no credentials are refused; the end of
// the account's sessions ends its streams.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import nodemailer from 'nodemailer';
import { backends } from '../helpers/harness.ts';
import { startTestServers, imapClient, TEST_PASSWORD, type Running } from '../helpers/servers.ts';

interface Sse {
  events: Array<{ event: string; data: Record<string, unknown> }>;
  /** The next event (from the last one taken on) that matches, waiting up to `ms`; `after`: how long it took. */
  next(pred: (e: { event: string; data: Record<string, unknown> }) => boolean, ms?: number): Promise<{ event: string; data: Record<string, unknown>; after: number }>;
  ended: Promise<void>;
  close(): void;
}

describe.each(backends())('JMAP push (%s)', (backend) => {
  let r: Running;
  let an: string;
  let token: string;
  let accountId: string;

  async function stream(query: string): Promise<Sse> {
    const ac = new AbortController();
    const res = await fetch(`http://127.0.0.1:${r.servers.ports.http}/jmap/eventsource?${query}`, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, signal: ac.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events: Sse['events'] = [];
    const waiters: Array<() => void> = [];
    let cursor = 0; // events before it were taken by next()
    const reader = res.body!.getReader();
    const ended = (async () => {
      let buf = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += Buffer.from(value).toString('utf8');
          for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
            const block = buf.slice(0, i);
            buf = buf.slice(i + 2);
            const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
            const data = JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? 'null') as Record<string, unknown>;
            events.push({ event, data });
            for (const w of waiters.splice(0)) w();
          }
        }
      } catch {
        // aborted
      }
    })();
    return {
      events,
      ended,
      close: () => ac.abort(),
      async next(pred, ms = 1000) {
        const start = Date.now();
        for (;;) {
          const at = events.findIndex((e, i) => i >= cursor && pred(e));
          if (at >= 0) {
            cursor = at + 1;
            return { ...events[at], after: Date.now() - start };
          }
          const left = ms - (Date.now() - start);
          if (left <= 0) throw new Error(`no matching event within ${ms} ms: ${JSON.stringify(events.slice(cursor))}`);
          await new Promise<void>((resolve) => {
            const t = setTimeout(resolve, left);
            waiters.push(() => (clearTimeout(t), resolve()));
          });
        }
      },
    };
  }

  async function jmap(calls: unknown[]): Promise<Array<[string, Record<string, unknown>, string]>> {
    const res = await fetch(`http://127.0.0.1:${r.servers.ports.http}/jmap/api`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ using: ['urn:ietf:params:jmap:core', 'urn:ietf:params:jmap:mail'], methodCalls: calls }),
    });
    return ((await res.json()) as { methodResponses: Array<[string, Record<string, unknown>, string]> }).methodResponses;
  }

  const fromOutside = (subject: string) =>
    nodemailer
      .createTransport({ host: '127.0.0.1', port: r.servers.ports.smtp, secure: false, ignoreTLS: true })
      .sendMail({ envelope: { from: 'vanthu@moha.gov.vn', to: an }, from: 'vanthu@moha.gov.vn', to: an, subject, text: 'Kính gửi.' });

  beforeAll(async () => {
    r = await startTestServers({ backend });
    an = await r.user('annv');
    token = (await r.app.tokens.login(an, TEST_PASSWORD, '127.0.0.1')).token;
    accountId = `A${(await r.app.accounts.byAddress(an))!.id}`;
  });
  afterAll(async () => {
    await r?.stop();
  });

  it('is the session resource eventSourceUrl, and refuses no credentials and bad parameters', async () => {
    const s = (await (await fetch(`http://127.0.0.1:${r.servers.ports.http}/jmap/session`, { headers: { authorization: `Bearer ${token}` } })).json()) as { eventSourceUrl: string };
    expect(s.eventSourceUrl).toMatch(/\/jmap\/eventsource\?types=\{types\}&closeafter=\{closeafter\}&ping=\{ping\}$/);
    expect((await fetch(`http://127.0.0.1:${r.servers.ports.http}/jmap/eventsource?types=*`)).status).toBe(401);
    const bad = await fetch(`http://127.0.0.1:${r.servers.ports.http}/jmap/eventsource?types=*&closeafter=never&ping=0`, { headers: { authorization: `Bearer ${token}` } });
    expect(bad.status).toBe(400);
  });

  it('tells mail delivered through the MX within a second, and an IMAP flag change, as StateChange events', async () => {
    const sse = await stream('types=*&closeafter=no&ping=0');
    try {
      const first = await sse.next((e) => e.event === 'state');
      const initial = (first.data.changed as Record<string, Record<string, string>>)[accountId];
      expect(Object.keys(initial).sort()).toEqual(['Email', 'EmailDelivery', 'Mailbox', 'Thread']);
      await fromOutside('Thông báo lịch trực Tết');
      const e = await sse.next((x) => x.event === 'state', 1000);
      expect(e.after).toBeLessThan(1000);
      const changed = (e.data as { '@type': string; changed: Record<string, Record<string, string>> }).changed[accountId];
      expect(e.data['@type']).toBe('StateChange');
      expect(changed.EmailDelivery).toBe(changed.Email);
      const [[, ch]] = await jmap([['Email/changes', { accountId, sinceState: initial.Email }, 'c']]);
      expect((ch.created as string[]).length).toBe(1);
      expect(ch.newState).toBe(changed.Email);
      // a flag change over IMAP: a new Email state, no EmailDelivery
      const c = imapClient(r, an);
      await c.connect();
      const lock = await c.getMailboxLock('INBOX');
      try {
        await c.messageFlagsAdd('1:*', ['\\Seen']);
      } finally {
        lock.release();
        await c.logout();
      }
      const f = await sse.next((x) => x.event === 'state', 1000);
      const flagged = (f.data.changed as Record<string, Record<string, string>>)[accountId];
      expect(flagged.Email).not.toBe(changed.Email);
      expect(flagged).not.toHaveProperty('EmailDelivery');
    } finally {
      sse.close();
    }
  });

  it('narrows the types, pings, and with closeafter=state ends after the first change', async () => {
    const sse = await stream('types=Mailbox&closeafter=no&ping=1');
    const longPoll = await stream('types=*&closeafter=state&ping=0');
    try {
      const first = await sse.next((e) => e.event === 'state');
      expect(Object.keys((first.data.changed as Record<string, Record<string, string>>)[accountId])).toEqual(['Mailbox']);
      const ping = await sse.next((e) => e.event === 'ping', 2500);
      expect(ping.data).toEqual({ interval: 1 });
      await fromOutside('Giấy mời');
      const change = await longPoll.next((e) => e.event === 'state', 1000);
      expect((change.data.changed as Record<string, Record<string, string>>)[accountId]).toHaveProperty('EmailDelivery');
      await longPoll.ended;
      expect(longPoll.events.filter((e) => e.event === 'state')).toHaveLength(1);
    } finally {
      sse.close();
      longPoll.close();
    }
  }, 15_000);

  it("ends the stream when the account's sessions end (its token no longer opens one)", async () => {
    const binh = await r.user('binhlt');
    const binhId = (await r.app.accounts.byAddress(binh))!.id;
    const mine = token;
    token = (await r.app.tokens.login(binh, TEST_PASSWORD, '127.0.0.1')).token;
    try {
      const sse = await stream('types=*&closeafter=no&ping=0');
      await sse.next((e) => e.event === 'state');
      await r.app.sessions.endAll(binhId, 'admin');
      await sse.ended;
      const again = await fetch(`http://127.0.0.1:${r.servers.ports.http}/jmap/eventsource?types=*&closeafter=no&ping=0`, { headers: { authorization: `Bearer ${token}` } });
      expect(again.status).toBe(401);
    } finally {
      token = mine;
    }
  });
});
