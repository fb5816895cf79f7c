// Owns: what CAPA announces (RFC 2449 §6, RFC 2595 STLS, RFC 5034 SASL, RFC 3206 AUTH-RESP-CODE),
// by session state: before TLS only STLS opens the way to USER and SASL PLAIN (as IMAP's
// LOGINDISABLED, loopback included); after sign-in the sign-in capabilities are gone.
export const IMPLEMENTATION = 'thutin';

const ALWAYS = ['TOP', 'UIDL', 'RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING', 'EXPIRE NEVER', 'LOGIN-DELAY 0'];

export function capabilities(s: { secure: boolean; tlsAvailable: boolean; signedIn: boolean }): string[] {
  const caps = [...ALWAYS];
  if (!s.signedIn) {
    if (s.secure) caps.push('USER', 'SASL PLAIN');
    else if (s.tlsAvailable) caps.push('STLS');
  }
  caps.push(`IMPLEMENTATION ${IMPLEMENTATION}`);
  return caps;
}
