// Owns: the typed shapes the IMAP command parser produces — the Command union
// (discriminated on `name`) and the argument types it is built from (sequence
// sets, search trees, fetch items, flags …). No parsing logic lives here.

// ---------------------------------------------------------------- sequence sets

/** One element of a sequence set; a single number n is { start: n, end: n }. '*' stays symbolic. */
export interface SeqRange {
  start: number | '*';
  end: number | '*';
}

/**
 * A sequence set (message sequence numbers or UIDs, depending on the command).
 * `saved` is RFC 5182's `$` (the result of the last SEARCH … RETURN (SAVE)).
 */
export type SequenceSet = { kind: 'saved' } | { kind: 'ranges'; ranges: SeqRange[] };

// ---------------------------------------------------------------- flags

/** System flags a client may set, in canonical capitalisation. */
export type SystemFlag = '\\Seen' | '\\Answered' | '\\Flagged' | '\\Deleted' | '\\Draft';
/** A flag: a SystemFlag (normalised) or a keyword atom (case preserved). */
export type Flag = string;

// ---------------------------------------------------------------- STATUS / LIST

export type StatusItem = 'MESSAGES' | 'RECENT' | 'UIDNEXT' | 'UIDVALIDITY' | 'UNSEEN' | 'HIGHESTMODSEQ' | 'SIZE';

/** RFC 5258 selection options. */
export interface ListSelection {
  subscribed: boolean;
  remote: boolean;
  recursiveMatch: boolean;
  specialUse: boolean;
}

/** RFC 5258 / 5819 / 6154 return options. `status` is null when STATUS was not requested. */
export interface ListReturn {
  subscribed: boolean;
  children: boolean;
  specialUse: boolean;
  status: StatusItem[] | null;
}

// ---------------------------------------------------------------- SELECT

/** RFC 7162 QRESYNC select parameter. */
export interface QresyncParams {
  uidValidity: number;
  modSeq: bigint;
  /** UIDs the client knows about (never contains '*'). */
  knownUids: SequenceSet | null;
  /** Pairs of message sequence numbers and the UIDs they map to. */
  seqMatch: { sequences: SequenceSet; uids: SequenceSet } | null;
}

// ---------------------------------------------------------------- FETCH

export type SimpleFetchAttribute = 'ENVELOPE' | 'FLAGS' | 'INTERNALDATE' | 'RFC822' | 'RFC822.HEADER' | 'RFC822.SIZE' | 'RFC822.TEXT' | 'BODY' | 'BODYSTRUCTURE' | 'UID' | 'MODSEQ';

export type SectionSpecifier = 'HEADER' | 'HEADER.FIELDS' | 'HEADER.FIELDS.NOT' | 'TEXT' | 'MIME';

/** `[1.2.HEADER.FIELDS (FROM TO)]` → { part: [1, 2], specifier: 'HEADER.FIELDS', fields: ['FROM', 'TO'] } */
export interface Section {
  /** Part path (empty = the whole message). */
  part: number[];
  /** null = the whole part (`BODY[]`, `BODY[1.2]`). */
  specifier: SectionSpecifier | null;
  /** Upper-cased header field names, only for HEADER.FIELDS[.NOT]. */
  fields: string[] | null;
}

/** `<offset.length>` of a partial fetch. */
export interface Partial {
  offset: number;
  length: number;
}

export type FetchItem =
  | { type: 'attribute'; attribute: SimpleFetchAttribute }
  | { type: 'body'; peek: boolean; section: Section; partial: Partial | null }
  | { type: 'binary'; peek: boolean; part: number[]; partial: Partial | null }
  | { type: 'binary.size'; part: number[] };

// ---------------------------------------------------------------- SEARCH

/** Which date a date search key looks at: the internal date or the Date: header. */
export type SearchDateField = 'internal' | 'sent';

export type SearchKey =
  | { type: 'and'; keys: SearchKey[] }
  | { type: 'or'; left: SearchKey; right: SearchKey }
  | { type: 'not'; key: SearchKey }
  | { type: 'all' }
  /** ANSWERED/UNANSWERED/…/KEYWORD/UNKEYWORD/RECENT/OLD; NEW is and(\Recent, not \Seen). */
  | { type: 'flag'; flag: Flag | '\\Recent'; set: boolean }
  /** FROM/TO/CC/BCC/SUBJECT and HEADER; `field` is lower-case. An empty value matches any message having the field. */
  | { type: 'header'; field: string; value: string }
  | { type: 'body'; value: string }
  | { type: 'text'; value: string }
  /** BEFORE/ON/SINCE (internal date) and SENTBEFORE/SENTON/SENTSINCE (Date: header); `date` is UTC midnight. */
  | { type: 'date'; field: SearchDateField; op: 'before' | 'on' | 'since'; date: Date }
  | { type: 'size'; op: 'larger' | 'smaller'; size: number }
  | { type: 'sequence'; set: SequenceSet }
  | { type: 'uid'; set: SequenceSet }
  /** RFC 7162 MODSEQ; the optional entry name/type is kept but may be ignored. */
  | { type: 'modseq'; modSeq: bigint; entry: { name: string; kind: 'priv' | 'shared' | 'all' } | null }
  /** RFC 5032 OLDER/YOUNGER, in seconds. */
  | { type: 'age'; op: 'older' | 'younger'; seconds: number };

/** RFC 4731 / 5182 return options, and RFC 5267's CONTEXT, UPDATE and PARTIAL. */
export type SearchReturnOption = 'MIN' | 'MAX' | 'ALL' | 'COUNT' | 'SAVE' | 'CONTEXT' | 'UPDATE' | 'PARTIAL';

/**
 * RFC 5267 / RFC 9394 PARTIAL: positions in the result from 1 (from ≤ to), or counted from the
 * end when negative (-1 is the last; from ≥ to, e.g. -1:-50).
 */
export interface PartialRange {
  from: number;
  to: number;
}

// ---------------------------------------------------------------- commands

interface Tagged {
  tag: string;
}

export interface NoArgCommand extends Tagged {
  name: 'CAPABILITY' | 'NOOP' | 'LOGOUT' | 'STARTTLS' | 'CHECK' | 'CLOSE' | 'UNSELECT' | 'IDLE' | 'NAMESPACE';
}

export interface LoginCommand extends Tagged {
  name: 'LOGIN';
  username: string;
  password: string;
}

export interface AuthenticateCommand extends Tagged {
  name: 'AUTHENTICATE';
  /** Upper-cased mechanism name, e.g. 'PLAIN'. */
  mechanism: string;
  /** SASL-IR initial response, base64-decoded ('=' → empty buffer); null when absent. */
  initialResponse: Buffer | null;
}

export interface SelectCommand extends Tagged {
  name: 'SELECT' | 'EXAMINE';
  mailbox: string;
  condstore: boolean;
  qresync: QresyncParams | null;
}

export interface CreateCommand extends Tagged {
  name: 'CREATE';
  mailbox: string;
  /** RFC 6154 USE (\Sent …); known attributes are canonically capitalised. */
  specialUse: string[];
}

export interface MailboxCommand extends Tagged {
  name: 'DELETE' | 'SUBSCRIBE' | 'UNSUBSCRIBE';
  mailbox: string;
}

export interface RenameCommand extends Tagged {
  name: 'RENAME';
  from: string;
  to: string;
}

export interface ListCommand extends Tagged {
  name: 'LIST';
  reference: string;
  /** One or more patterns (decoded; may contain % and *). '' asks for the hierarchy delimiter. */
  patterns: string[];
  selection: ListSelection;
  returns: ListReturn;
  /** True when RFC 5258 syntax was used (selection options, a pattern list or RETURN). */
  extended: boolean;
}

export interface LsubCommand extends Tagged {
  name: 'LSUB';
  reference: string;
  pattern: string;
}

export interface StatusCommand extends Tagged {
  name: 'STATUS';
  mailbox: string;
  items: StatusItem[];
}

export interface AppendCommand extends Tagged {
  name: 'APPEND';
  mailbox: string;
  flags: Flag[];
  /** The optional date-time argument; null → the server uses "now". */
  date: Date | null;
  /** The date-time's zone in minutes east of UTC (INTERNALDATE keeps it); null without a date-time. */
  dateZone: number | null;
  /** The literal's bytes exactly as received. */
  message: Buffer;
  /** True for a literal8 (`~{n}`, RFC 3516). */
  binary: boolean;
  /** RFC 4469 CATENATE: the parts the message is made of, in order (`message` is then empty); null for a plain APPEND. */
  catenate: CatenatePart[] | null;
}

export type CatenatePart = { type: 'text'; data: Buffer } | { type: 'url'; url: string };

export type ExpungeCommand = (Tagged & { name: 'EXPUNGE'; uid: false; sequence: null }) | (Tagged & { name: 'EXPUNGE'; uid: true; sequence: SequenceSet });

export interface SearchCommand extends Tagged {
  name: 'SEARCH';
  uid: boolean;
  /** Normalised charset ('UTF-8' or 'US-ASCII'); null when no CHARSET was given. */
  charset: string | null;
  /** null = plain SEARCH (untagged SEARCH response); [] = `RETURN ()` (ESEARCH, ALL implied). */
  returnOptions: SearchReturnOption[] | null;
  /** RETURN (PARTIAL from:to), when given. */
  partial?: PartialRange;
  query: SearchKey;
}

/** RFC 5256 sort keys, with RFC 5957's DISPLAYFROM and DISPLAYTO. */
export type SortKeyName = 'ARRIVAL' | 'CC' | 'DATE' | 'FROM' | 'SIZE' | 'SUBJECT' | 'TO' | 'DISPLAYFROM' | 'DISPLAYTO';
export interface SortCriterion {
  key: SortKeyName;
  reverse: boolean;
}
/** RFC 5267 ESORT and CONTEXT=SORT return options (SAVE is SEARCH's only). */
export type SortReturnOption = 'MIN' | 'MAX' | 'ALL' | 'COUNT' | 'CONTEXT' | 'UPDATE' | 'PARTIAL';

export interface SortCommand extends Tagged {
  name: 'SORT';
  uid: boolean;
  /** null = plain SORT (untagged SORT response); [] = `RETURN ()` (ESEARCH, ALL implied). */
  returnOptions: SortReturnOption[] | null;
  /** RETURN (PARTIAL from:to), when given. */
  partial?: PartialRange;
  criteria: SortCriterion[];
  charset: string;
  query: SearchKey;
}

/** RFC 5465 NOTIFY: which mailboxes an event group watches. */
export type NotifyFilter =
  | { kind: 'selected' }
  | { kind: 'selected-delayed' }
  | { kind: 'inboxes' }
  | { kind: 'personal' }
  | { kind: 'subscribed' }
  | { kind: 'subtree'; mailboxes: string[] }
  | { kind: 'mailboxes'; mailboxes: string[] };

/** RFC 5465 events, in their canonical spelling. */
export type NotifyEventName = 'MessageNew' | 'MessageExpunge' | 'FlagChange' | 'AnnotationChange' | 'MailboxName' | 'SubscriptionChange' | 'MailboxMetadataChange' | 'ServerMetadataChange';

export interface NotifyGroup {
  filter: NotifyFilter;
  /** [] for NONE. */
  events: NotifyEventName[];
  /** MessageNew's fetch attributes (selected mailbox only); null when none were given. */
  fetch: FetchItem[] | null;
}

/** RFC 5465 NOTIFY SET [STATUS] (groups) / NOTIFY NONE (groups null). */
export interface NotifyCommand extends Tagged {
  name: 'NOTIFY';
  status: boolean;
  groups: NotifyGroup[] | null;
}

/** RFC 5267 CANCELUPDATE: the tags of the SEARCH/SORT … RETURN (UPDATE) whose updates stop. */
export interface CancelUpdateCommand extends Tagged {
  name: 'CANCELUPDATE';
  tags: string[];
}

/** RFC 5464 GETMETADATA: entries, with DEPTH and MAXSIZE. */
export interface GetMetadataCommand extends Tagged {
  name: 'GETMETADATA';
  /** '' = the server's entries. */
  mailbox: string;
  maxSize: number | null;
  depth: '0' | '1' | 'infinity';
  entries: string[];
}

/** RFC 5464 SETMETADATA: entry → value (null removes it). */
export interface SetMetadataCommand extends Tagged {
  name: 'SETMETADATA';
  mailbox: string;
  items: Array<{ entry: string; value: Buffer | null }>;
}

export type ThreadAlgorithm = 'ORDEREDSUBJECT' | 'REFERENCES';
export interface ThreadCommand extends Tagged {
  name: 'THREAD';
  uid: boolean;
  algorithm: ThreadAlgorithm;
  charset: string;
  query: SearchKey;
}

export interface FetchCommand extends Tagged {
  name: 'FETCH';
  uid: boolean;
  sequence: SequenceSet;
  /** Macros are expanded; UID FETCH always includes UID and CHANGEDSINCE always includes MODSEQ. */
  items: FetchItem[];
  changedSince: bigint | null;
  /** QRESYNC VANISHED modifier (only valid for UID FETCH with CHANGEDSINCE). */
  vanished: boolean;
}

export interface StoreCommand extends Tagged {
  name: 'STORE';
  uid: boolean;
  sequence: SequenceSet;
  unchangedSince: bigint | null;
  /** FLAGS → 'set', +FLAGS → 'add', -FLAGS → 'remove'. */
  operation: 'set' | 'add' | 'remove';
  silent: boolean;
  flags: Flag[];
}

export interface CopyMoveCommand extends Tagged {
  name: 'COPY' | 'MOVE';
  uid: boolean;
  sequence: SequenceSet;
  mailbox: string;
}

export interface IdCommand extends Tagged {
  name: 'ID';
  /** null for `ID NIL`. */
  params: { key: string; value: string | null }[] | null;
}

export interface EnableCommand extends Tagged {
  name: 'ENABLE';
  /** Upper-cased capability names. */
  capabilities: string[];
}

export interface GetQuotaCommand extends Tagged {
  name: 'GETQUOTA';
  root: string;
}

export interface GetQuotaRootCommand extends Tagged {
  name: 'GETQUOTAROOT';
  mailbox: string;
}

export interface SetQuotaCommand extends Tagged {
  name: 'SETQUOTA';
  root: string;
  /** Upper-cased resource names with their limits. */
  limits: { resource: string; limit: number }[];
}

/** RFC 4314: MYRIGHTS and GETACL name a mailbox. */
export interface AclMailboxCommand extends Tagged {
  name: 'MYRIGHTS' | 'GETACL';
  mailbox: string;
}

/** RFC 4314: LISTRIGHTS and DELETEACL name a mailbox and an identifier; SETACL also rights. */
export interface AclIdentifierCommand extends Tagged {
  name: 'LISTRIGHTS' | 'DELETEACL' | 'SETACL';
  mailbox: string;
  identifier: string;
  /** SETACL's mod-rights ("+lr", "-w", "lrs"); '' for the others. */
  rights: string;
}

export type Command =
  | AclMailboxCommand
  | AclIdentifierCommand
  | NoArgCommand
  | LoginCommand
  | AuthenticateCommand
  | SelectCommand
  | CreateCommand
  | MailboxCommand
  | RenameCommand
  | ListCommand
  | LsubCommand
  | StatusCommand
  | AppendCommand
  | ExpungeCommand
  | SearchCommand
  | SortCommand
  | CancelUpdateCommand
  | NotifyCommand
  | ThreadCommand
  | GetMetadataCommand
  | SetMetadataCommand
  | FetchCommand
  | StoreCommand
  | CopyMoveCommand
  | IdCommand
  | EnableCommand
  | GetQuotaCommand
  | GetQuotaRootCommand
  | SetQuotaCommand;

export type CommandName = Command['name'];

/**
 * Narrow the union to some command names: CommandOf<'FETCH'> is FetchCommand,
 * CommandOf<'DELETE'> is a MailboxCommand whose name is 'DELETE'. (An intersection rather than
 * Extract, because several interfaces carry a union of names.)
 */
export type CommandOf<N extends CommandName> = Command & { name: N };

export type ParseResult =
  | { ok: true; command: Command }
  | {
      ok: false;
      /** The command's tag, or null when no valid tag could be read (answer with `* BAD`). */
      tag: string | null;
      /** Human-readable reason, suitable after `tag BAD ` (or `tag NO ` when `code` is set). */
      message: string;
      /** Set when the session should answer NO rather than BAD (the message carries the response code). */
      code?: 'BADCHARSET' | 'BADEVENT';
    };

export interface ParseOptions {
  /** RFC 6855 UTF8=ACCEPT is enabled: mailbox names are UTF-8, not modified UTF-7. */
  utf8?: boolean;
}
