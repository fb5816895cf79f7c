// Owns: editing a person's information (PATCH /api/v1/people/:id: full name, position, phone) with its reason.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { calls, useChange, type Person } from './api.ts';
import { ReasonField } from './ReasonField.tsx';
import { ApiError } from './ApiError.tsx';
import './texts.ts';

export function PersonEditForm({ person }: { person: Person }) {
  const { t } = useTranslation();
  const [fullName, setFullName] = useState(person.fullName);
  const [title, setTitle] = useState(person.title);
  const [phone, setPhone] = useState(person.phone);
  const [reason, setReason] = useState('');
  const save = useChange((r: string) => calls.updatePerson(person.id, { fullName: fullName.trim(), title: title.trim(), phone: phone.trim(), reason: r }));
  const submit = (e: FormEvent) => (e.preventDefault(), save.mutate(reason.trim()));
  return (
    <form className="cdir-form" onSubmit={submit} aria-label={t('cdir.people.edit')}>
      <h3>{t('cdir.people.edit')}</h3>
      <label>
        {t('cdir.people.fullName')}
        <input required value={fullName} onChange={(e) => setFullName(e.target.value)} />
      </label>
      <label>
        {t('cdir.people.title')}
        <input value={title} onChange={(e) => setTitle(e.target.value)} />
      </label>
      <label>
        {t('cdir.people.phone')}
        <input value={phone} onChange={(e) => setPhone(e.target.value)} />
      </label>
      <ReasonField value={reason} onChange={setReason} />
      <button type="submit" className="button" disabled={save.isPending}>
        {t('cdir.save')}
      </button>
      <ApiError error={save.error} />
    </form>
  );
}
