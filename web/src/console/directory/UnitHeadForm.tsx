// Owns: setting a unit's head (PUT /api/v1/units/:code/head, a person of the unit or below): the unit
// mailbox is handed over and its new password shown once.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { calls, useChange, usePeopleOfUnit, type Unit } from './api.ts';
import { ReasonField } from './ReasonField.tsx';
import { ApiError } from './ApiError.tsx';
import './texts.ts';

export function UnitHeadForm({ unit }: { unit: Unit }) {
  const { t } = useTranslation();
  const people = usePeopleOfUnit(unit.code);
  const [personId, setPersonId] = useState(unit.headPersonId === null ? '' : String(unit.headPersonId));
  const [reason, setReason] = useState('');
  const [password, setPassword] = useState<string | null>(null);
  const save = useChange(
    (r: string) => calls.setHead(unit.code, personId ? Number(personId) : null, r),
    (out) => setPassword(out.mailboxPassword ?? null),
  );
  const submit = (e: FormEvent) => (e.preventDefault(), save.mutate(reason.trim()));
  return (
    <form className="cdir-form" onSubmit={submit} aria-label={t('cdir.units.setHead')}>
      <h3>{t('cdir.units.setHead')}</h3>
      <label>
        {t('cdir.head')}
        <select value={personId} onChange={(e) => setPersonId(e.target.value)}>
          <option value="">{t('cdir.units.noHead')}</option>
          {(people.data ?? [])
            .filter((p) => p.status === 'active')
            .map((p) => (
              <option key={p.id} value={p.id}>
                {p.fullName}
                {p.title ? ` — ${p.title}` : ''}
              </option>
            ))}
        </select>
      </label>
      <ReasonField value={reason} onChange={setReason} />
      <button type="submit" className="button" disabled={save.isPending}>
        {t('cdir.save')}
      </button>
      <ApiError error={save.error} />
      {password && <p className="cdir-secret">{t('cdir.units.headPassword', { password })}</p>}
    </form>
  );
}
