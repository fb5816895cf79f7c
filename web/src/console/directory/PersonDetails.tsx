// Owns: one person in the console (GET /api/v1/people/:id): who they are, and the forms that change them
// (information, unit, mailbox status, password reset), each with its reason; their history.
import { Link, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { usePerson } from './api.ts';
import { ApiError } from './ApiError.tsx';
import { HistoryPanel } from './HistoryPanel.tsx';
import { PersonEditForm } from './PersonEditForm.tsx';
import { PersonMoveForm } from './PersonMoveForm.tsx';
import { PersonStatusForm } from './PersonStatusForm.tsx';
import { PasswordResetForm } from './PasswordResetForm.tsx';
import './texts.ts';

export function PersonDetails({ id }: { id: number }) {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const p = usePerson(id);
  const back = (
    <p>
      <Link to={`/console/directory/people?${params.toString()}`}>← {t('cdir.people.back')}</Link>
    </p>
  );
  if (p.isPending) return <p role="status">{t('cdir.loading')}</p>;
  if (p.isError) return <ApiError error={p.error} />;
  const person = p.data;
  // A version key: the forms start again from what the server now says after each change.
  const v = `${person.id}-${person.fullName}-${person.title}-${person.phone}-${person.unitId}-${person.status}`;
  return (
    <section aria-labelledby="cdir-person-name" className="cdir-person">
      {back}
      <h2 id="cdir-person-name">{person.fullName}</h2>
      <dl className="cdir-dl">
        <dt>{t('cdir.people.title')}</dt>
        <dd>{person.title || t('cdir.none')}</dd>
        <dt>{t('cdir.people.unit')}</dt>
        <dd>{person.unitCode ? <Link to={`/console/directory/units/${encodeURIComponent(person.unitCode)}`}>{person.unitName}</Link> : t('cdir.none')}</dd>
        <dt>{t('cdir.people.email')}</dt>
        <dd>{person.email ?? t('cdir.none')}</dd>
        <dt>{t('cdir.people.phone')}</dt>
        <dd>{person.phone || t('cdir.none')}</dd>
        <dt>{t('cdir.people.status')}</dt>
        <dd data-testid="cdir-person-status">{t(`cdir.people.statuses.${person.status}`)}</dd>
      </dl>
      <HistoryPanel entity="person" id={person.id} />
      <div className="cdir-forms">
        <PersonEditForm person={person} key={`edit-${v}`} />
        <PersonMoveForm person={person} key={`move-${v}`} />
        <PersonStatusForm person={person} key={`status-${v}`} />
        <PasswordResetForm person={person} key={`reset-${person.id}`} />
      </div>
    </section>
  );
}
