import type { CandleSeries } from '../candles/series.ts';

/**
 * The equity of buying and holding: the whole initial capital buys the base asset at the first
 * close (1×, no leverage), pays the entry commission once, and is marked at every close after:
 * `equity_t = capital × close_t / close_0 − capital × commission`. No exit is charged (the position
 * is still held at the end, as a backtest's open trade is). This is the benchmark a strategy's
 * equity curve is drawn against; `metrics.buyHoldReturnPct` is TradingView's figure instead (from
 * the strategy's first entry price, without commission).
 *
 * Bars before the first usable close (finite and positive) are NaN; an na close later keeps the
 * last mark (the asset is still held, its price unknown for that bar).
 */
export function buyAndHoldEquity(
  candles: Pick<CandleSeries, 'close' | 'length'>,
  options: { initialCapital: number; commissionPct: number },
): Float64Array {
  const { close, length } = candles;
  const equity = new Float64Array(length).fill(NaN);
  const capital = options.initialCapital;
  const entryFee = (capital * options.commissionPct) / 100;
  let first = -1;
  for (let i = 0; i < length; i++) {
    const c = close[i]!;
    if (Number.isFinite(c) && c > 0) {
      first = i;
      break;
    }
  }
  if (first < 0) return equity;
  const units = capital / close[first]!;
  let mark = capital - entryFee;
  for (let i = first; i < length; i++) {
    const c = close[i]!;
    if (Number.isFinite(c)) mark = units * c - entryFee;
    equity[i] = mark;
  }
  return equity;
}
