// What thutin's Sieve knows: every command and test, the extension that brings it, its tagged
// arguments (grouped where they exclude each other: match type, comparator, address part) and its
// positional arguments (RFC 5228 and the extensions listed in EXTENSIONS).
// Owns: the table of Sieve commands and tests.

/** The extensions a script may `require` (the ManageSieve SIEVE capability lists them). */
export const EXTENSIONS = [
  'fileinto',
  'reject',
  'ereject',
  'envelope',
  'body',
  'vacation',
  'vacation-seconds',
  'imap4flags',
  'copy',
  'variables',
  'date',
  'relational',
  'subaddress',
  'mailbox',
  'comparator-i;ascii-numeric',
  'comparator-i;unicode-casemap',
] as const;
export type Extension = (typeof EXTENSIONS)[number];

export type ArgType = 'string' | 'strings' | 'number';

export interface TagSpec {
  /** The value the tag takes, if any. */
  arg?: ArgType;
  ext?: Extension;
  /** Tags of one group exclude each other. */
  group?: 'match' | 'comparator' | 'addresspart' | 'size' | 'period' | 'zone' | 'bodytransform';
}

export interface Spec {
  ext?: Extension;
  tags: Record<string, TagSpec>;
  /** Positional arguments in order; a trailing '?' entry is optional (imap4flags' variable name). */
  positional: Array<ArgType | `${ArgType}?`>;
  tests?: 'one' | 'list';
  block?: boolean;
}

const MATCH: Record<string, TagSpec> = {
  is: { group: 'match' },
  contains: { group: 'match' },
  matches: { group: 'match' },
  count: { group: 'match', arg: 'string', ext: 'relational' },
  value: { group: 'match', arg: 'string', ext: 'relational' },
  comparator: { group: 'comparator', arg: 'string' },
};
const ADDRESS_PART: Record<string, TagSpec> = {
  all: { group: 'addresspart' },
  localpart: { group: 'addresspart' },
  domain: { group: 'addresspart' },
  user: { group: 'addresspart', ext: 'subaddress' },
  detail: { group: 'addresspart', ext: 'subaddress' },
};
const ZONE: Record<string, TagSpec> = { zone: { group: 'zone', arg: 'string' }, originalzone: { group: 'zone' } };

export const COMMANDS: Record<string, Spec> = {
  require: { tags: {}, positional: ['strings'] },
  if: { tags: {}, positional: [], tests: 'one', block: true },
  elsif: { tags: {}, positional: [], tests: 'one', block: true },
  else: { tags: {}, positional: [], block: true },
  stop: { tags: {}, positional: [] },
  keep: { tags: { flags: { arg: 'strings', ext: 'imap4flags' } }, positional: [] },
  discard: { tags: {}, positional: [] },
  redirect: { tags: { copy: { ext: 'copy' } }, positional: ['string'] },
  fileinto: { ext: 'fileinto', tags: { copy: { ext: 'copy' }, flags: { arg: 'strings', ext: 'imap4flags' }, create: { ext: 'mailbox' } }, positional: ['string'] },
  reject: { ext: 'reject', tags: {}, positional: ['string'] },
  ereject: { ext: 'ereject', tags: {}, positional: ['string'] },
  vacation: {
    ext: 'vacation',
    tags: {
      days: { arg: 'number', group: 'period' },
      seconds: { arg: 'number', group: 'period', ext: 'vacation-seconds' },
      subject: { arg: 'string' },
      from: { arg: 'string' },
      addresses: { arg: 'strings' },
      mime: {},
      handle: { arg: 'string' },
    },
    positional: ['string'],
  },
  setflag: { ext: 'imap4flags', tags: {}, positional: ['string?', 'strings'] },
  addflag: { ext: 'imap4flags', tags: {}, positional: ['string?', 'strings'] },
  removeflag: { ext: 'imap4flags', tags: {}, positional: ['string?', 'strings'] },
  set: {
    ext: 'variables',
    tags: { lower: {}, upper: {}, lowerfirst: {}, upperfirst: {}, quotewildcard: {}, length: {} },
    positional: ['string', 'string'],
  },
};

export const TESTS: Record<string, Spec> = {
  address: { tags: { ...MATCH, ...ADDRESS_PART }, positional: ['strings', 'strings'] },
  envelope: { ext: 'envelope', tags: { ...MATCH, ...ADDRESS_PART }, positional: ['strings', 'strings'] },
  header: { tags: { ...MATCH }, positional: ['strings', 'strings'] },
  exists: { tags: {}, positional: ['strings'] },
  size: { tags: { over: { group: 'size' }, under: { group: 'size' } }, positional: ['number'] },
  allof: { tags: {}, positional: [], tests: 'list' },
  anyof: { tags: {}, positional: [], tests: 'list' },
  not: { tags: {}, positional: [], tests: 'one' },
  true: { tags: {}, positional: [] },
  false: { tags: {}, positional: [] },
  body: { ext: 'body', tags: { ...MATCH, raw: { group: 'bodytransform' }, content: { group: 'bodytransform', arg: 'strings' }, text: { group: 'bodytransform' } }, positional: ['strings'] },
  date: { ext: 'date', tags: { ...MATCH, ...ZONE }, positional: ['string', 'string', 'strings'] },
  currentdate: { ext: 'date', tags: { ...MATCH, zone: { group: 'zone', arg: 'string' } }, positional: ['string', 'strings'] },
  string: { ext: 'variables', tags: { ...MATCH }, positional: ['strings', 'strings'] },
  hasflag: { ext: 'imap4flags', tags: { ...MATCH }, positional: ['strings?', 'strings'] },
  mailboxexists: { ext: 'mailbox', tags: {}, positional: ['strings'] },
};
