// Owns: the console's roles section: the assignments the caller may read (GET /api/v1/roles), revoking
// one (POST /api/v1/roles/revoke) with its reason, and the grant form.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { calls, useChange, useRoles } from './api.ts';
import { ApiError } from './ApiError.tsx';
import { ReasonField } from './ReasonField.tsx';
import { RoleGrantForm } from './RoleGrantForm.tsx';
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
        {roles.isPending ? (
          <p role="status">{t('cdir.loading')}</p>
        ) : roles.isError ? (
          <ApiError error={roles.error} />
        ) : !roles.data.length ? (
          <p>{t('cdir.roles.none')}</p>
        ) : (
          <>
            <table className="grid" data-testid="cdir-roles">
              <thead>
                <tr>
                  <th scope="col">{t('cdir.roles.account')}</th>
                  <th scope="col">{t('cdir.roles.role')}</th>
                  <th scope="col">{t('cdir.roles.scope')}</th>
                  <th scope="col">{t('cdir.roles.grantedBy')}</th>
                  <th scope="col">
                    <span className="sr-only">{t('cdir.roles.revoke')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {roles.data.map((a) => (
                  <tr key={a.id}>
                    <td>{a.account}</td>
                    <td>{t(`cdir.roles.names.${a.role}`, { defaultValue: a.role })}</td>
                    <td>{a.unitCode ?? t('cdir.roles.province')}</td>
                    <td>{a.grantedBy}</td>
                    <td>
                      <button
                        type="button"
                        className="button"
                        aria-label={`${t('cdir.roles.revoke')}: ${a.account} ${a.role}`}
                        disabled={!reason.trim() || revoke.isPending}
                        onClick={() => revoke.mutate({ account: a.account, role: a.role, unitCode: a.unitCode, reason: reason.trim() })}
                      >
                        {t('cdir.roles.revoke')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <ReasonField value={reason} onChange={setReason} />
            <ApiError error={revoke.error} />
          </>
        )}
      </section>
      <RoleGrantForm />
    </div>
  );
}
