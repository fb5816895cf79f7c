// Owns: what the IMAP server announces, by connection state (RFC 3501 7.2.1; LOGINDISABLED before TLS).
export const SERVER_ID = { name: 'thutin', vendor: 'thutin', version: '0.1.0' };

const BASE = ['IMAP4rev1', 'LITERAL+', 'SASL-IR', 'ID', 'ENABLE', 'IDLE', 'NAMESPACE'];
const AUTHENTICATED = [
  'UIDPLUS',
  'MOVE',
  'SPECIAL-USE',
  'CHILDREN',
  'UNSELECT',
  'QUOTA',
  'CONDSTORE',
  'QRESYNC',
  'ESEARCH',
  'SEARCHRES',
  'SORT',
  'SORT=DISPLAY',
  'ESORT',
  'CONTEXT=SEARCH',
  'CONTEXT=SORT',
  'NOTIFY',
  'BINARY',
  'UTF8=ACCEPT',
  'CATENATE',
  'METADATA',
  'METADATA-SERVER',
  'THREAD=ORDEREDSUBJECT',
  'THREAD=REFERENCES',
  'LIST-EXTENDED',
  'LIST-STATUS',
  'ACL',
  'RIGHTS=texk',
];

export function capabilities(s: { secure: boolean; authenticated: boolean; tlsAvailable: boolean }): string[] {
  const caps = [...BASE];
  if (s.authenticated) return [...caps, ...AUTHENTICATED];
  if (!s.secure) {
    if (s.tlsAvailable) caps.push('STARTTLS');
    caps.push('LOGINDISABLED');
  } else caps.push('AUTH=PLAIN');
  return caps;
}
