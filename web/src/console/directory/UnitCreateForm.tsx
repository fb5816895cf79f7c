// Owns: creating a unit under a parent (or at the province's top) through POST /api/v1/units, with its
// reason; the unit mailbox's initial password is shown once.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { calls, useChange } from './api.ts';
import { ReasonField } from './ReasonField.tsx';
import { ApiError } from './ApiError.tsx';
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
  const [reason, setReason] = useState('');
  const [password, setPassword] = useState<string | null>(null);
  const create = useChange(calls.createUnit, (out) => {
    setPassword(out.initialPassword ?? null);
    setCode('');
    setName('');
    setAbbreviation('');
    return t('cdir.units.created', { name: out.unit.name });
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    create.mutate({ code: code.trim(), name: name.trim(), kind: kind.trim(), parentCode, withMailbox, reason: reason.trim(), ...(abbreviation.trim() ? { abbreviation: abbreviation.trim() } : {}) });
  }
  const title = parentCode ? t('cdir.units.create') : t('cdir.units.createTop');
  return (
    <form className="cdir-form" onSubmit={submit} aria-label={title}>
      <h3>{title}</h3>
      <label>
        {t('cdir.code')}
        <input required value={code} onChange={(e) => setCode(e.target.value)} />
      </label>
      <label>
        {t('cdir.name')}
        <input required value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        {t('cdir.abbreviation')}
        <input value={abbreviation} onChange={(e) => setAbbreviation(e.target.value)} />
      </label>
      <label>
        {t('cdir.kind')}
        <select value={kind} onChange={(e) => setKind(e.target.value)}>
          {UNIT_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`cdir.kinds.${k}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="cdir-check">
        <input type="checkbox" checked={withMailbox} onChange={(e) => setWithMailbox(e.target.checked)} />
        {t('cdir.units.withMailbox')}
      </label>
      <ReasonField value={reason} onChange={setReason} />
      <button type="submit" className="button primary" disabled={create.isPending}>
        {title}
      </button>
      <ApiError error={create.error} />
      {password && (
        <p className="cdir-secret" role="status">
          {t('cdir.units.initialPassword', { password })}
        </p>
      )}
    </form>
  );
}
