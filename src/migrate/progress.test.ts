// The migration's progress: on a terminal one bar per mailbox and one overall, redrawn in place;
// elsewhere plain lines. An injected clock, a recording stream.
import { describe, expect, it } from 'vitest';
import { migrationProgress } from './progress.ts';

function recorder(isTTY: boolean) {
  const out: string[] = [];
  return { out, stream: { isTTY, write: (s: string) => out.push(s) } };
}

describe('migration progress', () => {
  it('draws a bar per mailbox and one overall on a TTY, in place', () => {
    let now = 0;
    const r = recorder(true);
    const p = migrationProgress(2, r.stream, () => now);
    p.start('an → an@kontum.gov.vn', 100);
    p.start('binh → binh@kontum.gov.vn', 50);
    now = 1000;
    p.advance('an → an@kontum.gov.vn', 50);
    const last = r.out.at(-1)!;
    expect(last.startsWith('\x1b[3A\r')).toBe(true); // back over the three lines drawn before
    expect(last).toContain('an → an@kontum.gov.vn');
    expect(last).toMatch(/\[#{12}\.{12}\] {2}50% 50\/100 50\/s ETA 00:01/);
    expect(last).toMatch(/Tất cả \/ all \(0\/2\).* 33% 50\/150/);
    now = 2000;
    p.end('an → an@kontum.gov.vn', '✓ an → an@kontum.gov.vn: done');
    expect(r.out.join('')).toContain('✓ an → an@kontum.gov.vn: done\n');
    expect(r.out.at(-1)).not.toContain('an → an@kontum.gov.vn [');
    expect(r.out.at(-1)).toContain('(1/2');
  });

  it('writes plain lines elsewhere: starts, ends, every 10 % overall', () => {
    const r = recorder(false);
    const p = migrationProgress(1, r.stream, () => 0);
    p.start('an', 10);
    for (let i = 0; i < 10; i++) p.advance('an', 1);
    p.end('an', '✓ an');
    p.close();
    const text = r.out.join('');
    expect(text).toContain('an: bắt đầu / started, 10 thư / messages\n');
    expect(text.match(/Tất cả/g)!.length).toBeGreaterThanOrEqual(10);
    expect(text).not.toContain('\x1b[');
  });
});
