// Starts every front end of one thutin process (SMTP inbound and submission, IMAP, HTTP) over
// one App, and stops them in order.
import type { App } from './app.ts';
import type { TlsMaterial } from './config/tls.ts';
import { startSmtp } from './smtp/server.ts';
import { startImap } from './imap/server.ts';
import { startHttp } from './http/server.ts';

export interface RunningServers {
  ports: { smtp: number; submission: number; submissionTls: number; imap: number; imaps: number; http: number };
  close(): Promise<void>;
}

export async function startServers(app: App, tls: TlsMaterial): Promise<RunningServers> {
  const smtp = await startSmtp(app, tls);
  const imap = await startImap(app, tls);
  const http = await startHttp(app);
  return {
    ports: {
      smtp: smtp.inbound.port,
      submission: smtp.submission.port,
      submissionTls: smtp.submissionTls.port,
      imap: imap.port,
      imaps: imap.tlsPort,
      http: http.port,
    },
    async close() {
      await Promise.allSettled([smtp.close(), imap.close(), http.close()]);
    },
  };
}
