// /metrics (issue 11): a real scrape over HTTP, parsed by Prometheus' own Python client
// (prometheus_client.parser, Debian's python3-prometheus-client), never by our code. Who may read it
// (an auditor's token, the configured scrape token; not a user, not nobody), and that the numbers
// move with what happens: a message received over SMTP, a queued remote recipient, a request
// submitted and then executed (the histogram of time to execute), storage per agency.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/harness.ts';
import { startRequestWorld, type RequestWorld } from '../helpers/requests.ts';
import { smtplib, step } from '../../src/smtp/testing/clients.ts';
import { vietnameseMessage, TEST_PASSWORD } from '../helpers/servers.ts';
import { missingTool } from '../helpers/tools.ts';

const run = promisify(execFile);
const SCRAPE_TOKEN = 'prometheus-scrape-token-0123456789abcdef';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number | null;
}

/** Parse an exposition with prometheus_client's parser: every family's type and samples. */
async function parse(text: string): Promise<{ types: Record<string, string>; samples: Sample[] }> {
  const script = [
    'import sys, json, math',
    'from prometheus_client.parser import text_string_to_metric_families',
    'types = {}; samples = []',
    'for f in text_string_to_metric_families(sys.stdin.read()):',
    '    types[f.name] = f.type',
    // NaN and ±Inf are valid sample values (an empty summary, a gauge not yet measured) but not JSON: sent as null
    '    for s in f.samples: samples.append({"name": s.name, "labels": s.labels, "value": s.value if math.isfinite(s.value) else None})',
    'print(json.dumps({"types": types, "samples": samples}))',
  ].join('\n');
  const child = run('/usr/bin/python3', ['-c', script], { timeout: 20000, maxBuffer: 16 * 1024 * 1024 });
  child.child.stdin!.end(text);
  return JSON.parse((await child).stdout);
}

const value = (s: Sample[], name: string, labels: Record<string, string> = {}) => s.find((x) => x.name === name && Object.entries(labels).every(([k, v]) => x.labels[k] === v))?.value;

for (const backend of backends()) {
  describe.skipIf(missingTool('prometheus_client', `/metrics (${backend})`))(`/metrics (${backend})`, { timeout: 120_000 }, () => {
    let w: RequestWorld;
    beforeAll(async () => {
      w = await startRequestWorld(backend, { metrics: { token: SCRAPE_TOKEN } });
    });
    afterAll(async () => {
      await w?.stop();
    });

    async function scrape(token = w.p.tokens.auditor): Promise<{ types: Record<string, string>; samples: Sample[] }> {
      const res = await fetch(`${w.api.base}/metrics`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      return parse(await res.text());
    }

    it('is never public: nobody and a user are refused, an auditor and the scrape token read it', async () => {
      expect((await fetch(`${w.api.base}/metrics`)).status).toBe(401);
      expect((await fetch(`${w.api.base}/metrics`, { headers: { authorization: `Bearer ${w.p.tokens.user}` } })).status).toBe(403);
      expect((await fetch(`${w.api.base}/metrics`, { headers: { authorization: `Bearer ${'x'.repeat(40)}` } })).status).toBe(401);
      const refused = await fetch(`${w.api.base}/metrics`, { headers: { authorization: `Bearer ${w.p.tokens['head-snv']}` } });
      expect(refused.status).toBe(403);
      expect((await refused.json()).message).toContain('Không có quyền');
      const m = await scrape(SCRAPE_TOKEN);
      expect(m.types.thutin_mail_messages).toBe('counter');
      expect(m.types.thutin_storage_bytes).toBe('gauge');
      expect(m.types.thutin_request_execute_seconds).toBe('histogram');
      expect(m.types.thutin_outbound_queue_depth).toBe('gauge');
      expect((await scrape(w.p.tokens.sysadmin)).types.thutin_mailboxes).toBe('gauge');
      // the console in the web app: its session cookie
      expect((await fetch(`${w.api.base}/metrics`, { headers: { cookie: `thutin_session=${w.p.tokens.auditor}` } })).status).toBe(200);
      expect((await fetch(`${w.api.base}/metrics`, { headers: { cookie: `thutin_session=${w.p.tokens.user}` } })).status).toBe(403);
    });

    it('moves with the mail, the queue, the mailboxes and the requests', async () => {
      const before = (await scrape()).samples;
      const inBefore = value(before, 'thutin_mail_messages_total', { direction: 'in' })!;
      const snvBefore = value(before, 'thutin_storage_bytes', { agency: 'SNV' }) ?? 0;
      // people of the seeded province: 6 active personal mailboxes; SNV's unit mailbox
      expect(value(before, 'thutin_mailboxes', { kind: 'person', state: 'active' })).toBe(6);
      expect(value(before, 'thutin_mailboxes', { kind: 'unit', state: 'active' })).toBeGreaterThanOrEqual(1);
      expect(value(before, 'thutin_storage_bytes', { agency: 'SNV', name: 'Sở Nội vụ' })).toBeDefined();

      // one message in over the MX to the SNV head, one out through submission to a remote address (queued: no worker in tests)
      const mx = await smtplib(w.r.servers.ports.smtp, [
        { op: 'ehlo', name: 'mail.example.net' },
        { op: 'mail', from: 'ban@example.net' },
        { op: 'rcpt', to: w.p.actors['head-snv'] },
        { op: 'data', message: vietnameseMessage({ from: 'ban@example.net', to: w.p.actors['head-snv'], subject: 'Công văn số 12' }) },
        { op: 'quit' },
      ]);
      expect(step(mx, 'data').code).toBe(250);
      const sub = await smtplib(w.r.servers.ports.submission, [
        { op: 'ehlo', name: 'client' },
        { op: 'starttls' },
        { op: 'ehlo', name: 'client' },
        { op: 'auth', user: w.p.actors.user, password: TEST_PASSWORD },
        { op: 'mail', from: w.p.actors.user },
        { op: 'rcpt', to: 'doitac@example.org' },
        { op: 'data', message: vietnameseMessage({ from: w.p.actors.user, to: 'doitac@example.org', subject: 'Gửi đối tác' }) },
        { op: 'quit' },
      ]);
      expect(step(sub, 'data').code).toBe(250);

      // a password reset filed and submitted: pending; then approved and executed: the histogram counts it
      const { tokens } = w.p;
      const filed = await w.call(tokens['head-snv'], 'POST', '/api/v1/requests', { kind: 'password-reset', payload: { person: w.p.actors['clerk-snv'] } });
      expect(filed.status, filed.text).toBe(201);
      expect((await w.call(tokens['head-snv'], 'POST', `/api/v1/requests/${filed.json.id}/submit`)).status).toBe(200);
      const mid = (await scrape()).samples;
      expect(value(mid, 'thutin_requests_pending', { state: 'submitted' })).toBe(1);
      expect(value(mid, 'thutin_outbound_queue_depth', { state: 'active' })).toBe(1);
      expect(value(mid, 'thutin_mail_messages_total', { direction: 'in' })).toBeGreaterThanOrEqual(inBefore + 1);
      expect(value(mid, 'thutin_storage_bytes', { agency: 'SNV' })!).toBeGreaterThan(snvBefore);

      expect((await w.call(tokens['directory-manager'], 'POST', `/api/v1/requests/${filed.json.id}/approve`, {})).status).toBe(200);
      expect((await w.call(tokens.sysadmin, 'POST', `/api/v1/requests/${filed.json.id}/execute`)).status).toBe(200);
      const after = (await scrape()).samples;
      expect(value(after, 'thutin_requests_pending', { state: 'submitted' })).toBe(0);
      expect(value(after, 'thutin_request_execute_seconds_count', { kind: 'password-reset' })).toBe(1);
      const hour = after.find((x) => x.name === 'thutin_request_execute_seconds_bucket' && x.labels.kind === 'password-reset' && Number(x.labels.le) === 3600);
      expect(hour?.value).toBe(1);
    });
  });
}
