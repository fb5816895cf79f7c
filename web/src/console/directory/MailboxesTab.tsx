// Owns: the console's unit mailboxes section: the units that have a mailbox, and the one picked
// (/console/directory/mailboxes/:address) with its delegations.
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useUnits } from './api.ts';
import { ApiError } from './ApiError.tsx';
import { QueryList } from '../QueryList.tsx';
import { DelegationsPanel } from './DelegationsPanel.tsx';
import './texts.ts';

export function MailboxesTab({ address }: { address: string | null }) {
  const { t } = useTranslation();
  const units = useUnits();
  const boxes = (units.data ?? []).filter((u) => u.mailbox && (u.validTo === null || u.validTo > Date.now())).sort((a, b) => a.name.localeCompare(b.name, 'vi'));
  return (
    <div className="cdir-split">
      <nav className="tree-box cdir-tree" aria-label={t('cdir.mailboxes.pick')}>
        <h2>{t('cdir.mailboxes.pick')}</h2>
        <QueryList query={units} items={boxes} loading={t('cdir.loading')} failed={(e) => <ApiError error={e} />} empty={t('cdir.mailboxes.none')}>
          {(shown) => (
            <ul>
              {shown.map((u) => (
                <li key={u.id}>
                  <Link to={`/console/directory/mailboxes/${encodeURIComponent(u.mailbox!)}`} aria-current={address === u.mailbox ? 'page' : undefined}>
                    {u.name}
                  </Link>
                  <br />
                  <small>{u.mailbox}</small>
                </li>
              ))}
            </ul>
          )}
        </QueryList>
      </nav>
      {address ? <DelegationsPanel owner={address} key={address} /> : null}
    </div>
  );
}
