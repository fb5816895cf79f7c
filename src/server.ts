// Starts every front end of one thutin process (SMTP inbound and submission, IMAP, HTTP, LDAP) over
// one App, and stops them in order.
import type { App } from './app.ts';
import type { TlsMaterial } from './config/tls.ts';
import { startSmtp } from './smtp/server.ts';
import { startImap } from './imap/server.ts';
import { startHttp } from './http/server.ts';
import { startLdap } from './ldap/server.ts';
import { OutboundWorker } from './outbound/worker.ts';

export interface RunningServers {
  ports: { smtp: number; submission: number; submissionTls: number; imap: number; imaps: number; http: number; ldap: number; ldaps: number };
  /** The outbound delivery worker (null when `outbound.enabled` is false). */
  outbound: OutboundWorker | null;
  close(): Promise<void>;
}

export async function startServers(app: App, tls: TlsMaterial): Promise<RunningServers> {
  const smtp = await startSmtp(app, tls);
  const imap = await startImap(app, tls);
  const http = await startHttp(app);
  const ldap = await startLdap(app, tls);
  const outbound = app.config.outbound.enabled ? new OutboundWorker(app) : null;
  outbound?.start();
  return {
    ports: {
      smtp: smtp.inbound.port,
      submission: smtp.submission.port,
      submissionTls: smtp.submissionTls.port,
      imap: imap.port,
      imaps: imap.tlsPort,
      http: http.port,
      ldap: ldap.port,
      ldaps: ldap.tlsPort,
    },
    outbound,
    async close() {
      await Promise.allSettled([smtp.close(), imap.close(), http.close(), ldap.close(), outbound?.stop()]);
    },
  };
}
