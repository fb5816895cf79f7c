// Owns: the Provincial Office's directory management screen (issue 11), /console/directory/:tab?/:id?:
// the section tabs (units, people, unit mailboxes, lists, roles), the note that changes here are
// outside the request process, and the section shown. Who may change what is the API's to say
// (core/policy.ts): a refusal comes back with its Vietnamese message.
import { NavLink, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { DirectChangeNote } from './DirectChangeNote.tsx';
import { UnitsTab } from './UnitsTab.tsx';
import { PeopleSearch } from './PeopleSearch.tsx';
import { PersonDetails } from './PersonDetails.tsx';
import { MailboxesTab } from './MailboxesTab.tsx';
import { ListsTab } from './ListsTab.tsx';
import { RolesTab } from './RolesTab.tsx';
import './texts.ts';
import '../../workqueue/extras.css';
import './console-directory.css';

const TABS = ['units', 'people', 'mailboxes', 'lists', 'roles'] as const;
type Tab = (typeof TABS)[number];

export function DirectoryConsolePage() {
  const { t } = useTranslation();
  const params = useParams();
  const tab: Tab = TABS.includes(params.tab as Tab) ? (params.tab as Tab) : 'units';
  const id = params.id ?? null;
  return (
    <div className="page cdir">
      <h1>{t('cdir.title')}</h1>
      <nav aria-label={t('cdir.nav')}>
        <ul className="cdir-tabs">
          {TABS.map((k) => (
            <li key={k}>
              <NavLink to={`/console/directory/${k}`}>{t(`cdir.tabs.${k}`)}</NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <DirectChangeNote />
      {tab === 'units' && <UnitsTab code={id} />}
      {tab === 'people' && (id && /^\d+$/.test(id) ? <PersonDetails id={Number(id)} key={id} /> : <PeopleSearch />)}
      {tab === 'mailboxes' && <MailboxesTab address={id} />}
      {tab === 'lists' && <ListsTab address={id} />}
      {tab === 'roles' && <RolesTab />}
    </div>
  );
}
