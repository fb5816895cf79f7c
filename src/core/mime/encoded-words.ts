// RFC 2047 encoded-words → Unicode, for search text and display (never for IMAP output,
// which shows header values raw).
// Owns: finding encoded-words in an unfolded header string, B/Q decoding, joining adjacent
// words (whitespace between them is dropped; bytes of adjacent words in the same charset are
// decoded together, so a multi-byte character split across two words survives), charset
// decoding, NFC. Never throws.
import { decodeBytes } from './charset.ts';

const WORD = /=\?([^?\s]+)\?([bBqQ])\?([^?]*)\?=/g;

function decodeQ(text: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5f) out.push(0x20);
    else if (c === 0x3d && i + 2 < text.length && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      out.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c > 0xff) {
      // not representable as one byte: keep its UTF-8 bytes
      for (const b of Buffer.from(text[i], 'utf8')) out.push(b);
    } else out.push(c);
  }
  return Buffer.from(out);
}

function decodeB(text: string): Buffer {
  return Buffer.from(text.replace(/[^A-Za-z0-9+/]/g, ''), 'base64');
}

interface Word {
  charset: string;
  bytes: Buffer;
}

/** Decode every encoded-word in `value`; text outside encoded-words is kept. Result is NFC. */
export function decodeEncodedWords(value: string): string {
  if (!value.includes('=?')) return value.normalize('NFC');
  const out: string[] = [];
  let pending: Word[] = [];
  const flush = (): void => {
    for (let i = 0; i < pending.length;) {
      let j = i;
      const parts: Buffer[] = [];
      while (j < pending.length && pending[j].charset === pending[i].charset) parts.push(pending[j++].bytes);
      out.push(decodeBytes(Buffer.concat(parts), pending[i].charset));
      i = j;
    }
    pending = [];
  };
  let last = 0;
  WORD.lastIndex = 0;
  for (let m = WORD.exec(value); m !== null; m = WORD.exec(value)) {
    const between = value.slice(last, m.index);
    if (pending.length > 0 && /^[ \t\r\n]*$/.test(between)) {
      // whitespace between adjacent encoded-words is not displayed (RFC 2047 6.2)
    } else {
      flush();
      out.push(between);
    }
    const charset = m[1].replace(/\*.*$/, '').toLowerCase();
    const bytes = m[2].toLowerCase() === 'b' ? decodeB(m[3]) : decodeQ(m[3]);
    pending.push({ charset, bytes });
    last = m.index + m[0].length;
  }
  flush();
  out.push(value.slice(last));
  return out.join('').normalize('NFC');
}
