// Owns: the capacity report screen (issue 11, R5.9): the answer to "how much disk and budget next
// year", the table per agency (now, received in the window, projected, disk, budget) and the PDF and
// CSV downloads (/api/v1/reports/capacity.pdf, .csv: the session cookie goes with a plain link).
import { useTranslation } from 'react-i18next';
import './texts.ts';
import './ops.css';
import '../../workqueue/extras.css';
import { useCapacity } from './api.ts';
import { formatBytes } from './charts.tsx';
import { OpsNav } from './OpsNav.tsx';
import { Grid } from '../QueryList.tsx';

export function CapacityPage() {
  const { t, i18n } = useTranslation();
  const q = useCapacity();
  const loc = i18n.language === 'en' ? 'en-GB' : 'vi-VN';
  if (q.isPending)
    return (
      <div className="page ops-page">
        <OpsNav />
        <p role="status">{t('ops.loading')}</p>
      </div>
    );
  if (q.isError) return <div className="page">{t('ops.error', { message: q.error.message })}</div>;
  const r = q.data;
  const money = (n: number) => n.toLocaleString(loc, { style: 'currency', currency: r.config.currency, maximumFractionDigits: 0 });
  const rows = [...r.rows, r.total];
  return (
    <div className="page ops-page">
      <OpsNav />
      <h1>{t('ops.cap.title')}</h1>
      <section className="ops-card ops-answer" aria-labelledby="cap-q">
        <h2 id="cap-q">{t('ops.cap.question')}</h2>
        <p data-testid="cap-answer" data-gb={r.total.diskGb} data-budget={r.total.budget}>
          {t('ops.cap.answer', { gb: r.total.diskGb.toLocaleString(loc), budget: money(r.total.budget) })}
        </p>
        <p className="ops-note">
          {t('ops.cap.basis', { days: r.config.growthWindowDays, perGb: money(r.config.pricePerGb), perMailbox: money(r.config.pricePerMailbox), overhead: r.config.diskOverhead })}
        </p>
        <p className="ops-actions">
          <a className="button" href="/api/v1/reports/capacity.pdf" download>
            {t('ops.cap.pdf')}
          </a>
          <a className="button" href="/api/v1/reports/capacity.csv" download>
            {t('ops.cap.csv')}
          </a>
        </p>
      </section>
      <div className="ops-scroll">
        <Grid
          testId="cap-table"
          columns={[
            t('ops.dash.agency'),
            t('ops.dash.mailboxes'),
            t('ops.cap.now'),
            t('ops.cap.received', { days: r.config.growthWindowDays }),
            t('ops.dash.growth'),
            t('ops.cap.projected'),
            t('ops.cap.disk'),
            t('ops.cap.budget'),
          ]}
        >
          {rows.map((x) => (
            <tr key={x.agency || 'total'} className={x.agency ? '' : 'ops-total'}>
              <th scope="row">{x.agency ? x.name : t('ops.total')}</th>
              <td>{x.mailboxes}</td>
              <td>{formatBytes(x.bytes)}</td>
              <td>
                {formatBytes(x.receivedBytes)} ({x.receivedMessages})
              </td>
              <td>{formatBytes(x.growthPerYear)}</td>
              <td>{formatBytes(x.projectedBytes)}</td>
              <td>{x.diskGb.toLocaleString(loc)}</td>
              <td>{money(x.budget)}</td>
            </tr>
          ))}
        </Grid>
      </div>
    </div>
  );
}
