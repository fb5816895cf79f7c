// Owns: the "empty Trash" button (asks first).
import { useTranslation } from 'react-i18next';
import { useMailActions } from './actions.ts';

export function EmptyTrashButton({ accountId, mailboxId }: { accountId: string; mailboxId: string }) {
  const { t } = useTranslation();
  const actions = useMailActions(accountId);
  return (
    <button type="button" onClick={() => window.confirm(t('folders.emptyTrashConfirm')) && void actions.emptyTrash(mailboxId)}>
      {t('folders.emptyTrash')}
    </button>
  );
}
