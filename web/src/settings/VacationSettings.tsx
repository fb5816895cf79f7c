// Owns: the out-of-office reply (JMAP VacationResponse/get|set, RFC 8621 §8).
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { call, CORE, MAIL, VACATION } from '../api/jmap.ts';
import { useJmapSession } from '../mail/data.ts';
import { toast } from '../layout/Toasts.tsx';

interface Vacation {
  isEnabled: boolean;
  fromDate: string | null;
  toDate: string | null;
  subject: string | null;
  textBody: string | null;
}

const day = (iso: string | null) => (iso ? iso.slice(0, 10) : '');

export function VacationSettings() {
  const { t } = useTranslation();
  const s = useJmapSession();
  const accountId = s.data?.primaryAccounts[MAIL];
  const supported = !!s.data && VACATION in (s.data.capabilities ?? {});
  const [v, setV] = useState<Vacation | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!supported || !accountId) return;
    call<{ list: Vacation[] }>('VacationResponse/get', { accountId, ids: ['singleton'] }, [CORE, MAIL, VACATION])
      .then((r) => setV(r.list[0] ?? { isEnabled: false, fromDate: null, toDate: null, subject: null, textBody: null }))
      .catch((e: Error) => setError(e.message));
  }, [supported, accountId]);

  if (!supported) return <p>{t('settings.vacationUnavailable')}</p>;
  if (!v) return <p role="status">{error ?? t('app.loading')}</p>;

  async function save(e: FormEvent) {
    e.preventDefault();
    try {
      const r = await call<{ notUpdated?: Record<string, { type: string; description?: string }> }>(
        'VacationResponse/set',
        {
          accountId,
          update: {
            singleton: {
              isEnabled: v!.isEnabled,
              fromDate: v!.fromDate ? new Date(v!.fromDate).toISOString() : null,
              toDate: v!.toDate ? new Date(v!.toDate).toISOString() : null,
              subject: v!.subject || null,
              textBody: v!.textBody || null,
            },
          },
        },
        [CORE, MAIL, VACATION],
      );
      const nu = r.notUpdated?.singleton;
      if (nu) throw new Error(nu.description ?? nu.type);
      toast(t('settings.vacationSaved'));
    } catch (err) {
      setError((err as Error).message);
    }
  }

  return (
    <form onSubmit={save} className="vacation">
      <label className="switch">
        <input type="checkbox" checked={v.isEnabled} onChange={(e) => setV({ ...v, isEnabled: e.target.checked })} />
        {t('settings.vacationOn')}
      </label>
      <label>
        {t('settings.vacationFrom')}
        <input type="date" value={day(v.fromDate)} onChange={(e) => setV({ ...v, fromDate: e.target.value || null })} />
      </label>
      <label>
        {t('settings.vacationTo')}
        <input type="date" value={day(v.toDate)} onChange={(e) => setV({ ...v, toDate: e.target.value || null })} />
      </label>
      <label>
        {t('settings.vacationSubject')}
        <input value={v.subject ?? ''} onChange={(e) => setV({ ...v, subject: e.target.value })} />
      </label>
      <label>
        {t('settings.vacationText')}
        <textarea rows={5} value={v.textBody ?? ''} onChange={(e) => setV({ ...v, textBody: e.target.value })} />
      </label>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="primary">
        {t('app.save')}
      </button>
    </form>
  );
}
