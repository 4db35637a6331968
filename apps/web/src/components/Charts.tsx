'use client';

import {
  AreaSeries,
  CandlestickSeries,
  ColorType,
  createChart,
  createSeriesMarkers,
  LineSeries,
  LineStyle,
  TickMarkType,
  type CandlestickData,
  type IChartApi,
  type SeriesMarker,
  type SeriesMarkerShape,
  type Time,
  type UTCTimestamp,
} from 'lightweight-charts';
import { useEffect, useRef, useState } from 'react';
import { useI18n } from '@/lib/i18n';
import { en, type MessageKey } from '@/lib/messages';
import { useChartColors, type ChartColors } from '@/lib/theme';
import type { BacktestResult, BotChart } from '@/lib/types';

/** A chart time (whole seconds) from an open time in ms. */
export const sec = (ms: number) => Math.floor(ms / 1000) as UTCTimestamp;

/**
 * Time-axis labels that say which date they are: a year alone, a month with its year, a day with
 * its month, a time as hours and minutes (the default mixed bare day numbers with month names,
 * "23 … Apr Jul Oct 3"). Times are UTC, like the candles.
 */
export function tickLabel(seconds: number, type: TickMarkType, locale: string): string {
  const format = (options: Intl.DateTimeFormatOptions) =>
    new Intl.DateTimeFormat(locale, { timeZone: 'UTC', ...options }).format(new Date(seconds * 1000));
  switch (type) {
    case TickMarkType.Year:
      return format({ year: 'numeric' });
    case TickMarkType.Month:
      return format({ year: 'numeric', month: 'short' });
    case TickMarkType.DayOfMonth:
      return format({ month: 'short', day: 'numeric' });
    default:
      return format({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  }
}

/** A trade's exit reason in words (stop-loss, take-profit, signal, …), or the reason as sent. */
function exitReasonText(t: (key: MessageKey) => string, reason: string): string {
  const key = `reason.${reason}`;
  return key in en ? t(key as MessageKey) : reason;
}

/** Candles in the theme's up and down colours. */
export function addCandles(chart: IChartApi, colors: ChartColors, bars: CandlestickData<Time>[]) {
  const series = chart.addSeries(CandlestickSeries, {
    upColor: colors.up,
    downColor: colors.down,
    borderVisible: false,
    wickUpColor: colors.up,
    wickDownColor: colors.down,
  });
  series.setData(bars);
  return series;
}

type CandleColumns = {
  time: number[];
  open: (number | null)[];
  high: (number | null)[];
  low: (number | null)[];
  close: (number | null)[];
};

/** Columnar candles (open times in ms) as chart bars; a missing value is NaN (no bar drawn). */
function columnBars({ time, open, high, low, close }: CandleColumns): CandlestickData<Time>[] {
  return time.map((ms, k) => ({
    time: sec(ms),
    open: open[k] ?? NaN,
    high: high[k] ?? NaN,
    low: low[k] ?? NaN,
    close: close[k] ?? NaN,
  }));
}

/** A chart in the page's colours (light or dark theme: `colors` from the CSS variables). */
export function baseChart(
  element: HTMLElement,
  height: number,
  locale: string,
  colors: ChartColors,
): IChartApi {
  const intlLocale = locale === 'ko' ? 'ko-KR' : 'en-US';
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
    timeScale: {
      timeVisible: true,
      secondsVisible: false,
      minBarSpacing: 0.001,
      borderColor: colors.grid,
      tickMarkFormatter: (time: Time, type: TickMarkType) => tickLabel(time as number, type, intlLocale),
    },
    localization: { locale: intlLocale },
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
  const { t, num, locale } = useI18n();
  const colors = useChartColors();
  const ref = useRef<HTMLDivElement>(null);
  const [hover, setHover] = useState('');
  useEffect(() => {
    if (!ref.current) return;
    const chart = baseChart(ref.current, 460, locale, colors);
    const { time } = result.candles;
    const candles = addCandles(chart, colors, columnBars(result.candles));
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
          text: exitReasonText(t, trade.exit_reason),
        });
    }
    markers.sort((a, b) => (a.time as number) - (b.time as number));
    createSeriesMarkers(candles, markers);
    // Hovering a bar with an entry or exit says what happened there (the markers' tooltip).
    chart.subscribeCrosshairMove((param) => {
      const at = typeof param.time === 'number' ? param.time * 1000 : undefined;
      setHover(at === undefined ? '' : tradesAt(trades, result.open_trade, at, t, num));
    });
    // Fit once the container has its final width (autoSize resizes after the first frame).
    const frame = requestAnimationFrame(() => chart.timeScale().fitContent());
    return () => {
      cancelAnimationFrame(frame);
      chart.remove();
    };
  }, [result, locale, t, num, colors]);
  return (
    <>
      <div
        ref={ref}
        className="chart"
        role="img"
        data-testid="backtest-chart"
        aria-label={t('lab.chartLabel', { source: result.data.source })}
      />
      <BacktestLegend colors={colors} />
      <p className="muted small chart-tip" aria-live="polite" data-testid="chart-tip">
        {hover || t('lab.tipHint')}
      </p>
    </>
  );
}

type Translate = ReturnType<typeof useI18n>['t'];
type TradeLike = BacktestResult['trades'][number];

/** What the trades did on the bar opening at `at` (ms), in words: the hover text of the chart's markers. */
function tradesAt(
  trades: readonly TradeLike[],
  open: TradeLike | null | undefined,
  at: number,
  t: Translate,
  num: (value: number) => string,
): string {
  const lines: string[] = [];
  for (const trade of trades) {
    const side = trade.side === 'long' ? t('lab.long') : t('lab.short');
    if (sec(trade.entry_time) * 1000 === at)
      lines.push(t('lab.tipEntry', { side, price: num(trade.entry_price) }));
    if (trade !== open && sec(trade.exit_time) * 1000 === at)
      lines.push(
        t('lab.tipExit', {
          side,
          price: num(trade.exit_price),
          reason: exitReasonText(t, trade.exit_reason),
          pnl: num(trade.pnl),
        }),
      );
  }
  return lines.join(' · ');
}

/** What the backtest chart's markers mean. */
function BacktestLegend({ colors }: { colors: ChartColors }) {
  const { t } = useI18n();
  return (
    <ul className="chart-legend" aria-label={t('hist.legend')} data-testid="chart-legend">
      <li>
        <span style={{ color: colors.up }}>▲</span> {t('lab.legendLong')}
      </li>
      <li>
        <span style={{ color: colors.down }}>▼</span> {t('lab.legendShort')}
      </li>
      <li>
        <span style={{ color: colors.exit }}>●</span> {t('lab.legendExit')}
      </li>
    </ul>
  );
}

/** Equity (area) and drawdown (line, %) under one time axis each. */
export function CurveChart({
  times,
  values,
  tone,
  label,
  invert = false,
  daily = false,
}: {
  times: number[];
  values: (number | null)[];
  /** equity: the theme's blue; negative: its red (drawdown). */
  tone: 'equity' | 'negative';
  label: string;
  invert?: boolean;
  /** One point per day: the axis shows dates only. */
  daily?: boolean;
}) {
  const { locale } = useI18n();
  const colors = useChartColors();
  const color = colors[tone];
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    const chart = baseChart(ref.current, 200, locale, colors);
    if (daily) chart.applyOptions({ timeScale: { timeVisible: false } });
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
  }, [times, values, color, invert, daily, locale, colors]);
  return <div ref={ref} className="chart small-chart" role="img" aria-label={label} />;
}

/** One line of a `LinesChart`: its values per time, its name in the legend, solid or dashed. */
export type ChartLine = {
  label: string;
  times: number[];
  values: (number | null)[];
  tone: keyof ChartColors;
  dashed?: boolean;
};

/**
 * Several lines on one time axis and one price scale (a strategy's equity and buy-and-hold, or two
 * saved runs), with a legend that tells them apart by line style as well as colour.
 */
export function LinesChart({ lines, label, testId }: { lines: ChartLine[]; label: string; testId?: string }) {
  const { locale } = useI18n();
  const colors = useChartColors();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    const chart = baseChart(ref.current, 240, locale, colors);
    for (const item of lines) {
      const series = chart.addSeries(LineSeries, {
        color: colors[item.tone],
        lineWidth: 2,
        lineStyle: item.dashed ? LineStyle.Dashed : LineStyle.Solid,
        title: item.label,
        priceLineVisible: false,
        lastValueVisible: false,
      });
      series.setData(line(item.times, item.values));
    }
    const frame = requestAnimationFrame(() => chart.timeScale().fitContent());
    return () => {
      cancelAnimationFrame(frame);
      chart.remove();
    };
  }, [lines, locale, colors]);
  return (
    <>
      <div ref={ref} className="chart small-chart" role="img" aria-label={label} data-testid={testId} />
      <ul className="lines-legend">
        {lines.map((item) => (
          <li key={item.label}>
            <span aria-hidden="true" style={{ color: colors[item.tone] }}>
              {item.dashed ? '╌╌' : '━━'}
            </span>{' '}
            {item.label}
          </li>
        ))}
      </ul>
    </>
  );
}

/**
 * A bot's live chart (`GET /api/v1/bots/{id}/chart`), drawn like the lab's: candles with the
 * strategy's indicators (overlays on the price pane, the others below), the bot's decisions as
 * markers (skipped ones as squares) and its resting stop-loss and take-profit as price lines.
 */
export function BotLiveChart({ chart }: { chart: BotChart }) {
  const { t, locale } = useI18n();
  const colors = useChartColors();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    const view = baseChart(ref.current, 420, locale, colors);
    const { time } = chart.candles;
    const candles = addCandles(view, colors, columnBars(chart.candles));
    for (const plot of chart.indicators) {
      view
        .addSeries(
          LineSeries,
          {
            color: plot.color,
            lineWidth: 1,
            title: plot.title,
            priceLineVisible: false,
            lastValueVisible: false,
          },
          plot.overlay ? 0 : 1,
        )
        .setData(line(time, plot.values));
    }
    for (const level of chart.protection) {
      candles.createPriceLine({
        price: Number(level.price),
        color: level.kind === 'stop_loss' ? colors.down : colors.up,
        lineWidth: 1,
        lineStyle: 2,
        axisLabelVisible: true,
        title: level.kind === 'stop_loss' ? t('bot.stopLoss') : t('bot.takeProfit'),
      });
    }
    const first = time[0] ?? 0;
    const markers: SeriesMarker<Time>[] = chart.decisions
      .filter((d) => d.time >= first)
      .map((d): SeriesMarker<Time> => {
        const entry = d.action === 'long' || d.action === 'short';
        const up = d.action === 'long' || d.action === 'close_short';
        const shape: SeriesMarkerShape =
          d.outcome === 'skipped' ? 'square' : entry ? (up ? 'arrowUp' : 'arrowDown') : 'circle';
        return {
          time: sec(d.time),
          position: up ? ('belowBar' as const) : ('aboveBar' as const),
          color: d.outcome === 'skipped' ? colors.text : entry ? (up ? colors.up : colors.down) : colors.exit,
          shape,
          text: t(`bot.action.${d.action}`),
        };
      })
      .sort((a, b) => (a.time as number) - (b.time as number));
    createSeriesMarkers(candles, markers);
    const frame = requestAnimationFrame(() => view.timeScale().fitContent());
    return () => {
      cancelAnimationFrame(frame);
      view.remove();
    };
  }, [chart, locale, t, colors]);
  return (
    <div
      ref={ref}
      className="chart"
      role="img"
      data-testid="bot-chart"
      aria-label={t('bot.chartLabel', { symbol: chart.symbol, timeframe: chart.timeframe })}
    />
  );
}
