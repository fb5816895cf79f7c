// Owns: editing a person's information (PATCH /api/v1/people/:id: full name, position, phone) with its reason.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { calls, useChange, type Person } from './api.ts';
import { ChangeForm, TextField } from './ChangeForm.tsx';
import './texts.ts';

export function PersonEditForm({ person }: { person: Person }) {
  const { t } = useTranslation();
  const [fullName, setFullName] = useState(person.fullName);
  const [title, setTitle] = useState(person.title);
  const [phone, setPhone] = useState(person.phone);
  const save = useChange((r: string) => calls.updatePerson(person.id, { fullName: fullName.trim(), title: title.trim(), phone: phone.trim(), reason: r }));
  return (
    <ChangeForm title={t('cdir.people.edit')} change={save} onSubmit={save.mutate}>
      <TextField label={t('cdir.people.fullName')} required value={fullName} onChange={setFullName} />
      <TextField label={t('cdir.people.title')} value={title} onChange={setTitle} />
      <TextField label={t('cdir.people.phone')} value={phone} onChange={setPhone} />
    </ChangeForm>
  );
}
