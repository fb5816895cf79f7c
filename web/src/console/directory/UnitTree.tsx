// Owns: the organisation tree of the console (units by parent, Vietnamese order), a dissolved unit
// marked as such; picking a unit opens it at /console/directory/units/:code.
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { Unit } from './api.ts';
import './texts.ts';

export function UnitTree({ units, parent, current }: { units: Unit[]; parent: number | null; current: string | null }) {
  const { t } = useTranslation();
  const children = units.filter((u) => u.parentId === parent).sort((a, b) => a.name.localeCompare(b.name, 'vi'));
  if (!children.length) return null;
  return (
    <ul>
      {children.map((u) => {
        const gone = u.validTo !== null && u.validTo <= Date.now();
        return (
          <li key={u.id}>
            <Link to={`/console/directory/units/${encodeURIComponent(u.code)}`} aria-current={current === u.code ? 'page' : undefined} className={gone ? 'cdir-gone' : undefined}>
              {u.name}
              {gone ? ` (${t('cdir.dissolved')})` : ''}
            </Link>
            <UnitTree units={units} parent={u.id} current={current} />
          </li>
        );
      })}
    </ul>
  );
}
