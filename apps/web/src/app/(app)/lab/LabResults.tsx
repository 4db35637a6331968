'use client';

import Link from 'next/link';
import type { Ref } from 'react';
import { BacktestChart, CurveChart } from '@/components/Charts';
import { TradesTable } from '@/components/TradesTable';
import { Empty } from '@/components/ui';
import { useI18n } from '@/lib/i18n';
import type { MessageKey } from '@/lib/messages';
import type { BacktestResult } from '@/lib/types';

/** The metrics table's rows: the result's metric key, its label, and the digits shown. */
const METRICS: [Exclude<keyof BacktestResult['metrics'], 'long' | 'short'>, MessageKey, number][] = [
  ['net_profit', 'lab.m.netProfit', 2],
  ['net_profit_pct', 'lab.m.netProfitPct', 2],
  ['gross_profit', 'lab.m.grossProfit', 2],
  ['gross_loss', 'lab.m.grossLoss', 2],
  ['max_drawdown_pct', 'lab.m.maxDrawdownPct', 2],
  ['buy_hold_return_pct', 'lab.m.buyHoldReturnPct', 2],
  ['sharpe', 'lab.m.sharpe', 3],
  ['sortino', 'lab.m.sortino', 3],
  ['profit_factor', 'lab.m.profitFactor', 3],
  ['total_trades', 'lab.m.totalTrades', 0],
  ['win_rate', 'lab.m.winRate', 2],
  ['avg_trade', 'lab.m.avgTrade', 2],
  ['largest_win', 'lab.m.largestWin', 2],
  ['largest_loss', 'lab.m.largestLoss', 2],
  ['commission_paid', 'lab.m.commissionPaid', 2],
  ['cagr_pct', 'lab.m.cagrPct', 2],
  ['expectancy', 'lab.m.expectancy', 2],
  ['liquidations', 'lab.m.liquidations', 0],
];

/** A timeframe as traders write it: 15m, 4h, 1d, 1w. */
export function timeframeLabel(ms: number | null): string {
  if (ms === null || ms <= 0) return '';
  const units: [number, string][] = [
    [7 * 86_400_000, 'w'],
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'm'],
  ];
  for (const [size, unit] of units) if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  return `${Math.round(ms / 1000)}s`;
}

/**
 * Where the candles came from, without the timeframe the source was made at: the caption states
 * the timeframe the backtest ran on ("synthetic:seed=42,timeframe=1h" resampled to 4h read "1h").
 */
export function describeSource(source: string): string {
  return source.replace(/,?\s*timeframe=[^,)]*/g, '').replace(/:$/, '');
}

/** A backtest's chart, equity and drawdown curves, metrics and trades. `ref` is focused when it arrives. */
export function LabResults({ result, ref }: { result: BacktestResult; ref: Ref<HTMLElement> }) {
  const { t, num, date } = useI18n();
  return (
    <section ref={ref} tabIndex={-1} aria-labelledby="bt-results" className="results">
      <h2 id="bt-results">{t('lab.chart')}</h2>
      <p className="muted small">
        {t('lab.dataInfo', {
          bars: num(result.data.bars, 0),
          from: date(result.data.from),
          to: date(result.data.to),
          source: describeSource(result.data.source),
          timeframe: timeframeLabel(result.data.timeframe_ms),
        })}
      </p>
      <div className="card">
        <BacktestChart result={result} />
      </div>
      <div className="two-col">
        <div className="card">
          <h3>{t('lab.equity')}</h3>
          <CurveChart
            times={result.candles.time}
            values={result.equity}
            tone="equity"
            label={t('lab.equity')}
          />
        </div>
        <div className="card">
          <h3>{t('lab.drawdown')}</h3>
          <CurveChart
            times={result.candles.time}
            values={result.drawdown}
            tone="negative"
            label={t('lab.drawdown')}
            invert
          />
        </div>
      </div>
      <Metrics result={result} />
      <div className="card">
        <h3>{t('lab.trades')}</h3>
        {result.trades.length === 0 ? (
          <Empty>{t('lab.noTrades')}</Empty>
        ) : (
          <TradesTable trades={result.trades} filename={`${result.strategy}-trades.csv`} />
        )}
      </div>
    </section>
  );
}

function Metrics({ result }: { result: BacktestResult }) {
  const { t, num } = useI18n();
  return (
    <div className="card">
      <h3>{t('lab.metrics')}</h3>
      <table className="metrics" data-testid="metrics">
        <tbody>
          {METRICS.map(([key, label, digits]) => (
            <tr key={key}>
              <th scope="row">{t(label)}</th>
              <td>{num(result.metrics[key], digits)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        <Link
          href={`/export?strategy=${result.strategy}&params=${encodeURIComponent(JSON.stringify(result.params))}`}
        >
          {t('nav.export')} →
        </Link>
      </p>
    </div>
  );
}
