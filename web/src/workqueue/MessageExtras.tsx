// Owns: what this engineer's features add under the reading view's toolbar, in one slot
// (reading/ReadingView.tsx renders it): the report buttons, and on a unit mailbox's message the
// work-queue panel.
import type { Email } from '../api/types.ts';
import { useJmapSession } from '../mail/data.ts';
import { ReportButtons } from '../report/ReportButtons.tsx';
import { WorkQueuePanel } from './WorkQueuePanel.tsx';

export function MessageExtras({ accountId, mailboxId, email, backHref }: { accountId: string; mailboxId: string; email: Email; backHref: string }) {
  const s = useJmapSession();
  const account = s.data?.accounts[accountId];
  if (!account) return null;
  return (
    <>
      <ReportButtons accountId={accountId} mailboxId={mailboxId} email={email} personal={account.isPersonal} backHref={backHref} />
      {!account.isPersonal && <WorkQueuePanel key={email.id} address={account.name} emailId={email.id} />}
    </>
  );
}
