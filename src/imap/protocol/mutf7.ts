// Owns: the modified UTF-7 codec for mailbox names (RFC 3501 section 5.1.3).
// Printable US-ASCII (0x20–0x7e) stands for itself, "&" is written "&-", and
// every other run of characters is UTF-16BE in modified base64 ("," for "/",
// no padding) between "&" and "-". Decoding is lenient: an invalid "&…-"
// segment is kept literally instead of failing.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,';
const VALUES = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUES[ALPHABET.charCodeAt(i)] = i;

function isDirect(code: number): boolean {
  return code >= 0x20 && code <= 0x7e;
}

function encodeRun(units: number[]): string {
  const bytes = Buffer.alloc(units.length * 2);
  units.forEach((u, i) => bytes.writeUInt16BE(u, i * 2));
  return bytes.toString('base64').replace(/=+$/, '').replace(/\//g, ',');
}

/** A mailbox name as a response carries it: modified UTF-7, or as it is once UTF8=ACCEPT is enabled (RFC 6855 §3). */
export function mailboxOnWire(name: string, utf8: boolean): string | { utf8: string } {
  return utf8 ? { utf8: name } : encodeMailboxName(name);
}

/** Unicode mailbox name → modified UTF-7. Lone surrogates are replaced by U+FFFD. */
export function encodeMailboxName(name: string): string {
  let out = '';
  let run: number[] = [];
  const flush = (): void => {
    if (run.length > 0) {
      out += `&${encodeRun(run)}-`;
      run = [];
    }
  };
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (isDirect(code)) {
      flush();
      out += code === 0x26 ? '&-' : name[i];
      continue;
    }
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = name.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        run.push(code, next);
        i++;
      } else {
        run.push(0xfffd);
      }
      continue;
    }
    run.push(code >= 0xdc00 && code <= 0xdfff ? 0xfffd : code);
  }
  flush();
  return out;
}

/** Decode the base64 between "&" and "-"; null when it is not valid modified UTF-7. */
function decodeSegment(seg: string): string | null {
  let acc = 0;
  let bits = 0;
  const bytes: number[] = [];
  for (let i = 0; i < seg.length; i++) {
    const c = seg.charCodeAt(i);
    const v = c < 128 ? VALUES[c] : -1;
    if (v < 0) return null;
    acc = ((acc << 6) | v) & 0xffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((acc >> bits) & 0xff);
    }
  }
  // Leftover bits must be padding: fewer than 6 of them, all zero.
  if (bits >= 6 || (acc & ((1 << bits) - 1)) !== 0) return null;
  if (bytes.length === 0 || bytes.length % 2 !== 0) return null;
  let out = '';
  for (let i = 0; i < bytes.length; i += 2) {
    const unit = (bytes[i] << 8) | bytes[i + 1];
    if (isDirect(unit)) return null; // printable ASCII must be written directly
    if (unit >= 0xd800 && unit <= 0xdbff) {
      if (i + 3 >= bytes.length) return null;
      const low = (bytes[i + 2] << 8) | bytes[i + 3];
      if (low < 0xdc00 || low > 0xdfff) return null;
      out += String.fromCharCode(unit, low);
      i += 2;
      continue;
    }
    if (unit >= 0xdc00 && unit <= 0xdfff) return null;
    out += String.fromCharCode(unit);
  }
  return out;
}

/** Modified UTF-7 → Unicode. Invalid "&" sequences are kept literally. */
export function decodeMailboxName(encoded: string): string {
  if (!encoded.includes('&')) return encoded;
  let out = '';
  let i = 0;
  while (i < encoded.length) {
    const amp = encoded.indexOf('&', i);
    if (amp === -1) {
      out += encoded.slice(i);
      break;
    }
    out += encoded.slice(i, amp);
    const dash = encoded.indexOf('-', amp + 1);
    if (dash === amp + 1) {
      out += '&';
      i = dash + 1;
      continue;
    }
    const decoded = dash === -1 ? null : decodeSegment(encoded.slice(amp + 1, dash));
    if (decoded === null) {
      out += '&';
      i = amp + 1;
      continue;
    }
    out += decoded;
    i = dash + 1;
  }
  return out;
}
