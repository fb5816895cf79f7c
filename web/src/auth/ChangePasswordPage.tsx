// Owns: the password change screen — forced after signing in with a password that must be changed,
// and reachable from the settings.
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useQueryClient } from '@tanstack/react-query';
import { HttpError } from '../api/http.ts';
import { changePassword } from './session.ts';

export function ChangePasswordPage() {
  const { t } = useTranslation();
  const nav = useNavigate();
  const qc = useQueryClient();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (next !== repeat) return setError(t('password.mismatch'));
    setBusy(true);
    setError(null);
    try {
      await changePassword(current, next);
      await qc.invalidateQueries();
      nav('/', { replace: true });
    } catch (err) {
      if (err instanceof HttpError && err.code === 'UNAUTHENTICATED') return nav('/login', { replace: true });
      if (err instanceof HttpError && err.code === 'CURRENT_PASSWORD_WRONG') setError(t('password.wrong'));
      else if (err instanceof HttpError && err.code === 'PASSWORD_UNCHANGED') setError(t('password.same'));
      else setError(err instanceof HttpError ? err.message : t('app.error'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="auth-page" id="main">
      <form className="auth-card" onSubmit={submit} aria-labelledby="pw-title">
        <h1 id="pw-title">{t('password.title')}</h1>
        <p>{t('password.intro')}</p>
        <label>
          {t('password.current')}
          <input name="current" type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} autoFocus />
        </label>
        <label>
          {t('password.new')}
          <input name="new" type="password" autoComplete="new-password" required value={next} onChange={(e) => setNext(e.target.value)} />
        </label>
        <label>
          {t('password.repeat')}
          <input name="repeat" type="password" autoComplete="new-password" required value={repeat} onChange={(e) => setRepeat(e.target.value)} />
        </label>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {t('password.submit')}
        </button>
      </form>
    </main>
  );
}
