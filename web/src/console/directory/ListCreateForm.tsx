// Owns: creating a distribution list (POST /api/v1/lists: address, name, kind, unit, who may send) with its reason.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { calls, useChange, type MailList } from './api.ts';
import { ChangeForm, ChoiceField, TextField } from './ChangeForm.tsx';
import './texts.ts';

const KINDS: readonly MailList['kind'][] = ['static', 'unit-members', 'unit-heads'];
const SENDERS = ['anyone', 'members', 'local', 'listed'] as const;

export function ListCreateForm() {
  const { t } = useTranslation();
  const [address, setAddress] = useState('');
  const [name, setName] = useState('');
  const [kind, setKind] = useState<MailList['kind']>('static');
  const [unitCode, setUnitCode] = useState('');
  const [senders, setSenders] = useState<string>('local');
  const create = useChange(calls.createList, () => {
    setAddress('');
    setName('');
  });
  const submit = (reason: string) => create.mutate({ address: address.trim().toLowerCase(), name: name.trim(), kind, unitCode: unitCode.trim() || null, senders, reason });
  return (
    <ChangeForm title={t('cdir.lists.create')} change={create} onSubmit={submit} submitLabel={t('cdir.lists.create')} primary>
      <TextField label={t('cdir.lists.address')} type="email" required value={address} onChange={setAddress} />
      <TextField label={t('cdir.name')} required value={name} onChange={setName} />
      <ChoiceField label={t('cdir.kind')} value={kind} onChange={setKind} choices={KINDS} choiceLabel={(k) => t(`cdir.lists.kinds.${k}`)} />
      <TextField label={t('cdir.lists.unitCode')} value={unitCode} onChange={setUnitCode} />
      <ChoiceField label={t('cdir.lists.senders')} value={senders} onChange={setSenders} choices={SENDERS} choiceLabel={(s) => t(`cdir.lists.senderPolicies.${s}`)} />
    </ChangeForm>
  );
}
