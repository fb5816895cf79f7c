// Owns: the app's routes table — one entry per screen. Later screens (the unit-mailbox work queue,
// the directory browser, help pages) add a line here and a folder beside mail/. Screens other than
// the mail itself load on first use (`lazy`: their own chunks), so the first screen's JavaScript stays small.
import type { RouteObject } from 'react-router';
import { Navigate } from 'react-router';
import { LoginPage } from './auth/LoginPage.tsx';
import { ChangePasswordPage } from './auth/ChangePasswordPage.tsx';
import { RequireSession } from './auth/RequireSession.tsx';
import { AppShell } from './layout/AppShell.tsx';
import { MailHome } from './mail/MailHome.tsx';
import { MailPage } from './mail/MailPage.tsx';

export const routes: RouteObject[] = [
  { path: '/login', element: <LoginPage /> },
  { path: '/change-password', element: <ChangePasswordPage /> },
  { path: '/credential/:token', lazy: async () => ({ Component: (await import('./requests/RequestExtras.tsx')).RedeemPage }) },
  {
    path: '/',
    element: (
      <RequireSession>
        <AppShell />
      </RequireSession>
    ),
    children: [
      { index: true, element: <MailHome /> },
      { path: 'mail/:accountId/:mailboxId', element: <MailPage /> },
      { path: 'mail/:accountId/:mailboxId/:emailId', element: <MailPage /> },
      { path: 'compose', lazy: async () => ({ Component: (await import('./compose/ComposePage.tsx')).ComposePage }) },
      { path: 'settings', lazy: async () => ({ Component: (await import('./settings/SettingsPage.tsx')).SettingsPage }) },
      { path: 'workqueue/:accountId', lazy: async () => ({ Component: (await import('./workqueue/WorkQueuePage.tsx')).WorkQueuePage }) },
      { path: 'reports', lazy: async () => ({ Component: (await import('./report/MyReportsPage.tsx')).MyReportsPage }) },
      { path: 'directory', lazy: async () => ({ Component: (await import('./directory/DirectoryPage.tsx')).DirectoryPage }) },
      { path: 'requests', lazy: async () => ({ Component: (await import('./requests/RequestsPage.tsx')).RequestsPage }) },
      { path: 'requests/new', lazy: async () => ({ Component: (await import('./requests/NewRequestPage.tsx')).NewRequestPage }) },
      { path: 'requests/batch', lazy: async () => ({ Component: (await import('./requests/BatchPage.tsx')).BatchPage }) },
      { path: 'requests/:id', lazy: async () => ({ Component: (await import('./requests/RequestPage.tsx')).RequestPage }) },
      { path: 'approvals', lazy: async () => ({ Component: (await import('./requests/RequestsPage.tsx')).ApprovalsPage }) },
      { path: 'console/directory/:tab?/:id?', lazy: async () => ({ Component: (await import('./console/directory/DirectoryConsolePage.tsx')).DirectoryConsolePage }) },
      { path: 'console', lazy: async () => ({ Component: (await import('./console/ops/DashboardPage.tsx')).DashboardPage }) },
      { path: 'console/capacity', lazy: async () => ({ Component: (await import('./console/ops/CapacityPage.tsx')).CapacityPage }) },
      { path: 'console/queue', lazy: async () => ({ Component: (await import('./console/ops/QueuePage.tsx')).QueuePage }) },
      { path: 'console/audit', lazy: async () => ({ Component: (await import('./console/ops/AuditPage.tsx')).AuditPage }) },
      { path: 'console/lockouts', lazy: async () => ({ Component: (await import('./console/ops/LockoutsPage.tsx')).LockoutsPage }) },
      { path: 'help', lazy: async () => ({ Component: (await import('./help/HelpPage.tsx')).HelpPage }) },
      { path: '*', element: <Navigate to="/" replace /> },
    ],
  },
];
