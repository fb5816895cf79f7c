// Owns: the Provincial Office's dashboard (issue 11, R5.9): mail per day in and out (history from
// /api/v1/console/mail-per-day, today's live counter from /metrics), storage per agency and its
// growth (/metrics' thutin_storage_bytes, the capacity report's yearly growth), mailboxes per state,
// requests waiting and time to execute, the outbound queue's depth (all /metrics), and the last backup.
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import './texts.ts';
import './ops.css';
import '../../workqueue/extras.css';
import { useMe } from '../../auth/session.ts';
import { useCapacity, useMailPerDay, useMetrics } from './api.ts';
import { samples, value, type Sample } from './prom.ts';
import { BarChart, HBarChart, formatBytes, type Series } from './charts.tsx';
import { Grid } from '../QueryList.tsx';
import { BackupCard } from './BackupCard.tsx';
import { OpsNav } from './OpsNav.tsx';

const DAYS = 30;

export function DashboardPage() {
  const { t } = useTranslation();
  const me = useMe();
  const roles = new Set((me.data?.roles ?? []).map((r) => r.role));
  const m = useMetrics();
  const perDay = useMailPerDay(DAYS);
  const cap = useCapacity();
  const st = (s: string) => t(`ops.dash.states.${s}`, { defaultValue: s });
  if (m.isError) return <div className="page">{t('ops.error', { message: m.error.message })}</div>;
  const all = m.data ?? [];
  const storage = samples(all, 'thutin_storage_bytes').sort((a, b) => b.value - a.value);
  const growthOf = new Map((cap.data?.rows ?? []).map((r) => [r.agency, r.growthPerYear]));
  const mailboxes = samples(all, 'thutin_mailboxes').filter((s) => s.value > 0);
  const pending = samples(all, 'thutin_requests_pending');
  const depth = samples(all, 'thutin_outbound_queue_depth');
  const execCount = samples(all, 'thutin_request_execute_seconds_count').filter((s) => s.value > 0);
  const days = perDay.data ?? [];
  return (
    <div className="page ops-page">
      <OpsNav />
      <h1>{t('ops.dash.title')}</h1>
      <p className="ops-note">{t('ops.dash.source')}</p>
      {m.isPending ? (
        <p role="status">{t('ops.loading')}</p>
      ) : (
        <div className="ops-grid">
          <section className="ops-card ops-wide" aria-label={t('ops.dash.mailPerDay', { days: DAYS })}>
            <BarChart
              testId="chart-mail"
              title={t('ops.dash.mailPerDay', { days: DAYS })}
              categoryLabel={t('ops.dash.day')}
              categories={days.map((d) => d.day)}
              shortLabel={(d) => `${d.slice(8)}/${d.slice(5, 7)}`}
              series={[
                { name: t('ops.dash.mailIn'), tone: 's1', values: days.map((d) => d.in) },
                { name: t('ops.dash.mailOut'), tone: 's2', values: days.map((d) => d.out) },
              ]}
            />
            <p
              className="ops-note"
              data-testid="mail-since-start"
              data-in={value(all, 'thutin_mail_messages_total', { direction: 'in' })}
              data-out={value(all, 'thutin_mail_messages_total', { direction: 'out' })}
            >
              {t('ops.dash.sinceStart', { in: value(all, 'thutin_mail_messages_total', { direction: 'in' }), out: value(all, 'thutin_mail_messages_total', { direction: 'out' }) })}
            </p>
          </section>
          <section className="ops-card ops-wide" aria-label={t('ops.dash.storage')}>
            <HBarChart
              testId="chart-storage"
              title={t('ops.dash.storage')}
              categoryLabel={t('ops.dash.agency')}
              categories={storage.map((s) => s.labels.name || s.labels.agency)}
              format={formatBytes}
              series={[
                { name: t('ops.dash.bytes'), tone: 's1', values: storage.map((s) => s.value) },
                { name: t('ops.dash.growth'), tone: 's3', values: storage.map((s) => growthOf.get(s.labels.agency) ?? 0) },
              ]}
            />
            {cap.data && <p className="ops-note">{t('ops.dash.growthNote', { days: cap.data.config.growthWindowDays })}</p>}
          </section>
          <CountCard
            title={t('ops.dash.byState')}
            testId="chart-mailboxes"
            tone="s2"
            counts={mailboxes}
            category={(s) => `${t(`ops.dash.kinds.${s.labels.kind}`, { defaultValue: s.labels.kind })} · ${st(s.labels.state)}`}
          />
          <CountCard title={t('ops.dash.pending')} testId="chart-pending" tone="s3" counts={pending} category={(s) => st(s.labels.state)}>
            <h3>{t('ops.dash.execute')}</h3>
            {execCount.length === 0 ? (
              <p className="ops-note">{t('ops.dash.noExecuted')}</p>
            ) : (
              <Grid testId="execute-table" columns={[t('ops.dash.executeKind'), t('ops.dash.executed'), t('ops.dash.average')]}>
                {execCount.map((c) => {
                  const sum = value(all, 'thutin_request_execute_seconds_sum', { kind: c.labels.kind });
                  return (
                    <tr key={c.labels.kind}>
                      <td>{c.labels.kind}</td>
                      <td>{c.value}</td>
                      <td>{hours(sum / c.value)}</td>
                    </tr>
                  );
                })}
              </Grid>
            )}
          </CountCard>
          <CountCard title={t('ops.dash.queueDepth')} testId="chart-queue" tone="s1" counts={depth} category={(s) => st(s.labels.state)}>
            {roles.has('sysadmin') && <Link to="/console/queue">{t('ops.nav.queue')}</Link>}
          </CountCard>
          <BackupCard canVerify={roles.has('sysadmin') || roles.has('auditor')} />
        </div>
      )}
    </div>
  );
}

/** A compact card of counts by state (mailboxes, requests waiting, queue depth): one bar a sample. */
function CountCard({
  title,
  testId,
  tone,
  counts,
  category,
  children,
}: {
  title: string;
  testId: string;
  tone: Series['tone'];
  counts: Sample[];
  category: (s: Sample) => string;
  children?: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <section className="ops-card" aria-label={title}>
      <HBarChart
        compact
        testId={testId}
        title={title}
        categoryLabel={t('ops.dash.state')}
        categories={counts.map(category)}
        series={[{ name: t('ops.dash.count'), tone, values: counts.map((s) => s.value) }]}
      />
      {children}
    </section>
  );
}

function hours(seconds: number): string {
  if (seconds < 3600) return `${Math.round(seconds / 60)} ph`;
  if (seconds < 86400 * 2) return `${(seconds / 3600).toLocaleString('vi-VN', { maximumFractionDigits: 1 })} h`;
  return `${(seconds / 86400).toLocaleString('vi-VN', { maximumFractionDigits: 1 })} d`;
}
