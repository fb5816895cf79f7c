// Owns: starting every front end of one thutin process (SMTP inbound and submission, IMAP, POP3,
// ManageSieve, HTTP, LDAP) over one App — after checking that every configured port is free — and stopping them in
// order; the list of listeners with their services and configuration keys (`thutin doctor` too).
import type net from 'node:net';
import type { App } from './app.ts';
import type { Config } from './config/config.ts';
import { checkPortsFree, type PortClaim } from './net/listen.ts';
import type { TlsMaterial } from './config/tls.ts';
import { startSmtp } from './smtp/server.ts';
import { startImap } from './imap/server.ts';
import { startPop3 } from './pop3/server.ts';
import { startManageSieve } from './managesieve/server.ts';
import { startHttp } from './http/server.ts';
import { startLdap } from './ldap/server.ts';
import { OutboundWorker } from './outbound/worker.ts';

export interface RunningServers {
  ports: { smtp: number; submission: number; submissionTls: number; imap: number; imaps: number; pop3: number; pop3s: number; sieve: number; http: number; https: number; ldap: number; ldaps: number };
  /** The outbound delivery worker (null when `outbound.enabled` is false). */
  outbound: OutboundWorker | null;
  close(): Promise<void>;
}

/** How a listener is spoken to: its protocol, and whether TLS starts at once (implicit) or never/after STARTTLS. */
export interface ListenerSpec extends PortClaim {
  protocol: 'smtp' | 'imap' | 'pop3' | 'managesieve' | 'ldap' | 'http';
  implicitTls: boolean;
  /** Its name in `RunningServers.ports`. */
  name: keyof RunningServers['ports'];
}

/** Every listener of `thutin serve`, in the order they start. */
export function listenerSpecs(cfg: Config): ListenerSpec[] {
  const { smtp, imap, pop3, sieve, http, ldap } = cfg;
  return [
    { name: 'smtp', service: 'SMTP MX', key: 'smtp.inboundPort', host: smtp.host, port: smtp.inboundPort, protocol: 'smtp', implicitTls: false },
    { name: 'submission', service: 'SMTP submission (STARTTLS)', key: 'smtp.submissionPort', host: smtp.host, port: smtp.submissionPort, protocol: 'smtp', implicitTls: false },
    { name: 'submissionTls', service: 'SMTP submission (TLS)', key: 'smtp.submissionTlsPort', host: smtp.host, port: smtp.submissionTlsPort, protocol: 'smtp', implicitTls: true },
    { name: 'imap', service: 'IMAP (STARTTLS)', key: 'imap.port', host: imap.host, port: imap.port, protocol: 'imap', implicitTls: false },
    { name: 'imaps', service: 'IMAP (TLS)', key: 'imap.tlsPort', host: imap.host, port: imap.tlsPort, protocol: 'imap', implicitTls: true },
    { name: 'pop3', service: 'POP3 (STLS)', key: 'pop3.port', host: pop3.host, port: pop3.port, protocol: 'pop3', implicitTls: false },
    { name: 'pop3s', service: 'POP3 (TLS)', key: 'pop3.tlsPort', host: pop3.host, port: pop3.tlsPort, protocol: 'pop3', implicitTls: true },
    { name: 'sieve', service: 'ManageSieve (STARTTLS)', key: 'sieve.port', host: sieve.host, port: sieve.port, protocol: 'managesieve', implicitTls: false },
    { name: 'http', service: 'HTTP', key: 'http.port', host: http.host, port: http.port, protocol: 'http', implicitTls: false },
    { name: 'https', service: 'HTTPS', key: 'http.tlsPort', host: http.host, port: http.tlsPort, protocol: 'http', implicitTls: true },
    { name: 'ldap', service: 'LDAP (STARTTLS)', key: 'ldap.port', host: ldap.host, port: ldap.port, protocol: 'ldap', implicitTls: false },
    { name: 'ldaps', service: 'LDAPS', key: 'ldap.tlsPort', host: ldap.host, port: ldap.tlsPort, protocol: 'ldap', implicitTls: true },
  ];
}

export async function startServers(app: App, tls: TlsMaterial, opts: { handOff?: (socket: net.Socket) => boolean } = {}): Promise<RunningServers> {
  // Every port first: a taken one is named with its service and key before anything listens.
  await checkPortsFree(listenerSpecs(app.config));
  // opts.handOff: MX connections offered to the inbound processes (smtp/inbound-processes.ts).
  const smtp = await startSmtp(app, tls, { handOff: opts.handOff });
  const imap = await startImap(app, tls);
  const pop3 = await startPop3(app, tls);
  const sieve = await startManageSieve(app, tls);
  const http = await startHttp(app, tls);
  const ldap = await startLdap(app, tls);
  const outbound = app.config.outbound.enabled ? new OutboundWorker(app) : null;
  outbound?.start();
  app.spamLearner.start(); // moves into / out of Junk teach rspamd (hygiene.spam)
  return {
    ports: {
      smtp: smtp.inbound.port,
      submission: smtp.submission.port,
      submissionTls: smtp.submissionTls.port,
      imap: imap.port,
      imaps: imap.tlsPort,
      pop3: pop3.port,
      pop3s: pop3.tlsPort,
      sieve: sieve.port,
      http: http.port,
      https: http.tlsPort ?? 0,
      ldap: ldap.port,
      ldaps: ldap.tlsPort,
    },
    outbound,
    async close() {
      await Promise.allSettled([smtp.close(), imap.close(), pop3.close(), sieve.close(), http.close(), ldap.close(), outbound?.stop(), app.spamLearner.stop()]);
    },
  };
}
