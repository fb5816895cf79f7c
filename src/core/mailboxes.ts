// Folder names and rules: the default set every account gets (with their special-use
// attributes, RFC 6154), the hierarchy separator, the reserved shared namespace, and name validation.
export const HIERARCHY_SEPARATOR = '/';

export const DEFAULT_MAILBOXES: ReadonlyArray<{ name: string; specialUse: string | null }> = [
  { name: 'INBOX', specialUse: null },
  { name: 'Sent', specialUse: '\\Sent' },
  { name: 'Drafts', specialUse: '\\Drafts' },
  { name: 'Junk', specialUse: '\\Junk' },
  { name: 'Trash', specialUse: '\\Trash' },
  { name: 'Archive', specialUse: '\\Archive' },
];

/**
 * The first level of the shared namespace (RFC 2342), where IMAP shows mailboxes others shared
 * with a user as `Shared/<owner>/<folder>`. Reserved in any case: no own folder may be named
 * `Shared`, `shared/…` or `SHARED/…`, which would pass for someone else's mailbox.
 */
export const SHARED_NAMESPACE_ROOT = 'Shared';

/** Whether a name is in the reserved shared namespace (its first level is `Shared`, in any case). */
export function isSharedNamespaceName(name: string): boolean {
  const first = name.split(HIERARCHY_SEPARATOR)[0];
  return first.length === SHARED_NAMESPACE_ROOT.length && first.toUpperCase() === SHARED_NAMESPACE_ROOT.toUpperCase();
}

export const SPECIAL_USES = ['\\All', '\\Archive', '\\Drafts', '\\Flagged', '\\Junk', '\\Sent', '\\Trash'];

/** Canonical form of a folder name: INBOX in any case (and as a first level) is INBOX; NFC. */
export function canonicalMailboxName(name: string): string {
  const n = name.normalize('NFC');
  if (n.toUpperCase() === 'INBOX') return 'INBOX';
  if (n.toUpperCase().startsWith('INBOX' + HIERARCHY_SEPARATOR)) return 'INBOX' + n.slice(5);
  return n;
}

export function isValidMailboxName(name: string): boolean {
  if (!name || name.length > 512) return false;
  if (/[\x00-\x1f\x7f*%]/.test(name)) return false;
  if (isSharedNamespaceName(name)) return false;
  const parts = name.split(HIERARCHY_SEPARATOR);
  return parts.every((p) => p.length > 0 && p.trim() === p);
}
