// Owns: dissolving a unit, or merging it into a successor (PATCH /api/v1/units/:code validTo + successorCode);
// moving its people and sub-units to the successor is a request's work, linked to the request form.
import { useState } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { calls, enc, useChange, type Unit } from './api.ts';
import { ChangeForm, LiveUnitField } from './ChangeForm.tsx';
import './texts.ts';

export function UnitDissolveForm({ unit, units }: { unit: Unit; units: Unit[] }) {
  const { t } = useTranslation();
  const [successor, setSuccessor] = useState('');
  const save = useChange(
    (r: string) => calls.updateUnit(unit.code, { validTo: Date.now(), successorCode: successor || null, reason: r }),
    () => t('cdir.units.dissolvedOk', { name: unit.name }),
  );
  return (
    <ChangeForm title={t('cdir.units.dissolve')} change={save} onSubmit={save.mutate} submitLabel={t('cdir.units.dissolve')}>
      <p>{t('cdir.units.dissolveHint')}</p>
      <LiveUnitField label={t('cdir.successor')} value={successor} onChange={setSuccessor} units={units} except={unit.id} none={t('cdir.units.noSuccessor')} />
      <p className="cdir-note">
        {t('cdir.units.mergeNeedsRequest')} <Link to={`/requests/new?kind=unit-dissolve&unit=${enc(unit.code)}${successor ? `&successor=${enc(successor)}` : ''}`}>{t('cdir.fileRequest')}</Link>
      </p>
    </ChangeForm>
  );
}
