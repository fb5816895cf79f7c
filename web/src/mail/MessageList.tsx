// Owns: the virtualised message list: pages of 50 fetched from the server by position as they
// come into view (Email/query + Email/get), only the visible rows rendered; j/k and arrows move.
import { useMemo, useState } from 'react';
import { useQueries } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { Email } from '../api/types.ts';
import { fetchPage, PAGE, pageKey, type ListPage, type ListQuery } from './data.ts';
import { useWindow } from './useWindow.ts';
import { MessageRow } from './MessageRow.tsx';

export const ROW_HEIGHT = 78;

export function MessageList({ query, selectedId, sentView, linkFor }: { query: ListQuery; selectedId?: string; sentView: boolean; linkFor: (id: string) => string }) {
  const { t } = useTranslation();
  const nav = useNavigate();
  const [scroller, setScroller] = useState<HTMLDivElement | null>(null);
  const first = useQueries({ queries: [{ queryKey: pageKey(query, 0), queryFn: () => fetchPage(query, 0) }] })[0];
  const total = first.data?.total ?? 0;
  const win = useWindow(scroller, total, ROW_HEIGHT);
  const pages = useMemo(() => {
    const out: number[] = [];
    for (let p = Math.floor(win.start / PAGE); p <= Math.floor(Math.max(win.start, win.end - 1) / PAGE); p++) out.push(p);
    return out;
  }, [win.start, win.end]);
  const loaded = useQueries({ queries: pages.map((p) => ({ queryKey: pageKey(query, p), queryFn: () => fetchPage(query, p), staleTime: 10_000 })) });
  const rows = new Map<number, Email>();
  const snippets: NonNullable<ListPage['snippets']> = { ...first.data?.snippets };
  loaded.forEach((r, i) => {
    r.data?.emails.forEach((e, j) => rows.set(pages[i] * PAGE + j, e));
    Object.assign(snippets, r.data?.snippets);
  });
  first.data?.emails.forEach((e, j) => rows.has(j) || rows.set(j, e));

  const selectedIndex = useMemo(() => {
    for (const [i, e] of rows) if (e.id === selectedId) return i;
    return -1;
  }, [rows, selectedId]);

  function onKey(e: React.KeyboardEvent) {
    if (e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement) return;
    const step = e.key === 'j' || e.key === 'ArrowDown' ? 1 : e.key === 'k' || e.key === 'ArrowUp' ? -1 : 0;
    if (!step) return;
    e.preventDefault();
    const i = Math.min(total - 1, Math.max(0, selectedIndex + step));
    const target = rows.get(i);
    if (target) {
      win.scrollToIndex(i);
      nav(linkFor(target.id));
      window.setTimeout(() => scroller?.querySelector<HTMLAnchorElement>(`a[data-email-id="${target.id}"]`)?.focus(), 0);
    }
  }

  if (first.isPending)
    return (
      <p className="list-status" role="status">
        {t('app.loading')}
      </p>
    );
  if (first.error)
    return (
      <p className="list-status" role="alert">
        {t('app.error')}
      </p>
    );
  return (
    <div className="list-scroller" ref={setScroller} onKeyDown={onKey}>
      <p className="sr-only" role="status">
        {t('list.count', { count: total })}
      </p>
      {total === 0 ? (
        <p className="list-status">{t('list.empty')}</p>
      ) : (
        <div style={{ height: win.totalHeight, position: 'relative' }}>
          <ul className="rows" aria-label={t('list.title')} style={{ transform: `translateY(${win.offset}px)` }}>
            {Array.from({ length: win.end - win.start }, (_, k) => {
              const i = win.start + k;
              const e = rows.get(i);
              if (!e)
                return (
                  <li key={`p${i}`} className="row placeholder" style={{ height: ROW_HEIGHT }} aria-hidden="true">
                    …
                  </li>
                );
              return <MessageRow key={e.id} email={e} snippet={snippets[e.id]} href={linkFor(e.id)} selected={e.id === selectedId} sentView={sentView} index={i} total={total} height={ROW_HEIGHT} />;
            })}
          </ul>
        </div>
      )}
    </div>
  );
}
