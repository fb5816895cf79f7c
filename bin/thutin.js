#!/usr/bin/env node
// Entry for `npx thutin …`: loads the TypeScript CLI in this process through tsx's loader
// (no build step, no extra process).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
