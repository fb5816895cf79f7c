// Owns: the entry point of the pure IMAP command parser — parseCommand()
// reads the tag and command name (with the UID prefix), dispatches to the
// per-command argument parser in commands/, checks nothing is left over, and
// turns every failure into { ok: false } (it never throws). Also re-exports
// the parser's public API.

import { parseAclIdentifier, parseAclMailbox } from './commands/acl.ts';
import { parseAppend } from './commands/append.ts';
import { parseAuthenticate, parseLogin } from './commands/auth.ts';
import type { CommandParser } from './commands/context.ts';
import { parseCopyMove } from './commands/copy-move.ts';
import { parseEnable } from './commands/enable.ts';
import { parseExpunge } from './commands/expunge.ts';
import { parseFetch } from './commands/fetch.ts';
import { parseId } from './commands/id.ts';
import { parseList, parseLsub } from './commands/list.ts';
import { parseCreate, parseMailboxCommand, parseRename } from './commands/mailbox.ts';
import { parseGetQuota, parseGetQuotaRoot, parseSetQuota } from './commands/quota.ts';
import { parseSearch } from './commands/search.ts';
import { parseCancelUpdate, parseSort, parseThread } from './commands/sort.ts';
import { parseGetMetadata, parseSetMetadata } from './commands/metadata.ts';
import { parseNotify } from './commands/notify.ts';
import { parseSelect } from './commands/select.ts';
import { NO_ARG_COMMANDS, noArgs } from './commands/simple.ts';
import { parseStatus } from './commands/status.ts';
import { parseStore } from './commands/store.ts';
import { ParseError, describeToken } from './errors.ts';
import { Reader, isTagChar } from './tokenizer.ts';
import type { ParseOptions, ParseResult } from './types.ts';

const COMMANDS: ReadonlyMap<string, CommandParser> = new Map<string, CommandParser>([
  ...NO_ARG_COMMANDS.map((name) => [name, noArgs(name)] as const),
  ['LOGIN', parseLogin],
  ['AUTHENTICATE', parseAuthenticate],
  ['SELECT', parseSelect('SELECT')],
  ['EXAMINE', parseSelect('EXAMINE')],
  ['CREATE', parseCreate],
  ['DELETE', parseMailboxCommand('DELETE')],
  ['SUBSCRIBE', parseMailboxCommand('SUBSCRIBE')],
  ['UNSUBSCRIBE', parseMailboxCommand('UNSUBSCRIBE')],
  ['RENAME', parseRename],
  ['LIST', parseList],
  ['LSUB', parseLsub],
  ['STATUS', parseStatus],
  ['APPEND', parseAppend],
  ['EXPUNGE', parseExpunge],
  ['SEARCH', parseSearch],
  ['SORT', parseSort],
  ['THREAD', parseThread],
  ['CANCELUPDATE', parseCancelUpdate],
  ['NOTIFY', parseNotify],
  ['GETMETADATA', parseGetMetadata],
  ['SETMETADATA', parseSetMetadata],
  ['FETCH', parseFetch],
  ['STORE', parseStore],
  ['COPY', parseCopyMove('COPY')],
  ['MOVE', parseCopyMove('MOVE')],
  ['ID', parseId],
  ['ENABLE', parseEnable],
  ['GETQUOTA', parseGetQuota],
  ['GETQUOTAROOT', parseGetQuotaRoot],
  ['SETQUOTA', parseSetQuota],
  ['MYRIGHTS', parseAclMailbox('MYRIGHTS')],
  ['GETACL', parseAclMailbox('GETACL')],
  ['LISTRIGHTS', parseAclIdentifier('LISTRIGHTS')],
  ['SETACL', parseAclIdentifier('SETACL')],
  ['DELETEACL', parseAclIdentifier('DELETEACL')],
]);

/** Commands that may follow the UID prefix. */
const UID_COMMANDS: ReadonlySet<string> = new Set(['FETCH', 'STORE', 'COPY', 'MOVE', 'SEARCH', 'SORT', 'THREAD', 'EXPUNGE']);

/** The command names this parser knows (upper-case), e.g. for a CAPABILITY-independent sanity check. */
export const KNOWN_COMMANDS: readonly string[] = [...COMMANDS.keys()];

const INTERNAL_ERROR = 'Internal parser error';

/**
 * Parse one framed command (a CommandFramer 'command' event's raw bytes: lines
 * with literals inline, without the final CRLF). Never throws.
 */
export function parseCommand(raw: Buffer, options: ParseOptions = {}): ParseResult {
  let tag: string | null = null;
  try {
    if (raw.length === 0) return { ok: false, tag: null, message: 'Empty command line' };
    const r = new Reader(raw, options);
    const t = r.readWhile(isTagChar);
    const after = r.peek();
    if (t.length === 0 || (after !== 0x20 && after !== -1)) {
      return { ok: false, tag: null, message: t.length === 0 ? 'Missing tag' : 'Invalid tag' };
    }
    tag = t;
    r.sp('command name');
    let name = r.keyword('command name');
    let uid = false;
    if (name === 'UID') {
      r.sp('UID command name');
      const sub = r.keyword('UID command name');
      if (!UID_COMMANDS.has(sub)) return { ok: false, tag, message: `Unknown UID command ${describeToken(sub)}` };
      name = sub;
      uid = true;
    }
    const parser = COMMANDS.get(name);
    if (!parser) return { ok: false, tag, message: `Unknown command ${describeToken(name)}` };
    const command = parser(r, { tag, uid });
    r.end();
    return { ok: true, command };
  } catch (err) {
    if (err instanceof ParseError) {
      return err.code ? { ok: false, tag, message: err.message, code: err.code } : { ok: false, tag, message: err.message };
    }
    // A bug, not bad input: still answer BAD instead of crashing the session.
    return { ok: false, tag, message: `${INTERNAL_ERROR}: ${String(err instanceof Error ? err.message : err).replace(/[\x00-\x1f]/g, ' ')}` };
  }
}

export type * from './types.ts';
export { CommandFramer, DEFAULT_FRAMER_OPTIONS } from './framer.ts';
export type { FramerEvent, FramerOptions } from './framer.ts';
export { fetchItemLabel, fetchItemSetsSeen, formatSection, FETCH_MACROS } from './fetch-items.ts';
export { expandSequenceSet, filterSequenceSet, formatSequenceSet, parseSequenceSet, resolveSequenceSet, sequenceSetContains, sequenceSetMatcher, sequenceSetToString } from './sequence-set.ts';
export type { ResolvedRanges } from './sequence-set.ts';
export { isIdleDone, parseSaslResponse } from './continuation.ts';
export type { SaslResponse } from './continuation.ts';
export { normaliseMailboxName } from './mailbox-name.ts';
export { normaliseSystemFlag } from './flags.ts';
export { parseDateTime } from './dates.ts';
