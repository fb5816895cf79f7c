// Owns: one distribution list in the console (GET /api/v1/lists/:address with its members expanded):
// adding a member or an allowed sender, removing one, deleting the list — each with its reason — and
// the list's history.
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { calls, useChange, useList } from './api.ts';
import { ApiError } from './ApiError.tsx';
import { ReasonField } from './ReasonField.tsx';
import { HistoryPanel } from './HistoryPanel.tsx';
import './texts.ts';

export function ListDetails({ address }: { address: string }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const list = useList(address);
  const [member, setMember] = useState('');
  const [role, setRole] = useState<'member' | 'sender'>('member');
  const [reason, setReason] = useState('');
  const add = useChange(
    (r: string) => calls.addMember(address, member.trim().toLowerCase(), role, r),
    () => setMember(''),
  );
  const remove = useChange((m: string) => calls.removeMember(address, m, reason.trim()));
  const drop = useChange(
    () => calls.removeList(address, reason.trim()),
    () => void navigate('/console/directory/lists'),
  );
  const submit = (e: FormEvent) => (e.preventDefault(), add.mutate(reason.trim()));
  if (list.isPending) return <p role="status">{t('cdir.loading')}</p>;
  if (list.isError) return <ApiError error={list.error} />;
  const l = list.data;
  return (
    <section className="cdir-main" aria-labelledby="cdir-list-h">
      <h2 id="cdir-list-h">{l.name}</h2>
      <p>
        {l.address} · {t(`cdir.lists.kinds.${l.kind}`)} · {t('cdir.lists.senders')}: {t(`cdir.lists.senderPolicies.${l.senders}`, { defaultValue: l.senders })}
      </p>
      <HistoryPanel entity="list" id={l.id} />
      <h3>{t('cdir.lists.members', { address: l.address })}</h3>
      {!l.members.length ? (
        <p>{t('cdir.lists.noMembers')}</p>
      ) : (
        <ul className="cdir-people">
          {l.members.map((m) => (
            <li key={m}>
              {m}{' '}
              {l.kind === 'static' && (
                <button type="button" className="button" aria-label={`${t('cdir.lists.remove')}: ${m}`} disabled={!reason.trim() || remove.isPending} onClick={() => remove.mutate(m)}>
                  {t('cdir.lists.remove')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <form className="cdir-form" onSubmit={submit} aria-label={t('cdir.lists.add')}>
        <label>
          {t('cdir.lists.member')}
          <input type="email" required value={member} onChange={(e) => setMember(e.target.value)} />
        </label>
        <label>
          {t('cdir.lists.role')}
          <select value={role} onChange={(e) => setRole(e.target.value as 'member' | 'sender')}>
            <option value="member">{t('cdir.lists.roles.member')}</option>
            <option value="sender">{t('cdir.lists.roles.sender')}</option>
          </select>
        </label>
        <ReasonField value={reason} onChange={setReason} />
        <button type="submit" className="button primary" disabled={add.isPending}>
          {t('cdir.lists.add')}
        </button>
        <button type="button" className="button" disabled={!reason.trim() || drop.isPending} onClick={() => drop.mutate(undefined)}>
          {t('cdir.lists.removeList')}
        </button>
        <ApiError error={add.error ?? remove.error ?? drop.error} />
      </form>
    </section>
  );
}
