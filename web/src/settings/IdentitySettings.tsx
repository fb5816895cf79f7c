// Owns: the sender names and signatures of each identity (JMAP Identity/set), one form per address.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useQueryClient } from '@tanstack/react-query';
import { call } from '../api/jmap.ts';
import { useIdentities, type SendAs } from '../compose/identities.ts';
import { toast } from '../layout/Toasts.tsx';

function IdentityForm({ x }: { x: SendAs }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [name, setName] = useState(x.identity.name ?? '');
  const [signature, setSignature] = useState(x.identity.textSignature ?? '');
  const [error, setError] = useState<string | null>(null);

  async function save(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      const r = await call<{ notUpdated?: Record<string, { type: string; description?: string }> | null }>('Identity/set', {
        accountId: x.accountId,
        update: { [x.identity.id]: { name, textSignature: signature } },
      });
      const nu = r.notUpdated?.[x.identity.id];
      if (nu) throw new Error(nu.description ?? nu.type);
      await qc.invalidateQueries({ queryKey: ['identities'] });
      toast(t('settings.identitySaved'));
    } catch (err) {
      setError((err as Error).message);
    }
  }

  return (
    <form onSubmit={save} className="identity" aria-label={x.identity.email}>
      <h3>{x.identity.email}</h3>
      <label>
        {t('settings.senderName')}
        <input value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        {t('settings.signature')}
        <textarea rows={3} value={signature} onChange={(e) => setSignature(e.target.value)} />
      </label>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit">{t('app.save')}</button>
    </form>
  );
}

export function IdentitySettings() {
  const { t } = useTranslation();
  const ids = useIdentities();
  if (!ids.data) return <p role="status">{t('app.loading')}</p>;
  return (
    <>
      {ids.data.map((x) => (
        <IdentityForm key={`${x.accountId}/${x.identity.id}`} x={x} />
      ))}
    </>
  );
}
