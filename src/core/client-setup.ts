// Owns: what a mail client is told when it sets itself up (issue 13, client setup) — the host, the
// listeners' ports and their TLS, the login name, the LDAP address book's base DN — for one address,
// shared by the three formats served over HTTP: Thunderbird's autoconfig, Outlook's Autodiscover
// (POX) and Apple's configuration profiles. Pure: no sockets, no storage.
// The ports are the listeners' own, or the standard ones (clientSetup.ports = 'standard') when those
// are forwarded to them as `thutin dns` assumes.
// Only well-formed addresses in our domains (local or alias) get an answer, and any such address
// gets the same answer whether or not a mailbox exists: the setup never says who has an account.
import crypto from 'node:crypto';
import type { Config } from '../config/config.ts';
import type { DomainMap } from './domains.ts';

export interface ServerEndpoint {
  host: string;
  port: number;
  /** 'SSL': TLS from the first byte (IMAPS, POP3S, SMTPS, LDAPS); 'STARTTLS': upgraded in-protocol. */
  socket: 'SSL' | 'STARTTLS';
}

export interface ClientSetup {
  /** The address as asked (domain in lower case). */
  address: string;
  localPart: string;
  /** The address's domain (local or alias). */
  domain: string;
  /** What the client signs in with: the address on its local domain (an alias domain's target). */
  login: string;
  /** The server's host name, without a trailing dot. */
  host: string;
  /** Reverse of the host name, for Apple's PayloadIdentifier (mail.kontum.gov.vn → vn.gov.kontum.mail). */
  reverseHost: string;
  displayName: string;
  imap: ServerEndpoint;
  imapStartTls: ServerEndpoint;
  pop3: ServerEndpoint;
  pop3StartTls: ServerEndpoint;
  smtp: ServerEndpoint;
  smtpStartTls: ServerEndpoint;
  ldap: ServerEndpoint & { baseDn: string };
}

/** Refused in an address: spaces, controls, and what would break out of XML, a plist, a header or a DN. */
const ADDRESS = /^[^\s@<>"'\\()[\],;:\p{Cc}]{1,64}@([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+)\.?$/iu;

/**
 * The base DN the LDAP address book publishes (src/ldap/directory-tree.ts baseDnOf, which the
 * client-setup test holds equal): the primary domain's labels as dc= components. Domain labels are
 * letters, digits and hyphens, so nothing needs escaping.
 */
export function addressBookBaseDn(primaryDomain: string): string {
  return primaryDomain
    .toLowerCase()
    .split('.')
    .filter(Boolean)
    .map((l) => `dc=${l}`)
    .join(',');
}

/** Split and check an address; null when it is not one. */
export function parseAddress(raw: string): { localPart: string; domain: string } | null {
  const s = raw.trim();
  if (s.length > 254) return null;
  const m = ADDRESS.exec(s);
  if (!m) return null;
  const at = s.lastIndexOf('@');
  return { localPart: s.slice(0, at), domain: m[1].toLowerCase() };
}

/**
 * What a client is told for `address`, or null when the address is malformed or not in one of our
 * domains (the formats answer that with their own refusal).
 */
export function clientSetupFor(cfg: Config, domains: DomainMap, address: string): ClientSetup | null {
  const a = parseAddress(address);
  if (!a || !domains.isLocal(a.domain)) return null;
  const host = cfg.hostname.replace(/\.$/, '');
  const addr = `${a.localPart}@${a.domain}`;
  const ep = (port: number, socket: ServerEndpoint['socket']): ServerEndpoint => ({ host, port, socket });
  // 'standard': the ports `thutin dns` publishes, forwarded to the listeners.
  const std = cfg.clientSetup.ports === 'standard';
  const pick = (listener: number, standard: number) => (std ? standard : listener);
  return {
    address: addr,
    localPart: a.localPart,
    domain: a.domain,
    login: domains.canonical(addr),
    host,
    reverseHost: host.toLowerCase().split('.').filter(Boolean).reverse().join('.'),
    displayName: `Thư điện tử ${a.domain}`,
    imap: ep(pick(cfg.imap.tlsPort, 993), 'SSL'),
    imapStartTls: ep(pick(cfg.imap.port, 143), 'STARTTLS'),
    pop3: ep(pick(cfg.pop3.tlsPort, 995), 'SSL'),
    pop3StartTls: ep(pick(cfg.pop3.port, 110), 'STARTTLS'),
    smtp: ep(pick(cfg.smtp.submissionTlsPort, 465), 'SSL'),
    smtpStartTls: ep(pick(cfg.smtp.submissionPort, 587), 'STARTTLS'),
    ldap: { ...ep(pick(cfg.ldap.tlsPort, 636), 'SSL'), baseDn: addressBookBaseDn(cfg.domains.primary) },
  };
}

/**
 * A name-based UUID (RFC 9562 §5.5, version 5: SHA-1 of a namespace and a name), upper case as
 * Apple's profiles write them. The same name always gives the same UUID, so a profile downloaded
 * again replaces the installed one instead of adding a second account.
 */
export function uuidV5(name: string, namespace = '6ba7b811-9dad-11d1-80b4-00c04fd430c8'): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const h = crypto.createHash('sha1').update(ns).update(name, 'utf8').digest().subarray(0, 16);
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.toString('hex').toUpperCase();
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}
