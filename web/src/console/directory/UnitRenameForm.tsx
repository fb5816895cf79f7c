// Owns: renaming a unit (PATCH /api/v1/units/:code: name, abbreviation) with its reason.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { calls, useChange, type Unit } from './api.ts';
import { ChangeForm, TextField } from './ChangeForm.tsx';
import './texts.ts';

export function UnitRenameForm({ unit }: { unit: Unit }) {
  const { t } = useTranslation();
  const [name, setName] = useState(unit.name);
  const [abbreviation, setAbbreviation] = useState(unit.abbreviation);
  const save = useChange((r: string) => calls.updateUnit(unit.code, { name: name.trim(), abbreviation: abbreviation.trim(), reason: r }));
  return (
    <ChangeForm title={t('cdir.units.rename')} change={save} onSubmit={save.mutate}>
      <TextField label={t('cdir.name')} required value={name} onChange={setName} />
      <TextField label={t('cdir.abbreviation')} value={abbreviation} onChange={setAbbreviation} />
    </ChangeForm>
  );
}
