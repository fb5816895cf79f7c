// The decoded text copy of a message that the search index stores (MessageIndex.search).
// Owns: decoding top-level header values for search, choosing which part texts make the
// body (in a multipart/alternative the plain text wins over its HTML twin), the size caps,
// and NFC. Folding for accent-insensitive search is src/core/text/fold.ts.
import { formatAddressList } from './address.ts';
import { decodeEncodedWords } from './encoded-words.ts';
import { rawFieldValue, type HeaderField } from './header-block.ts';
import type { Envelope, SearchText } from './types.ts';

/** Maximum length (UTF-16 code units) of SearchText.body. */
export const BODY_TEXT_CAP = 1024 * 1024;
/** Maximum length of SearchText.headers. */
export const HEADER_TEXT_CAP = 256 * 1024;

export interface PartText {
  text: string;
  html: boolean;
  /** Identity of the nearest multipart/alternative ancestor, or null. */
  alternative: object | null;
}

function cap(s: string, max: number): string {
  if (s.length <= max) return s;
  let end = max;
  const c = s.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--; // do not split a surrogate pair
  return s.slice(0, end);
}

/** Part texts in document order, without HTML parts that have a plain-text alternative. */
export function selectBodyTexts(parts: PartText[]): string[] {
  const hasPlain = new Set<object>();
  for (const p of parts) if (p.alternative && !p.html && p.text.trim() !== '') hasPlain.add(p.alternative);
  return parts
    .filter((p) => !(p.html && p.alternative && hasPlain.has(p.alternative)))
    .map((p) => p.text)
    .filter((t) => t.trim() !== '');
}

/** Decoded "Subject/From/To/Cc/Date" lines of an embedded message, for the body text. */
export function embeddedHeaderText(env: Envelope): string {
  const lines: string[] = [];
  if (env.from) lines.push(`From: ${formatAddressList(env.from)}`);
  if (env.to) lines.push(`To: ${formatAddressList(env.to)}`);
  if (env.cc) lines.push(`Cc: ${formatAddressList(env.cc)}`);
  if (env.date) lines.push(`Date: ${env.date.trim()}`);
  if (env.subject !== null) lines.push(`Subject: ${decodeEncodedWords(env.subject).trim()}`);
  return lines.join('\n').normalize('NFC');
}

export function buildSearchText(block: Uint8Array, fields: HeaderField[], env: Envelope, parts: PartText[]): SearchText {
  const headerLines: string[] = [];
  let size = 0;
  for (const f of fields) {
    if (!f.name) continue;
    const line = `${f.name}: ${decodeEncodedWords(rawFieldValue(block, f).trim())}`;
    size += line.length + 1;
    if (size > HEADER_TEXT_CAP) break;
    headerLines.push(line);
  }
  return {
    subject: env.subject === null ? '' : decodeEncodedWords(env.subject).trim(),
    from: formatAddressList(env.from),
    to: formatAddressList(env.to),
    cc: formatAddressList(env.cc),
    bcc: formatAddressList(env.bcc),
    headers: headerLines.join('\n').normalize('NFC'),
    body: cap(selectBodyTexts(parts).join('\n\n').normalize('NFC'), BODY_TEXT_CAP),
  };
}
