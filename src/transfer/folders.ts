// Owns: where a message from elsewhere lands in a thutin account — a folder with a special use
// (\Sent, \Trash …) goes to the account's folder of that use whatever its name there, INBOX to
// INBOX, any other name to the folder of that name, created (parents too) when missing and given
// the special use when the account has no folder of that use yet. Shared by the import and the
// IMAP migration.
import type { MailStore } from '../core/mailstore.ts';
import { canonicalMailboxName, HIERARCHY_SEPARATOR, SPECIAL_USES } from '../core/mailboxes.ts';
import { ThutinError } from '../core/errors.ts';

export class FolderResolver {
  private readonly cache = new Map<string, string>();
  private byUse: Map<string, string> | null = null;
  private names: Set<string> | null = null;

  constructor(
    private readonly store: MailStore,
    private readonly accountId: number,
  ) {}

  private async load(): Promise<void> {
    if (this.byUse && this.names) return;
    const list = await this.store.listMailboxes(this.accountId);
    this.byUse = new Map(list.filter((f) => f.specialUse).map((f) => [f.specialUse!.toLowerCase(), f.name]));
    this.names = new Set(list.map((f) => f.name));
  }

  /** The thutin folder for a source folder (made when missing). */
  async resolve(name: string, specialUse: string | null = null): Promise<string> {
    const key = `${specialUse ?? ''}\u0000${name}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    await this.load();
    const use = specialUse && SPECIAL_USES.find((u) => u.toLowerCase() === specialUse.toLowerCase());
    let target = canonicalMailboxName(name);
    if (use && this.byUse!.has(use.toLowerCase())) target = this.byUse!.get(use.toLowerCase())!;
    else if (!this.names!.has(target)) {
      try {
        const made = await this.store.createMailbox(this.accountId, target, use || null);
        if (use) this.byUse!.set(use.toLowerCase(), made.name);
      } catch (e) {
        if (!(e instanceof ThutinError && e.code === 'MAILBOX_EXISTS')) throw e;
      }
      // createMailbox makes missing parents too
      const parts = target.split(HIERARCHY_SEPARATOR);
      for (let i = 1; i <= parts.length; i++) this.names!.add(parts.slice(0, i).join(HIERARCHY_SEPARATOR));
    }
    this.cache.set(key, target);
    return target;
  }
}
