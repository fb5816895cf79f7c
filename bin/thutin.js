#!/usr/bin/env node
// Entry for `npx thutin …`: runs the TypeScript CLI through tsx (no build step).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { createRequire } from 'node:module';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const tsxCli = require.resolve('tsx/cli');
const main = path.join(here, '..', 'src', 'cli', 'main.ts');
const r = spawnSync(process.execPath, [tsxCli, main, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
