// Owns: interpreting the raw lines a session reads outside normal command
// parsing — SASL continuation responses during AUTHENTICATE (base64 or "*" to
// cancel) and the "DONE" that ends IDLE. The framer hands these over as the
// `raw` of an ordinary 'command' event.

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Strict base64 (RFC 4648, padded); null when malformed. */
export function decodeBase64Strict(text: string): Buffer | null {
  if (!BASE64.test(text)) return null;
  return Buffer.from(text, 'base64');
}

export type SaslResponse = { type: 'data'; data: Buffer } | { type: 'cancel' } | { type: 'invalid' };

/**
 * A client's answer to a "+ <challenge>" during AUTHENTICATE (RFC 3501 6.2.2):
 * "*" cancels, an empty line (or "=") is an empty response, otherwise base64.
 */
export function parseSaslResponse(raw: Buffer): SaslResponse {
  const text = raw.toString('latin1').replace(/ +$/, '');
  if (text === '*') return { type: 'cancel' };
  if (text === '' || text === '=') return { type: 'data', data: Buffer.alloc(0) };
  const data = decodeBase64Strict(text);
  return data ? { type: 'data', data } : { type: 'invalid' };
}

/** Is this line the "DONE" that ends IDLE (RFC 2177; case-insensitive)? */
export function isIdleDone(raw: Buffer): boolean {
  return raw.length >= 4 && raw.toString('latin1').replace(/ +$/, '').toUpperCase() === 'DONE';
}
