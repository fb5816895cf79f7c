// `thutin ticket list|show|reply|assign|close|reopen`: the incident tickets (core/tickets.ts) as
// the operator at the server works them — every ticket, internal notes included. Each change is
// audited by the core with the operating-system user as actor, and the reporter is told by mail.
// Owns: the ticket commands' output.
import { withApp, cliActor } from './common.ts';
import { TicketService, type Ticket, type TicketDetail } from '../../core/tickets.ts';
import { CATEGORY_LABEL, STATE_LABEL } from '../../core/ticket-notices.ts';

function when(ms: number | null): string {
  return ms === null ? '-' : new Date(ms).toISOString();
}

function parseId(id: string): number {
  const n = Number(String(id).replace(/^#/, ''));
  if (!Number.isInteger(n) || n <= 0) throw new Error(`Mã báo cáo không hợp lệ / invalid ticket id: ${id}`);
  return n;
}

function line(t: Ticket): string {
  const st = STATE_LABEL[t.state] ?? { vi: t.state, en: t.state };
  const cat = CATEGORY_LABEL[t.category];
  return `#${t.id}\t${when(t.createdAt)}\t${cat.vi} / ${cat.en}\t${st.vi} / ${st.en}\t<${t.reporter}>\t${t.assignee ? `→ ${t.assignee}` : '-'}\t${t.subject}\n`;
}

function printDetail(d: TicketDetail): void {
  const t = d.ticket;
  process.stdout.write(line(t));
  process.stdout.write(`\nNguồn / source: ${t.source}\n`);
  if (d.message) process.stdout.write(`Thư được báo cáo / reported message: ${d.message.subject || '(-)'} (${d.message.size} B, ${d.message.origin})\n`);
  else process.stdout.write('Thư được báo cáo / reported message: -\n');
  process.stdout.write(`\n${t.body}\n`);
  for (const r of d.replies) {
    process.stdout.write(`\n--- ${when(r.createdAt)} ${r.author}${r.internal ? ' [nội bộ / internal]' : ''}\n${r.body}\n`);
  }
}

export async function runTicketList(dataDir: string, o: { state?: string; category?: string; assignee?: string; limit?: string; json?: boolean }): Promise<void> {
  await withApp(dataDir, async (app) => {
    const list = await app.tickets.list(TicketService.operator(cliActor()), { state: o.state, category: o.category, assignee: o.assignee, limit: o.limit ? Number(o.limit) : undefined });
    if (o.json) {
      process.stdout.write(JSON.stringify(list, null, 2) + '\n');
      return;
    }
    for (const t of list) process.stdout.write(line(t));
    process.stdout.write(`(${list.length} báo cáo / tickets)\n`);
  });
}

export async function runTicketShow(dataDir: string, id: string, o: { json?: boolean }): Promise<void> {
  await withApp(dataDir, async (app) => {
    const d = await app.tickets.get(TicketService.operator(cliActor()), parseId(id));
    if (o.json) process.stdout.write(JSON.stringify(d, null, 2) + '\n');
    else printDetail(d);
  });
}

export async function runTicketReply(dataDir: string, id: string, text: string, o: { internal?: boolean; answer?: boolean }): Promise<void> {
  await withApp(dataDir, async (app) => {
    const actor = TicketService.operator(cliActor());
    const n = parseId(id);
    const t = o.answer ? await app.tickets.transition(actor, n, 'answer', text) : await app.tickets.reply(actor, n, text, { internal: o.internal });
    process.stdout.write(`#${t.id}: ${o.answer ? 'đã trả lời / answered' : o.internal ? 'đã ghi chú nội bộ / internal note added' : 'đã trả lời người báo cáo / reply sent'}\n`);
  });
}

export async function runTicketAssign(dataDir: string, id: string, assignee: string): Promise<void> {
  await withApp(dataDir, async (app) => {
    const t = await app.tickets.assign(TicketService.operator(cliActor()), parseId(id), assignee === 'none' ? null : assignee);
    process.stdout.write(`#${t.id}: ${t.assignee ? `đã giao cho / assigned to ${t.assignee}` : 'bỏ giao / unassigned'}\n`);
  });
}

export async function runTicketState(dataDir: string, action: 'close' | 'reopen', id: string): Promise<void> {
  await withApp(dataDir, async (app) => {
    const t = await app.tickets.transition(TicketService.operator(cliActor()), parseId(id), action);
    const st = STATE_LABEL[t.state] ?? { vi: t.state, en: t.state };
    process.stdout.write(`#${t.id}: ${st.vi} / ${st.en}\n`);
  });
}
