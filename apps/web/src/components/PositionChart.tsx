'use client';

import { createSeriesMarkers, LineStyle, type SeriesMarker, type Time } from 'lightweight-charts';
import { useEffect, useRef } from 'react';
import { useI18n } from '@/lib/i18n';
import { useChartColors } from '@/lib/theme';
import type { PositionChartData } from '@/lib/types';
import { addCandles, baseChart, sec } from './Charts';

const EXIT_REASONS = new Set(['stop_loss', 'take_profit', 'liquidation', 'adl']);

export type ChartMark = {
  /** The open time (ms) of the candle the fill happened in. */
  barTime: number;
  kind: 'entry' | 'exit';
  side: 'buy' | 'sell';
  reason: string;
  price: number;
};

export type ChartLevel = { kind: 'stop_loss' | 'take_profit' | 'entry'; price: number };

/**
 * Where the chart marks the account's activity: each fill on the candle it happened in (an exit when
 * it closed something — a stop, take-profit, liquidation, or any fill with realized PnL — else an
 * entry), and horizontal levels for the resting stop-loss and take-profit and the position's entry.
 */
export function chartMarks(data: PositionChartData): { marks: ChartMark[]; levels: ChartLevel[] } {
  const opens = data.candles.map((c) => c.time);
  const barOf = (time: number) => {
    // The last candle opened at or before the fill (binary search; candles are oldest first).
    let lo = 0;
    let hi = opens.length - 1;
    if (hi < 0 || time < opens[0]!) return undefined;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (opens[mid]! <= time) lo = mid;
      else hi = mid - 1;
    }
    return opens[lo];
  };
  const marks: ChartMark[] = [];
  for (const fill of data.fills) {
    const barTime = barOf(fill.time);
    if (barTime === undefined) continue;
    const exit = EXIT_REASONS.has(fill.reason) || Number(fill.realized_pnl) !== 0;
    marks.push({
      barTime,
      kind: exit ? 'exit' : 'entry',
      side: fill.side,
      reason: fill.reason,
      price: Number(fill.price),
    });
  }
  const levels: ChartLevel[] = [];
  for (const order of data.orders) {
    const price = Number(order.trigger_price ?? order.price);
    if ((order.kind === 'stop_loss' || order.kind === 'take_profit') && Number.isFinite(price))
      levels.push({ kind: order.kind, price });
  }
  for (const position of data.positions) {
    const price = Number(position.entry_price);
    if (Number(position.qty) !== 0 && Number.isFinite(price)) levels.push({ kind: 'entry', price });
  }
  return { marks, levels };
}

/** Candles of a symbol with the account's entries and exits and its resting stop-loss and take-profit. */
export function PositionChart({ data }: { data: PositionChartData }) {
  const { t, locale } = useI18n();
  const colors = useChartColors();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    const chart = baseChart(ref.current, 420, locale, colors);
    const candles = addCandles(
      chart,
      colors,
      data.candles.map((c) => ({
        time: sec(c.time),
        open: c.open,
        high: c.high,
        low: c.low,
        close: c.close,
      })),
    );
    const { marks, levels } = chartMarks(data);
    const reasonText = (reason: string) => {
      const key = `hist.reason.${reason}` as const;
      return t(key as Parameters<typeof t>[0]);
    };
    const markers: SeriesMarker<Time>[] = marks.map((m) =>
      m.kind === 'entry'
        ? {
            time: sec(m.barTime),
            position: m.side === 'buy' ? 'belowBar' : 'aboveBar',
            color: m.side === 'buy' ? colors.up : colors.down,
            shape: m.side === 'buy' ? 'arrowUp' : 'arrowDown',
            text: t('hist.entry'),
          }
        : {
            time: sec(m.barTime),
            position: m.side === 'buy' ? 'belowBar' : 'aboveBar',
            color: colors.exit,
            shape: 'circle',
            text: reasonText(m.reason),
          },
    );
    createSeriesMarkers(candles, markers);
    for (const level of levels)
      candles.createPriceLine({
        price: level.price,
        color:
          level.kind === 'stop_loss' ? colors.down : level.kind === 'take_profit' ? colors.up : colors.equity,
        lineWidth: 2,
        lineStyle: level.kind === 'entry' ? LineStyle.Dotted : LineStyle.Dashed,
        axisLabelVisible: true,
        title:
          level.kind === 'stop_loss'
            ? t('dash.stopLoss')
            : level.kind === 'take_profit'
              ? t('dash.takeProfit')
              : t('hist.entry'),
      });
    const frame = requestAnimationFrame(() => chart.timeScale().fitContent());
    return () => {
      cancelAnimationFrame(frame);
      chart.remove();
    };
  }, [data, locale, t, colors]);
  return (
    <>
      <div
        ref={ref}
        className="chart"
        role="img"
        data-testid="position-chart"
        aria-label={t('hist.chartLabel', { symbol: data.symbol, timeframe: data.timeframe })}
      />
      <ul className="chart-legend" aria-label={t('hist.legend')}>
        <li>
          <span style={{ color: colors.up }}>▲</span>
          <span style={{ color: colors.down }}>▼</span> {t('hist.legendEntry')}
        </li>
        <li>
          <span style={{ color: colors.exit }}>●</span> {t('hist.legendExit')}
        </li>
        <li>
          <span className="swatch-line" style={{ color: colors.down }} /> {t('hist.legendStop')}
        </li>
        <li>
          <span className="swatch-line" style={{ color: colors.up }} /> {t('hist.legendTakeProfit')}
        </li>
        <li>
          <span className="swatch-line" style={{ color: colors.equity }} /> {t('hist.legendEntryPrice')}
        </li>
      </ul>
    </>
  );
}
