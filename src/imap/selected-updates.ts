// Owns: what a session tells its client unasked, at a moment RFC 3501 allows it: NOTIFY's events
// for other mailboxes, then the selected folder's changes from the change log (EXISTS, EXPUNGE
// where the command running allows it, FETCH of changed flags), RFC 5267's live search results,
// and RFC 5465's FETCH of new messages. session.ts calls it after each command and, with NOTIFY's
// `selected`, between commands; the session's state comes in through UpdatesSource.
import type { Untagged } from './context.ts';
import type { NotifySession } from './notify.ts';
import type { Command, FetchCommand } from './parser/types.ts';
import { searchUpdateLines, type UpdateStore } from './search-updates.ts';
import type { SelectedMailbox } from './selected.ts';

export interface UpdatesSource {
  selected: SelectedMailbox | null;
  notify: NotifySession | null;
  /** The command running (none between commands): it decides whether EXPUNGE may be sent. */
  current: Command | null;
  /** Whether an account is signed in (new messages' FETCH needs one). */
  signedIn: boolean;
  refreshStore: Parameters<SelectedMailbox['refresh']>[0];
  store: UpdateStore;
  untagged(u: Untagged): void;
  untaggedBatch(list: Untagged[]): void;
  /** Answer a FETCH as the command would, with `*` for its tag. */
  fetch(cmd: FetchCommand): Promise<void>;
}

/** Send the untagged updates other sessions caused; `unasked`: between commands (NOTIFY). */
export async function sendUpdates(src: UpdatesSource, unasked: boolean): Promise<void> {
  const { notify, selected: sel } = src;
  const other = notify?.hasPending ? await notify.take(sel?.info.id ?? null) : [];
  if (other.length) src.untaggedBatch(other);
  if (!sel) return;
  // Between commands only NOTIFY's `selected` lets the session speak, and `selected-delayed` keeps expunges for a command.
  if (unasked && !notify?.selectedMode) return;
  const c = src.current;
  const allowExpunge = unasked ? notify?.selectedMode === 'selected' : !(c && !('uid' in c && c.uid) && (c.name === 'FETCH' || c.name === 'STORE' || c.name === 'SEARCH'));
  // Every change to a folder is announced (MailEvents, across processes through PostgreSQL):
  // without one since the last look, the change log has nothing new — unless expunges wait to
  // be told. Cleared before reading, so a change during the read is looked at next time.
  const lookAtLog = sel.dirty || (allowExpunge && sel.hasPendingExpunges);
  sel.dirty = false;
  const existsBefore = sel.exists;
  const lines = lookAtLog ? await sel.refresh(src.refreshStore, { allowExpunge }) : [];
  // RFC 5267 live results: ADDTO/REMOVEFROM after the EXISTS and FETCH that announced the messages.
  if (sel.contexts.size) lines.push(...(await searchUpdateLines(src.store, sel)));
  for (const l of lines) src.untagged(l);
  // RFC 5465 MessageNew with fetch attributes: the new messages' FETCH right after their EXISTS.
  const fetchNew = notify?.selectedFetch;
  if (fetchNew && sel.exists > existsBefore && src.signedIn) {
    await src.fetch({
      name: 'FETCH',
      tag: '*',
      uid: false,
      sequence: { kind: 'ranges', ranges: [{ start: existsBefore + 1, end: sel.exists }] },
      items: fetchNew,
      changedSince: null,
      vanished: false,
    });
  }
}
