// Owns: the audit log viewer (issue 11, R10.1): filter by actor, action (prefix) and dates, page
// back through older entries (by id), and verify the hash chain — intact, or broken at entry N.
import { useState, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import './texts.ts';
import './ops.css';
import '../../workqueue/extras.css';
import { AUDIT_PAGE, useAudit, verifyAudit, type AuditFilter, type ChainResult } from './api.ts';
import { OpsNav } from './OpsNav.tsx';
import { Grid, QueryList } from '../QueryList.tsx';
import { toast } from '../../layout/Toasts.tsx';

/** A yyyy-mm-dd of the date input as local midnight (ms), or undefined. */
const dayStart = (d: string) => (d ? new Date(`${d}T00:00:00`).getTime() : undefined);

export function AuditPage() {
  const { t, i18n } = useTranslation();
  const loc = i18n.language === 'en' ? 'en-GB' : 'vi-VN';
  const [form, setForm] = useState({ actor: '', action: '', from: '', to: '' });
  const [filter, setFilter] = useState<AuditFilter>({});
  const [pages, setPages] = useState<number[]>([]); // the `before` of each page after the first
  const [chain, setChain] = useState<ChainResult | null>(null);
  const [verifying, setVerifying] = useState(false);
  const qc = useQueryClient();
  const before = pages[pages.length - 1];
  const q = useAudit({ ...filter, before });
  function apply(e: FormEvent) {
    e.preventDefault();
    const to = dayStart(form.to);
    setFilter({ actor: form.actor.trim() || undefined, action: form.action.trim() || undefined, from: dayStart(form.from), to: to === undefined ? undefined : to + 86_400_000 });
    setPages([]);
  }
  function clear() {
    setForm({ actor: '', action: '', from: '', to: '' });
    setFilter({});
    setPages([]);
  }
  async function verify() {
    setVerifying(true);
    try {
      setChain(await verifyAudit());
      await qc.invalidateQueries({ queryKey: ['ops', 'audit'] }); // the rows as they are now, the broken one marked
    } catch (err) {
      toast((err as Error).message);
    } finally {
      setVerifying(false);
    }
  }
  const rows = q.data ?? [];
  const field = (k: keyof typeof form, type = 'text') => (
    <div className="ops-field">
      <label htmlFor={`audit-${k}`}>{t(`ops.audit.${k}`)}</label>
      <input id={`audit-${k}`} type={type} value={form[k]} onChange={(e) => setForm({ ...form, [k]: e.target.value })} />
    </div>
  );
  return (
    <div className="page ops-page">
      <OpsNav />
      <h1>{t('ops.audit.title')}</h1>
      <section className="ops-card" aria-label={t('ops.audit.verify')}>
        <button type="button" onClick={() => void verify()} disabled={verifying}>
          {verifying ? t('ops.audit.verifying') : t('ops.audit.verify')}
        </button>
        {chain && (
          <p role="status" data-testid="chain-result" data-ok={String(chain.ok)} data-broken={chain.broken?.id ?? ''} className={chain.ok ? 'ops-ok' : 'ops-error'}>
            {chain.ok ? t('ops.audit.chainOk', { checked: chain.checked }) : t('ops.audit.chainBroken', { id: chain.broken?.id, message: chain.broken?.message })}
          </p>
        )}
      </section>
      <form className="ops-filters ops-audit-form" onSubmit={apply}>
        {field('actor')}
        {field('action')}
        {field('from', 'date')}
        {field('to', 'date')}
        <span className="ops-field ops-buttons">
          <button type="submit">{t('ops.audit.apply')}</button>{' '}
          <button type="button" onClick={clear}>
            {t('ops.audit.clear')}
          </button>
        </span>
      </form>
      <QueryList query={q} loading={t('ops.loading')} failed={(e) => <p role="alert">{t('ops.error', { message: e.message })}</p>} empty={t('ops.audit.empty')}>
        {() => (
          <div className="ops-scroll">
            <Grid
              testId="audit-table"
              columns={[t('ops.audit.id'), t('ops.audit.at'), t('ops.audit.actor'), t('ops.audit.action'), t('ops.audit.target'), t('ops.audit.reason'), t('ops.audit.details')]}
            >
              {rows.map((r) => (
                <tr key={r.id} data-audit-id={r.id} className={chain?.broken?.id === r.id ? 'ops-broken' : ''}>
                  <td>{r.id}</td>
                  <td>{new Date(r.at).toLocaleString(loc, { dateStyle: 'short', timeStyle: 'medium' })}</td>
                  <td>{r.actor}</td>
                  <td>
                    <code>{r.action}</code>
                  </td>
                  <td>{r.target}</td>
                  <td>{r.reason}</td>
                  <td className="ops-details">
                    <code>{r.details === '{}' ? '' : r.details}</code>
                  </td>
                </tr>
              ))}
            </Grid>
          </div>
        )}
      </QueryList>
      <p className="ops-pager">
        <button type="button" disabled={pages.length === 0} onClick={() => setPages(pages.slice(0, -1))}>
          {t('ops.audit.newer')}
        </button>{' '}
        <span>{t('ops.audit.page', { n: pages.length + 1 })}</span>{' '}
        <button type="button" disabled={rows.length < AUDIT_PAGE} onClick={() => setPages([...pages, rows[rows.length - 1].id])}>
          {t('ops.audit.older')}
        </button>
      </p>
    </div>
  );
}
