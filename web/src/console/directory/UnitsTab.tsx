// Owns: the console's units section: the tree beside the unit picked (/console/directory/units/:code),
// or, with none picked, the form for a province-level unit.
import { useTranslation } from 'react-i18next';
import { useUnits } from './api.ts';
import { ApiError } from './ApiError.tsx';
import { UnitTree } from './UnitTree.tsx';
import { UnitDetails } from './UnitDetails.tsx';
import { UnitCreateForm } from './UnitCreateForm.tsx';
import './texts.ts';

export function UnitsTab({ code }: { code: string | null }) {
  const { t } = useTranslation();
  const units = useUnits();
  const unit = code ? units.data?.find((u) => u.code === code) : undefined;
  return (
    <div className="cdir-split">
      <nav className="tree-box cdir-tree" aria-label={t('cdir.units.tree')}>
        <h2>{t('cdir.units.tree')}</h2>
        {units.isPending ? <p role="status">{t('cdir.loading')}</p> : units.isError ? <ApiError error={units.error} /> : <UnitTree units={units.data} parent={null} current={code} />}
      </nav>
      <div className="cdir-main">
        {unit && units.data ? (
          <UnitDetails unit={unit} units={units.data} key={unit.code} />
        ) : (
          <>
            <p>{t('cdir.units.pick')}</p>
            <UnitCreateForm parentCode={null} />
          </>
        )}
      </div>
    </div>
  );
}
