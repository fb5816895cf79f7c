// The virus stage's cost: SMTP accept-and-store (250 only after the commit) with the `virus` stage
// on and off, against a private clamd (test/helpers/clamd.ts: Debian's clamav-daemon with the
// tests' tiny signature database — EICAR and one of ours — so this measures the protocol, the
// streaming and clamd's parsing, not a full signature set's matching, which is clamd's own cost).
// Same thutin, same data directory kind (SQLite), same messages (~6 KB Vietnamese text plus a
// small zip attachment clamd unpacks, each different), N messages over C parallel SMTP sessions
// (one message per connection), nodemailer's smtp-connection as the client; each message's time
// from connect to the 250 after DATA is recorded. Prints msg/s for both and the added
// milliseconds per message at p50 and p99 (on − off). Knobs: BENCH_VIRUS_MESSAGES (default 600),
// BENCH_VIRUS_SESSIONS (8), BENCH_VIRUS_ROUNDS (3), BENCH_VIRUS_SERIAL (200), as spam-bench.ts.
// Run: node --import tsx bench/virus-bench.ts
import os from 'node:os';
import { Readable } from 'node:stream';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { ClamdClient } from '../src/hygiene/clamd.ts';
import { createTestApp, TEST_PASSWORD, type TestApp } from '../test/helpers/harness.ts';
import { startClamd, removeClamdDir, zipOf } from '../test/helpers/clamd.ts';
import { startServers, type RunningServers } from '../src/server.ts';
import { envInt, log, median } from './env.ts';

const MESSAGES = envInt('BENCH_VIRUS_MESSAGES', 600);
const SESSIONS = envInt('BENCH_VIRUS_SESSIONS', 8);
const ROUNDS = envInt('BENCH_VIRUS_ROUNDS', 3);
const SERIAL = envInt('BENCH_VIRUS_SERIAL', 200);
const TO = 'nhanvien@kontum.gov.vn';

const WORDS = 'báo cáo tháng mười một của sở nội vụ kính gửi đồng chí giám đốc về việc triển khai chuyển đổi số trong các cơ quan nhà nước trên địa bàn tỉnh kon tum ngân sách kế hoạch'.split(' ');

function message(i: number): Buffer {
  const lines: string[] = [];
  let x = i * 7919 + 1;
  for (let l = 0; l < 60; l++) {
    const w: string[] = [];
    for (let k = 0; k < 14; k++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      w.push(WORDS[x % WORDS.length]);
    }
    lines.push(w.join(' '));
  }
  const b = `=_bench_${i}`;
  const zip = zipOf(`baocao${i}.txt`, Buffer.from(lines.slice(0, 20).join('\n')));
  return Buffer.from(
    [
      `From: Văn thư <vanthu${i % 50}@gialai.example>`,
      `To: <${TO}>`,
      `Subject: =?UTF-8?B?${Buffer.from(`Báo cáo số ${i}`).toString('base64')}?=`,
      `Date: ${new Date().toUTCString()}`,
      `Message-ID: <bench-${i}-${Date.now()}@gialai.example>`,
      'MIME-Version: 1.0',
      `Content-Type: multipart/mixed; boundary="${b}"`,
      '',
      `--${b}`,
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      ...lines,
      `--${b}`,
      `Content-Type: application/zip; name="baocao${i}.zip"`,
      'Content-Transfer-Encoding: base64',
      '',
      ...(zip.toString('base64').match(/.{1,76}/g) ?? []),
      `--${b}--`,
      '',
    ].join('\r\n'),
  );
}

function sendOne(port: number, raw: Buffer): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const c = new SMTPConnection({ host: '127.0.0.1', port, ignoreTLS: true, name: 'mx.gialai.example' });
    c.once('error', reject);
    c.connect(() => {
      c.send({ from: 'vanthu@gialai.example', to: [TO] }, raw, (err) => {
        c.quit();
        if (err) reject(err);
        else resolve(performance.now() - t0);
      });
    });
  });
}

interface Round {
  rate: number;
  p50: number;
  p99: number;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

async function round(port: number, offset: number, messages = MESSAGES, sessions = SESSIONS): Promise<Round> {
  const times: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: sessions }, async () => {
      while (next < messages) {
        const i = next++;
        times.push(await sendOne(port, message(offset + i)));
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  return { rate: messages / secs, p50: pct(times, 50), p99: pct(times, 99) };
}

async function start(virus: boolean, clamdPort: number): Promise<{ t: TestApp; s: RunningServers }> {
  const t = await createTestApp({
    config: {
      smtp: { inboundStages: virus ? ['size', 'loop', 'virus', 'auth', 'dmarc'] : ['size', 'loop', 'auth', 'dmarc'] },
      hygiene: { virus: { enabled: virus, socket: '', host: '127.0.0.1', port: clamdPort } },
    },
  });
  await t.app.accounts.create(TO, TEST_PASSWORD, 'bench');
  const s = await startServers(t.app, t.tls);
  return { t, s };
}

async function main(): Promise<void> {
  log(`virus bench: ${MESSAGES} messages × ${ROUNDS} rounds, ${SESSIONS} sessions`);
  const clamd = await startClamd();
  const off = await start(false, clamd.port);
  const on = await start(true, clamd.port);
  const results: Record<'off' | 'on', Round[]> = { off: [], on: [] };
  const serial: Partial<Record<'off' | 'on', Round>> = {};
  const check: number[] = [];
  const load = os.loadavg().map((x) => x.toFixed(2));
  try {
    await round(off.s.ports.smtp, 0); // warm-up (JIT, SQLite page cache)
    await round(on.s.ports.smtp, 0);
    for (let r = 0; r < ROUNDS; r++) {
      for (const [name, x] of [
        ['off', off],
        ['on', on],
      ] as const) {
        const res = await round(x.s.ports.smtp, (r + 1) * MESSAGES);
        results[name].push(res);
        log(`round ${r + 1} virus ${name}: ${res.rate.toFixed(0)} msg/s, p50 ${res.p50.toFixed(1)} ms, p99 ${res.p99.toFixed(1)} ms`);
      }
    }
    for (const [name, x] of [
      ['off', off],
      ['on', on],
    ] as const) {
      serial[name] = await round(x.s.ports.smtp, (ROUNDS + 2) * MESSAGES, SERIAL, 1);
      log(`one session, virus ${name}: p50 ${serial[name].p50.toFixed(1)} ms, p99 ${serial[name].p99.toFixed(1)} ms`);
    }
    const client = new ClamdClient({ socket: '', host: '127.0.0.1', port: clamd.port, timeoutMs: 10_000 });
    for (let i = 0; i < SERIAL; i++) {
      const raw = message((ROUNDS + 3) * MESSAGES + i);
      const t0 = performance.now();
      await client.scan(() => Readable.from([raw]));
      check.push(performance.now() - t0);
    }
  } finally {
    for (const x of [off, on]) {
      await x.s.close();
      await x.t.cleanup();
    }
    await clamd.stop();
    removeClamdDir(clamd);
  }
  const m = (k: 'off' | 'on', f: keyof Round) => median(results[k].map((x) => x[f]));
  const out = {
    messages: MESSAGES,
    sessions: SESSIONS,
    rounds: ROUNDS,
    off: { rate: m('off', 'rate'), p50: m('off', 'p50'), p99: m('off', 'p99') },
    on: { rate: m('on', 'rate'), p50: m('on', 'p50'), p99: m('on', 'p99') },
  };
  process.stdout.write(
    [
      `| virus stage | msg/s | per message p50 | p99 |`,
      `|---|---|---|---|`,
      `| off | ${out.off.rate.toFixed(0)} | ${out.off.p50.toFixed(1)} ms | ${out.off.p99.toFixed(1)} ms |`,
      `| on (clamd) | ${out.on.rate.toFixed(0)} | ${out.on.p50.toFixed(1)} ms | ${out.on.p99.toFixed(1)} ms |`,
      `| on ÷ off | ${(out.on.rate / out.off.rate).toFixed(2)}× | ${(out.on.p50 - out.off.p50).toFixed(1)} ms | ${(out.on.p99 - out.off.p99).toFixed(1)} ms |`,
      '',
      `| one message at a time (${SERIAL}) | p50 | p99 |`,
      `|---|---|---|`,
      `| SMTP, virus off | ${serial.off!.p50.toFixed(1)} ms | ${serial.off!.p99.toFixed(1)} ms |`,
      `| SMTP, virus on | ${serial.on!.p50.toFixed(1)} ms | ${serial.on!.p99.toFixed(1)} ms |`,
      `| added by the stage | ${(serial.on!.p50 - serial.off!.p50).toFixed(1)} ms | ${(serial.on!.p99 - serial.off!.p99).toFixed(1)} ms |`,
      `| clamd INSTREAM alone | ${pct(check, 50).toFixed(1)} ms | ${pct(check, 99).toFixed(1)} ms |`,
      '',
      `Load average at the start: ${load.join(' ')}; ${os.cpus().length} CPUs.`,
      '',
    ].join('\n'),
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
