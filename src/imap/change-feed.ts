// Owns: sharing change-log reads between the sessions of one process. After a change to a folder
// every session that has it selected reads the log since its own MODSEQ — most are caught up, so
// they ask the same question (folder, MODSEQ). The first read is kept and given to the others
// until the folder is announced changed again (MailEvents), which drops what was kept for it: a
// session never gets an answer older than the last announcement it heard (its `dirty` flag is set
// by the same event, so it reads again). At most MAX_KEPT answers are kept, the oldest dropped first.
// A change is announced once it is durable, but other sessions' reads (FETCH) may see it as soon as
// it is committed (group commit syncs after the COMMIT): an answer kept from before a write to its
// folder is not given out after that write (the store's writeGeneration), so a session never hears
// a message's MODSEQ go back after a FETCH showed it the newer one.
import type { ChangeSet, MailStore } from '../core/mailstore.ts';
import type { MailEvents } from '../core/events.ts';

const MAX_KEPT = 512;

export class ChangeFeed {
  private readonly kept = new Map<string, { answer: Promise<ChangeSet>; generation: number }>();
  private readonly byFolder = new Map<number, { keys: Set<string>; unsubscribe: () => void }>();

  constructor(
    private readonly store: Pick<MailStore, 'changesSince'> & Partial<Pick<MailStore, 'writeGeneration'>>,
    private readonly events: Pick<MailEvents, 'subscribe'>,
  ) {}

  /** The store's changesSince, shared: answers are read-only for their callers. */
  changesSince(mailboxId: number, modseq: number): Promise<ChangeSet> {
    const key = `${mailboxId}:${modseq}`;
    const generation = this.store.writeGeneration?.(mailboxId) ?? 0;
    const hit = this.kept.get(key);
    if (hit && hit.generation === generation) return hit.answer;
    const p = this.store.changesSince(mailboxId, modseq);
    let folder = this.byFolder.get(mailboxId);
    if (!folder) {
      const unsubscribe = this.events.subscribe(mailboxId, () => this.drop(mailboxId));
      folder = { keys: new Set(), unsubscribe };
      this.byFolder.set(mailboxId, folder);
    }
    folder.keys.add(key);
    this.kept.set(key, { answer: p, generation });
    p.catch(() => this.forget(mailboxId, key));
    if (this.kept.size > MAX_KEPT) {
      const oldest = this.kept.keys().next().value!;
      this.forget(Number(oldest.split(':')[0]), oldest);
    }
    return p;
  }

  private forget(mailboxId: number, key: string): void {
    this.kept.delete(key);
    const folder = this.byFolder.get(mailboxId);
    if (!folder) return;
    folder.keys.delete(key);
    if (!folder.keys.size) this.drop(mailboxId);
  }

  /** The folder changed: nothing kept for it stands. */
  private drop(mailboxId: number): void {
    const folder = this.byFolder.get(mailboxId);
    if (!folder) return;
    for (const k of folder.keys) this.kept.delete(k);
    folder.unsubscribe();
    this.byFolder.delete(mailboxId);
  }
}
