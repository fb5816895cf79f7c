// Owns: "Lập yêu cầu theo lô" — a CSV file (UTF-8 with BOM, the directory's headers plus
// loai_yeu_cau) with the official document; the server checks every row before anything is filed
// (REQUEST_BATCH_INVALID with the errors per row, shown here line by line), else files one draft.
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import './texts.ts';
import '../workqueue/extras.css';
import './requests.css';
import { csrfToken } from '../api/http.ts';
import { addDocument, useInvalidateRequests, type RequestView } from './api.ts';
import { DocumentFields } from './NewRequestPage.tsx';
import { toast } from '../layout/Toasts.tsx';

interface Refusal {
  code?: string;
  message?: string;
  messageEn?: string;
  errors?: Array<{ line: number; message: string }>;
}

export function BatchPage() {
  const { t, i18n } = useTranslation();
  const nav = useNavigate();
  const invalidate = useInvalidateRequests();
  const [csv, setCsv] = useState<File | null>(null);
  const [doc, setDoc] = useState({ number: '', date: '', signer: '' });
  const [pdf, setPdf] = useState<File | null>(null);
  const [refusal, setRefusal] = useState<Refusal | null>(null);

  async function send(e: FormEvent) {
    e.preventDefault();
    if (!csv) return;
    setRefusal(null);
    const text = await csv.text();
    const hasRef = doc.number.trim() !== '' || doc.date !== '' || doc.signer.trim() !== '';
    const res = await fetch('/api/v1/requests', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrfToken() },
      body: JSON.stringify({ kind: 'batch', csv: text.startsWith('\uFEFF') ? text : `\uFEFF${text}`, ...(hasRef && !pdf ? { document: doc } : {}) }),
    });
    const body = (await res.json().catch(() => ({}))) as Refusal & RequestView;
    if (!res.ok) {
      setRefusal(body);
      return;
    }
    if (pdf) await addDocument(body.id, doc, pdf).catch((x: unknown) => toast(String(x)));
    toast(t('rq.filed', { id: body.id }));
    invalidate(body.id);
    void nav(`/requests/${body.id}`);
  }

  return (
    <div className="page">
      <h1>{t('rq.batch')}</h1>
      <p className="rq-note">{t('rq.csv.intro')}</p>
      <form className="rq-form" onSubmit={(e) => void send(e)}>
        <label htmlFor="csv-file">{t('rq.csv.file')}</label>
        <input id="csv-file" type="file" accept=".csv,text/csv" required onChange={(e) => setCsv(e.target.files?.[0] ?? null)} />
        <DocumentFields doc={doc} setDoc={setDoc} onFile={setPdf} required={false} />
        {refusal && (
          <div className="rq-error rq-wide" role="alert" data-testid="batch-errors">
            <p>{refusal.errors?.length ? t('rq.csv.errors') : `${i18n.language === 'en' ? refusal.messageEn : refusal.message} (${refusal.code})`}</p>
            {refusal.errors?.length ? (
              <ul>
                {refusal.errors.map((x, n) => (
                  <li key={n}>{t('rq.csv.lineErr', { line: x.line, message: x.message })}</li>
                ))}
              </ul>
            ) : null}
          </div>
        )}
        <div className="rq-actions">
          <button type="submit">{t('rq.saveDraft')}</button>
        </div>
      </form>
    </div>
  );
}
