// `thutin queue list|show|retry|hold|release|delete`: the outbound queue as Postfix's mailq and
// postsuper show and change it — per recipient with its state and the reason of its last
// failure. Every change is audited (by OutboundQueue) with the operating-system user as actor.
import { withApp, cliActor } from './common.ts';
import type { QueueEntry } from '../../core/queue.ts';

function when(ms: number | null): string {
  return ms === null ? '-' : new Date(ms).toISOString();
}

function printEntry(q: QueueEntry): void {
  process.stdout.write(`#${q.id}\t${when(q.createdAt)}\t${q.size} B\ttừ / from <${q.sender}>\t${q.state}\n`);
  for (const r of q.recipients) {
    const next = r.state === 'deferred' || r.state === 'queued' ? `\tthử lại / next ${when(r.nextAttemptAt)}` : '';
    process.stdout.write(`\t-> <${r.recipient}>\t${r.state}\t${r.attempts} lần / attempts${next}\n`);
    if (r.lastError) process.stdout.write(`\t   ${r.status ?? ''} ${r.lastError}\n`);
  }
}

function parseId(id: string): number {
  const n = Number(String(id).replace(/^#/, ''));
  if (!Number.isInteger(n) || n <= 0) throw new Error(`Mã thư không hợp lệ / invalid queue id: ${id}`);
  return n;
}

export async function runQueueList(dataDir: string, o: { json?: boolean }): Promise<void> {
  await withApp(dataDir, async (app) => {
    const list = await app.queue.list();
    if (o.json) {
      process.stdout.write(JSON.stringify(list, null, 2) + '\n');
      return;
    }
    for (const q of list) printEntry(q);
    process.stdout.write(`(${list.length} thư trong hàng đợi / queued messages)\n`);
  });
}

export async function runQueueShow(dataDir: string, id: string, o: { json?: boolean }): Promise<void> {
  await withApp(dataDir, async (app) => {
    const q = await app.queue.show(parseId(id));
    if (o.json) {
      process.stdout.write(JSON.stringify(q, null, 2) + '\n');
      return;
    }
    printEntry(q);
    process.stdout.write('\n' + q.headers.replace(/\r\n/g, '\n'));
  });
}

type Action = 'retry' | 'hold' | 'release' | 'delete';
const DONE: Record<Action, string> = {
  retry: 'sẽ thử gửi lại ngay / will be retried now',
  hold: 'đã tạm giữ / held',
  release: 'đã cho gửi tiếp / released',
  delete: 'đã xoá khỏi hàng đợi / deleted from the queue',
};

export async function runQueueAction(dataDir: string, action: Action, id: string): Promise<void> {
  await withApp(dataDir, async (app) => {
    const n = parseId(id);
    const actor = cliActor();
    if (action === 'delete') await app.queue.delete(n, actor);
    else await app.queue[action](n, actor);
    process.stdout.write(`#${n}: ${DONE[action]}\n`);
  });
}
