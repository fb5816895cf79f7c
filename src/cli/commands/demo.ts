// `thutin demo [--people N] [--seed S] [--messages M] [--force]`: load the demo province (Kon Tum's
// units, generated officials, their mailboxes and some mail) into the data directory; and what
// `serve --demo` does (load into an empty directory, otherwise say that it skipped the load).
import fs from 'node:fs';
import type { App } from '../../app.ts';
import { buildDemoProvince, describeDemo, type DemoOptions } from '../../demo/province.ts';
import { cliActor, withApp } from './common.ts';

export interface DemoCliOptions {
  people?: string;
  seed?: string;
  messages?: string;
  force?: boolean;
}

function positiveInt(v: string | undefined, what: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${what}: cần một số nguyên không âm / expected a non-negative integer: ${v}`);
  return n;
}

export function demoOptions(o: DemoCliOptions): DemoOptions {
  return {
    people: positiveInt(o.people, '--people'),
    seed: positiveInt(o.seed, '--seed'),
    messages: positiveInt(o.messages, '--messages'),
    force: !!o.force,
    actor: cliActor(),
    progress: (line) => process.stderr.write(`${line}\n`),
  };
}

/** Load the demo into an open app and print the summary (also used by `serve --demo`). */
export async function loadDemo(app: App, opts: DemoOptions): Promise<void> {
  const res = await buildDemoProvince(app, opts);
  process.stdout.write(describeDemo(res, app) + '\n');
}

/**
 * `serve --demo`: the demo province goes only into an empty directory; on existing data it says,
 * on the terminal (not only in the JSON log), that the load was skipped and how to force it.
 */
export async function serveDemo(app: App): Promise<void> {
  if (await app.directory.isEmpty()) return loadDemo(app, demoOptions({}));
  const units = (await app.directory.listUnits()).length;
  process.stdout.write(
    `--demo: danh bạ đã có ${units} đơn vị, không nạp tỉnh mẫu (nạp đè: thutin demo --force) / ` +
      `the directory already has ${units} units: the demo province was not loaded (to load it anyway: thutin demo --force)\n`,
  );
  app.log.info({ units }, 'demo load skipped: the directory has data');
}

export async function runDemo(dataDir: string, o: DemoCliOptions): Promise<void> {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o750 });
  const opts = demoOptions(o);
  await withApp(dataDir, (app) => loadDemo(app, opts));
}
