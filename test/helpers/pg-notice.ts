// vitest globalSetup: without THUTIN_TEST_PG_URL the PostgreSQL variants of the store suites are
// skipped (test/helpers/harness.ts), so a local `npm test` says so loudly at the start and the end
// of the run. CI (.ci/run) sets the variable.
const NOTICE = '*** THUTIN_TEST_PG_URL is not set: the PostgreSQL suites were SKIPPED (set it, e.g. THUTIN_TEST_PG_URL=postgres://postgres@127.0.0.1:5432/postgres) ***';

function shout(): void {
  process.stderr.write(`\n${NOTICE}\n\n`);
}

export default function setup(): (() => void) | undefined {
  if (process.env.THUTIN_TEST_PG_URL) return undefined;
  shout();
  return shout;
}
