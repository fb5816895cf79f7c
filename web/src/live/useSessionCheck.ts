// Owns: noticing that this browser's session ended elsewhere ("sign out everywhere", a password
// changed on another device, the account disabled): GET /auth/web/session every minute and when the
// app comes back to the foreground; a 401 leads to the sign-in.
import { useEffect } from 'react';
import { useNavigate } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';

const EVERY_MS = 60_000;

export function useSessionCheck(): void {
  const nav = useNavigate();
  const qc = useQueryClient();
  useEffect(() => {
    let live = true;
    const check = async () => {
      try {
        const res = await fetch('/auth/web/session', { credentials: 'same-origin', cache: 'no-store' });
        if (live && res.status === 401) {
          qc.clear();
          nav(`/login?next=${encodeURIComponent(window.location.pathname + window.location.search)}`, { replace: true });
        }
      } catch {
        /* offline: the next check */
      }
    };
    const onVisible = () => document.visibilityState === 'visible' && void check();
    const timer = window.setInterval(() => void check(), EVERY_MS);
    window.addEventListener('focus', onVisible);
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      live = false;
      window.clearInterval(timer);
      window.removeEventListener('focus', onVisible);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [nav, qc]);
}
