// Owns: delegating a mailbox to someone (PUT /api/v1/mailboxes/:address/delegations/:grantee: read,
// send-as, send-on-behalf, manage; replaces the grantee's earlier rights) with its reason.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { calls, RIGHTS, useChange, type Right } from './api.ts';
import { ChangeForm, TextField } from './ChangeForm.tsx';
import './texts.ts';

export function DelegationGrantForm({ owner }: { owner: string }) {
  const { t } = useTranslation();
  const [grantee, setGrantee] = useState('');
  const [rights, setRights] = useState<Right[]>(['read']);
  const grant = useChange(
    (i: { grantee: string; reason: string }) => calls.grant(owner, i.grantee, rights, i.reason),
    (_out, i) => {
      setGrantee('');
      return t('cdir.mailboxes.granted', { who: i.grantee });
    },
  );
  const submit = (reason: string) => grant.mutate({ grantee: grantee.trim().toLowerCase(), reason });
  const flip = (r: Right, on: boolean) => setRights((rs) => (on ? [...rs.filter((x) => x !== r), r] : rs.filter((x) => x !== r)));
  const note = rights.length === 0 && <p className="cdir-note">{t('cdir.mailboxes.rightsNeeded')}</p>;
  return (
    <ChangeForm title={t('cdir.mailboxes.grant')} change={grant} onSubmit={submit} submitLabel={t('cdir.mailboxes.grant')} primary disabled={rights.length === 0} note={note}>
      <TextField label={t('cdir.mailboxes.grantee')} type="email" required value={grantee} onChange={setGrantee} />
      <fieldset>
        <legend>{t('cdir.mailboxes.rights')}</legend>
        {RIGHTS.map((r) => (
          <label key={r} className="cdir-check">
            <input type="checkbox" checked={rights.includes(r)} onChange={(e) => flip(r, e.target.checked)} />
            {t(`cdir.mailboxes.right.${r}`)}
          </label>
        ))}
      </fieldset>
    </ChangeForm>
  );
}
