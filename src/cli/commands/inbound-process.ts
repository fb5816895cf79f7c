// Owns: `thutin inbound-process` (hidden), one inbound process of `thutin serve`
// (smtp/inbound-processes.ts, which starts it): the same App over the same data directory, shared
// with the main process, and the MX listener's SMTP sessions for the connections the main process
// hands over. Nothing else runs here: no listener of its own, no outbound worker, no maintenance,
// no counters (its mail flow and changed mailboxes go to the main process).
import type net from 'node:net';
import { loadConfig } from '../../config/config.ts';
import { loadTls } from '../../config/tls.ts';
import { createApp } from '../../app.ts';
import { startSmtp } from '../../smtp/server.ts';
import type { FromInbound, ToInbound } from '../../smtp/inbound-processes.ts';

/** How long the sessions in progress may go on once the main process says stop. */
const STOP_GRACE_MS = 10_000;

export async function runInboundProcess(dataDir: string): Promise<void> {
  const send = process.send?.bind(process);
  if (!send) throw new Error('thutin inbound-process is started by `thutin serve`, not by hand');
  const tell = (m: FromInbound) => {
    if (process.connected) send(m);
  };
  // The main process is gone (kill -9 or a crash): end now, as it did, and leave nothing running
  // that the next start's sweep could race.
  process.on('disconnect', () => process.exit(1));
  const cfg = loadConfig(dataDir);
  const app = await createApp(cfg, { sharedStore: true });
  app.events.forwardTo(tell);
  app.queue.onWork = () => tell({ t: 'queued' });
  const smtp = await startSmtp(app, loadTls(cfg), { listen: false });
  const server = smtp.inbound.server.server;
  let stopping = false;
  process.on('message', (m: ToInbound, socket?: net.Socket) => {
    if (m.t === 'connection' && socket) {
      if (stopping) {
        socket.destroy();
        tell({ t: 'closed', id: m.id });
        return;
      }
      socket.once('close', () => tell({ t: 'closed', id: m.id }));
      server.emit('connection', socket);
    } else if (m.t === 'stop' && !stopping) {
      stopping = true;
      void (async () => {
        // Nothing listens here: the sessions handed over finish (up to a grace), then the App closes.
        const sessions = smtp.inbound.server.connections;
        for (let waited = 0; sessions.size > 0 && waited < STOP_GRACE_MS; waited += 100) await new Promise((r) => setTimeout(r, 100));
        await smtp.close();
        await app.close();
        process.exit(0);
      })();
    }
  });
  // A signal to the whole process group (Ctrl-C at a terminal) is the main process's to handle.
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => {});
  tell({ t: 'ready' });
}
