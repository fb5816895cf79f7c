// Owns: the gate in front of the app's screens: not signed in → /login; password must be changed → /change-password.
import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useMe } from './session.ts';

export function RequireSession({ children }: { children: ReactNode }) {
  const me = useMe();
  const { t } = useTranslation();
  const loc = useLocation();
  if (me.isPending)
    return (
      <p className="center" role="status">
        {t('app.loading')}
      </p>
    );
  if (me.error) {
    if (me.error.code === 'PASSWORD_CHANGE_REQUIRED') return <Navigate to="/change-password" replace />;
    return <Navigate to={`/login?next=${encodeURIComponent(loc.pathname + loc.search)}`} replace />;
  }
  return <>{children}</>;
}
