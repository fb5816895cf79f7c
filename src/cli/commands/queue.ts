// `thutin queue list`: what waits in the outbound queue, per recipient with its last error.
import { withApp } from './common.ts';

export async function runQueueList(dataDir: string, o: { json?: boolean }): Promise<void> {
  await withApp(dataDir, async (app) => {
    const list = await app.queue.list();
    if (o.json) {
      process.stdout.write(JSON.stringify(list, null, 2) + '\n');
      return;
    }
    for (const q of list) {
      process.stdout.write(`#${q.id}\t${new Date(q.createdAt).toISOString()}\t${q.size} B\tfrom <${q.sender}>\t${q.state}\n`);
      for (const r of q.recipients) process.stdout.write(`\t-> <${r.recipient}>\t${r.state}\t${r.attempts}\t${r.lastError ?? ''}\n`);
    }
    process.stdout.write(`(${list.length} thư trong hàng đợi / queued messages)\n`);
  });
}
