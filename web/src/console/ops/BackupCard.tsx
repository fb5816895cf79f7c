// Owns: the last-backup card of the dashboard (issue 14): when the last backup ran, its size, its
// set and folder, whether it was verified against its manifest (and the button to verify it now),
// red when it failed or is older than backup.maxAgeHours.
import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useLastBackup, verifyLastBackup } from './api.ts';
import { formatBytes } from './charts.tsx';
import { toast } from '../../layout/Toasts.tsx';

export function BackupCard({ canVerify }: { canVerify: boolean }) {
  const { t, i18n } = useTranslation();
  const q = useLastBackup();
  const qc = useQueryClient();
  const [busy, setBusy] = useState(false);
  const when = (iso: string) => new Date(iso).toLocaleString(i18n.language === 'en' ? 'en-GB' : 'vi-VN', { dateStyle: 'short', timeStyle: 'short' });
  async function verify() {
    setBusy(true);
    try {
      qc.setQueryData(['ops', 'backup'], await verifyLastBackup());
    } catch (e) {
      toast(String((e as Error).message));
    } finally {
      setBusy(false);
    }
  }
  if (q.isPending) return <section className="ops-card">{t('ops.loading')}</section>;
  if (q.isError) return <section className="ops-card">{t('ops.error', { message: q.error.message })}</section>;
  const b = q.data;
  const s = b.status;
  const v = b.verification;
  return (
    <section className={`ops-card ${b.stale ? 'ops-bad' : 'ops-good'}`} aria-labelledby="ops-backup-h" data-testid="backup-card" data-stale={b.stale}>
      <h2 id="ops-backup-h">{t('ops.backup.title')}</h2>
      {!s ? (
        <p role="alert">{t('ops.backup.none')}</p>
      ) : (
        <>
          <dl className="ops-dl">
            <dt>{t('ops.backup.at')}</dt>
            <dd data-testid="backup-at">
              {when(s.at)} ({t('ops.backup.age', { hours: b.ageHours?.toLocaleString(i18n.language === 'en' ? 'en-GB' : 'vi-VN') })})
            </dd>
            {s.storedBytes !== undefined && (
              <>
                <dt>{t('ops.backup.size')}</dt>
                <dd data-testid="backup-size" data-value={s.storedBytes}>
                  {formatBytes(s.storedBytes)}
                </dd>
              </>
            )}
            {s.set && (
              <>
                <dt>{t('ops.backup.set')}</dt>
                <dd>{s.set}</dd>
              </>
            )}
            <dt>{t('ops.backup.dir')}</dt>
            <dd>
              <code>{s.dir}</code>
            </dd>
          </dl>
          {!s.ok ? (
            <p role="alert">{t('ops.backup.failed', { error: s.error ?? '' })}</p>
          ) : b.stale ? (
            <p role="alert">{t('ops.backup.stale', { hours: b.maxAgeHours })}</p>
          ) : (
            <p>{t('ops.backup.fresh', { hours: b.maxAgeHours })}</p>
          )}
          <p data-testid="backup-verified" data-ok={v ? String(v.ok) : 'none'}>
            {!v ? t('ops.backup.notVerified') : v.ok ? t('ops.backup.verified', { at: when(v.at), files: v.files }) : t('ops.backup.broken', { at: when(v.at), problem: v.problems[0] ?? '' })}
          </p>
          {canVerify && s.ok && (
            <button type="button" onClick={() => void verify()} disabled={busy}>
              {busy ? t('ops.backup.verifying') : t('ops.backup.verify')}
            </button>
          )}
        </>
      )}
    </section>
  );
}
