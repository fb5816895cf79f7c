// Owns: "Lập yêu cầu mới" — one form per kind of request (forms.ts), in Vietnamese, with the official
// document's reference (number, date, signer) and its scanned PDF uploaded in the same form; saved as
// a draft, or saved and submitted at once (a clerk's submission waits for the head's sign-off).
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import './texts.ts';
import '../workqueue/extras.css';
import './requests.css';
import { addDocument, DOCUMENT_REQUIRED, errorText, fileRequest, ITEM_KINDS, step, subtree, useInvalidateRequests, useUnits, type ItemKind } from './api.ts';
import { FORMS, payloadOf, type Field, type FormValues } from './forms.ts';
import { useStanding } from './roles.ts';
import { toast } from '../layout/Toasts.tsx';

export function DocumentFields({
  doc,
  setDoc,
  onFile,
  required,
}: {
  doc: { number: string; date: string; signer: string };
  setDoc: (d: { number: string; date: string; signer: string }) => void;
  onFile: (f: File | null) => void;
  required: boolean;
}) {
  const { t } = useTranslation();
  return (
    <fieldset>
      <legend>{t('rq.doc.legend')}</legend>
      {required && <p className="rq-note rq-check">{t('rq.doc.required')}</p>}
      <label htmlFor="doc-number">{t('rq.doc.number')}</label>
      <input id="doc-number" value={doc.number} onChange={(e) => setDoc({ ...doc, number: e.target.value })} placeholder="125/QĐ-SNV" />
      <label htmlFor="doc-date">{t('rq.doc.date')}</label>
      <input id="doc-date" type="date" value={doc.date} onChange={(e) => setDoc({ ...doc, date: e.target.value })} />
      <label htmlFor="doc-signer">{t('rq.doc.signer')}</label>
      <input id="doc-signer" value={doc.signer} onChange={(e) => setDoc({ ...doc, signer: e.target.value })} />
      <label htmlFor="doc-file">{t('rq.doc.file')}</label>
      <input id="doc-file" type="file" accept="application/pdf,.pdf" onChange={(e) => onFile(e.target.files?.[0] ?? null)} />
    </fieldset>
  );
}

function FieldInput({
  f,
  value,
  onChange,
  unitOptions,
  allUnits,
}: {
  f: Field;
  value: string | boolean | undefined;
  onChange: (v: string | boolean) => void;
  unitOptions: { code: string; name: string }[];
  allUnits: { code: string; name: string }[];
}) {
  const { t } = useTranslation();
  const id = `f-${f.name}`;
  const label = t(`rq.f.${f.label}`);
  if (f.type === 'check')
    return (
      <label className="rq-check">
        <input type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} /> {label}
      </label>
    );
  let input;
  if (f.type === 'unit' || f.type === 'anyUnit' || f.type === 'select') {
    const opts =
      f.type === 'select'
        ? f.options!.map((o) => ({ value: o.value, text: t(o.labelKey) }))
        : (f.type === 'unit' ? unitOptions : allUnits).map((u) => ({ value: u.code, text: `${u.name} (${u.code})` }));
    input = (
      <select id={id} required={f.required} value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.target.value)}>
        <option value="">{t('rq.f.choose')}</option>
        {opts.map((o) => (
          <option key={o.value} value={o.value}>
            {o.text}
          </option>
        ))}
      </select>
    );
  } else input = <input id={id} type={f.type === 'email' ? 'email' : 'text'} required={f.required} value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.target.value)} />;
  return (
    <>
      <label htmlFor={id}>{label}</label>
      {input}
    </>
  );
}

export function NewRequestPage() {
  const { t, i18n } = useTranslation();
  const nav = useNavigate();
  const st = useStanding();
  const units = useUnits();
  const invalidate = useInvalidateRequests();
  const [kind, setKind] = useState<ItemKind>('joiner');
  const [values, setValues] = useState<FormValues>({});
  const [doc, setDoc] = useState({ number: '', date: '', signer: '' });
  const [file, setFile] = useState<File | null>(null);
  const [effective, setEffective] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const all = units.data ?? [];
  const mine = subtree(all, st?.roots ?? []);

  async function save(e: FormEvent, submit: boolean) {
    e.preventDefault();
    setError(null);
    setBusy(true);
    let id: number | null = null;
    try {
      const hasRef = doc.number.trim() !== '' || doc.date !== '' || doc.signer.trim() !== '';
      const filed = await fileRequest({
        kind,
        payload: payloadOf(kind, values),
        ...(hasRef && !file ? { document: doc } : {}),
        ...(effective ? { effectiveDate: effective } : {}),
        ...(note.trim() ? { note: note.trim() } : {}),
      });
      id = filed.id;
      if (file) await addDocument(filed.id, doc, file);
      if (submit) await step(filed.id, 'submit');
      toast(t('rq.filed', { id: filed.id }));
      invalidate(filed.id);
      void nav(`/requests/${filed.id}`);
    } catch (x) {
      setError(errorText(x, i18n.language));
      // filed, but the document or the submission was refused: the draft is there, with the reason
      if (id !== null) {
        toast(errorText(x, i18n.language));
        invalidate(id);
        void nav(`/requests/${id}`);
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="page">
      <h1>{t('rq.newRequest')}</h1>
      {st && !st.approver && <p className="rq-note">{st.clerkOnly ? t('rq.roleNote.clerk') : t('rq.roleNote.head')}</p>}
      <form className="rq-form" onSubmit={(e) => void save(e, false)} aria-label={t('rq.newRequest')}>
        <label htmlFor="rq-kind">{t('rq.kind')}</label>
        <select
          id="rq-kind"
          value={kind}
          onChange={(e) => {
            setKind(e.target.value as ItemKind);
            setValues({});
          }}
        >
          {ITEM_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`rq.kinds.${k}`)}
            </option>
          ))}
        </select>
        {FORMS[kind].map((f) => (
          <FieldInput key={`${kind}-${f.name}`} f={f} value={values[f.name]} onChange={(v) => setValues({ ...values, [f.name]: v })} unitOptions={mine} allUnits={all} />
        ))}
        <DocumentFields doc={doc} setDoc={setDoc} onFile={setFile} required={DOCUMENT_REQUIRED.includes(kind)} />
        <label htmlFor="rq-effective">{t('rq.effectiveDate')}</label>
        <input id="rq-effective" type="date" value={effective} onChange={(e) => setEffective(e.target.value)} />
        <label htmlFor="rq-note">{t('rq.note')}</label>
        <textarea id="rq-note" rows={2} value={note} onChange={(e) => setNote(e.target.value)} />
        {error && (
          <p className="rq-error rq-check" role="alert">
            {error}
          </p>
        )}
        <div className="rq-actions">
          <button type="submit" disabled={busy}>
            {t('rq.saveDraft')}
          </button>
          <button type="button" disabled={busy} onClick={(e) => void save(e, true)}>
            {t('rq.saveAndSubmit')}
          </button>
        </div>
      </form>
    </div>
  );
}
