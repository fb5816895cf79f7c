// Owns: the role-gated links under the folder pane to the console's screens (agency portal, approval
// queue, directory management, outbound queue, audit log, dashboard…). One entry per screen in ADMIN_LINKS:
// {to, labelKey, roles, vi, en}; a link shows when GET /api/v1/me lists one of its roles for the user.
// Each engineer adds ONE line to the array for their screen (the texts beside it: vi first, en too).
import { Link } from 'react-router';
import i18next from 'i18next';
import { useTranslation } from 'react-i18next';
import { useMe } from '../auth/session.ts';

export interface AdminLink {
  /** the route (routes.tsx) */
  to: string;
  /** i18next key of the label; vi/en below are registered under it */
  labelKey: string;
  /** any of these roles (core/policy.ts ROLES) shows the link */
  roles: readonly string[];
  vi: string;
  en: string;
}

export const ADMIN_LINKS: AdminLink[] = [
  { to: '/requests', labelKey: 'adminLinks.requests', roles: ['agency-head', 'agency-clerk'], vi: 'Yêu cầu của đơn vị', en: 'My unit’s requests' },
  { to: '/approvals', labelKey: 'adminLinks.approvals', roles: ['sysadmin', 'directory-manager'], vi: 'Duyệt yêu cầu', en: 'Approval queue' },
  { to: '/console', labelKey: 'adminLinks.console', roles: ['sysadmin', 'directory-manager', 'auditor'], vi: 'Bảng điều khiển, hàng đợi, nhật ký', en: 'Dashboard, queue, audit log' },
  { to: '/console/directory', labelKey: 'adminLinks.directory', roles: ['sysadmin', 'directory-manager', 'agency-head'], vi: 'Quản lý danh bạ', en: 'Directory management' },
];

for (const l of ADMIN_LINKS) {
  i18next.addResource('vi', 'translation', l.labelKey, l.vi);
  i18next.addResource('en', 'translation', l.labelKey, l.en);
}
i18next.addResource('vi', 'translation', 'adminLinks.title', 'Quản trị');
i18next.addResource('en', 'translation', 'adminLinks.title', 'Administration');

export function AdminLinks() {
  const { t } = useTranslation();
  const me = useMe();
  const roles = new Set((me.data?.roles ?? []).map((r) => r.role));
  const links = ADMIN_LINKS.filter((l) => l.roles.some((r) => roles.has(r)));
  if (links.length === 0) return null;
  return (
    <ul className="extra-links admin-links" aria-label={t('adminLinks.title')}>
      {links.map((l) => (
        <li key={l.to}>
          <Link to={l.to}>{t(l.labelKey)}</Link>
        </li>
      ))}
    </ul>
  );
}
