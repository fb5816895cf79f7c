// Helpers of the backup tests: an empty PostgreSQL database to restore into, and the environment
// that points the real `thutin` command at a test app's database (its configuration is not on disk).
import { createPgDatabase } from './harness.ts';
import type { App } from '../../src/app.ts';

export function freshPgDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  return createPgDatabase('thutin_restore');
}

export function cliEnv(app: App): Record<string, string> {
  const env: Record<string, string> = { THUTIN_LOG_LEVEL: 'warn' };
  if (app.config.database.driver === 'postgres') Object.assign(env, { THUTIN_DATABASE_DRIVER: 'postgres', THUTIN_DATABASE_URL: app.config.database.url! });
  return env;
}
