// Owns: the app's routes table — one entry per screen. Later screens (the unit-mailbox work queue,
// the directory browser, help pages) add a line here and a folder beside mail/.
import type { RouteObject } from 'react-router';
import { Navigate } from 'react-router';
import { LoginPage } from './auth/LoginPage.tsx';
import { ChangePasswordPage } from './auth/ChangePasswordPage.tsx';
import { RequireSession } from './auth/RequireSession.tsx';
import { AppShell } from './layout/AppShell.tsx';
import { MailHome } from './mail/MailHome.tsx';
import { MailPage } from './mail/MailPage.tsx';
import { ComposePage } from './compose/ComposePage.tsx';
import { SettingsPage } from './settings/SettingsPage.tsx';
import { WorkQueuePage } from './workqueue/WorkQueuePage.tsx';
import { MyReportsPage } from './report/MyReportsPage.tsx';
import { DirectoryPage } from './directory/DirectoryPage.tsx';
import { HelpPage } from './help/HelpPage.tsx';

export const routes: RouteObject[] = [
  { path: '/login', element: <LoginPage /> },
  { path: '/change-password', element: <ChangePasswordPage /> },
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
      { path: 'compose', element: <ComposePage /> },
      { path: 'settings', element: <SettingsPage /> },
      { path: 'workqueue/:accountId', element: <WorkQueuePage /> },
      { path: 'reports', element: <MyReportsPage /> },
      { path: 'directory', element: <DirectoryPage /> },
      { path: 'help', element: <HelpPage /> },
      { path: '*', element: <Navigate to="/" replace /> },
    ],
  },
];
