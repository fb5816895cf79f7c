// Owns: resetting a person's password (POST /api/v1/people/:id/password/reset) with its reason: the
// one-time password is shown here once, to hand over out of band (never mailed to the locked mailbox).
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { calls, useChange, type Person } from './api.ts';
import { ReasonField } from './ReasonField.tsx';
import { ApiError } from './ApiError.tsx';
import './texts.ts';

export function PasswordResetForm({ person }: { person: Person }) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const [result, setResult] = useState<{ address: string; password: string } | null>(null);
  const reset = useChange(
    (r: string) => calls.resetPassword(person.id, r),
    (out) => setResult(out),
  );
  const submit = (e: FormEvent) => (e.preventDefault(), reset.mutate(reason.trim()));
  return (
    <form className="cdir-form" onSubmit={submit} aria-label={t('cdir.people.reset')}>
      <h3>{t('cdir.people.reset')}</h3>
      <p>{t('cdir.people.resetHint')}</p>
      <ReasonField value={reason} onChange={setReason} />
      <button type="submit" className="button" disabled={reset.isPending || !person.accountId}>
        {t('cdir.people.reset')}
      </button>
      <ApiError error={reset.error} />
      {result && <p className="cdir-secret">{t('cdir.people.resetDone', result)}</p>}
    </form>
  );
}
