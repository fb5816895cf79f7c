// Owns: the console's hand-written SVG charts — grouped vertical bars (a series over days) and
// grouped horizontal bars (one row per agency or state) — each with its legend and the same numbers
// as a table (for screen readers, copying, and tests: each cell carries data-value).
import { useId } from 'react';
import { useTranslation } from 'react-i18next';

export interface Series {
  name: string;
  /** a CSS class of ops.css giving the colour (s1, s2, s3) */
  tone: 's1' | 's2' | 's3';
  values: number[];
}

interface ChartProps {
  title: string;
  categories: string[];
  series: Series[];
  format?: (n: number) => string;
  testId: string;
  /** header of the categories' column in the table */
  categoryLabel: string;
}

const plain = (n: number) => n.toLocaleString('vi-VN');

function Legend({ series }: { series: Series[] }) {
  return (
    <ul className="ops-legend" aria-hidden="true">
      {series.map((s) => (
        <li key={s.name}>
          <span className={`ops-swatch ${s.tone}`} /> {s.name}
        </li>
      ))}
    </ul>
  );
}

function Figures({ categories, series, format = plain, testId, categoryLabel }: Omit<ChartProps, 'title'>) {
  const { t } = useTranslation();
  return (
    <details className="ops-figures">
      <summary>{t('ops.figures')}</summary>
      <table className="grid" data-testid={`${testId}-table`}>
        <thead>
          <tr>
            <th scope="col">{categoryLabel}</th>
            {series.map((s) => (
              <th scope="col" key={s.name}>
                {s.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {categories.map((c, i) => (
            <tr key={c} data-category={c}>
              <th scope="row">{c}</th>
              {series.map((s) => (
                <td key={s.name} data-series={s.name} data-value={s.values[i] ?? 0}>
                  {format(s.values[i] ?? 0)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

/** Grouped vertical bars: one group per category (a day), one bar per series. */
export function BarChart(p: ChartProps & { shortLabel?: (c: string) => string }) {
  const id = useId();
  const format = p.format ?? plain;
  const W = 720;
  const H = 220;
  const left = 44;
  const bottom = 24;
  const max = Math.max(1, ...p.series.flatMap((s) => s.values));
  const groupW = (W - left) / Math.max(1, p.categories.length);
  const barW = Math.max(1, (groupW * 0.8) / p.series.length);
  const y = (v: number) => ((H - bottom - 8) * v) / max;
  const every = Math.ceil(p.categories.length / 10);
  return (
    <figure className="ops-chart" data-testid={p.testId}>
      <figcaption id={id}>{p.title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={id} preserveAspectRatio="xMidYMid meet">
        {[0, 0.5, 1].map((f) => (
          <g key={f}>
            <line x1={left} x2={W} y1={H - bottom - y(max * f)} y2={H - bottom - y(max * f)} className="ops-grid" />
            <text x={left - 4} y={H - bottom - y(max * f) + 4} textAnchor="end" className="ops-axis">
              {format(Math.round(max * f))}
            </text>
          </g>
        ))}
        {p.categories.map((c, i) => (
          <g key={c}>
            {p.series.map((s, j) => {
              const v = s.values[i] ?? 0;
              return (
                <rect key={s.name} x={left + i * groupW + groupW * 0.1 + j * barW} y={H - bottom - y(v)} width={barW} height={y(v)} className={s.tone}>
                  <title>{`${c} · ${s.name}: ${format(v)}`}</title>
                </rect>
              );
            })}
            {i % every === 0 && (
              <text x={left + i * groupW + groupW / 2} y={H - 6} textAnchor="middle" className="ops-axis">
                {p.shortLabel ? p.shortLabel(c) : c}
              </text>
            )}
          </g>
        ))}
      </svg>
      <Legend series={p.series} />
      <Figures {...p} />
    </figure>
  );
}

/** Grouped horizontal bars: one row per category (an agency, a state), one bar per series, each series to its own scale. */
export function HBarChart(p: ChartProps & { compact?: boolean }) {
  const id = useId();
  const format = p.format ?? plain;
  const rowH = 14 * p.series.length + 10;
  const W = p.compact ? 380 : 720;
  const labelW = p.compact ? 150 : 230;
  const H = Math.max(rowH, rowH * p.categories.length);
  const maxOf = p.series.map((s) => Math.max(1, ...s.values));
  return (
    <figure className="ops-chart" data-testid={p.testId}>
      <figcaption id={id}>{p.title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={id} preserveAspectRatio="xMinYMin meet">
        {p.categories.map((c, i) => (
          <g key={c} transform={`translate(0 ${i * rowH})`}>
            <text x={labelW - 6} y={rowH / 2 + 4} textAnchor="end" className="ops-label">
              {c.length > (p.compact ? 24 : 34) ? `${c.slice(0, p.compact ? 23 : 33)}…` : c}
            </text>
            {p.series.map((s, j) => {
              const v = s.values[i] ?? 0;
              const w = ((W - labelW - (p.compact ? 40 : 110)) * v) / maxOf[j];
              return (
                <g key={s.name}>
                  <rect x={labelW} y={5 + j * 14} width={Math.max(v > 0 ? 1 : 0, w)} height={12} className={s.tone}>
                    <title>{`${c} · ${s.name}: ${format(v)}`}</title>
                  </rect>
                  <text x={labelW + w + 4} y={15 + j * 14} className="ops-axis">
                    {format(v)}
                  </text>
                </g>
              );
            })}
          </g>
        ))}
      </svg>
      {p.series.length > 1 && <Legend series={p.series} />}
      <Figures {...p} />
    </figure>
  );
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toLocaleString('vi-VN', { maximumFractionDigits: 1 })} ${units[u]}`;
}
