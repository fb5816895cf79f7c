// Helpers of the backup tests: an empty PostgreSQL database to restore into, and the environment
// that points the real `thutin` command at a test app's database (its configuration is not on disk).
import crypto from 'node:crypto';
import pg from 'pg';
import { PG_URL } from './harness.ts';
import type { App } from '../../src/app.ts';

export async function freshPgDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `thutin_restore_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(PG_URL!);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export function cliEnv(app: App): Record<string, string> {
  const env: Record<string, string> = { THUTIN_LOG_LEVEL: 'warn' };
  if (app.config.database.driver === 'postgres') Object.assign(env, { THUTIN_DATABASE_DRIVER: 'postgres', THUTIN_DATABASE_URL: app.config.database.url! });
  return env;
}
