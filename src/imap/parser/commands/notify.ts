// Owns: the NOTIFY argument grammar (RFC 5465 §8):
//   NOTIFY NONE
//   NOTIFY SET [STATUS] event-group *(SP event-group)
//   event-group = "(" filter-mailboxes SP ( "(" event *(SP event) ")" / NONE ) ")"
//   filter-mailboxes = selected / selected-delayed / inboxes / personal / subscribed /
//                      subtree one-or-more-mailbox / mailboxes one-or-more-mailbox
// and its rules (§5): FlagChange and AnnotationChange need MessageNew and MessageExpunge, and
// MessageNew needs MessageExpunge (BAD); fetch attributes after MessageNew only for the selected
// mailbox (BAD); a mailbox event with selected (BAD); an event this server does not know is
// `NO [BADEVENT (…)]`. A filter given twice is BAD.
import { ParseError, describeToken } from '../errors.ts';
import { readFetchAttribute } from '../fetch-items.ts';
import { readMailbox } from '../mailbox-name.ts';
import type { Reader } from '../tokenizer.ts';
import type { FetchItem, NotifyCommand, NotifyEventName, NotifyFilter, NotifyGroup } from '../types.ts';
import type { CommandParser } from './context.ts';

const EVENTS: ReadonlyMap<string, NotifyEventName> = new Map(
  (['MessageNew', 'MessageExpunge', 'FlagChange', 'AnnotationChange', 'MailboxName', 'SubscriptionChange', 'MailboxMetadataChange', 'ServerMetadataChange'] as const).map((e) => [e.toUpperCase(), e]),
);
/** What BADEVENT lists: the events this server sends. */
export const SUPPORTED_NOTIFY_EVENTS: readonly NotifyEventName[] = ['MessageNew', 'MessageExpunge', 'FlagChange', 'MailboxName', 'SubscriptionChange', 'MailboxMetadataChange', 'ServerMetadataChange'];
const MAILBOX_EVENTS = new Set<NotifyEventName>(['MailboxName', 'SubscriptionChange', 'MailboxMetadataChange', 'ServerMetadataChange']);

function readMailboxes(r: Reader): string[] {
  r.sp('mailbox');
  if (r.peek() === 0x28) return r.list('mailbox', () => readMailbox(r), false);
  return [readMailbox(r)];
}

function readFilter(r: Reader): NotifyFilter {
  const word = r.keyword('mailbox filter');
  switch (word) {
    case 'SELECTED':
      return { kind: 'selected' };
    case 'SELECTED-DELAYED':
      return { kind: 'selected-delayed' };
    case 'INBOXES':
      return { kind: 'inboxes' };
    case 'PERSONAL':
      return { kind: 'personal' };
    case 'SUBSCRIBED':
      return { kind: 'subscribed' };
    case 'SUBTREE':
      return { kind: 'subtree', mailboxes: readMailboxes(r) };
    case 'MAILBOXES':
      return { kind: 'mailboxes', mailboxes: readMailboxes(r) };
    default:
      throw new ParseError(`Unknown mailbox filter ${describeToken(word)}`);
  }
}

function readGroup(r: Reader, unknown: string[]): NotifyGroup {
  if (r.depth >= 8) throw new ParseError('Too deeply nested event group');
  r.expectByte(0x28, 'event group');
  const filter = readFilter(r);
  r.sp('events');
  const events: NotifyEventName[] = [];
  let fetch: FetchItem[] | null = null;
  if (r.peek() === 0x28) {
    r.list(
      'event',
      () => {
        const word = r.keyword('event');
        const name = EVENTS.get(word);
        if (!name || !SUPPORTED_NOTIFY_EVENTS.includes(name)) unknown.push(name ?? word);
        else if (!events.includes(name)) events.push(name);
        if (name === 'MessageNew' && r.peek() === 0x20 && r.peek(1) === 0x28) {
          r.sp('fetch attributes');
          fetch = r.list('fetch attribute', () => readFetchAttribute(r), false);
        }
      },
      false,
    );
  } else if (r.keyword('events') !== 'NONE') throw new ParseError('Expected an event list or NONE');
  r.expectByte(0x29, 'end of event group');
  const selected = filter.kind === 'selected' || filter.kind === 'selected-delayed';
  const has = (e: NotifyEventName) => events.includes(e);
  if ((has('FlagChange') || has('AnnotationChange')) && !(has('MessageNew') && has('MessageExpunge'))) throw new ParseError('FlagChange needs MessageNew and MessageExpunge');
  if (has('MessageNew') && !has('MessageExpunge')) throw new ParseError('MessageNew needs MessageExpunge');
  if (has('MessageExpunge') && !has('MessageNew')) throw new ParseError('MessageExpunge needs MessageNew');
  if (fetch && !selected) throw new ParseError('MessageNew fetch attributes are for the selected mailbox only');
  if (selected && events.some((e) => MAILBOX_EVENTS.has(e))) throw new ParseError('Mailbox events are not for the selected mailbox');
  return { filter, events, fetch };
}

export const parseNotify: CommandParser = (r, { tag }): NotifyCommand => {
  r.sp('NOTIFY SET or NONE');
  const word = r.keyword('NOTIFY SET or NONE');
  if (word === 'NONE') return { name: 'NOTIFY', tag, status: false, groups: null };
  if (word !== 'SET') throw new ParseError(`Expected SET or NONE, got ${describeToken(word)}`);
  r.sp('event groups');
  let status = false;
  if (r.peek() !== 0x28) {
    if (r.keyword('STATUS') !== 'STATUS') throw new ParseError('Expected STATUS or an event group');
    status = true;
    r.sp('event groups');
  }
  const unknown: string[] = [];
  const groups: NotifyGroup[] = [readGroup(r, unknown)];
  while (r.more()) {
    r.sp('event group');
    groups.push(readGroup(r, unknown));
  }
  const kinds = groups.map((g) => g.filter.kind).filter((k) => k !== 'subtree' && k !== 'mailboxes');
  if (new Set(kinds).size !== kinds.length || (kinds.includes('selected') && kinds.includes('selected-delayed'))) throw new ParseError('A mailbox filter is given twice');
  if (unknown.length) throw new ParseError(`[BADEVENT (${SUPPORTED_NOTIFY_EVENTS.join(' ')})] Không hỗ trợ sự kiện / unsupported event ${describeToken(unknown[0])}`, 'BADEVENT');
  return { name: 'NOTIFY', tag, status, groups };
};
