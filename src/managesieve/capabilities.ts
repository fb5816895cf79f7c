// Owns: what the greeting and CAPABILITY announce (RFC 5804 §1.7), by session state: before TLS
// SASL is empty and STARTTLS opens the way (as IMAP's LOGINDISABLED and POP3's STLS, loopback
// included); after TLS SASL offers PLAIN; once signed in, OWNER names the account and STARTTLS is
// gone. SIEVE lists every extension the core's Sieve knows (core/sieve/spec.ts); NOTIFY is not
// announced (no "enotify").
import { EXTENSIONS } from '../core/sieve/spec.ts';
import { serverString } from './parser.ts';

export const IMPLEMENTATION = 'thutin';

export interface CapabilityState {
  secure: boolean;
  tlsAvailable: boolean;
  /** The signed-in account's address, or null. */
  owner: string | null;
  maxRedirects: number;
}

export function capabilities(s: CapabilityState): Array<[string, string | null]> {
  const caps: Array<[string, string | null]> = [
    ['IMPLEMENTATION', IMPLEMENTATION],
    ['SASL', s.secure ? 'PLAIN' : ''],
    ['SIEVE', EXTENSIONS.join(' ')],
  ];
  if (!s.secure && s.tlsAvailable && s.owner === null) caps.push(['STARTTLS', null]);
  caps.push(['MAXREDIRECTS', String(s.maxRedirects)]);
  if (s.owner !== null) caps.push(['OWNER', s.owner]);
  caps.push(['UNAUTHENTICATE', null], ['VERSION', '1.0']);
  return caps;
}

/** The capability lines (each `"NAME" ["value"]` CRLF), without the closing OK. */
export function capabilityLines(s: CapabilityState): Buffer {
  return Buffer.from(
    capabilities(s)
      .map(([k, v]) => `"${k}"${v === null ? '' : ` ${serverString(v) as string}`}\r\n`)
      .join(''),
    'utf8',
  );
}
