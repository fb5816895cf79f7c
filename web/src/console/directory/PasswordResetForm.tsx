// Owns: resetting a person's password (POST /api/v1/people/:id/password/reset) with its reason: the
// one-time password is shown here once, to hand over out of band (never mailed to the locked mailbox).
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { calls, useChange, type Person } from './api.ts';
import { ChangeForm } from './ChangeForm.tsx';
import './texts.ts';

export function PasswordResetForm({ person }: { person: Person }) {
  const { t } = useTranslation();
  const [result, setResult] = useState<{ address: string; password: string } | null>(null);
  const reset = useChange(
    (r: string) => calls.resetPassword(person.id, r),
    (out) => setResult(out),
  );
  const shown = result && <p className="cdir-secret">{t('cdir.people.resetDone', result)}</p>;
  return (
    <ChangeForm title={t('cdir.people.reset')} change={reset} onSubmit={reset.mutate} submitLabel={t('cdir.people.reset')} disabled={!person.accountId} after={shown}>
      <p>{t('cdir.people.resetHint')}</p>
    </ChangeForm>
  );
}
