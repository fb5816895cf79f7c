// Owns: moving a person to another unit (POST /api/v1/people/:id/move) with its reason; the answer's
// warnings (a headship vacated) are shown.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { calls, useChange, useUnits, type Person } from './api.ts';
import { ChangeForm, LiveUnitField } from './ChangeForm.tsx';
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
  const shown = warnings.map((w) => (
    <p key={w} className="cdir-note">
      {t('cdir.people.warnings', { text: w })}
    </p>
  ));
  return (
    <ChangeForm title={t('cdir.people.move')} change={move} onSubmit={move.mutate} submitLabel={t('cdir.people.move')} after={shown}>
      <LiveUnitField label={t('cdir.people.moveTo')} required value={unitCode} onChange={setUnitCode} units={units.data ?? []} except={person.unitId} />
    </ChangeForm>
  );
}
