// Owns: the end-of-run count of tests skipped for a missing outside tool (vitest globalSetup).
// Workers record each skip (test/helpers/tools.ts) in a directory made here; the teardown says
// how many were skipped and which packages would run them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default function setup(): () => void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-test-skips-'));
  process.env.THUTIN_TEST_SKIPS_DIR = dir;
  return () => {
    const lines = fs
      .readdirSync(dir)
      .flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').split('\n'))
      .filter(Boolean);
    fs.rmSync(dir, { recursive: true, force: true });
    if (lines.length === 0) return;
    const pkgs = [...new Set(lines.map((l) => l.split('\t')[0]))].sort();
    process.stderr.write(
      `\n*** ${lines.length} kiểm thử bị bỏ qua vì thiếu công cụ / tests SKIPPED for missing tools: apt-get install ${pkgs.join(' ')} (or run npm test as root: its pretest installs them) ***\n` +
        lines.map((l) => `    ${l.split('\t')[1]} (${l.split('\t')[0]})`).join('\n') +
        '\n\n',
    );
  };
}
