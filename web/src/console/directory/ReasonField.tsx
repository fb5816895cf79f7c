// Owns: the "reason" field every directory change carries — the reference of the official document
// the API requires (src/http/routes/common.ts requiredReason) and the history records with the change.
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import './texts.ts';

export function ReasonField({ value, onChange, testId }: { value: string; onChange: (v: string) => void; testId?: string }) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <label className="cdir-reason">
      {t('cdir.reason')}
      <input required value={value} onChange={(e) => onChange(e.target.value)} aria-describedby={id} placeholder="QĐ 12/QĐ-UBND" data-testid={testId} />
      <small id={id}>{t('cdir.reasonHint')}</small>
    </label>
  );
}
