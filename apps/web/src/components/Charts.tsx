'use client';

import {
  AreaSeries,
  CandlestickSeries,
  ColorType,
  createChart,
  createSeriesMarkers,
  LineSeries,
  type IChartApi,
  type SeriesMarker,
  type Time,
  type UTCTimestamp,
} from 'lightweight-charts';
import { useEffect, useRef } from 'react';
import { useI18n } from '@/lib/i18n';
import { useChartColors, type ChartColors } from '@/lib/theme';
import type { BacktestResult } from '@/lib/types';

const sec = (ms: number) => Math.floor(ms / 1000) as UTCTimestamp;

/** A chart in the page's colours (light or dark theme: `colors` from the CSS variables). */
function baseChart(element: HTMLElement, height: number, locale: string, colors: ChartColors): IChartApi {
  return createChart(element, {
    height,
    autoSize: true,
    layout: {
      background: { type: ColorType.Solid, color: colors.background },
      textColor: colors.text,
      attributionLogo: false,
    },
    grid: { vertLines: { color: colors.grid }, horzLines: { color: colors.grid } },
    rightPriceScale: { borderColor: colors.grid },
    // minBarSpacing: a year of hourly bars must fit a phone-wide chart.
    timeScale: { timeVisible: true, secondsVisible: false, minBarSpacing: 0.001, borderColor: colors.grid },
    localization: { locale: locale === 'ko' ? 'ko-KR' : 'en-US' },
  });
}

function line(times: number[], values: (number | null)[]) {
  const out: { time: UTCTimestamp; value: number }[] = [];
  values.forEach((value, k) => {
    if (value !== null && Number.isFinite(value)) out.push({ time: sec(times[k]!), value });
  });
  return out;
}

/**
 * Candles with entry/exit markers and the strategy's indicators: overlay plots on the price pane,
 * the others (RSI, MACD, …) in a pane below.
 */
export function BacktestChart({ result }: { result: BacktestResult }) {
  const { t, locale } = useI18n();
  const colors = useChartColors();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    const chart = baseChart(ref.current, 460, locale, colors);
    const { time, open, high, low, close } = result.candles;
    const candles = chart.addSeries(CandlestickSeries, {
      upColor: colors.up,
      downColor: colors.down,
      borderVisible: false,
      wickUpColor: colors.up,
      wickDownColor: colors.down,
    });
    candles.setData(
      time.map((ms, k) => ({
        time: sec(ms),
        open: open[k] ?? NaN,
        high: high[k] ?? NaN,
        low: low[k] ?? NaN,
        close: close[k] ?? NaN,
      })),
    );
    for (const plot of result.indicators) {
      const series = chart.addSeries(
        LineSeries,
        {
          color: plot.color,
          lineWidth: 1,
          title: plot.title,
          priceLineVisible: false,
          lastValueVisible: false,
        },
        plot.overlay ? 0 : 1,
      );
      series.setData(line(time, plot.values));
    }
    const trades = [...result.trades, ...(result.open_trade ? [result.open_trade] : [])];
    const markers: SeriesMarker<Time>[] = [];
    for (const trade of trades) {
      const long = trade.side === 'long';
      markers.push({
        time: sec(trade.entry_time),
        position: long ? 'belowBar' : 'aboveBar',
        color: long ? colors.up : colors.down,
        shape: long ? 'arrowUp' : 'arrowDown',
        text: long ? t('lab.long') : t('lab.short'),
      });
      if (trade !== result.open_trade)
        markers.push({
          time: sec(trade.exit_time),
          position: long ? 'aboveBar' : 'belowBar',
          color: colors.exit,
          shape: 'circle',
        });
    }
    markers.sort((a, b) => (a.time as number) - (b.time as number));
    createSeriesMarkers(candles, markers);
    // Fit once the container has its final width (autoSize resizes after the first frame).
    const frame = requestAnimationFrame(() => chart.timeScale().fitContent());
    return () => {
      cancelAnimationFrame(frame);
      chart.remove();
    };
  }, [result, locale, t, colors]);
  return (
    <div
      ref={ref}
      className="chart"
      role="img"
      data-testid="backtest-chart"
      aria-label={t('lab.chartLabel', { source: result.data.source })}
    />
  );
}

/** Equity (area) and drawdown (line, %) under one time axis each. */
export function CurveChart({
  times,
  values,
  tone,
  label,
  invert = false,
}: {
  times: number[];
  values: (number | null)[];
  /** equity: the theme's blue; negative: its red (drawdown). */
  tone: 'equity' | 'negative';
  label: string;
  invert?: boolean;
}) {
  const { locale } = useI18n();
  const colors = useChartColors();
  const color = colors[tone];
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    const chart = baseChart(ref.current, 200, locale, colors);
    const series = chart.addSeries(AreaSeries, {
      lineColor: color,
      topColor: `${color}55`,
      bottomColor: `${color}08`,
      lineWidth: 2,
      invertFilledArea: invert,
      priceLineVisible: false,
    });
    series.setData(line(times, invert ? values.map((v) => (v === null ? null : -v)) : values));
    const frame = requestAnimationFrame(() => chart.timeScale().fitContent());
    return () => {
      cancelAnimationFrame(frame);
      chart.remove();
    };
  }, [times, values, color, invert, locale, colors]);
  return <div ref={ref} className="chart small-chart" role="img" aria-label={label} />;
}
