// Owns: the console's distribution lists section: every list (GET /api/v1/lists), the create form, and
// the list picked (/console/directory/lists/:address).
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useLists } from './api.ts';
import { ApiError } from './ApiError.tsx';
import { QueryList } from '../QueryList.tsx';
import { ListDetails } from './ListDetails.tsx';
import { ListCreateForm } from './ListCreateForm.tsx';
import './texts.ts';

export function ListsTab({ address }: { address: string | null }) {
  const { t } = useTranslation();
  const lists = useLists();
  return (
    <div className="cdir-split">
      <nav className="tree-box cdir-tree" aria-label={t('cdir.lists.all')}>
        <h2>{t('cdir.lists.all')}</h2>
        <QueryList query={lists} loading={t('cdir.loading')} failed={(e) => <ApiError error={e} />} empty={t('cdir.lists.none')}>
          {(all) => (
            <ul>
              {all.map((l) => (
                <li key={l.id}>
                  <Link to={`/console/directory/lists/${encodeURIComponent(l.address)}`} aria-current={address === l.address ? 'page' : undefined}>
                    {l.name}
                  </Link>
                  <br />
                  <small>{l.address}</small>
                </li>
              ))}
            </ul>
          )}
        </QueryList>
      </nav>
      {address ? <ListDetails address={address} key={address} /> : <ListCreateForm />}
    </div>
  );
}
