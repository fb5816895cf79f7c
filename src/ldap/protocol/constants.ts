// LDAP numbers shared by the codec and the server: protocol op tags (RFC 4511 4.2–4.14),
// result codes (RFC 4511 Appendix A), and the OIDs of the extensions and controls we know.

export const Op = {
  BIND_REQUEST: 0x60,
  BIND_RESPONSE: 0x61,
  UNBIND_REQUEST: 0x42,
  SEARCH_REQUEST: 0x63,
  SEARCH_RESULT_ENTRY: 0x64,
  SEARCH_RESULT_DONE: 0x65,
  MODIFY_REQUEST: 0x66,
  MODIFY_RESPONSE: 0x67,
  ADD_REQUEST: 0x68,
  ADD_RESPONSE: 0x69,
  DEL_REQUEST: 0x4a,
  DEL_RESPONSE: 0x6b,
  MODDN_REQUEST: 0x6c,
  MODDN_RESPONSE: 0x6d,
  COMPARE_REQUEST: 0x6e,
  COMPARE_RESPONSE: 0x6f,
  ABANDON_REQUEST: 0x50,
  EXTENDED_REQUEST: 0x77,
  EXTENDED_RESPONSE: 0x78,
} as const;

export const ResultCode = {
  success: 0,
  operationsError: 1,
  protocolError: 2,
  timeLimitExceeded: 3,
  sizeLimitExceeded: 4,
  compareFalse: 5,
  compareTrue: 6,
  authMethodNotSupported: 7,
  strongerAuthRequired: 8,
  adminLimitExceeded: 11,
  unavailableCriticalExtension: 12,
  confidentialityRequired: 13,
  noSuchAttribute: 16,
  noSuchObject: 32,
  invalidDNSyntax: 34,
  inappropriateAuthentication: 48,
  invalidCredentials: 49,
  insufficientAccessRights: 50,
  busy: 51,
  unavailable: 52,
  unwillingToPerform: 53,
  other: 80,
} as const;

export const Oid = {
  startTls: '1.3.6.1.4.1.1466.20037',
  whoAmI: '1.3.6.1.4.1.4203.1.11.3',
  noticeOfDisconnection: '1.3.6.1.4.1.1466.20036',
  pagedResults: '1.2.840.113556.1.4.319',
  manageDsaIt: '2.16.840.1.113730.3.4.2',
} as const;

export const SUPPORTED_EXTENSIONS = [Oid.startTls, Oid.whoAmI];
export const SUPPORTED_CONTROLS = [Oid.pagedResults, Oid.manageDsaIt];

export const Scope = { base: 0, one: 1, sub: 2, children: 3 } as const;
