// Owns: how a mailbox is named and ordered in the tree (role folders translated and first).
import type { TFunction } from 'i18next';
import type { Mailbox } from '../api/types.ts';

const ROLE_ORDER = ['inbox', 'drafts', 'sent', 'archive', 'junk', 'trash'];

export function mailboxLabel(m: Mailbox, t: TFunction): string {
  if (m.role && ROLE_ORDER.includes(m.role)) return t(`folders.${m.role}`);
  return m.name;
}

export function compareMailboxes(a: Mailbox, b: Mailbox): number {
  const ra = a.role ? ROLE_ORDER.indexOf(a.role) : -1;
  const rb = b.role ? ROLE_ORDER.indexOf(b.role) : -1;
  if (ra !== rb) return (ra < 0 ? 99 : ra) - (rb < 0 ? 99 : rb);
  return a.name.localeCompare(b.name, 'vi');
}

export interface TreeNode {
  box: Mailbox;
  children: TreeNode[];
}

export function mailboxTree(list: Mailbox[]): TreeNode[] {
  const nodes = new Map(list.map((b) => [b.id, { box: b, children: [] as TreeNode[] }]));
  const roots: TreeNode[] = [];
  for (const n of nodes.values()) {
    const parent = n.box.parentId ? nodes.get(n.box.parentId) : undefined;
    (parent ? parent.children : roots).push(n);
  }
  const sort = (xs: TreeNode[]) => {
    xs.sort((a, b) => compareMailboxes(a.box, b.box));
    xs.forEach((x) => sort(x.children));
  };
  sort(roots);
  return roots;
}
