// Owns: the folder pane: the user's own mailbox, then the unit (delegated) mailboxes under their own heading.
import { useTranslation } from 'react-i18next';
import { accountsOf, useJmapSession } from './data.ts';
import { FolderTree } from './FolderTree.tsx';
import { useNewMailNotice } from '../live/useNewMailNotice.ts';

export function FolderPane({ currentAccount, currentMailbox }: { currentAccount?: string; currentMailbox?: string }) {
  const { t } = useTranslation();
  const s = useJmapSession();
  useNewMailNotice(s.data ? accountsOf(s.data).find((a) => a.isPersonal)?.id : undefined);
  if (!s.data) return <p role="status">{t('app.loading')}</p>;
  const accounts = accountsOf(s.data);
  const own = accounts.filter((a) => a.isPersonal);
  const units = accounts.filter((a) => !a.isPersonal);
  return (
    <>
      <section aria-labelledby="folders-mine">
        <h2 className="pane-heading" id="folders-mine">
          {t('folders.mine')}
        </h2>
        {own.map((a) => (
          <FolderTree key={a.id} accountId={a.id} current={currentAccount === a.id ? currentMailbox : undefined} />
        ))}
      </section>
      {units.length > 0 && (
        <>
          <h2 className="pane-heading">{t('folders.units')}</h2>
          {units.map((a) => (
            <section key={a.id} aria-label={a.name} className="unit-account">
              <h3 className="unit-name">{a.name}</h3>
              <FolderTree accountId={a.id} current={currentAccount === a.id ? currentMailbox : undefined} />
            </section>
          ))}
        </>
      )}
    </>
  );
}
