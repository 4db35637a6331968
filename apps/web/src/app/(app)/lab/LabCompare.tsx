'use client';

import { useMemo } from 'react';
import { LinesChart, type ChartLine } from '@/components/Charts';
import { useI18n } from '@/lib/i18n';
import type { MessageKey } from '@/lib/messages';
import type { BacktestMetrics, BacktestResult } from '@/lib/types';
import type { LabComparison } from './lab-state';
import { describeRunData } from './saved-runs';

type MetricKey = Exclude<keyof BacktestMetrics, 'long' | 'short'>;

/** The rows compared: the metric, its label, its digits. */
const COMPARED: [MetricKey, MessageKey, number][] = [
  ['net_profit', 'lab.m.netProfit', 2],
  ['net_profit_pct', 'lab.m.netProfitPct', 2],
  ['max_drawdown_pct', 'lab.m.maxDrawdownPct', 2],
  ['buy_hold_return_pct', 'lab.m.buyHoldReturnPct', 2],
  ['sharpe', 'lab.m.sharpe', 3],
  ['sortino', 'lab.m.sortino', 3],
  ['profit_factor', 'lab.m.profitFactor', 3],
  ['total_trades', 'lab.m.totalTrades', 0],
  ['win_rate', 'lab.m.winRate', 2],
  ['avg_trade', 'lab.m.avgTrade', 2],
  ['commission_paid', 'lab.m.commissionPaid', 2],
  ['cagr_pct', 'lab.m.cagrPct', 2],
  ['expectancy', 'lab.m.expectancy', 2],
];

/** B − A, or null when either side has no value. */
export function difference(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : b - a;
}

/** An equity curve as percent return on the run's initial capital (runs with other capitals compare). */
export function returnCurve(result: BacktestResult): (number | null)[] {
  const capital = result.metrics.initial_capital;
  if (capital === null || capital === 0) return result.equity.map(() => null);
  return result.equity.map((value) => (value === null ? null : (value / capital - 1) * 100));
}

/** Two saved runs side by side: their metrics with the difference, and both equity curves on one chart. */
export function LabCompare({ comparison, onClose }: { comparison: LabComparison; onClose: () => void }) {
  const { t, num } = useI18n();
  const [a, b] = comparison.runs;
  const [resultA, resultB] = comparison.results;
  const signed = (value: number | null, digits: number) =>
    value === null ? num(null) : `${value > 0 ? '+' : ''}${num(value, digits)}`;
  const lines = useMemo<ChartLine[]>(
    () => [
      { label: `A: ${a.name}`, times: resultA.candles.time, values: returnCurve(resultA), tone: 'equity' },
      {
        label: `B: ${b.name}`,
        times: resultB.candles.time,
        values: returnCurve(resultB),
        tone: 'up',
        dashed: true,
      },
    ],
    [a, b, resultA, resultB],
  );
  return (
    <section className="card" aria-labelledby="compare-title" data-testid="comparison">
      <h2 id="compare-title">{t('lab.compareTitle')}</h2>
      <LinesChart lines={lines} label={t('lab.compareEquity')} testId="compare-chart" />
      <div className="table-wrap" tabIndex={0} role="region" aria-label={t('lab.compareTitle')}>
        <table data-testid="compare-metrics">
          <thead>
            <tr>
              <th scope="col">{t('lab.metric')}</th>
              <th scope="col">A: {a.name}</th>
              <th scope="col">B: {b.name}</th>
              <th scope="col">{t('lab.difference')}</th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <th scope="row">{t('lab.col.data')}</th>
              <td>{describeRunData(a.data, t('lab.sample'))}</td>
              <td>{describeRunData(b.data, t('lab.sample'))}</td>
              <td />
            </tr>
            <tr>
              <th scope="row">{t('lab.params')}</th>
              <td>{Object.values(a.params).join(' / ')}</td>
              <td>{Object.values(b.params).join(' / ')}</td>
              <td />
            </tr>
            {COMPARED.map(([key, label, digits]) => (
              <tr key={key}>
                <th scope="row">{t(label)}</th>
                <td>{num(resultA.metrics[key], digits)}</td>
                <td>{num(resultB.metrics[key], digits)}</td>
                <td>{signed(difference(resultA.metrics[key], resultB.metrics[key]), digits)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <button type="button" className="secondary" onClick={onClose}>
        {t('lab.compareClose')}
      </button>
    </section>
  );
}
