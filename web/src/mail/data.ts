// Owns: the app's reads of mail over JMAP (TanStack Query keys and fetchers): the session's
// accounts (own + delegated unit mailboxes), mailboxes, a page of a message list, one message.
import { useQuery } from '@tanstack/react-query';
import { call, getSession, jmap, MAIL } from '../api/jmap.ts';
import type { Email, JmapSession, Mailbox } from '../api/types.ts';

export const PAGE = 50;

export const LIST_PROPS = ['id', 'threadId', 'mailboxIds', 'keywords', 'from', 'to', 'subject', 'receivedAt', 'size', 'preview', 'hasAttachment'];

export function useJmapSession() {
  return useQuery<JmapSession>({ queryKey: ['jmap-session'], queryFn: getSession, staleTime: 5 * 60_000 });
}

export interface AccountView {
  id: string;
  name: string;
  isPersonal: boolean;
  isReadOnly: boolean;
}

export function accountsOf(s: JmapSession): AccountView[] {
  const primary = s.primaryAccounts[MAIL];
  return Object.entries(s.accounts)
    .map(([id, a]) => ({ id, name: a.name, isPersonal: a.isPersonal, isReadOnly: a.isReadOnly }))
    .sort((a, b) => (a.id === primary ? -1 : b.id === primary ? 1 : a.name.localeCompare(b.name, 'vi')));
}

export function useMailboxes(accountId: string | undefined) {
  return useQuery<Mailbox[]>({
    queryKey: ['mailboxes', accountId],
    enabled: !!accountId,
    queryFn: async () => (await call<{ list: Mailbox[] }>('Mailbox/get', { accountId, ids: null })).list,
  });
}

export function roleBox(boxes: Mailbox[] | undefined, role: string): Mailbox | undefined {
  return boxes?.find((b) => b.role === role);
}

export interface ListQuery {
  accountId: string;
  mailboxId: string;
  /** Full-text search (server-side, diacritic- and đ-insensitive); '' for none. */
  text: string;
  threads: boolean;
}

export function listFilter(q: ListQuery): Record<string, unknown> {
  return q.text ? { operator: 'AND', conditions: [{ inMailbox: q.mailboxId }, { text: q.text }] } : { inMailbox: q.mailboxId };
}

export interface ListPage {
  total: number;
  position: number;
  emails: Email[];
  /** Search results: the subject and preview with the found words marked (SearchSnippet/get), by Email id. */
  snippets?: Record<string, { subject: string | null; preview: string | null }>;
}

/** One page of the list: Email/query at `position` and Email/get of its ids, one request. */
export async function fetchPage(q: ListQuery, page: number): Promise<ListPage> {
  const r = await jmap([
    [
      'Email/query',
      { accountId: q.accountId, filter: listFilter(q), sort: [{ property: 'receivedAt', isAscending: false }], position: page * PAGE, limit: PAGE, calculateTotal: true, collapseThreads: q.threads },
      'q',
    ],
    ['Email/get', { accountId: q.accountId, '#ids': { resultOf: 'q', name: 'Email/query', path: '/ids' }, properties: LIST_PROPS }, 'g'],
  ]);
  const ids = r.q.ids as string[];
  const byId = new Map((r.g.list as Email[]).map((e) => [e.id, e]));
  const out: ListPage = { total: Number(r.q.total ?? 0), position: Number(r.q.position ?? 0), emails: ids.map((id) => byId.get(id)).filter((e): e is Email => !!e) };
  if (q.text && ids.length) {
    try {
      const s = await jmap([['SearchSnippet/get', { accountId: q.accountId, filter: listFilter(q), emailIds: ids }, 's']]);
      const list = (s.s.list ?? []) as Array<{ emailId: string; subject: string | null; preview: string | null }>;
      out.snippets = Object.fromEntries(list.map((x) => [x.emailId, { subject: x.subject, preview: x.preview }]));
    } catch {
      /* no snippets: the plain preview */
    }
  }
  return out;
}

export function pageKey(q: ListQuery, page: number) {
  return ['emails', q.accountId, q.mailboxId, q.text, q.threads, page] as const;
}

export const READ_PROPS = [...LIST_PROPS, 'cc', 'bcc', 'replyTo', 'sentAt', 'messageId', 'inReplyTo', 'references', 'blobId', 'textBody', 'htmlBody', 'attachments', 'bodyValues'];

export function useEmail(accountId: string | undefined, emailId: string | undefined) {
  return useQuery<Email | null>({
    queryKey: ['email', accountId, emailId],
    enabled: !!accountId && !!emailId,
    queryFn: async () => {
      const r = await call<{ list: Email[] }>('Email/get', {
        accountId,
        ids: [emailId],
        properties: READ_PROPS,
        fetchHTMLBodyValues: true,
        fetchTextBodyValues: true,
        maxBodyValueBytes: 2_000_000,
      });
      return r.list[0] ?? null;
    },
  });
}
