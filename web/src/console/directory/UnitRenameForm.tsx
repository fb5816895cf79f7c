// Owns: renaming a unit (PATCH /api/v1/units/:code: name, abbreviation) with its reason.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { calls, useChange, type Unit } from './api.ts';
import { ReasonField } from './ReasonField.tsx';
import { ApiError } from './ApiError.tsx';
import './texts.ts';

export function UnitRenameForm({ unit }: { unit: Unit }) {
  const { t } = useTranslation();
  const [name, setName] = useState(unit.name);
  const [abbreviation, setAbbreviation] = useState(unit.abbreviation);
  const [reason, setReason] = useState('');
  const save = useChange((r: string) => calls.updateUnit(unit.code, { name: name.trim(), abbreviation: abbreviation.trim(), reason: r }));
  const submit = (e: FormEvent) => (e.preventDefault(), save.mutate(reason.trim()));
  return (
    <form className="cdir-form" onSubmit={submit} aria-label={t('cdir.units.rename')}>
      <h3>{t('cdir.units.rename')}</h3>
      <label>
        {t('cdir.name')}
        <input required value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        {t('cdir.abbreviation')}
        <input value={abbreviation} onChange={(e) => setAbbreviation(e.target.value)} />
      </label>
      <ReasonField value={reason} onChange={setReason} />
      <button type="submit" className="button" disabled={save.isPending}>
        {t('cdir.save')}
      </button>
      <ApiError error={save.error} />
    </form>
  );
}
