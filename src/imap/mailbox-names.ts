// Owns: client-visible folder names ↔ the folders they stand for (R8, RFC 2342 shared namespace).
// A user's own folders keep their names; a mailbox another account shared with them (a unit
// mailbox, through app.delegations) appears as `Shared/<owner address>/<folder>`, with the
// `Shared` and `Shared/<owner>` levels as \Noselect. Every command resolves names here instead
// of asking the store for the session's own account, so a delegate acts on the owner's folder
// with the delegate's rights and a name without rights behind it simply does not exist.
import type { Account, AccountService } from '../core/accounts.ts';
import type { DelegationService, Right } from '../core/delegations.ts';
import type { MailboxInfo, MailStore } from '../core/mailstore.ts';
import { HIERARCHY_SEPARATOR, SHARED_NAMESPACE_ROOT, canonicalMailboxName, isSharedNamespaceName } from '../core/mailboxes.ts';

export const SHARED_ROOT = SHARED_NAMESPACE_ROOT;
export const SHARED_PREFIX = SHARED_ROOT + HIERARCHY_SEPARATOR;

/**
 * What a session may do with a folder:
 * - 'owner': its own folder;
 * - 'manage': a delegate with `manage` — everything the owner can, except deleting or renaming INBOX and special folders;
 * - 'read': a delegate with `read` — select, fetch, search, copy out, set or clear \Seen; nothing else.
 */
export type Access = 'owner' | 'manage' | 'read';

/** A name that stands for a folder (own or shared). */
export interface FolderTarget {
  kind: 'folder';
  ownerAccountId: number;
  /** The owner's primary address for shared folders, null for own. */
  owner: string | null;
  /** The folder's name in the owner's account ('INBOX', 'Sent', 'Projects/2026'). */
  folder: string;
  access: Access;
  rights: Right[];
}

/** `Shared` or `Shared/<owner>`: a level of the shared namespace, not a folder. */
export interface NamespaceLevel {
  kind: 'level';
  name: string;
}

/** What resolving names needs: a logged-in session's account and three services (not the App). */
interface Ctx {
  store: Pick<MailStore, 'getMailbox' | 'listMailboxes'>;
  accounts: Pick<AccountService, 'byAddress'>;
  delegations: Pick<DelegationService, 'rightsOn' | 'sharedWith'>;
  account: Account;
}

/** The delegate access a set of rights gives in IMAP, or null when it gives none (send rights only). */
export function accessFrom(rights: readonly Right[]): Access | null {
  if (rights.includes('manage')) return 'manage';
  if (rights.includes('read')) return 'read';
  return null;
}

/** The name a client sees for `folder` of `owner` (null = own). */
export function visibleName(owner: string | null, folder: string): string {
  return owner === null ? folder : `${SHARED_PREFIX}${owner}${HIERARCHY_SEPARATOR}${folder}`;
}

/**
 * What a client-visible name stands for: a folder (existing or not — the caller asks the store),
 * a level of the shared namespace, or null when it names nothing the user may reach.
 */
export async function resolveName(s: Ctx, name: string): Promise<FolderTarget | NamespaceLevel | null> {
  const me = s.account;
  const n = name.normalize('NFC');
  // The namespace is reserved whatever the case: `shared/…` and `SHARED/…` are never own folders.
  if (!isSharedNamespaceName(n)) {
    return { kind: 'folder', ownerAccountId: me.id, owner: null, folder: canonicalMailboxName(n), access: 'owner', rights: ['read', 'send-as', 'send-on-behalf', 'manage'] };
  }
  if (n.length === SHARED_ROOT.length) return { kind: 'level', name: SHARED_ROOT };
  const rest = n.slice(SHARED_PREFIX.length);
  const cut = rest.indexOf(HIERARCHY_SEPARATOR);
  const ownerPart = (cut < 0 ? rest : rest.slice(0, cut)).toLowerCase();
  const folder = cut < 0 ? '' : rest.slice(cut + 1);
  if (!ownerPart.includes('@')) return null;
  const owner = await s.accounts.byAddress(ownerPart);
  if (!owner || owner.id === me.id) return null; // a suspended owner, or a leaver's retained mailbox beyond read: rightsOn decides
  const rights = await s.delegations.rightsOn(owner.id, me.id);
  const access = accessFrom(rights);
  if (!access) return null;
  if (cut < 0 || folder === '') return { kind: 'level', name: `${SHARED_PREFIX}${owner.username}` };
  return { kind: 'folder', ownerAccountId: owner.id, owner: owner.username, folder: canonicalMailboxName(folder), access, rights };
}

/** Resolve a name to an existing folder the session may reach, or null. */
export async function resolveFolder(s: Ctx, name: string): Promise<{ target: FolderTarget; mb: MailboxInfo } | null> {
  const t = await resolveName(s, name);
  if (!t || t.kind !== 'folder') return null;
  const mb = await s.store.getMailbox(t.ownerAccountId, t.folder);
  return mb ? { target: t, mb } : null;
}

/** One entry of the name space a session sees: own folders, shared folders, and the namespace levels. */
export interface VisibleFolder {
  name: string;
  /** null for the \Noselect levels of the shared namespace. */
  mb: MailboxInfo | null;
  access: Access;
}

/** Every name the session sees, own folders first, then the shared namespace (owners in address order). */
export async function visibleFolders(s: Ctx): Promise<VisibleFolder[]> {
  const me = s.account;
  const out: VisibleFolder[] = (await s.store.listMailboxes(me.id)).map((mb) => ({ name: mb.name, mb, access: 'owner' as Access }));
  const shared = await s.delegations.sharedWith(me.id);
  let rootAdded = false;
  for (const sh of shared) {
    const access = accessFrom(sh.rights);
    if (!access || sh.ownerAccountId === me.id) continue;
    if (!rootAdded) {
      out.push({ name: SHARED_ROOT, mb: null, access: 'read' });
      rootAdded = true;
    }
    out.push({ name: `${SHARED_PREFIX}${sh.owner}`, mb: null, access });
    for (const mb of await s.store.listMailboxes(sh.ownerAccountId)) out.push({ name: visibleName(sh.owner, mb.name), mb, access });
  }
  return out;
}

/** Whether a delegate with `access` may delete or rename this folder of the owner. */
export function mayRemoveFolder(access: Access, mb: MailboxInfo): boolean {
  if (access === 'owner') return true;
  if (access === 'read') return false;
  return mb.name !== 'INBOX' && !mb.specialUse;
}
