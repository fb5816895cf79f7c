// `npm test` on a fresh machine (issue 15, item 9): scripts/test-tools.sh names the Debian package of
// each outside tool that is missing (what pretest and .ci/run install), and a test that needs one
// is skipped with one loud line naming the package, counted for the end of the run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import setupNotice from '../helpers/tools-notice.ts';

const REPO = path.resolve(import.meta.dirname, '../..');

function run(cmd: string, args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd: REPO, env: { ...process.env, ...env }, timeout: 60_000 }, (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}

describe('outside tools of the test suite', { timeout: 120_000 }, () => {
  let dir: string;
  let list: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-tools-'));
    list = path.join(dir, 'packages.txt');
    fs.writeFileSync(
      list,
      ['# kind what package', 'cmd sh dash', 'cmd thutin-no-such-tool thutin-fake-utils', 'python thutin_no_such_module python3-thutin-fake', 'file /no/such/file thutin-fake-file', ''].join('\n'),
    );
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('test-tools.sh missing names the package of every tool that is not there, and only those', async () => {
    const r = await run('bash', ['scripts/test-tools.sh', 'missing'], { THUTIN_TEST_PACKAGES: list });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean)).toEqual(['python3-thutin-fake', 'thutin-fake-file', 'thutin-fake-utils']);
    // The project's own list is well formed: every line has a kind, a tool and a package.
    const own = fs
      .readFileSync(path.join(REPO, 'scripts/test-packages.txt'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('#'));
    for (const l of own) expect(l.split(/\s+/).filter(Boolean)).toHaveLength(3);
  });

  it('a test needing a missing tool is skipped with one loud line naming the package, and the run counts it', async () => {
    const skips = fs.mkdtempSync(path.join(dir, 'skips-'));
    const script = `import { missingTool } from './test/helpers/tools.ts'; console.log(missingTool('thutin-no-such-tool', 'a test that needs it'), missingTool('sh', 'a test with sh'));`;
    const r = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { THUTIN_TEST_PACKAGES: list, THUTIN_TEST_SKIPS_DIR: skips });
    expect(r.stdout.trim()).toBe('true false');
    expect(r.stderr).toContain('*** SKIPPED: a test that needs it — cần / needs thutin-no-such-tool: apt-get install thutin-fake-utils ***');
    expect(r.stderr).not.toContain('a test with sh');
    const recorded = fs.readdirSync(skips).map((f) => fs.readFileSync(path.join(skips, f), 'utf8'));
    expect(recorded).toEqual(['thutin-fake-utils\ta test that needs it\n']);

    // The end of the run (vitest globalSetup teardown) says how many were skipped and what to install.
    const before = process.env.THUTIN_TEST_SKIPS_DIR;
    const teardown = setupNotice();
    const mine = process.env.THUTIN_TEST_SKIPS_DIR!;
    fs.writeFileSync(path.join(mine, '1.txt'), 'thutin-fake-utils\ta test that needs it\npython3-thutin-fake\tanother\n');
    let said = '';
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => ((said += s), true)) as typeof process.stderr.write;
    try {
      teardown();
    } finally {
      process.stderr.write = write;
      if (before === undefined) delete process.env.THUTIN_TEST_SKIPS_DIR;
      else process.env.THUTIN_TEST_SKIPS_DIR = before;
    }
    expect(said).toContain('*** 2 kiểm thử bị bỏ qua vì thiếu công cụ / tests SKIPPED for missing tools: apt-get install python3-thutin-fake thutin-fake-utils');
    expect(fs.existsSync(mine)).toBe(false);
  });
});
