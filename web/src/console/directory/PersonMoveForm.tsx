// Owns: moving a person to another unit (POST /api/v1/people/:id/move) with its reason; the answer's
// warnings (a headship vacated) are shown.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { calls, useChange, useUnits, type Person } from './api.ts';
import { ReasonField } from './ReasonField.tsx';
import { ApiError } from './ApiError.tsx';
import './texts.ts';

export function PersonMoveForm({ person }: { person: Person }) {
  const { t } = useTranslation();
  const units = useUnits();
  const [unitCode, setUnitCode] = useState('');
  const [reason, setReason] = useState('');
  const [warnings, setWarnings] = useState<string[]>([]);
  const move = useChange(
    (r: string) => calls.movePerson(person.id, unitCode, r),
    (out) => {
      setWarnings((out.warnings ?? []).map((w) => (typeof w === 'string' ? w : ((w as { message?: string }).message ?? JSON.stringify(w)))));
      return t('cdir.people.moved');
    },
  );
  const submit = (e: FormEvent) => (e.preventDefault(), move.mutate(reason.trim()));
  const live = (units.data ?? []).filter((u) => u.id !== person.unitId && (u.validTo === null || u.validTo > Date.now()));
  return (
    <form className="cdir-form" onSubmit={submit} aria-label={t('cdir.people.move')}>
      <h3>{t('cdir.people.move')}</h3>
      <label>
        {t('cdir.people.moveTo')}
        <select required value={unitCode} onChange={(e) => setUnitCode(e.target.value)}>
          <option value="" />
          {live.map((u) => (
            <option key={u.id} value={u.code}>
              {u.name} ({u.code})
            </option>
          ))}
        </select>
      </label>
      <ReasonField value={reason} onChange={setReason} />
      <button type="submit" className="button" disabled={move.isPending}>
        {t('cdir.people.move')}
      </button>
      <ApiError error={move.error} />
      {warnings.map((w) => (
        <p key={w} className="cdir-note">
          {t('cdir.people.warnings', { text: w })}
        </p>
      ))}
    </form>
  );
}
