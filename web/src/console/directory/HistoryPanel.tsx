// Owns: one directory entry's history (GET /api/v1/history/:entity/:id, auditors and sysadmins): each
// version with when, who, its document and the request it was made by (a link to the request), or
// "outside a request" for a direct change. Loaded when opened; a refusal is shown as the API says it.
import { useState } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useHistory, type HistoryEntity } from './api.ts';
import { ApiError } from './ApiError.tsx';
import { Grid, QueryList } from '../QueryList.tsx';
import './texts.ts';

/** Derived from another field (the name's parts from the full name) or internal: not shown. */
const HIDDEN = /Id$|^id$|^search|^sort|^familyName$|^middleName$|^givenName$/;

function shown(v: unknown): string {
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** A version's fields in words; after the first, only what changed from the version before (old → new). */
function summary(data: Record<string, unknown>, prev: Record<string, unknown> | null, label: (k: string) => string): string {
  if (data.deleted === true) return '';
  const keys = Object.keys(data).filter((k) => !HIDDEN.test(k));
  const empty = (v: unknown) => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
  if (!prev || prev.deleted === true)
    return keys
      .filter((k) => !empty(data[k]))
      .map((k) => `${label(k)}: ${shown(data[k])}`)
      .join(' · ');
  return keys
    .filter((k) => shown(data[k]) !== shown(prev[k]))
    .map((k) => `${label(k)}: ${empty(prev[k]) ? '—' : shown(prev[k])} → ${empty(data[k]) ? '—' : shown(data[k])}`)
    .join(' · ');
}

export function HistoryPanel({ entity, id }: { entity: HistoryEntity; id: number }) {
  const { t, i18n } = useTranslation();
  const [open, setOpen] = useState(false);
  const h = useHistory(entity, id, open);
  const label = (k: string) => t(`cdir.history.fields.${k}`, { defaultValue: k });
  const when = (ms: number) => new Date(ms).toLocaleString(i18n.language === 'en' ? 'en-GB' : 'vi-VN');
  return (
    <details className="cdir-history" onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)} data-testid={`history-${entity}-${id}`}>
      <summary>{t('cdir.history.show')}</summary>
      <h3>{t('cdir.history.title')}</h3>
      {open && (
        <QueryList query={h} loading={t('cdir.loading')} failed={(e) => <ApiError error={e} />} empty={t('cdir.history.empty')}>
          {(versions) => (
            <Grid columns={[t('cdir.history.at'), t('cdir.history.actor'), t('cdir.history.reason'), t('cdir.history.request'), t('cdir.history.data')]}>
              {[...versions].reverse().map((v, i, newestFirst) => (
                <tr key={`${v.validFrom}-${i}`}>
                  <td>{when(v.validFrom)}</td>
                  <td>{v.actor}</td>
                  <td>{v.reason || t('cdir.none')}</td>
                  <td>{v.requestId !== null ? <Link to={`/requests/${v.requestId}`}>{t('cdir.history.requestN', { id: v.requestId })}</Link> : t('cdir.history.outside')}</td>
                  <td className="cdir-data">{v.data.deleted === true ? t('cdir.history.deleted') : summary(v.data, newestFirst[i + 1]?.data ?? null, label)}</td>
                </tr>
              ))}
            </Grid>
          )}
        </QueryList>
      )}
    </details>
  );
}
