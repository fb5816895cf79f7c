// Owns: the frame every directory change form shares: title, the form's own fields, the reason field
// (kept here, handed trimmed to onSubmit), the submit button and the API's refusal in place; and the
// labelled text, choice and live-unit fields those forms are made of.
import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ReasonField } from './ReasonField.tsx';
import { ApiError } from './ApiError.tsx';
import type { Unit } from './api.ts';
import './texts.ts';

export interface ChangeFormProps {
  /** The form's heading, also its accessible name. */
  title: string;
  /** The mutation behind the form (useChange): its pending state and refusal. */
  change: { isPending: boolean; error: unknown };
  /** Called with the reason, trimmed, when the form is submitted. */
  onSubmit: (reason: string) => void;
  /** The button's text; "Lưu" (Save) when left out. */
  submitLabel?: string;
  primary?: boolean;
  /** Disables the button besides while the change is pending. */
  disabled?: boolean;
  errorTestId?: string;
  /** Shown between the button and the refusal. */
  note?: ReactNode;
  /** Shown after the refusal (a one-time password, warnings). */
  after?: ReactNode;
  children?: ReactNode;
}

export function ChangeForm({ title, change, onSubmit, submitLabel, primary, disabled, errorTestId, note, after, children }: ChangeFormProps) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const submit = (e: FormEvent) => (e.preventDefault(), onSubmit(reason.trim()));
  return (
    <form className="cdir-form" onSubmit={submit} aria-label={title}>
      <h3>{title}</h3>
      {children}
      <ReasonField value={reason} onChange={setReason} />
      <button type="submit" className={primary ? 'button primary' : 'button'} disabled={change.isPending || disabled}>
        {submitLabel ?? t('cdir.save')}
      </button>
      {note}
      <ApiError error={change.error} testId={errorTestId} />
      {after}
    </form>
  );
}

export function TextField({ label, value, onChange, required, type }: { label: string; value: string; onChange: (v: string) => void; required?: boolean; type?: 'email' }) {
  return (
    <label>
      {label}
      <input type={type} required={required} value={value} onChange={(e) => onChange(e.target.value)} />
    </label>
  );
}

export function ChoiceField<V extends string>({
  label,
  value,
  onChange,
  choices,
  choiceLabel,
}: {
  label: string;
  value: V;
  onChange: (v: V) => void;
  choices: readonly V[];
  choiceLabel: (v: V) => string;
}) {
  return (
    <label>
      {label}
      <select value={value} onChange={(e) => onChange(e.target.value as V)}>
        {choices.map((c) => (
          <option key={c} value={c}>
            {choiceLabel(c)}
          </option>
        ))}
      </select>
    </label>
  );
}

/** A unit to pick among the live ones (not dissolved), leaving one out (the person's own, the unit itself). */
export function LiveUnitField({
  label,
  value,
  onChange,
  units,
  except,
  none,
  required,
}: {
  label: string;
  value: string;
  onChange: (code: string) => void;
  units: readonly Unit[];
  except: number | null;
  none?: string;
  required?: boolean;
}) {
  const live = units.filter((u) => u.id !== except && (u.validTo === null || u.validTo > Date.now()));
  return (
    <label>
      {label}
      <select required={required} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{none}</option>
        {live.map((u) => (
          <option key={u.id} value={u.code}>
            {u.name} ({u.code})
          </option>
        ))}
      </select>
    </label>
  );
}
