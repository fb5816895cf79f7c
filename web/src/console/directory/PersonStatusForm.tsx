// Owns: a person's mailbox status (PUT /api/v1/people/:id/status: active, suspended, left) with its reason.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { calls, useChange, type Person, type PersonStatus } from './api.ts';
import { ChangeForm, ChoiceField } from './ChangeForm.tsx';
import './texts.ts';

const STATUSES: readonly PersonStatus[] = ['active', 'suspended', 'left'];

export function PersonStatusForm({ person }: { person: Person }) {
  const { t } = useTranslation();
  const [status, setStatus] = useState<PersonStatus>(person.status);
  const save = useChange((r: string) => calls.setStatus(person.id, status, r));
  return (
    <ChangeForm title={t('cdir.people.setStatus')} change={save} onSubmit={save.mutate} disabled={status === person.status}>
      <ChoiceField label={t('cdir.people.newStatus')} value={status} onChange={setStatus} choices={STATUSES} choiceLabel={(s) => t(`cdir.people.statuses.${s}`)} />
    </ChangeForm>
  );
}
