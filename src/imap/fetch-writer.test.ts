// The FETCH writer against a fake store and socket: byte-exact output with literals streamed,
// bounded body bytes held, a clean failure before a message's first byte, and a dropped
// connection when a literal cannot be completed.
import { Readable } from 'node:stream';
import pino from 'pino';
import { describe, it, expect, beforeEach } from 'vitest';
import type { MessageSource } from '../core/served-message.ts';
import { FLUSH_AT, FetchWriter, READ_AHEAD, READ_AHEAD_BYTES, SMALL_LITERAL, fetchBodyBytes, type FetchSink } from './fetch-writer.ts';
import { atom } from './protocol/value.ts';

function fakeSink() {
  const out: Buffer[] = [];
  const sink: FetchSink & { aborted: boolean; text(): string } = {
    aborted: false,
    log: pino({ level: 'silent' }),
    write: (b) => void out.push(Buffer.from(b)),
    drain: () => new Promise<void>((r) => setImmediate(r)),
    abort() {
      this.aborted = true;
    },
    text: () => Buffer.concat(out).toString('latin1'),
  };
  return sink;
}

function fakeStore(bodies: Map<string, Buffer>, opts: { failRead?: string; failStreamAfter?: { sha: string; bytes: number } } = {}) {
  return {
    async readMessage(m: MessageSource, start = 0, end = m.size) {
      if (opts.failRead === m.sha256) throw new Error('blob missing');
      return Buffer.from(bodies.get(m.sha256)!.subarray(start, end));
    },
    streamMessage(m: MessageSource, r: { start?: number; end?: number } = {}) {
      const bytes = bodies.get(m.sha256)!.subarray(r.start ?? 0, r.end ?? m.size);
      const fail = opts.failStreamAfter?.sha === m.sha256 ? opts.failStreamAfter.bytes : Infinity;
      async function* gen() {
        for (let i = 0; i < bytes.length; i += 65536) {
          if (i >= fail) throw new Error('disk error');
          yield Buffer.from(bytes.subarray(i, i + 65536));
        }
      }
      return Readable.from(gen(), { objectMode: false });
    },
  };
}

const source = (sha256: string, b: Buffer): MessageSource => ({ sha256, size: b.length });

describe('FetchWriter', () => {
  beforeEach(() => fetchBodyBytes.reset());

  it('writes small and large literals byte-exact, holding at most FLUSH_AT and a chunk', async () => {
    const bodies = new Map<string, Buffer>();
    for (let i = 0; i < 30; i++) bodies.set(`s${i}`, Buffer.alloc(40_000, 97 + (i % 26)));
    bodies.set('big', Buffer.alloc(3 * 1024 * 1024 + 7, 'x'));
    const sink = fakeSink();
    const w = new FetchWriter(sink, fakeStore(bodies));
    let seq = 1;
    const expected: string[] = [];
    for (const [sha, b] of bodies) {
      await w.message(seq, [atom('UID'), seq, atom('BODY[]'), { body: source(sha, b), start: 0, end: b.length }]);
      expected.push(`* ${seq} FETCH (UID ${seq} BODY[] {${b.length}}\r\n${b.toString('latin1')})\r\n`);
      seq++;
    }
    await w.flush();
    expect(sink.text()).toBe(expected.join(''));
    expect(fetchBodyBytes.peak).toBeLessThanOrEqual(FLUSH_AT + SMALL_LITERAL);
    expect(fetchBodyBytes.held).toBe(0);
    expect(sink.aborted).toBe(false);
  });

  it('fails before writing anything of a message whose bytes cannot be read', async () => {
    const a = Buffer.from('Subject: a\r\n\r\nA\r\n');
    const bodies = new Map([
      ['a', a],
      ['b', a],
    ]);
    const sink = fakeSink();
    const w = new FetchWriter(sink, fakeStore(bodies, { failRead: 'b' }));
    await w.message(1, [atom('BODY[]'), { body: source('a', a), start: 0, end: a.length }]);
    await expect(w.message(2, [atom('BODY[]'), { body: source('b', a), start: 0, end: a.length }])).rejects.toThrow('blob missing');
    await w.flush();
    expect(sink.text()).toBe(`* 1 FETCH (BODY[] {${a.length}}\r\n${a.toString('latin1')})\r\n`);
    expect(fetchBodyBytes.held).toBe(0);
  });

  it('drops the connection when a streamed literal fails after its length was sent', async () => {
    const big = Buffer.alloc(1024 * 1024, 'y');
    const sink = fakeSink();
    const w = new FetchWriter(sink, fakeStore(new Map([['big', big]]), { failStreamAfter: { sha: 'big', bytes: 300_000 } }));
    await expect(w.message(1, [atom('BODY[]'), { body: source('big', big), start: 0, end: big.length }])).rejects.toThrow('disk error');
    expect(sink.aborted).toBe(true);
    expect(fetchBodyBytes.held).toBe(0);
  });

  it('drops the connection when the store yields fewer bytes than the literal promised', async () => {
    const short = Buffer.alloc(200_000, 'z');
    const sink = fakeSink();
    const w = new FetchWriter(sink, fakeStore(new Map([['m', short]])));
    await expect(w.message(1, [atom('BODY[]'), { body: { sha256: 'm', size: 300_000 }, start: 0, end: 300_000 }])).rejects.toThrow(/shorter/);
    expect(sink.aborted).toBe(true);
  });

  it.each([
    ['small', 100, READ_AHEAD],
    ['60 KB', 60_000, Math.floor(READ_AHEAD_BYTES / 60_000)],
  ])('reads the next %s bodies while one is written, at most READ_AHEAD or READ_AHEAD_BYTES, the same bytes, nothing held after', async (_what, size, limit) => {
    const bodies = new Map<string, Buffer>();
    const msgs: MessageSource[] = [];
    const N = 80;
    for (let i = 0; i < N; i++) {
      const b = Buffer.from(`Subject: thư ${i}\r\n\r\n${'x'.repeat(size + i)}\r\n`);
      bodies.set(`s${i}`, b);
      msgs.push(source(`s${i}`, b));
    }
    const store = fakeStore(bodies);
    let inFlight = 0;
    let most = 0;
    let reads = 0;
    const slow = {
      ...store,
      async readMessage(m: MessageSource, start?: number, end?: number) {
        reads++;
        most = Math.max(most, ++inFlight);
        await new Promise((r) => setTimeout(r, 2));
        inFlight--;
        return store.readMessage(m, start, end);
      },
    };
    const run = async (ahead: boolean) => {
      const sink = fakeSink();
      const w = new FetchWriter(sink, slow);
      try {
        for (let j = 0; j < msgs.length; j++) {
          if (ahead && w.wantsReadAhead) for (let k = j; k < msgs.length && k < j + READ_AHEAD; k++) w.readAhead(msgs[k], 0, msgs[k].size);
          await w.message(j + 1, [atom('BODY[]'), { body: msgs[j], start: 0, end: msgs[j].size }]);
        }
        await w.flush();
      } finally {
        w.dispose();
      }
      return sink.text();
    };
    const plain = await run(false);
    expect(most).toBe(1);
    most = 0;
    reads = 0;
    expect(await run(true)).toBe(plain);
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(limit);
    expect(most).toBeGreaterThan(limit / 2); // asked for many at a time
    expect(reads).toBe(N); // each body read once
    expect(fetchBodyBytes.held).toBe(0);
    // Ended early: what was read ahead is let go.
    const w = new FetchWriter(fakeSink(), slow);
    for (let k = 0; k < READ_AHEAD; k++) w.readAhead(msgs[k], 0, msgs[k].size);
    await new Promise((r) => setTimeout(r, 20));
    expect(fetchBodyBytes.held).toBeGreaterThan(0);
    w.dispose();
    expect(fetchBodyBytes.held).toBe(0);
  });
});
