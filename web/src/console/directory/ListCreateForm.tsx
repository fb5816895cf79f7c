// Owns: creating a distribution list (POST /api/v1/lists: address, name, kind, unit, who may send) with its reason.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { calls, useChange, type MailList } from './api.ts';
import { ReasonField } from './ReasonField.tsx';
import { ApiError } from './ApiError.tsx';
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
  const [reason, setReason] = useState('');
  const create = useChange(calls.createList, () => {
    setAddress('');
    setName('');
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    create.mutate({ address: address.trim().toLowerCase(), name: name.trim(), kind, unitCode: unitCode.trim() || null, senders, reason: reason.trim() });
  }
  return (
    <form className="cdir-form" onSubmit={submit} aria-label={t('cdir.lists.create')}>
      <h3>{t('cdir.lists.create')}</h3>
      <label>
        {t('cdir.lists.address')}
        <input type="email" required value={address} onChange={(e) => setAddress(e.target.value)} />
      </label>
      <label>
        {t('cdir.name')}
        <input required value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        {t('cdir.kind')}
        <select value={kind} onChange={(e) => setKind(e.target.value as MailList['kind'])}>
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`cdir.lists.kinds.${k}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('cdir.lists.unitCode')}
        <input value={unitCode} onChange={(e) => setUnitCode(e.target.value)} />
      </label>
      <label>
        {t('cdir.lists.senders')}
        <select value={senders} onChange={(e) => setSenders(e.target.value)}>
          {SENDERS.map((s) => (
            <option key={s} value={s}>
              {t(`cdir.lists.senderPolicies.${s}`)}
            </option>
          ))}
        </select>
      </label>
      <ReasonField value={reason} onChange={setReason} />
      <button type="submit" className="button primary" disabled={create.isPending}>
        {t('cdir.lists.create')}
      </button>
      <ApiError error={create.error} />
    </form>
  );
}
