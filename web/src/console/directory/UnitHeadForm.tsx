// Owns: setting a unit's head (PUT /api/v1/units/:code/head, a person of the unit or below): the unit
// mailbox is handed over and its new password shown once.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { calls, useChange, usePeopleOfUnit, type Unit } from './api.ts';
import { ChangeForm } from './ChangeForm.tsx';
import './texts.ts';

export function UnitHeadForm({ unit }: { unit: Unit }) {
  const { t } = useTranslation();
  const people = usePeopleOfUnit(unit.code);
  const [personId, setPersonId] = useState(unit.headPersonId === null ? '' : String(unit.headPersonId));
  const [password, setPassword] = useState<string | null>(null);
  const save = useChange(
    (r: string) => calls.setHead(unit.code, personId ? Number(personId) : null, r),
    (out) => setPassword(out.mailboxPassword ?? null),
  );
  return (
    <ChangeForm title={t('cdir.units.setHead')} change={save} onSubmit={save.mutate} after={password && <p className="cdir-secret">{t('cdir.units.headPassword', { password })}</p>}>
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
    </ChangeForm>
  );
}
