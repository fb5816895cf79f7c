// Owns: granting a role (POST /api/v1/roles: account, role, unit scope or the whole province) with its
// reason; the API decides who may hand out which role (a sysadmin any, an agency head a clerk in their
// subtree) and its refusal is shown in Vietnamese.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ASSIGNABLE_ROLES, calls, useChange, type AssignableRole } from './api.ts';
import { ReasonField } from './ReasonField.tsx';
import { ApiError } from './ApiError.tsx';
import './texts.ts';

export function RoleGrantForm() {
  const { t } = useTranslation();
  const [account, setAccount] = useState('');
  const [role, setRole] = useState<AssignableRole>('agency-clerk');
  const [unitCode, setUnitCode] = useState('');
  const [reason, setReason] = useState('');
  const grant = useChange(calls.grantRole, () => setAccount(''));
  function submit(e: FormEvent) {
    e.preventDefault();
    grant.mutate({ account: account.trim().toLowerCase(), role, unitCode: unitCode.trim() || null, reason: reason.trim() });
  }
  return (
    <form className="cdir-form" onSubmit={submit} aria-label={t('cdir.roles.grant')}>
      <h3>{t('cdir.roles.grant')}</h3>
      <label>
        {t('cdir.roles.account')}
        <input type="email" required value={account} onChange={(e) => setAccount(e.target.value)} />
      </label>
      <label>
        {t('cdir.roles.role')}
        <select value={role} onChange={(e) => setRole(e.target.value as AssignableRole)}>
          {ASSIGNABLE_ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`cdir.roles.names.${r}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('cdir.roles.unitCode')}
        <input value={unitCode} onChange={(e) => setUnitCode(e.target.value)} />
      </label>
      <ReasonField value={reason} onChange={setReason} />
      <button type="submit" className="button primary" disabled={grant.isPending}>
        {t('cdir.roles.grant')}
      </button>
      <ApiError error={grant.error} testId="cdir-role-error" />
    </form>
  );
}
