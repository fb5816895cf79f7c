// Owns: finding people in the console: the server searches (GET /api/v1/directory/search, kinds=person),
// diacritics and đ folded ("nguyen van duc" finds "Nguyễn Văn Đức"); the query lives in the URL (?q=)
// so the way back from a person returns to the results.
import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useSearchPeople } from './api.ts';
import { ApiError } from './ApiError.tsx';
import { Grid, QueryList } from '../QueryList.tsx';
import './texts.ts';

export function PeopleSearch() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const inactive = params.get('inactive') === '1';
  const [text, setText] = useState(q);
  const [all, setAll] = useState(inactive);
  const found = useSearchPeople(q, inactive);
  function submit(e: FormEvent) {
    e.preventDefault();
    const next = new URLSearchParams();
    if (text.trim()) next.set('q', text.trim());
    if (all) next.set('inactive', '1');
    setParams(next);
  }
  return (
    <section aria-labelledby="cdir-people-h">
      <h2 id="cdir-people-h" className="sr-only">
        {t('cdir.tabs.people')}
      </h2>
      <form role="search" className="filters" onSubmit={submit}>
        <label>
          {t('cdir.people.search')}
          <input type="search" value={text} onChange={(e) => setText(e.target.value)} data-testid="cdir-search" />
        </label>
        <label className="cdir-check">
          <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} />
          {t('cdir.people.inactive')}
        </label>
        <button type="submit" className="button">
          {t('cdir.people.searchButton')}
        </button>
      </form>
      {q && (
        <>
          <h3>{t('cdir.people.results', { q })}</h3>
          <QueryList query={found} loading={t('cdir.loading')} failed={(e) => <ApiError error={e} />} empty={t('cdir.people.noResults')}>
            {(rows) => (
              <Grid testId="cdir-results" columns={[t('cdir.people.fullName'), t('cdir.people.title'), t('cdir.people.unit'), t('cdir.people.email'), t('cdir.people.status')]}>
                {rows.map((p) => (
                  <tr key={p.id}>
                    <td>
                      <Link to={`/console/directory/people/${p.id}?${params.toString()}`}>{p.name}</Link>
                    </td>
                    <td>{p.title}</td>
                    <td>{p.unitName ?? ''}</td>
                    <td>{p.email ?? ''}</td>
                    <td>{t(`cdir.people.statuses.${p.status}`, { defaultValue: p.status })}</td>
                  </tr>
                ))}
              </Grid>
            )}
          </QueryList>
        </>
      )}
    </section>
  );
}
