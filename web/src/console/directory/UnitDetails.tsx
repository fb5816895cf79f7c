// Owns: one unit in the console: its details and people, renaming it (PATCH /units/:code), its head
// (PUT /units/:code/head: the unit mailbox is handed over, its new password shown once), dissolving it
// or merging it into a successor (PATCH validTo + successorCode; moving its people and sub-units is a
// request's work, linked), and its history.
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { enc, usePeopleOfUnit, type Unit } from './api.ts';
import { UnitRenameForm } from './UnitRenameForm.tsx';
import { UnitHeadForm } from './UnitHeadForm.tsx';
import { UnitDissolveForm } from './UnitDissolveForm.tsx';
import { HistoryPanel } from './HistoryPanel.tsx';
import { UnitCreateForm } from './UnitCreateForm.tsx';
import './texts.ts';

export function UnitDetails({ unit, units }: { unit: Unit; units: Unit[] }) {
  const { t, i18n } = useTranslation();
  const people = usePeopleOfUnit(unit.code);
  const byId = new Map(units.map((u) => [u.id, u]));
  const head = people.data?.find((p) => p.id === unit.headPersonId);
  const gone = unit.validTo !== null && unit.validTo <= Date.now();
  return (
    <section className="cdir-unit" aria-labelledby="cdir-unit-name">
      <h2 id="cdir-unit-name">{unit.name}</h2>
      <dl className="cdir-dl">
        <dt>{t('cdir.code')}</dt>
        <dd>{unit.code}</dd>
        <dt>{t('cdir.kind')}</dt>
        <dd>{t(`cdir.kinds.${unit.kind}`, { defaultValue: unit.kind })}</dd>
        <dt>{t('cdir.parent')}</dt>
        <dd>{unit.parentId !== null ? (byId.get(unit.parentId)?.name ?? unit.parentId) : t('cdir.none')}</dd>
        <dt>{t('cdir.mailbox')}</dt>
        <dd>{unit.mailbox ? <Link to={`/console/directory/mailboxes/${enc(unit.mailbox)}`}>{unit.mailbox}</Link> : t('cdir.none')}</dd>
        <dt>{t('cdir.head')}</dt>
        <dd>{head ? <Link to={`/console/directory/people/${head.id}`}>{head.fullName}</Link> : t('cdir.none')}</dd>
        {unit.validTo !== null && (
          <>
            <dt>{t('cdir.validTo')}</dt>
            <dd>{new Date(unit.validTo).toLocaleDateString(i18n.language === 'en' ? 'en-GB' : 'vi-VN')}</dd>
          </>
        )}
        {unit.successorId !== null && (
          <>
            <dt>{t('cdir.successor')}</dt>
            <dd>{byId.get(unit.successorId)?.name ?? unit.successorId}</dd>
          </>
        )}
      </dl>
      <HistoryPanel entity="unit" id={unit.id} />
      <h3>{t('cdir.units.people')}</h3>
      {people.isPending ? (
        <p role="status">{t('cdir.loading')}</p>
      ) : (
        <ul className="cdir-people">
          {(people.data ?? []).map((p) => (
            <li key={p.id}>
              <Link to={`/console/directory/people/${p.id}`}>{p.fullName}</Link>
              {p.title ? ` — ${p.title}` : ''} {p.unitCode !== unit.code && p.unitName ? `(${p.unitName})` : ''} {p.status !== 'active' ? `[${t(`cdir.people.statuses.${p.status}`)}]` : ''}
            </li>
          ))}
        </ul>
      )}
      {!gone && (
        <div className="cdir-forms">
          <UnitCreateForm parentCode={unit.code} key={`create-${unit.code}`} />
          <UnitRenameForm unit={unit} key={`rename-${unit.code}`} />
          <UnitHeadForm unit={unit} key={`head-${unit.code}`} />
          <UnitDissolveForm unit={unit} units={units} key={`dissolve-${unit.code}`} />
        </div>
      )}
    </section>
  );
}
