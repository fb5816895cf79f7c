// Bytes → Unicode text for message content.
// Owns: charset name resolution and decoding (any charset iconv-lite knows, plus the
// ISO-2022-JP family through libmime), the fallback for undeclared/unknown 8-bit data,
// and NFC normalisation of the result. Never throws.
import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';
import { decode as libmimeDecode, normalizeCharset } from 'libmime/lib/charset.js';

/**
 * 8-bit data with no usable charset label is decoded as UTF-8 when it is valid UTF-8,
 * otherwise with this charset: the legacy Windows code page for Vietnamese.
 */
export const LEGACY_FALLBACK_CHARSET = 'windows-1258';

const JAPANESE = /^(?:jis|iso-?2022-?jp|eucjp)/i;
// 7-bit encodings whose ASCII bytes are not ASCII text
const SEVEN_BIT_STATEFUL = /2022|^hz/i;
const UTF8_OR_ASCII = /^(?:utf-?8|us-?ascii|ascii|ansi_x3\.4-1968|iso646-us|7bit)$/i;
// iconv-lite codecs that are not charsets a message could be written in (UTF-7 is a known
// way to smuggle markup); treated like an unknown label.
const REFUSED = /^(?:utf-?7(?:-?imap)?|unicode-1-1-utf-7|base64|hex|binary)$/i;

function isAscii(buf: Uint8Array): boolean {
  for (let i = 0; i < buf.length; i++) if (buf[i] > 0x7f) return false;
  return true;
}

/** Canonical name of a usable charset, or null when the label is unknown or refused. */
export function resolveCharset(label: string | null | undefined): string | null {
  if (!label) return null;
  const cleaned = label.trim().replace(/^["']|["']$/g, '');
  if (!cleaned || REFUSED.test(cleaned)) return null;
  // (libmime maps us-ascii to windows-1252, the WHATWG rule; 8-bit data in mail labelled
  // ASCII is more often UTF-8 or the local legacy charset, so it takes the fallback path)
  if (UTF8_OR_ASCII.test(cleaned)) return 'UTF-8';
  let name: string;
  try {
    name = normalizeCharset(cleaned);
  } catch {
    return null;
  }
  if (REFUSED.test(name)) return null;
  if (JAPANESE.test(name)) return name;
  if (UTF8_OR_ASCII.test(name)) return 'UTF-8';
  try {
    if (iconv.encodingExists(name)) return name;
  } catch {
    /* fall through */
  }
  try {
    if (iconv.encodingExists(cleaned)) return cleaned;
  } catch {
    /* fall through */
  }
  return null;
}

/**
 * Decode bytes written in `charsetLabel` to an NFC string. Unknown, refused or missing
 * labels: UTF-8 if the bytes are valid UTF-8, else LEGACY_FALLBACK_CHARSET.
 * A declared US-ASCII/UTF-8 label with 8-bit bytes that are not UTF-8 also uses the fallback
 * (mislabelled legacy mail is common); any other declared charset is trusted.
 */
export function decodeBytes(buf: Uint8Array, charsetLabel?: string | null): string {
  const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length === 0) return '';
  const cs = resolveCharset(charsetLabel);
  if (isAscii(b) && (cs === null || !SEVEN_BIT_STATEFUL.test(cs))) return b.toString('latin1');
  let out: string;
  if (cs === null || cs === 'UTF-8') {
    out = isUtf8(b) ? b.toString('utf8') : safeDecode(b, LEGACY_FALLBACK_CHARSET);
  } else {
    out = safeDecode(b, cs);
  }
  return out.normalize('NFC');
}

function safeDecode(b: Buffer, cs: string): string {
  try {
    if (JAPANESE.test(cs)) return libmimeDecode(b, cs);
    return iconv.decode(b, cs);
  } catch {
    return b.toString('utf8');
  }
}

/**
 * Raw header bytes → string without interpreting encoded-words: ASCII as is, valid UTF-8
 * (RFC 6532) as UTF-8, anything else through the legacy fallback. Not NFC-normalised:
 * the result is what IMAP shows, so it stays as close to the bytes as possible.
 */
export function headerBytesToString(buf: Uint8Array): string {
  const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (isAscii(b)) return b.toString('latin1');
  if (isUtf8(b)) return b.toString('utf8');
  return safeDecode(b, LEGACY_FALLBACK_CHARSET);
}
