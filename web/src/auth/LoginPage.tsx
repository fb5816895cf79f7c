// Owns: the sign-in screen (user name, password, and the second-factor code when the account has it on).
import { useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useQueryClient } from '@tanstack/react-query';
import { HttpError } from '../api/http.ts';
import { signIn } from './session.ts';
import { LanguageSwitch } from '../layout/LanguageSwitch.tsx';

function messageKey(e: unknown): string {
  if (!(e instanceof HttpError)) return 'app.error';
  switch (e.code) {
    case 'TOO_MANY_ATTEMPTS':
      return 'login.throttled';
    case 'PASSWORD_EXPIRED':
      return 'login.expired';
    case 'SECOND_FACTOR_REQUIRED':
      return 'login.codeNeeded';
    case 'SECOND_FACTOR_INVALID':
      return 'login.codeWrong';
    default:
      return 'login.failed';
  }
}

export function LoginPage() {
  const { t } = useTranslation();
  const nav = useNavigate();
  const qc = useQueryClient();
  const [params] = useSearchParams();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [needCode, setNeedCode] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await signIn(username.trim(), password, needCode ? code.trim() : undefined);
      qc.clear();
      if (r.mustChangePassword) nav('/change-password', { replace: true });
      else {
        const next = params.get('next');
        nav(next && next.startsWith('/') && !next.startsWith('//') ? next : '/', { replace: true });
      }
    } catch (err) {
      if (err instanceof HttpError && (err.code === 'SECOND_FACTOR_REQUIRED' || err.code === 'SECOND_FACTOR_INVALID')) setNeedCode(true);
      setError(messageKey(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="auth-page" id="main">
      <form className="auth-card" onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">{t('login.title')}</h1>
        <label>
          {t('login.username')}
          <input name="username" autoComplete="username" required value={username} onChange={(e) => setUsername(e.target.value)} autoFocus />
        </label>
        <label>
          {t('login.password')}
          <input name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        {needCode && (
          <label>
            {t('login.code')}
            <input name="code" inputMode="numeric" autoComplete="one-time-code" required value={code} onChange={(e) => setCode(e.target.value)} aria-describedby="code-help" autoFocus />
            <small id="code-help">{t('login.codeHelp')}</small>
          </label>
        )}
        {error && (
          <p className="error" role="alert">
            {t(error)}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('login.busy') : t('login.submit')}
        </button>
        <LanguageSwitch />
      </form>
    </main>
  );
}
