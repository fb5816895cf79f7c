// Owns: granting a role (POST /api/v1/roles: account, role, unit scope or the whole province) with its
// reason; the API decides who may hand out which role (a sysadmin any, an agency head a clerk in their
// subtree) and its refusal is shown in Vietnamese.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ASSIGNABLE_ROLES, calls, useChange, type AssignableRole } from './api.ts';
import { ChangeForm, ChoiceField, TextField } from './ChangeForm.tsx';
import './texts.ts';

export function RoleGrantForm() {
  const { t } = useTranslation();
  const [account, setAccount] = useState('');
  const [role, setRole] = useState<AssignableRole>('agency-clerk');
  const [unitCode, setUnitCode] = useState('');
  const grant = useChange(calls.grantRole, () => setAccount(''));
  const submit = (reason: string) => grant.mutate({ account: account.trim().toLowerCase(), role, unitCode: unitCode.trim() || null, reason });
  return (
    <ChangeForm title={t('cdir.roles.grant')} change={grant} onSubmit={submit} submitLabel={t('cdir.roles.grant')} primary errorTestId="cdir-role-error">
      <TextField label={t('cdir.roles.account')} type="email" required value={account} onChange={setAccount} />
      <ChoiceField label={t('cdir.roles.role')} value={role} onChange={setRole} choices={ASSIGNABLE_ROLES} choiceLabel={(r) => t(`cdir.roles.names.${r}`)} />
      <TextField label={t('cdir.roles.unitCode')} value={unitCode} onChange={setUnitCode} />
    </ChangeForm>
  );
}
