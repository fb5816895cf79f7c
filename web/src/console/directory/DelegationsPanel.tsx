// Owns: one mailbox's delegations in the console (GET /api/v1/mailboxes/:address/delegations): who holds
// which rights, revoking one (DELETE …/:grantee?reason=) with its reason, the grant form and the history.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { calls, useChange, useDelegations } from './api.ts';
import { ApiError } from './ApiError.tsx';
import { DelegationGrantForm } from './DelegationGrantForm.tsx';
import { QueryList } from '../QueryList.tsx';
import { RevokeGrid } from './RevokeGrid.tsx';
import './texts.ts';

export function DelegationsPanel({ owner }: { owner: string }) {
  const { t } = useTranslation();
  const list = useDelegations(owner);
  const [reason, setReason] = useState('');
  const revoke = useChange(
    (grantee: string) => calls.revoke(owner, grantee, reason.trim()),
    (_o, grantee) => t('cdir.mailboxes.revoked', { who: grantee }),
  );
  return (
    <section aria-labelledby="cdir-deleg-h" className="cdir-main">
      <h2 id="cdir-deleg-h">{t('cdir.mailboxes.delegations', { address: owner })}</h2>
      <QueryList query={list} loading={t('cdir.loading')} failed={(e) => <ApiError error={e} />} empty={t('cdir.mailboxes.noDelegations')}>
        {(rows) => (
          <form className="cdir-form" onSubmit={(e) => e.preventDefault()} aria-label={t('cdir.mailboxes.revoke')}>
            <RevokeGrid
              testId="cdir-delegations"
              columns={[t('cdir.mailboxes.grantee'), t('cdir.mailboxes.rights')]}
              rows={rows}
              rowKey={(d) => d.grantee}
              cells={(d) => (
                <>
                  <td>{d.grantee}</td>
                  <td>{d.rights.map((r) => t(`cdir.mailboxes.right.${r}`)).join(', ')}</td>
                </>
              )}
              label={t('cdir.mailboxes.revoke')}
              what={(d) => d.grantee}
              reason={reason}
              onReason={setReason}
              change={revoke}
              onRevoke={(d) => revoke.mutate(d.grantee)}
            />
          </form>
        )}
      </QueryList>
      <DelegationGrantForm owner={owner} key={owner} />
    </section>
  );
}
