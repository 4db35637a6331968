'use client';

import Link from 'next/link';
import { useMemo, type Ref } from 'react';
import { BacktestChart, CurveChart, LinesChart, type ChartLine } from '@/components/Charts';
import { TradesTable } from '@/components/TradesTable';
import { Empty } from '@/components/ui';
import { useI18n } from '@/lib/i18n';
import type { MessageKey } from '@/lib/messages';
import type { BacktestResult } from '@/lib/types';
import { RunLive } from './RunLive';

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
  ['funding', 'lab.m.funding', 2],
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
export function LabResults({
  result,
  ref,
  plan,
  symbol,
  realism,
}: {
  result: BacktestResult;
  ref: Ref<HTMLElement>;
  /** The options the run used (the trade plan), carried to the export page and to "Run live". */
  plan?: Record<string, unknown>;
  /** The candles' symbol when they were downloaded from an exchange ("Run live" starts from it). */
  symbol?: string | undefined;
  /** The bar magnifier and funding the run had (`realismOf`), carried to the export page. */
  realism?: Record<string, unknown> | undefined;
}) {
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
          <EquityChart result={result} />
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
      <Metrics result={result} plan={plan} symbol={symbol} realism={realism} />
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

/** The strategy's equity with buy-and-hold of the same capital over the same candles beneath it. */
function EquityChart({ result }: { result: BacktestResult }) {
  const { t } = useI18n();
  const lines = useMemo<ChartLine[]>(
    () => [
      { label: t('lab.strategyEquity'), times: result.candles.time, values: result.equity, tone: 'equity' },
      {
        label: t('lab.buyHold'),
        times: result.candles.time,
        values: result.buy_hold_equity,
        tone: 'exit',
        dashed: true,
      },
    ],
    [result, t],
  );
  return <LinesChart lines={lines} label={t('lab.equityLabel')} testId="equity-chart" />;
}

/**
 * The export page's link: the strategy, its parameters, the run's plan and the figures to expect.
 * The plan also says whether the run used the bar magnifier (the script then sets
 * `use_bar_magnifier`) and paid funding (which the Strategy Tester does not charge).
 */
export function exportHref(
  result: BacktestResult,
  plan: Record<string, unknown> | undefined,
  realism: Record<string, unknown> = {},
): string {
  const m = result.metrics;
  const query = new URLSearchParams({
    strategy: result.strategy,
    params: JSON.stringify(result.params),
    ...(plan ? { plan: JSON.stringify({ ...plan, ...realism }) } : {}),
    expected: JSON.stringify({
      net_profit_pct: m.net_profit_pct,
      total_trades: m.total_trades,
      win_rate: m.win_rate,
      max_drawdown_pct: m.max_drawdown_pct,
      profit_factor: m.profit_factor,
    }),
  });
  return `/export?${query}`;
}

function Metrics({
  result,
  plan,
  symbol,
  realism,
}: {
  result: BacktestResult;
  plan: Record<string, unknown> | undefined;
  symbol: string | undefined;
  realism: Record<string, unknown> | undefined;
}) {
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
        <Link href={exportHref(result, plan, realism)}>{t('nav.export')} →</Link>{' '}
        <RunLive source={{ result, plan, symbol, timeframe: timeframeLabel(result.data.timeframe_ms) }} />
      </p>
    </div>
  );
}
