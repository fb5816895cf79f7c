// Owns: the console's roles section: the assignments the caller may read (GET /api/v1/roles), revoking
// one (POST /api/v1/roles/revoke) with its reason, and the grant form.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { calls, useChange, useRoles } from './api.ts';
import { ApiError } from './ApiError.tsx';
import { RoleGrantForm } from './RoleGrantForm.tsx';
import { QueryList } from '../QueryList.tsx';
import { RevokeGrid } from './RevokeGrid.tsx';
import './texts.ts';

export function RolesTab() {
  const { t } = useTranslation();
  const roles = useRoles();
  const [reason, setReason] = useState('');
  const revoke = useChange(calls.revokeRole);
  return (
    <div className="cdir-main">
      <section aria-labelledby="cdir-roles-h">
        <h2 id="cdir-roles-h">{t('cdir.roles.all')}</h2>
        <QueryList query={roles} loading={t('cdir.loading')} failed={(e) => <ApiError error={e} />} empty={t('cdir.roles.none')}>
          {(rows) => (
            <RevokeGrid
              testId="cdir-roles"
              columns={[t('cdir.roles.account'), t('cdir.roles.role'), t('cdir.roles.scope'), t('cdir.roles.grantedBy')]}
              rows={rows}
              rowKey={(a) => a.id}
              cells={(a) => (
                <>
                  <td>{a.account}</td>
                  <td>{t(`cdir.roles.names.${a.role}`, { defaultValue: a.role })}</td>
                  <td>{a.unitCode ?? t('cdir.roles.province')}</td>
                  <td>{a.grantedBy}</td>
                </>
              )}
              label={t('cdir.roles.revoke')}
              what={(a) => `${a.account} ${a.role}`}
              reason={reason}
              onReason={setReason}
              change={revoke}
              onRevoke={(a) => revoke.mutate({ account: a.account, role: a.role, unitCode: a.unitCode, reason: reason.trim() })}
            />
          )}
        </QueryList>
      </section>
      <RoleGrantForm />
    </div>
  );
}
