// Owns: the fields of each kind of request's form (the payloads of src/requests/types.ts): which
// input each field is, whether it is required, and how the form's strings become the payload.
import type { ItemKind } from './api.ts';

export type FieldType = 'text' | 'email' | 'unit' | 'anyUnit' | 'check' | 'select';

export interface Field {
  name: string;
  label: string; // i18n key under rq.f
  type: FieldType;
  required?: boolean;
  options?: { value: string; labelKey: string }[];
}

const UNIT_KINDS = ['agency', 'department', 'commune'].map((v) => ({ value: v, labelKey: `rq.f.unitKinds.${v}` }));
const WHY = ['retirement', 'transfer', 'dismissal', 'other'].map((v) => ({ value: v, labelKey: `rq.f.whyOpts.${v}` }));

export const FORMS: Record<ItemKind, Field[]> = {
  joiner: [
    { name: 'fullName', label: 'fullName', type: 'text', required: true },
    { name: 'unitCode', label: 'unitCode', type: 'unit', required: true },
    { name: 'title', label: 'title', type: 'text' },
    { name: 'phone', label: 'phone', type: 'text' },
    { name: 'localPart', label: 'localPart', type: 'text' },
    { name: 'confirmDuplicate', label: 'confirmDuplicate', type: 'check' },
  ],
  mover: [
    { name: 'person', label: 'person', type: 'email', required: true },
    { name: 'unitCode', label: 'unitCode', type: 'anyUnit', required: true },
    { name: 'title', label: 'title', type: 'text' },
    { name: 'headOfUnit', label: 'headOfUnit', type: 'check' },
  ],
  leaver: [
    { name: 'person', label: 'person', type: 'email', required: true },
    { name: 'why', label: 'why', type: 'select', options: WHY, required: true },
    { name: 'successor', label: 'successor', type: 'email' },
    { name: 'forward', label: 'forward', type: 'check' },
  ],
  update: [
    { name: 'person', label: 'person', type: 'email', required: true },
    { name: 'fullName', label: 'fullName', type: 'text' },
    { name: 'title', label: 'title', type: 'text' },
    { name: 'phone', label: 'phone', type: 'text' },
  ],
  'password-reset': [{ name: 'person', label: 'person', type: 'email', required: true }],
  handover: [
    { name: 'unitCode', label: 'unitCode', type: 'unit', required: true },
    { name: 'person', label: 'newHead', type: 'email', required: true },
  ],
  'unit-create': [
    { name: 'code', label: 'code', type: 'text', required: true },
    { name: 'name', label: 'name', type: 'text', required: true },
    { name: 'kind', label: 'unitKind', type: 'select', options: UNIT_KINDS, required: true },
    { name: 'parentCode', label: 'parentCode', type: 'unit', required: true },
    { name: 'abbreviation', label: 'abbreviation', type: 'text' },
    { name: 'withMailbox', label: 'withMailbox', type: 'check' },
  ],
  'unit-rename': [
    { name: 'unitCode', label: 'unitCode', type: 'unit', required: true },
    { name: 'name', label: 'newName', type: 'text', required: true },
    { name: 'abbreviation', label: 'abbreviation', type: 'text' },
  ],
  'unit-dissolve': [
    { name: 'unitCode', label: 'unitCode', type: 'unit', required: true },
    { name: 'successorCode', label: 'successorCode', type: 'anyUnit' },
    { name: 'merge', label: 'merge', type: 'check' },
  ],
};

export type FormValues = Record<string, string | boolean>;

/** The payload the API expects: empty optional fields left out, check boxes as booleans. */
export function payloadOf(kind: ItemKind, v: FormValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of FORMS[kind]) {
    const x = v[f.name];
    if (f.type === 'check') {
      if (x === true) out[f.name] = true;
    } else if (typeof x === 'string' && x.trim() !== '') out[f.name] = x.trim();
  }
  return out;
}
