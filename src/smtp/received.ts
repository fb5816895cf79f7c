// The trace header (RFC 5321 §4.4): the `Received:` line this server prepends to every message it
// accepts, and the RFC 5322 date it ends with. Client supplied values (HELO name, recipient) are
// reduced to safe printable ASCII so they can never break the header.
import net from 'node:net';

export interface ReceivedInfo {
  helo: string; // as the client gave it ('' if none)
  clientHostname: string; // reverse DNS name, or '[ip]' when there is none (smtp-server's convention)
  remoteAddress: string;
  hostname: string; // ours
  protocol: string; // SMTP, ESMTP, ESMTPS, ESMTPSA
  queueId: string;
  recipient?: string; // only when the envelope has exactly one
  date?: Date;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** RFC 5322 §3.3 date-time in the server's local time zone, e.g. `Tue, 07 Jul 2026 09:05:03 +0700`. */
export function rfc5322Date(d: Date = new Date()): string {
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const a = Math.abs(off);
  return `${DAYS[d.getDay()]}, ${pad(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} ${sign}${pad(Math.floor(a / 60))}${pad(a % 60)}`;
}

/** Keep only what may appear in a domain-ish token of a header. */
function safeToken(s: string): string {
  return s.replace(/[^A-Za-z0-9.\-_:[\]]/g, '').slice(0, 255);
}

/** `[192.0.2.1]` or `[IPv6:2001:db8::1]`; IPv4-mapped IPv6 shown as IPv4. */
export function addressLiteral(ip: string): string {
  const v4 = ip.replace(/^::ffff:/i, '');
  if (net.isIPv4(v4)) return `[${v4}]`;
  if (net.isIPv6(ip)) return `[IPv6:${ip}]`;
  return `[${safeToken(ip)}]`;
}

/** The header line(s), folded, ending in CRLF. */
export function receivedHeader(i: ReceivedInfo): string {
  const helo = safeToken(i.helo) || 'unknown';
  const lit = addressLiteral(i.remoteAddress);
  const reverse = i.clientHostname && !i.clientHostname.startsWith('[') ? safeToken(i.clientHostname) : '';
  const from = reverse ? `${reverse} ${lit}` : lit;
  let out = `Received: from ${helo} (${from})\r\n\tby ${safeToken(i.hostname)} (thutin) with ${safeToken(i.protocol) || 'SMTP'} id ${safeToken(i.queueId)}`;
  // The address goes in only when it is plain printable ASCII (an SMTPUTF8 address is left out).
  if (i.recipient && /^[\x21-\x7e]+$/.test(i.recipient) && !/[<>]/.test(i.recipient)) out += `\r\n\tfor <${i.recipient}>`;
  return `${out};\r\n\t${rfc5322Date(i.date)}\r\n`;
}
