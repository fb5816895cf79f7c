// Owns: one account's folder tree with unread counts (links; the current folder is aria-current).
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useMailboxes } from './data.ts';
import { mailboxLabel, mailboxTree, type TreeNode } from './folderNames.ts';

function Node({ node, accountId, current }: { node: TreeNode; accountId: string; current?: string }) {
  const { t } = useTranslation();
  const b = node.box;
  const label = mailboxLabel(b, t);
  return (
    <li>
      <Link to={`/mail/${accountId}/${b.id}`} aria-current={current === b.id ? 'page' : undefined} className={`folder${b.unreadEmails ? ' has-unread' : ''}`} data-role={b.role ?? undefined}>
        <span className="folder-name">{label}</span>
        {b.unreadEmails > 0 && (
          <span className="badge" aria-label={t('folders.unread', { count: b.unreadEmails })}>
            {b.unreadEmails}
          </span>
        )}
      </Link>
      {node.children.length > 0 && (
        <ul>
          {node.children.map((c) => (
            <Node key={c.box.id} node={c} accountId={accountId} current={current} />
          ))}
        </ul>
      )}
    </li>
  );
}

export function FolderTree({ accountId, current }: { accountId: string; current?: string }) {
  const { t } = useTranslation();
  const q = useMailboxes(accountId);
  if (q.isPending) return <p role="status">{t('app.loading')}</p>;
  if (q.error) return <p role="alert">{t('app.error')}</p>;
  return (
    <ul className="tree">
      {mailboxTree(q.data).map((n) => (
        <Node key={n.box.id} node={n} accountId={accountId} current={current} />
      ))}
    </ul>
  );
}
