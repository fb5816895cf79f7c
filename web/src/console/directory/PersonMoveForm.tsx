// Owns: moving a person to another unit (POST /api/v1/people/:id/move) with its reason; the answer's
// warnings (a headship vacated) are shown.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { calls, useChange, useUnits, type Person } from './api.ts';
import { ChangeForm } from './ChangeForm.tsx';
import './texts.ts';

export function PersonMoveForm({ person }: { person: Person }) {
  const { t } = useTranslation();
  const units = useUnits();
  const [unitCode, setUnitCode] = useState('');
  const [warnings, setWarnings] = useState<string[]>([]);
  const move = useChange(
    (r: string) => calls.movePerson(person.id, unitCode, r),
    (out) => {
      setWarnings((out.warnings ?? []).map((w) => (typeof w === 'string' ? w : ((w as { message?: string }).message ?? JSON.stringify(w)))));
      return t('cdir.people.moved');
    },
  );
  const live = (units.data ?? []).filter((u) => u.id !== person.unitId && (u.validTo === null || u.validTo > Date.now()));
  const shown = warnings.map((w) => (
    <p key={w} className="cdir-note">
      {t('cdir.people.warnings', { text: w })}
    </p>
  ));
  return (
    <ChangeForm title={t('cdir.people.move')} change={move} onSubmit={move.mutate} submitLabel={t('cdir.people.move')} after={shown}>
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
    </ChangeForm>
  );
}
