// Helpers shared by CLI commands: open the app for a data dir, read a password, name the actor.
import os from 'node:os';
import readline from 'node:readline';
import { loadConfig } from '../../config/config.ts';
import { createApp, type App } from '../../app.ts';
import pino from 'pino';

export async function withApp<T>(dataDir: string, fn: (app: App) => Promise<T>): Promise<T> {
  const cfg = loadConfig(dataDir);
  const app = await createApp(cfg, { log: pino({ level: 'warn' }) });
  try {
    return await fn(app);
  } finally {
    await app.close();
  }
}

/** The audit actor for a CLI action: the operating-system user at this host. */
export function cliActor(): string {
  let user = 'unknown';
  try {
    user = os.userInfo().username;
  } catch {
    /* no passwd entry */
  }
  return `cli:${user}@${os.hostname()}`;
}

/** Read a password: from stdin when asked (first line), otherwise prompt twice on a TTY. */
export async function readPassword(fromStdin: boolean | undefined): Promise<string> {
  if (fromStdin || !process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    const pw = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0];
    if (!pw) throw new Error('Không có mật khẩu trên đầu vào chuẩn / no password on standard input');
    return pw;
  }
  const ask = (q: string) =>
    new Promise<string>((resolve) => {
      const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: true });
      (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
        if (s.includes(q)) process.stderr.write(s);
      };
      rl.question(q, (a) => {
        rl.close();
        process.stderr.write('\n');
        resolve(a);
      });
    });
  const a = await ask('Mật khẩu / Password: ');
  const b = await ask('Nhập lại / Again: ');
  if (a !== b) throw new Error('Hai lần nhập không khớp / the passwords differ');
  return a;
}
