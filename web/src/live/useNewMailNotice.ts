// Owns: saying "new mail" (a toast, announced by screen readers) when the Inbox's unread count grows.
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { roleBox, useMailboxes } from '../mail/data.ts';
import { toast } from '../layout/Toasts.tsx';

export function useNewMailNotice(accountId: string | undefined): void {
  const { t } = useTranslation();
  const boxes = useMailboxes(accountId);
  const unread = roleBox(boxes.data, 'inbox')?.unreadEmails;
  const last = useRef<number | undefined>(undefined);
  useEffect(() => {
    if (unread === undefined) return;
    if (last.current !== undefined && unread > last.current) toast(t('live.newMail'));
    last.current = unread;
  }, [unread, t]);
}
