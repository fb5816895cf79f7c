// Owns: creating a unit under a parent (or at the province's top) through POST /api/v1/units, with its
// reason; the unit mailbox's initial password is shown once.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { calls, useChange } from './api.ts';
import { ChangeForm, ChoiceField, TextField } from './ChangeForm.tsx';
import './texts.ts';

/** The directory's unit kinds (src/directory/kinds.ts UNIT_KINDS). */
const UNIT_KINDS = ['province', 'agency', 'district', 'commune', 'department'] as const;

export function UnitCreateForm({ parentCode }: { parentCode: string | null }) {
  const { t } = useTranslation();
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [abbreviation, setAbbreviation] = useState('');
  const [kind, setKind] = useState<string>(parentCode ? 'department' : 'agency');
  const [withMailbox, setWithMailbox] = useState(true);
  const [password, setPassword] = useState<string | null>(null);
  const create = useChange(calls.createUnit, (out) => {
    setPassword(out.initialPassword ?? null);
    setCode('');
    setName('');
    setAbbreviation('');
    return t('cdir.units.created', { name: out.unit.name });
  });
  const submit = (reason: string) =>
    create.mutate({ code: code.trim(), name: name.trim(), kind: kind.trim(), parentCode, withMailbox, reason, ...(abbreviation.trim() ? { abbreviation: abbreviation.trim() } : {}) });
  const title = parentCode ? t('cdir.units.create') : t('cdir.units.createTop');
  const shown = password && (
    <p className="cdir-secret" role="status">
      {t('cdir.units.initialPassword', { password })}
    </p>
  );
  return (
    <ChangeForm title={title} change={create} onSubmit={submit} submitLabel={title} primary after={shown}>
      <TextField label={t('cdir.code')} required value={code} onChange={setCode} />
      <TextField label={t('cdir.name')} required value={name} onChange={setName} />
      <TextField label={t('cdir.abbreviation')} value={abbreviation} onChange={setAbbreviation} />
      <ChoiceField label={t('cdir.kind')} value={kind} onChange={setKind} choices={UNIT_KINDS} choiceLabel={(k) => t(`cdir.kinds.${k}`)} />
      <label className="cdir-check">
        <input type="checkbox" checked={withMailbox} onChange={(e) => setWithMailbox(e.target.checked)} />
        {t('cdir.units.withMailbox')}
      </label>
    </ChangeForm>
  );
}
