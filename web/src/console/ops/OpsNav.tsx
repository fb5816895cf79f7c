// Owns: the console's screens and who sees them (the API's roles: core/policy.ts), and the tabs
// between them at the top of each screen.
import { NavLink } from 'react-router';
import { useTranslation } from 'react-i18next';
import './texts.ts';
import { useMe } from '../../auth/session.ts';

export const OPS_SCREENS = [
  { to: '/console', key: 'dashboard', roles: ['sysadmin', 'directory-manager', 'auditor'] },
  { to: '/console/capacity', key: 'capacity', roles: ['sysadmin', 'directory-manager', 'auditor'] },
  { to: '/console/queue', key: 'queue', roles: ['sysadmin'] },
  { to: '/console/audit', key: 'audit', roles: ['sysadmin', 'auditor'] },
  { to: '/console/lockouts', key: 'lockouts', roles: ['sysadmin', 'auditor'] },
] as const;

export function OpsNav() {
  const { t } = useTranslation();
  const me = useMe();
  const roles = new Set((me.data?.roles ?? []).map((r) => r.role));
  return (
    <nav className="ops-tabs" aria-label={t('ops.nav.dashboard')}>
      {OPS_SCREENS.filter((s) => s.roles.some((r) => roles.has(r))).map((s) => (
        <NavLink key={s.to} to={s.to} end>
          {t(`ops.nav.${s.key}`)}
        </NavLink>
      ))}
    </nav>
  );
}
