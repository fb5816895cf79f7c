// A stored message as JMAP shows it (RFC 8621 §4.1): keywords ↔ IMAP flags, header fields in the
// parsed forms (:asRaw, :asText, :asAddresses, :asGroupedAddresses, :asMessageIds, :asDate,
// :asURLs, :all), the body structure from the store's MIME index (offsets of the served message,
// core/served-message.ts), textBody / htmlBody / attachments by RFC 8621 §4.1.4's algorithm, and
// a part's decoded text (transfer encoding, then charset: core/mime).
// Owns: the mapping of the store's message to the Email object's pieces.
import { SYSTEM_FLAGS, DELETED, parseKeywords } from '../core/flags.ts';
import type { MessageMeta } from '../core/mailstore.ts';
import type { MimeNode, Addr } from '../core/mime/index.ts';
import { splitHeaderFields } from '../core/mime/header-block.ts';
import { decodeEncodedWords } from '../core/mime/encoded-words.ts';
import { parseAddressList } from '../core/mime/address.ts';
import { parseMailDate } from '../core/mime/date.ts';
import { decodeVietnameseText } from '../core/mime/legacy-vietnamese.ts';
import { decodeTransferBody } from '../core/mime/transfer-decoder.ts';
import type { MessageRef } from './ids.ts';
import { messageBlobId } from './ids.ts';

const SYSTEM_KEYWORDS: Array<[string, number]> = [
  ['$seen', SYSTEM_FLAGS['\\Seen']],
  ['$answered', SYSTEM_FLAGS['\\Answered']],
  ['$flagged', SYSTEM_FLAGS['\\Flagged']],
  ['$draft', SYSTEM_FLAGS['\\Draft']],
];

/** The JMAP keywords of a message (lower case; \Deleted has no keyword). */
export function keywordsOf(m: Pick<MessageMeta, 'flags' | 'keywords'>): Record<string, true> {
  const out: Record<string, true> = {};
  for (const [k, bit] of SYSTEM_KEYWORDS) if (m.flags & bit) out[k] = true;
  for (const k of parseKeywords(m.keywords)) out[k.toLowerCase()] = true;
  return out;
}

/** JMAP keywords → the store's mask and keyword list; \Deleted kept as it was, a keyword keeps its stored case. */
export function flagsFromKeywords(keywords: Record<string, unknown>, current: Pick<MessageMeta, 'flags' | 'keywords'>): { mask: number; keywords: string[] } {
  let mask = current.flags & DELETED;
  const stored = parseKeywords(current.keywords);
  const out: string[] = [];
  for (const [k, v] of Object.entries(keywords)) {
    if (v !== true) continue;
    const sys = SYSTEM_KEYWORDS.find(([name]) => name === k.toLowerCase());
    if (sys) mask |= sys[1];
    else out.push(stored.find((s) => s.toLowerCase() === k.toLowerCase()) ?? k);
  }
  return { mask, keywords: out };
}

/** A JMAP keyword as RFC 8621 allows (1–255 of %x21–%x7e without ( ) { ] % * " \). */
export function isJmapKeyword(k: string): boolean {
  return /^[!#$&'+-[^-z|~]{1,255}$/.test(k) && !/[(){\]%*"\\]/.test(k);
}

// ---------------------------------------------------------------- header fields

export interface HeaderView {
  block: Buffer;
  fields: ReturnType<typeof splitHeaderFields>['fields'];
}

export function headerView(block: Buffer): HeaderView {
  return { block, fields: splitHeaderFields(block).fields };
}

export function rawValues(h: HeaderView, name: string): string[] {
  const l = name.toLowerCase();
  return h.fields
    .filter((f) => f.lname === l && f.hasColon)
    .map((f) =>
      h.block
        .subarray(f.valueStart, f.end)
        .toString('latin1')
        .replace(/\r?\n$/, ''),
    );
}

function textValue(raw: string): string {
  const unfolded = raw.replace(/\r?\n(?=[ \t])/g, '');
  return decodeEncodedWords(Buffer.from(unfolded, 'latin1').toString('utf8').trim()).normalize('NFC');
}

export interface EmailAddress {
  name: string | null;
  email: string;
}

export function toAddresses(list: Addr[] | null): EmailAddress[] {
  const out: EmailAddress[] = [];
  for (const a of list ?? []) {
    if (a.host === null) continue; // group markers
    const name = a.name ? decodeEncodedWords(a.name).normalize('NFC') : null;
    out.push({ name: name || null, email: `${a.mailbox ?? ''}@${a.host}` });
  }
  return out;
}

function groupedAddresses(list: Addr[] | null): Array<{ name: string | null; addresses: EmailAddress[] }> {
  const out: Array<{ name: string | null; addresses: EmailAddress[] }> = [];
  let group: { name: string | null; addresses: EmailAddress[] } | null = null;
  for (const a of list ?? []) {
    if (a.host === null && a.mailbox !== null) {
      group = { name: decodeEncodedWords(a.mailbox), addresses: [] };
      out.push(group);
    } else if (a.host === null) group = null;
    else {
      const addr = toAddresses([a])[0];
      if (group) group.addresses.push(addr);
      else out.push({ name: null, addresses: [addr] });
    }
  }
  return out;
}

export function addressesOf(raw: string): EmailAddress[] {
  return toAddresses(parseAddressList(Buffer.from(raw.replace(/\r?\n(?=[ \t])/g, ''), 'latin1').toString('utf8')));
}

function messageIds(raw: string): string[] | null {
  const ids = [...raw.matchAll(/<([^<>\s]+)>/g)].map((m) => m[1]);
  return ids.length ? ids : null;
}

function dateValue(raw: string): string | null {
  const iso = parseMailDate(raw.replace(/\r?\n(?=[ \t])/g, ''));
  return iso ? iso.replace(/\.\d{3}Z$/, 'Z') : null;
}

export type HeaderForm = 'Raw' | 'Text' | 'Addresses' | 'GroupedAddresses' | 'MessageIds' | 'Date' | 'URLs';

/** `header:Name[:asForm][:all]` → its parts; null when malformed. */
export function parseHeaderProperty(p: string): { name: string; form: HeaderForm; all: boolean } | null {
  const m = /^header:([!-9;-~]+?)(?::as(Raw|Text|Addresses|GroupedAddresses|MessageIds|Date|URLs))?(:all)?$/.exec(p);
  return m ? { name: m[1], form: (m[2] as HeaderForm) ?? 'Raw', all: !!m[3] } : null;
}

export function formValue(raw: string, form: HeaderForm): unknown {
  switch (form) {
    case 'Raw':
      return Buffer.from(raw, 'latin1').toString('utf8');
    case 'Text':
      return textValue(raw);
    case 'Addresses':
      return addressesOf(raw);
    case 'GroupedAddresses':
      return groupedAddresses(parseAddressList(Buffer.from(raw.replace(/\r?\n(?=[ \t])/g, ''), 'latin1').toString('utf8')));
    case 'MessageIds':
      return messageIds(raw);
    case 'Date':
      return dateValue(raw);
    case 'URLs': {
      const urls = [...raw.matchAll(/<([^<>]+)>/g)].map((m) => m[1].trim());
      return urls.length ? urls : null;
    }
  }
}

/** The value of a header property for one message: the last instance (or all with `:all`), null when absent. */
export function headerProperty(h: HeaderView, p: { name: string; form: HeaderForm; all: boolean }): unknown {
  const values = rawValues(h, p.name);
  if (p.all) return values.map((v) => formValue(v, p.form));
  return values.length ? formValue(values[values.length - 1], p.form) : null;
}

export function allHeaders(h: HeaderView): Array<{ name: string; value: string }> {
  return h.fields
    .filter((f) => f.hasColon)
    .map((f) => ({
      name: f.name,
      value: Buffer.from(
        h.block
          .subarray(f.valueStart, f.end)
          .toString('latin1')
          .replace(/\r?\n$/, ''),
        'latin1',
      ).toString('utf8'),
    }));
}

// ---------------------------------------------------------------- body structure

export interface BodyPart {
  partId: string | null;
  blobId: string | null;
  size: number;
  name: string | null;
  type: string;
  charset: string | null;
  disposition: string | null;
  cid: string | null;
  language: string[] | null;
  location: string | null;
  subParts?: BodyPart[];
  /** Where the part's body is in the served message (not sent to clients). */
  node: MimeNode;
}

function partName(n: MimeNode): string | null {
  const v = n.disposition?.params.filename ?? n.params.name;
  return v ? decodeEncodedWords(v).normalize('NFC') : null;
}

/** The body structure of a message, parts numbered as IMAP sections ("1", "1.2"). */
export function bodyStructure(ref: MessageRef, root: MimeNode): BodyPart {
  const walk = (n: MimeNode, id: string): BodyPart => {
    const type = `${n.type}/${n.subtype}`;
    const multipart = n.type === 'multipart' && n.children?.length;
    const part: BodyPart = {
      partId: multipart ? null : id,
      blobId: multipart ? null : messageBlobId(ref, id),
      size: multipart ? 0 : decodedSizeGuess(n),
      name: partName(n),
      type,
      charset: n.type === 'text' ? (n.params.charset ?? 'us-ascii') : (n.params.charset ?? null),
      disposition: n.disposition?.type ?? null,
      cid: n.id ? n.id.replace(/^\s*<|>\s*$/g, '') : null,
      language: n.language ?? null,
      location: n.location ?? null,
      node: n,
    };
    if (multipart) part.subParts = n.children!.map((c, i) => walk(c, id === '' ? String(i + 1) : `${id}.${i + 1}`));
    return part;
  };
  const top = walk(root, '');
  if (top.partId === '') {
    top.partId = '1';
    top.blobId = messageBlobId(ref, '1');
  }
  return top;
}

/** The decoded size, estimated from the encoded one (base64 shrinks by a quarter): no part is decoded for it. */
function decodedSizeGuess(n: MimeNode): number {
  const len = Math.max(0, n.end - n.bodyStart);
  return n.encoding === 'base64' ? Math.floor((len * 3) / 4) : len;
}

export function findPart(top: BodyPart, partId: string): BodyPart | null {
  if (top.partId === partId) return top;
  for (const c of top.subParts ?? []) {
    const f = findPart(c, partId);
    if (f) return f;
  }
  return null;
}

function isInlineMedia(type: string): boolean {
  return type.startsWith('image/') || type.startsWith('audio/') || type.startsWith('video/');
}

/** RFC 8621 §4.1.4: the parts a reader shows as text, as HTML, and the attachments. */
export function bodyLists(top: BodyPart): { textBody: BodyPart[]; htmlBody: BodyPart[]; attachments: BodyPart[] } {
  const textBody: BodyPart[] = [];
  const htmlBody: BodyPart[] = [];
  const attachments: BodyPart[] = [];
  const parse = (parts: BodyPart[], multipartType: string, inAlternative: boolean, html: BodyPart[] | null, text: BodyPart[] | null): void => {
    const textLength = text ? text.length : -1;
    const htmlLength = html ? html.length : -1;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i];
      const isMultipart = part.type.startsWith('multipart/');
      const isInline =
        part.disposition !== 'attachment' &&
        (part.type === 'text/plain' || part.type === 'text/html' || isInlineMedia(part.type)) &&
        (i === 0 || (multipartType !== 'related' && (isInlineMedia(part.type) || !part.name)));
      if (isMultipart && part.subParts) {
        const sub = part.type.split('/')[1];
        parse(part.subParts, sub, inAlternative || sub === 'alternative', html, text);
      } else if (isInline) {
        if (multipartType === 'alternative') {
          if (part.type === 'text/plain') text?.push(part);
          else if (part.type === 'text/html') html?.push(part);
          else attachments.push(part);
          continue;
        } else if (inAlternative) {
          if (part.type === 'text/plain') html = null;
          if (part.type === 'text/html') text = null;
        }
        text?.push(part);
        html?.push(part);
        if ((!text || !html) && isInlineMedia(part.type)) attachments.push(part);
      } else attachments.push(part);
    }
    if (multipartType === 'alternative' && text && html) {
      if (textLength === text.length && htmlLength !== html.length) for (let i = htmlLength; i < html.length; i++) text.push(html[i]);
      if (htmlLength === html.length && textLength !== text.length) for (let i = textLength; i < text.length; i++) html.push(text[i]);
    }
  };
  parse([top], 'mixed', false, htmlBody, textBody);
  return { textBody, htmlBody, attachments };
}

/** A part's body bytes with the transfer encoding undone (the core's decoder). */
export const transferDecode = decodeTransferBody;

/** A text part as Unicode (charset decoded; TCVN3 / VNI text behind a Latin label converted: core/mime/legacy-vietnamese.ts). */
export function partText(body: Buffer, n: MimeNode): string {
  return decodeVietnameseText(transferDecode(body, n.encoding), n.params.charset ?? null);
}

/** Cut a value to at most `maxBytes` of UTF-8 without splitting a character. */
export function truncateUtf8(s: string, maxBytes: number): { value: string; truncated: boolean } {
  const b = Buffer.from(s, 'utf8');
  if (b.length <= maxBytes) return { value: s, truncated: false };
  let end = maxBytes;
  while (end > 0 && (b[end] & 0xc0) === 0x80) end--;
  return { value: b.subarray(0, end).toString('utf8'), truncated: true };
}
