// Progress of a backup: a bar redrawn in place with rate and ETA on a terminal, plain lines (start,
// every 10 %, end) otherwise; an injected clock, nothing timed.
import { describe, expect, it } from 'vitest';
import { streamProgress } from './progress.ts';

function sink(isTTY: boolean) {
  const out = { text: '', isTTY, write: (s: string) => void (out.text += s) };
  return out;
}

describe('streamProgress', () => {
  it('draws a bar with the rate and the ETA on a TTY', () => {
    const out = sink(true);
    let now = 0;
    const p = streamProgress(out, () => now);
    p.start('Blob', 100 * 1048576, 'B');
    now = 2000;
    p.advance(25 * 1048576);
    // 25 MB in 2 s: 12.5 MB/s, 75 MB left: 6 s.
    expect(out.text.split('\r').pop()).toBe('Blob [########......................] 25% 25.0 MB/100.0 MB 12.5 MB/s ETA 00:06\x1b[K');
    now = 2050; // redrawn at most every 100 ms
    p.advance(1048576);
    expect(out.text).not.toContain('26%');
    now = 9000;
    p.end();
    expect(out.text.endsWith('100% 100.0 MB/100.0 MB 11.1 MB/s ETA 00:00\x1b[K\n')).toBe(true);
  });

  it('writes whole lines at each tenth when not a TTY', () => {
    const out = sink(false);
    let now = 0;
    const p = streamProgress(out, () => now);
    p.start('Kiểm tra / verifying', 10, 'items');
    for (let i = 0; i < 10; i++) {
      now += 1000;
      p.advance(1);
    }
    p.end();
    p.note('xong / done');
    const lines = out.text.trimEnd().split('\n');
    expect(lines.length).toBe(12);
    expect(lines[0]).toBe('Kiểm tra / verifying: 0% 0/10 0/s ETA --:--');
    expect(lines[10]).toBe('Kiểm tra / verifying: 100% 10/10 1/s ETA 00:00');
    expect(lines[11]).toBe('xong / done');
    expect(out.text).not.toContain('\r');
  });
});
