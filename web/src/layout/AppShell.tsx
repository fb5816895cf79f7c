// Owns: the frame of the signed-in app: skip link, top bar, folder pane, the screen (Outlet),
// live updates and keyboard shortcuts. On a phone the folder pane is a drawer.
import { useState } from 'react';
import { Outlet, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { TopBar } from './TopBar.tsx';
import { FolderPane } from '../mail/FolderPane.tsx';
import { useLiveUpdates } from '../live/useLiveUpdates.ts';
import { useSessionCheck } from '../live/useSessionCheck.ts';
import { Toasts } from './Toasts.tsx';
import { ExtraLinks } from '../help/ExtraLinks.tsx';
import { AdminLinks } from './AdminLinks.tsx';

export function AppShell() {
  const { t } = useTranslation();
  const [drawer, setDrawer] = useState(false);
  const { accountId, mailboxId } = useParams();
  useLiveUpdates();
  useSessionCheck();
  return (
    <div className={`shell${drawer ? ' drawer-open' : ''}`}>
      <a href="#main" className="skip">
        {t('app.skip')}
      </a>
      <TopBar onMenu={() => setDrawer((d) => !d)} menuOpen={drawer} />
      <div className="body">
        <nav className="folders" id="folders" aria-label={t('folders.title')} onClick={(e) => (e.target as HTMLElement).closest('a') && setDrawer(false)}>
          <FolderPane currentAccount={accountId} currentMailbox={mailboxId} />
          <ExtraLinks />
          <AdminLinks />
        </nav>
        <main id="main" className="content" tabIndex={-1}>
          <Outlet />
        </main>
      </div>
      <Toasts />
    </div>
  );
}
