import { useI18n } from '../../i18n';
import { BUCKETS, type Buckets } from './api';
import { formatAmount } from './shared';

/**
 * The aging buckets as horizontal stacked bars in plain SVG: the total first, then the customers
 * who owe the most. Disputed amounts are a separate bar segment set apart after a gap (they are
 * not aged). Widths come from exact decimal strings through BigInt ratios, never float money;
 * negative buckets (credit notes) draw nothing, the table beside says the exact figures.
 */

const SCALE = 6;
/** An exact decimal string as an integer of 10^-6 units ("12.5" → 12500000n); bad input is 0. */
export function units(amount: string | null | undefined): bigint {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec((amount ?? '').trim());
  if (!m) return 0n;
  const v = BigInt(m[2]! + (m[3] ?? '').padEnd(SCALE, '0').slice(0, SCALE));
  return m[1] ? -v : v;
}
const pos = (v: bigint) => (v > 0n ? v : 0n);
/** a / b as a fraction for drawing (0 when b is 0), to 1/10000. */
const ratio = (a: bigint, b: bigint) => (b > 0n ? Number((pos(a) * 10000n) / b) / 10000 : 0);

type Row = { label: string; values: Buckets };

const LABEL_W = 190;
const GAP = 14;
const BAR_H = 18;
const ROW_H = 30;
const WIDTH = 820;
const DISPUTED_W = 110;

export function AgingChart({ currency, total, customers, title }: { currency: string; total: Buckets; customers: { name: string; values: Buckets }[]; title: string }) {
  const fmt = useI18n();
  const { t } = fmt;
  const rows: Row[] = [{ label: t('web.aging.total'), values: total }, ...customers.map((c) => ({ label: c.name, values: c.values }))];
  const aged = (b: Buckets) => BUCKETS.reduce((s, k) => s + pos(units(b[k])), 0n);
  const maxAged = rows.reduce((m, r) => (aged(r.values) > m ? aged(r.values) : m), 0n);
  const maxDisputed = rows.reduce((m, r) => (pos(units(r.values.disputed)) > m ? pos(units(r.values.disputed)) : m), 0n);
  const barW = WIDTH - LABEL_W - GAP - (maxDisputed > 0n ? DISPUTED_W + GAP : 0);
  const height = rows.length * ROW_H + 24;
  const bucketLabel = (k: string) => t(`web.aging.buckets.${k}`);

  return (
    <figure className="stack-sm" style={{ margin: 0 }}>
      <svg className="aging-chart" viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-label={title}>
        <title>{title}</title>
        <text x={LABEL_W + GAP} y={12}>
          {t('web.aging.chart_aged')}
        </text>
        {maxDisputed > 0n && (
          <text x={WIDTH - DISPUTED_W} y={12}>
            {t('web.aging.buckets.disputed')}
          </text>
        )}
        {rows.map((r, i) => {
          const y = 24 + i * ROW_H;
          let x = LABEL_W + GAP;
          const label = r.label.length > 28 ? `${r.label.slice(0, 27)}…` : r.label;
          return (
            <g key={i}>
              <text x={LABEL_W} y={y + BAR_H / 2 + 4} textAnchor="end" style={i === 0 ? { fontWeight: 600, fill: 'var(--text)' } : undefined}>
                {label}
              </text>
              <rect x={LABEL_W + GAP} y={y} width={barW} height={BAR_H} rx={3} fill="var(--surface-muted)" />
              {BUCKETS.map((k) => {
                const w = ratio(units(r.values[k]), maxAged) * barW;
                const seg = w > 0 ? (
                  <rect key={k} x={x} y={y} width={w} height={BAR_H} className={`bucket-${k}`}>
                    <title>{`${r.label} · ${bucketLabel(k)}: ${formatAmount(fmt, r.values[k], currency)}`}</title>
                  </rect>
                ) : null;
                x += w;
                return seg;
              })}
              {maxDisputed > 0n && (
                <>
                  <rect x={WIDTH - DISPUTED_W} y={y} width={DISPUTED_W} height={BAR_H} rx={3} fill="var(--surface-muted)" />
                  {units(r.values.disputed) > 0n && (
                    <rect x={WIDTH - DISPUTED_W} y={y} width={ratio(units(r.values.disputed), maxDisputed) * DISPUTED_W} height={BAR_H} className="bucket-disputed">
                      <title>{`${r.label} · ${bucketLabel('disputed')}: ${formatAmount(fmt, r.values.disputed, currency)}`}</title>
                    </rect>
                  )}
                </>
              )}
            </g>
          );
        })}
      </svg>
      <ul className="aging-legend">
        {[...BUCKETS, 'disputed' as const].map((k) => (
          <li key={k}>
            <span className={`swatch bucket-${k}`} aria-hidden="true" />
            {bucketLabel(k)}
          </li>
        ))}
      </ul>
    </figure>
  );
}
