// Owns: a person's mailbox status (PUT /api/v1/people/:id/status: active, suspended, left) with its reason.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { calls, useChange, type Person, type PersonStatus } from './api.ts';
import { ReasonField } from './ReasonField.tsx';
import { ApiError } from './ApiError.tsx';
import './texts.ts';

const STATUSES: readonly PersonStatus[] = ['active', 'suspended', 'left'];

export function PersonStatusForm({ person }: { person: Person }) {
  const { t } = useTranslation();
  const [status, setStatus] = useState<PersonStatus>(person.status);
  const [reason, setReason] = useState('');
  const save = useChange((r: string) => calls.setStatus(person.id, status, r));
  const submit = (e: FormEvent) => (e.preventDefault(), save.mutate(reason.trim()));
  return (
    <form className="cdir-form" onSubmit={submit} aria-label={t('cdir.people.setStatus')}>
      <h3>{t('cdir.people.setStatus')}</h3>
      <label>
        {t('cdir.people.newStatus')}
        <select value={status} onChange={(e) => setStatus(e.target.value as PersonStatus)}>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`cdir.people.statuses.${s}`)}
            </option>
          ))}
        </select>
      </label>
      <ReasonField value={reason} onChange={setReason} />
      <button type="submit" className="button" disabled={save.isPending || status === person.status}>
        {t('cdir.save')}
      </button>
      <ApiError error={save.error} />
    </form>
  );
}
