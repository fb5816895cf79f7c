// The attribute types this directory publishes: canonical names, the aliases and OIDs clients
// may use for them (RFC 4519, RFC 2798, Active Directory's anr/objectCategory), and how their
// values are compared: Vietnamese folding (case, diacritics, đ → d) for names, telephone
// numbers without spaces and punctuation (telephoneNumberMatch).
import { foldVietnamese } from '../core/text/fold.ts';

/** Canonical display name for each lower-case key. */
export const ATTRIBUTE_NAMES: Record<string, string> = {
  objectclass: 'objectClass',
  cn: 'cn',
  displayname: 'displayName',
  sn: 'sn',
  givenname: 'givenName',
  mail: 'mail',
  uid: 'uid',
  title: 'title',
  ou: 'ou',
  o: 'o',
  telephonenumber: 'telephoneNumber',
  description: 'description',
  member: 'member',
  dc: 'dc',
  namingcontexts: 'namingContexts',
  supportedldapversion: 'supportedLDAPVersion',
  supportedextension: 'supportedExtension',
  supportedcontrol: 'supportedControl',
  supportedsaslmechanisms: 'supportedSASLMechanisms',
  vendorname: 'vendorName',
  vendorversion: 'vendorVersion',
  anr: 'anr', // Active Directory's ambiguous name resolution (virtual: matched, never returned)
};

const ALIASES: Record<string, string> = {
  commonname: 'cn',
  '2.5.4.3': 'cn',
  surname: 'sn',
  '2.5.4.4': 'sn',
  gn: 'givenname',
  '2.5.4.42': 'givenname',
  '2.16.840.1.113730.3.1.241': 'displayname',
  email: 'mail',
  emailaddress: 'mail',
  rfc822mailbox: 'mail',
  '0.9.2342.19200300.100.1.3': 'mail',
  userid: 'uid',
  '0.9.2342.19200300.100.1.1': 'uid',
  '2.5.4.0': 'objectclass',
  objectcategory: 'objectclass',
  '2.5.4.12': 'title',
  organizationalunitname: 'ou',
  '2.5.4.11': 'ou',
  organizationname: 'o',
  '2.5.4.10': 'o',
  '2.5.4.20': 'telephonenumber',
  '2.5.4.13': 'description',
  '2.5.4.31': 'member',
  domaincomponent: 'dc',
  '0.9.2342.19200300.100.1.25': 'dc',
};

/** The lower-case canonical key of an attribute description (options after ';' dropped), or null if unknown. */
export function attributeKey(description: string): string | null {
  const semi = description.indexOf(';');
  const base = (semi >= 0 ? description.slice(0, semi) : description).toLowerCase();
  if (base in ATTRIBUTE_NAMES) return base;
  return ALIASES[base] ?? null;
}

/** Attributes whose values `anr` looks at. */
export const ANR_KEYS = ['cn', 'displayname', 'givenname', 'sn', 'mail', 'uid'];

// Folded values are remembered: the same names, titles and units come back in search after search.
const folded = new Map<string, string>();
const FOLDED_MAX = 200_000;

/** The form values of attribute `key` are compared in. */
export function normalizeValue(key: string, value: string): string {
  if (key === 'telephonenumber') return value.replace(/[\s\-.()]/g, '').toLowerCase();
  let f = folded.get(value);
  if (f === undefined) {
    f = foldVietnamese(value);
    if (folded.size >= FOLDED_MAX) folded.clear();
    folded.set(value, f);
  }
  return f;
}
