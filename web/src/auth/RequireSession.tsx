// Owns: the gate in front of the app's screens: not signed in → /login; password must be changed → /change-password.

import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useMe } from './session.ts';

export function RequireSession({ children }: { children: ReactNode }) {
  const me = useMe();
  const loc = useLocation();
  // While /me is on its way the screen starts its own requests (the list does not wait for it: a
  // cold open is one round trip shorter); a session that turns out missing redirects.
  if (me.error) {
    if (me.error.code === 'PASSWORD_CHANGE_REQUIRED') return <Navigate to="/change-password" replace />;
    return <Navigate to={`/login?next=${encodeURIComponent(loc.pathname + loc.search)}`} replace />;
  }
  return <>{children}</>;
}
