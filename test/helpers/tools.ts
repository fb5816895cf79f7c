// Owns: tests' outside tools (scripts/test-packages.txt, the list `npm test`'s pretest and .ci/run
// install from). `missingTool('swaks')` is true when the tool is not installed: the caller skips
// (`it.skipIf(…)`, `describe.skipIf(…)`), and one loud line names the Debian package to install;
// each skip is counted for the end of the run (test/helpers/tools-notice.ts).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** The list; THUTIN_TEST_PACKAGES names another (the tests of this helper use one). */
const LIST = process.env.THUTIN_TEST_PACKAGES ?? path.resolve(import.meta.dirname, '../../scripts/test-packages.txt');

interface Entry {
  kind: string;
  what: string;
  pkg: string;
}

function entries(): Entry[] {
  return fs
    .readFileSync(LIST, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [kind, what, pkg] = l.split(/\s+/);
      return { kind, what, pkg };
    });
}

function quietly(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function present(e: Entry): boolean {
  switch (e.kind) {
    case 'cmd':
      return quietly('/bin/sh', ['-c', `command -v '${e.what}'`]);
    case 'perl':
      return quietly('perl', [`-M${e.what}`, '-e1']);
    case 'python':
      return quietly('/usr/bin/python3', ['-c', `import ${e.what}`]);
    case 'file':
      return fs.existsSync(e.what);
    default:
      return false;
  }
}

const known = new Map<string, boolean>();

/**
 * True when the tool named `what` in scripts/test-packages.txt (a command, a Python or Perl
 * module, a file) is missing. Then it says so loudly, once per call, with the package and the test
 * that is skipped, and counts the skip.
 */
export function missingTool(what: string, test: string): boolean {
  const e = entries().find((x) => x.what === what);
  if (!e) throw new Error(`${what} is not in scripts/test-packages.txt`);
  let ok = known.get(what);
  if (ok === undefined) known.set(what, (ok = present(e)));
  if (ok) return false;
  process.stderr.write(`\n*** SKIPPED: ${test} — cần / needs ${what}: apt-get install ${e.pkg} ***\n`);
  const dir = process.env.THUTIN_TEST_SKIPS_DIR;
  if (dir && fs.existsSync(dir)) fs.appendFileSync(path.join(dir, `${process.pid}.txt`), `${e.pkg}\t${test}\n`);
  return true;
}
