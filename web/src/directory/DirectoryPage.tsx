// Owns: the directory browser for everyone (issue 10): the organisation tree (GET /api/v1/units),
// a unit's people with position, unit and contact (GET /api/v1/people?unit=), and search with or
// without diacritics (GET /api/v1/directory/search: the server folds đ and the tones).
import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery } from '@tanstack/react-query';
import '../workqueue/texts.ts';
import '../workqueue/extras.css';
import { api } from '../api/http.ts';

interface Unit {
  id: number;
  code: string;
  name: string;
  kind: string;
  parentId: number | null;
  mailbox: string | null;
  validTo: number | null;
}
interface Person {
  id: number;
  fullName: string;
  title: string;
  unitName: string | null;
  phone: string;
  email: string | null;
  status: string;
}
interface Entry {
  kind: 'person' | 'unit' | 'list';
  id: number;
  name: string;
  email: string | null;
  title: string;
  unitName: string | null;
  unitCode: string | null;
  phone: string;
}

function Tree({ units, parent, current, pick }: { units: Unit[]; parent: number | null; current: string | null; pick: (u: Unit) => void }) {
  const children = units.filter((u) => u.parentId === parent).sort((a, b) => a.name.localeCompare(b.name, 'vi'));
  if (!children.length) return null;
  return (
    <ul>
      {children.map((u) => (
        <li key={u.id}>
          <button type="button" aria-current={current === u.code} onClick={() => pick(u)}>
            {u.name}
          </button>
          <Tree units={units} parent={u.id} current={current} pick={pick} />
        </li>
      ))}
    </ul>
  );
}

function Contact({ email, phone }: { email: string | null; phone: string }) {
  return (
    <>
      {email && (
        <>
          <a href={`mailto:${email}`}>{email}</a>
        </>
      )}
      {email && phone ? <br /> : null}
      {phone && <a href={`tel:${phone.replace(/\s+/g, '')}`}>{phone}</a>}
    </>
  );
}

export function DirectoryPage() {
  const { t } = useTranslation();
  const units = useQuery<Unit[]>({ queryKey: ['dir-units'], staleTime: 5 * 60_000, queryFn: async () => (await api<{ units: Unit[] }>('GET', '/api/v1/units')).units });
  const [unit, setUnit] = useState<Unit | null>(null);
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  const people = useQuery<Person[]>({
    queryKey: ['dir-people', unit?.code],
    enabled: !!unit,
    queryFn: async () => (await api<{ people: Person[] }>('GET', `/api/v1/people?unit=${encodeURIComponent(unit!.code)}&status=active&limit=500`)).people,
  });
  const found = useQuery<Entry[]>({
    queryKey: ['dir-search', q],
    enabled: q.length > 0,
    queryFn: async () => (await api<{ results: Entry[] }>('GET', `/api/v1/directory/search?q=${encodeURIComponent(q)}&limit=50&kinds=person,unit`)).results,
  });
  const valid = useMemo(() => (units.data ?? []).filter((u) => u.validTo === null || u.validTo > Date.now()), [units.data]);

  function search(e: FormEvent) {
    e.preventDefault();
    setQ(text.trim());
  }

  return (
    <div className="page">
      <h1>{t('dir.title')}</h1>
      <form role="search" className="filters" onSubmit={search}>
        <label>
          {t('dir.search')}
          <input type="search" value={text} onChange={(e) => setText(e.target.value)} data-testid="dir-search" />
        </label>
        <button type="submit">{t('dir.searchButton')}</button>
      </form>
      {q && (
        <section aria-labelledby="dir-results">
          <h2 id="dir-results">{t('dir.results', { q })}</h2>
          {found.isPending ? (
            <p role="status">{t('app.loading')}</p>
          ) : !found.data?.length ? (
            <p>{t('dir.noResults')}</p>
          ) : (
            <table className="grid" data-testid="dir-results">
              <thead>
                <tr>
                  <th scope="col">{t('dir.name')}</th>
                  <th scope="col">{t('dir.position')}</th>
                  <th scope="col">{t('dir.unit')}</th>
                  <th scope="col">{t('dir.contact')}</th>
                </tr>
              </thead>
              <tbody>
                {found.data.map((r) => (
                  <tr key={`${r.kind}-${r.id}`}>
                    <td>{r.name}</td>
                    <td>{r.kind === 'unit' ? t('dir.unitMailbox') : r.title}</td>
                    <td>{r.kind === 'unit' ? '' : (r.unitName ?? '')}</td>
                    <td>
                      <Contact email={r.email} phone={r.phone} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
      <div className="dir">
        <nav className="tree-box" aria-label={t('dir.tree')}>
          <h2>{t('dir.tree')}</h2>
          {units.isPending ? <p role="status">{t('app.loading')}</p> : <Tree units={valid} parent={null} current={unit?.code ?? null} pick={setUnit} />}
        </nav>
        <section aria-labelledby="dir-people">
          {!unit ? (
            <p>{t('dir.pick')}</p>
          ) : (
            <>
              <h2 id="dir-people">{t('dir.people', { unit: unit.name })}</h2>
              {unit.mailbox && (
                <p>
                  {t('dir.unitMailbox')}: <Contact email={unit.mailbox} phone="" />
                </p>
              )}
              {people.isPending ? (
                <p role="status">{t('app.loading')}</p>
              ) : !people.data?.length ? (
                <p>{t('dir.noPeople')}</p>
              ) : (
                <table className="grid" data-testid="dir-people">
                  <thead>
                    <tr>
                      <th scope="col">{t('dir.name')}</th>
                      <th scope="col">{t('dir.position')}</th>
                      <th scope="col">{t('dir.contact')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {people.data.map((p) => (
                      <tr key={p.id}>
                        <td>{p.fullName}</td>
                        <td>{p.title}</td>
                        <td>
                          <Contact email={p.email} phone={p.phone} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </>
          )}
        </section>
      </div>
    </div>
  );
}
