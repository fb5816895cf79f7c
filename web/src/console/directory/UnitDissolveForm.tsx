// Owns: dissolving a unit, or merging it into a successor (PATCH /api/v1/units/:code validTo + successorCode);
// moving its people and sub-units to the successor is a request's work, linked to the request form.
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { calls, enc, useChange, type Unit } from './api.ts';
import { ReasonField } from './ReasonField.tsx';
import { ApiError } from './ApiError.tsx';
import './texts.ts';

export function UnitDissolveForm({ unit, units }: { unit: Unit; units: Unit[] }) {
  const { t } = useTranslation();
  const [successor, setSuccessor] = useState('');
  const [reason, setReason] = useState('');
  const save = useChange(
    (r: string) => calls.updateUnit(unit.code, { validTo: Date.now(), successorCode: successor || null, reason: r }),
    () => t('cdir.units.dissolvedOk', { name: unit.name }),
  );
  const submit = (e: FormEvent) => (e.preventDefault(), save.mutate(reason.trim()));
  const others = units.filter((u) => u.id !== unit.id && (u.validTo === null || u.validTo > Date.now()));
  return (
    <form className="cdir-form" onSubmit={submit} aria-label={t('cdir.units.dissolve')}>
      <h3>{t('cdir.units.dissolve')}</h3>
      <p>{t('cdir.units.dissolveHint')}</p>
      <label>
        {t('cdir.successor')}
        <select value={successor} onChange={(e) => setSuccessor(e.target.value)}>
          <option value="">{t('cdir.units.noSuccessor')}</option>
          {others.map((u) => (
            <option key={u.id} value={u.code}>
              {u.name} ({u.code})
            </option>
          ))}
        </select>
      </label>
      <p className="cdir-note">
        {t('cdir.units.mergeNeedsRequest')} <Link to={`/requests/new?kind=unit-dissolve&unit=${enc(unit.code)}${successor ? `&successor=${enc(successor)}` : ''}`}>{t('cdir.fileRequest')}</Link>
      </p>
      <ReasonField value={reason} onChange={setReason} />
      <button type="submit" className="button" disabled={save.isPending}>
        {t('cdir.units.dissolve')}
      </button>
      <ApiError error={save.error} />
    </form>
  );
}
