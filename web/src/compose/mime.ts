// Owns: building the RFC 5322 message the app uploads (the server creates Emails from an uploaded
// message): UTF-8 headers (RFC 2047 B words); the body text/plain, or multipart/alternative of
// text/plain and text/html when the message has formatting; both in base64, attachments in base64.
import type { EmailAddress } from '../api/types.ts';

export interface OutgoingAttachment {
  name: string;
  type: string;
  /** The server's blob of it (uploaded once, or the original message's part), when there is one. */
  blobId?: string;
  file: Blob;
}

export interface Outgoing {
  from: EmailAddress;
  sender?: EmailAddress;
  to: EmailAddress[];
  cc: EmailAddress[];
  bcc: EmailAddress[];
  subject: string;
  text: string;
  /** The text/html alternative (a whole document, html.ts), when the message has formatting. */
  html?: string;
  inReplyTo?: string[];
  references?: string[];
  attachments: OutgoingAttachment[];
  /** Write the Bcc header (a draft keeps it; a sent message does not carry it). */
  withBcc: boolean;
  messageId: string;
  date?: Date;
}

const enc = new TextEncoder();

function b64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function lines76(s: string): string {
  return s.replace(/.{1,76}/g, '$&\r\n');
}

/** An RFC 2047 encoded-word when needed (non-ASCII or specials), split so lines stay short. */
export function word(s: string): string {
  if (/^[\x20-\x7e]*$/.test(s)) return s;
  const chunks: string[] = [];
  let cur = '';
  for (const ch of s) {
    if (enc.encode(cur + ch).length > 42) {
      chunks.push(cur);
      cur = '';
    }
    cur += ch;
  }
  if (cur) chunks.push(cur);
  return chunks.map((c) => `=?UTF-8?B?${b64(enc.encode(c))}?=`).join('\r\n ');
}

export function address(a: EmailAddress): string {
  if (!a.name) return `<${a.email}>`;
  const n = /^[\w .'-]*$/.test(a.name) ? `"${a.name}"` : word(a.name);
  return `${n} <${a.email}>`;
}

function addressList(xs: EmailAddress[]): string {
  return xs.map(address).join(',\r\n ');
}

function rfc2822Date(d: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const pad = (n: number) => String(Math.abs(n)).padStart(2, '0');
  return `${days[d.getDay()]}, ${d.getDate()} ${months[d.getMonth()]} ${d.getFullYear()} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} ${sign}${pad(Math.trunc(off / 60))}${pad(off % 60)}`;
}

export function newMessageId(from: string): string {
  const rnd = Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0')).join('');
  return `<${rnd}@${from.split('@')[1] || 'thutin.local'}>`;
}

function filenameParam(name: string): string {
  return /^[\x20-\x7e]*$/.test(name) && !/["\\]/.test(name) ? `filename="${name}"` : `filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** The message as a Blob, attachments read from their files. */
export async function buildMessage(m: Outgoing): Promise<Blob> {
  const h: string[] = [];
  h.push(`From: ${address(m.from)}`);
  if (m.sender) h.push(`Sender: ${address(m.sender)}`);
  if (m.to.length) h.push(`To: ${addressList(m.to)}`);
  if (m.cc.length) h.push(`Cc: ${addressList(m.cc)}`);
  if (m.withBcc && m.bcc.length) h.push(`Bcc: ${addressList(m.bcc)}`);
  h.push(`Subject: ${word(m.subject)}`);
  h.push(`Date: ${rfc2822Date(m.date ?? new Date())}`);
  h.push(`Message-ID: ${m.messageId}`);
  if (m.inReplyTo?.length) h.push(`In-Reply-To: ${m.inReplyTo.map((x) => `<${x.replace(/^<|>$/g, '')}>`).join(' ')}`);
  if (m.references?.length) h.push(`References: ${m.references.map((x) => `<${x.replace(/^<|>$/g, '')}>`).join('\r\n ')}`);
  h.push('MIME-Version: 1.0');
  h.push('User-Agent: thutin-webmail');
  const textPart = `Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${lines76(b64(enc.encode(m.text.replace(/\r?\n/g, '\r\n'))))}`;
  let bodyPart = textPart;
  if (m.html !== undefined) {
    const alt = `=_thutin_alt_${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
    const htmlPart = `Content-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${lines76(b64(enc.encode(m.html.replace(/\r?\n/g, '\r\n'))))}`;
    bodyPart = `Content-Type: multipart/alternative; boundary="${alt}"\r\n\r\n--${alt}\r\n${textPart}--${alt}\r\n${htmlPart}--${alt}--\r\n`;
  }
  if (m.attachments.length === 0) return new Blob([h.join('\r\n') + '\r\n' + bodyPart]);
  const boundary = `=_thutin_${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
  h.push(`Content-Type: multipart/mixed; boundary="${boundary}"`);
  const parts: BlobPart[] = [h.join('\r\n') + '\r\n\r\n', `--${boundary}\r\n${bodyPart}`];
  for (const a of m.attachments) {
    parts.push(
      `--${boundary}\r\nContent-Type: ${a.type || 'application/octet-stream'}; ${filenameParam(a.name).replace('filename', 'name')}\r\nContent-Disposition: attachment; ${filenameParam(a.name)}\r\nContent-Transfer-Encoding: base64\r\n\r\n`,
      lines76(b64(new Uint8Array(await a.file.arrayBuffer()))),
    );
  }
  parts.push(`--${boundary}--\r\n`);
  return new Blob(parts);
}
