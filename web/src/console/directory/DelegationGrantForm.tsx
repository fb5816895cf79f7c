// Owns: delegating a mailbox to someone (PUT /api/v1/mailboxes/:address/delegations/:grantee: read,
// send-as, send-on-behalf, manage; replaces the grantee's earlier rights) with its reason.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { calls, RIGHTS, useChange, type Right } from './api.ts';
import { ReasonField } from './ReasonField.tsx';
import { ApiError } from './ApiError.tsx';
import './texts.ts';

export function DelegationGrantForm({ owner }: { owner: string }) {
  const { t } = useTranslation();
  const [grantee, setGrantee] = useState('');
  const [rights, setRights] = useState<Right[]>(['read']);
  const [reason, setReason] = useState('');
  const grant = useChange(
    (i: { grantee: string; reason: string }) => calls.grant(owner, i.grantee, rights, i.reason),
    (_out, i) => {
      setGrantee('');
      return t('cdir.mailboxes.granted', { who: i.grantee });
    },
  );
  function submit(e: FormEvent) {
    e.preventDefault();
    grant.mutate({ grantee: grantee.trim().toLowerCase(), reason: reason.trim() });
  }
  const flip = (r: Right, on: boolean) => setRights((rs) => (on ? [...rs.filter((x) => x !== r), r] : rs.filter((x) => x !== r)));
  return (
    <form className="cdir-form" onSubmit={submit} aria-label={t('cdir.mailboxes.grant')}>
      <h3>{t('cdir.mailboxes.grant')}</h3>
      <label>
        {t('cdir.mailboxes.grantee')}
        <input type="email" required value={grantee} onChange={(e) => setGrantee(e.target.value)} />
      </label>
      <fieldset>
        <legend>{t('cdir.mailboxes.rights')}</legend>
        {RIGHTS.map((r) => (
          <label key={r} className="cdir-check">
            <input type="checkbox" checked={rights.includes(r)} onChange={(e) => flip(r, e.target.checked)} />
            {t(`cdir.mailboxes.right.${r}`)}
          </label>
        ))}
      </fieldset>
      <ReasonField value={reason} onChange={setReason} />
      <button type="submit" className="button primary" disabled={grant.isPending || rights.length === 0}>
        {t('cdir.mailboxes.grant')}
      </button>
      {rights.length === 0 && <p className="cdir-note">{t('cdir.mailboxes.rightsNeeded')}</p>}
      <ApiError error={grant.error} />
    </form>
  );
}
