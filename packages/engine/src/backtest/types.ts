import type { PartialTakeProfit } from '@tradingbot/core';
import type { CandleSeries } from '../candles/series.ts';
import type { FundingSeries } from './funding.ts';

/**
 * Public types of the broker emulator. The rules they describe are in
 * docs/backtest-semantics.md; the Pine exporter implements the same rules on TradingView.
 */

/** One byte per bar, 1 = true, each computed on that bar's close (warm-up bars are 0). */
export type StrategySignals = {
  longEntry: Uint8Array;
  longExit: Uint8Array;
  shortEntry: Uint8Array;
  shortExit: Uint8Array;
};

/**
 * The same four rules in one byte per bar (bits: SIGNAL_BITS, long entry 1, long exit 2, short
 * entry 4, short exit 8): what the signal kernel writes and the broker reads — one array to
 * write, page in and read instead of four.
 */
export type PackedSignals = Uint8Array;

/** A stop-loss or take-profit distance rule, fixed on the bar where the entry is decided. */
export type ExitRule = { type: 'atr'; multiplier: number } | { type: 'percent'; percent: number };

/**
 * A trailing stop (Pine `strategy.exit` `trail_points` / `trail_offset`): once the best price since
 * the entry is `activation` beyond the entry fill, the stop follows it at `offset` behind. Both are
 * ATR multiples or percent of the close on the decision bar, fixed there like the other exits;
 * activation 0 = trailing from the entry.
 */
export type TrailingRule = { type: 'atr' | 'percent'; activation: number; offset: number };

export type BacktestOptions = {
  /** Quote currency. Default 10,000. */
  initialCapital: number;
  /** How `sizeValue` is read. Default 'percent'. */
  sizing: 'percent' | 'cash' | 'qty';
  /**
   * 'percent': margin as percent of equity (0 < p ≤ 100, default 10); 'cash': margin in quote
   * currency; 'qty': fixed position size in base units (leverage does not multiply it).
   */
  sizeValue: number;
  /** Isolated-margin leverage, 1–125. Default 1 (no liquidation is simulated at 1×). */
  leverage: number;
  /** Maintenance margin rate in percent of notional, used for the liquidation price. Default 0.5. */
  maintenanceMarginPct: number;
  /** Percent of notional charged on every fill. Default 0.04 (Binance USDⓈ-M taker). */
  commissionPct: number;
  /** Whole ticks added against the trader on market and stop fills (not on limits). Default 0. */
  slippageTicks: number;
  /** Price increment; SL/TP levels are rounded to it. Default 0.01. */
  tickSize: number;
  /** Default 'both'. */
  direction: 'both' | 'long' | 'short';
  /** Fill market orders at the close of the decision bar instead of the next open. Default false. */
  fillOnClose: boolean;
  stopLoss?: ExitRule;
  takeProfit?: ExitRule;
  /** Absent = no trailing stop. Works beside the fixed stop: whichever level is nearer the price fills. */
  trailing?: TrailingRule;
  /**
   * Up to two take-profits before `takeProfit` (core's `partialTakeProfitProblem` is the rule),
   * each a limit that closes `qtyPct` % of the entry's quantity at its distance from the entry
   * (ATR distances use the ATR of the decision bar, like `takeProfit`). The stop-loss and the
   * trailing stop cover what is left; `takeProfit` closes the rest. Absent or empty = none.
   */
  partialTakeProfits?: readonly PartialTakeProfit[];
  /**
   * Once a partial take-profit has filled, the stop of what is left moves to the entry price from
   * the next bar on (the exported script re-issues its exits at that bar's close). Default false.
   */
  breakEven?: boolean;
  /**
   * Percent of the open position a strategy exit signal closes (Pine `strategy.close(qty_percent=)`);
   * the rest stays open with its stops until the next exit, a reversal or a stop. Absent = 100.
   */
  closePct?: number;
  /** Period of the ATR the caller passes for ATR-based SL/TP. Default 14. */
  atrPeriod: number;
  /** Annual risk-free rate in percent for Sharpe and Sortino. Default 2. */
  riskFreeRatePct: number;
};

export type ExitReason =
  'signal' | 'reverse' | 'stop_loss' | 'trailing_stop' | 'take_profit' | 'liquidation' | 'end_of_data';

export type Trade = {
  side: 'long' | 'short';
  /** Open time (epoch ms) of the bar on which the entry filled (as TradingView lists trades). */
  entryTime: number;
  /** Fill price, slippage included. */
  entryPrice: number;
  entryBar: number;
  /** Open time of the exit bar; for the open trade, the last bar. */
  exitTime: number;
  /** Fill price, slippage included; for the open trade, the last close. */
  exitPrice: number;
  exitBar: number;
  /** Base units, always > 0. */
  qty: number;
  /**
   * Commission on both fills (the open trade: the entry fill only). A liquidation pays no
   * commission on its exit; its fee is the liquidation clearance (the maintenance margin left at
   * the liquidation price), so that for every trade `pnl = side × (exit − entry) × qty − fees + funding`.
   */
  fees: number;
  /** Net profit in quote currency (gross − fees + funding). */
  pnl: number;
  /** `pnl` in percent of the position's margin, `entryPrice × qty / leverage` (its cost at 1×). */
  pnlPct: number;
  exitReason: ExitReason;
  /** exitBar − entryBar. */
  barsHeld: number;
  /** Maximum adverse excursion: the worst unrealised loss on the price path, quote currency, ≥ 0. */
  mae?: number;
  /** Maximum favourable excursion: the best unrealised profit on the price path, quote currency, ≥ 0. */
  mfe?: number;
  /**
   * Funding received (+) or paid (−) while the trade was open (a partial close takes its share);
   * 0 when the backtest had no funding series.
   */
  funding?: number;
};

/**
 * Trade statistics of one direction (or all trades). Conventions: money in quote currency,
 * percentages on a 0–100 scale, losses as positive magnitudes (`grossLoss`, `avgLoss`,
 * `largestLoss`), and `null` for a value that is undefined (a ratio with a zero denominator, an
 * average of no trades). Nothing here is NaN, so the object serialises to valid JSON.
 */
export type TradeStats = {
  /** Σ net PnL of closed trades. */
  netProfit: number;
  /** netProfit / initialCapital × 100. */
  netProfitPct: number;
  /** Σ PnL of winning closed trades. */
  grossProfit: number;
  /** Σ |PnL| of losing closed trades (positive). */
  grossLoss: number;
  /** grossProfit / grossLoss; null when there is no loss. */
  profitFactor: number | null;
  /** Closed trades. */
  totalTrades: number;
  /** PnL > 0. */
  winningTrades: number;
  /** PnL < 0. */
  losingTrades: number;
  /** PnL exactly 0 (neither winning nor losing; they break streaks). */
  evenTrades: number;
  /** Percent profitable: winningTrades / totalTrades × 100. */
  winRate: number | null;
  /** netProfit / totalTrades. */
  avgTrade: number | null;
  /** grossProfit / winningTrades. */
  avgWin: number | null;
  /** grossLoss / losingTrades (positive). */
  avgLoss: number | null;
  /** avgWin / avgLoss. */
  winLossRatio: number | null;
  largestWin: number | null;
  /** Largest loss as a positive magnitude. */
  largestLoss: number | null;
  /** Mean of barsHeld over closed trades. */
  avgBarsInTrade: number | null;
  avgBarsInWinningTrade: number | null;
  avgBarsInLosingTrade: number | null;
  /** Fees of closed trades plus the open trade's entry commission. */
  commissionPaid: number;
  /** Net funding of closed trades and the open trade: received (+) minus paid; 0 without a funding series. */
  funding: number;
  /** winRate·avgWin − lossRate·avgLoss per closed trade (equals avgTrade), quote currency. */
  expectancy: number | null;
  /** expectancy / avgLoss: what a trade wins in units of the average loss. */
  expectancyRatio: number | null;
  maxConsecutiveWins: number;
  maxConsecutiveLosses: number;
  /** 0 or 1 (no pyramiding). */
  openTrades: number;
  /** Unrealised net PnL of the open trade at the last close (entry commission deducted). */
  openPnl: number;
  /** Closed trades with exitReason 'liquidation' (TradingView's "margin calls"). */
  liquidations: number;
  /** Largest position held, base units. */
  maxContractsHeld: number;
};

export type BacktestMetrics = TradeStats & {
  initialCapital: number;
  /** Equity at the last close: initialCapital + netProfit + openPnl. */
  finalEquity: number;
  /** Largest fall of the close-marked equity curve below its running peak (peak starts at capital). */
  maxDrawdown: number;
  /** Largest per-bar drawdown in percent of the running peak. */
  maxDrawdownPct: number;
  /** Largest rise of the close-marked equity curve above its running trough (trough starts at capital). */
  maxRunUp: number;
  /** Largest per-bar run-up in percent of the running trough. */
  maxRunUpPct: number;
  /** Last close / price of the first entry − 1, × 100 (TradingView: bought with the first trade); null without trades. */
  buyHoldReturnPct: number | null;
  /** (mean monthly return − rf/12) / sample stdev of monthly returns; null with fewer than 3 months. */
  sharpe: number | null;
  /** (mean monthly return − rf/12) / sqrt(Σ min(0, r − rf/12)² / N); null with fewer than 3 months. */
  sortino: number | null;
  /** Compound annual growth of equity over the data's time span (last bar's duration included). */
  cagrPct: number | null;
  /** cagrPct / maxDrawdownPct. */
  calmar: number | null;
  /** Bars whose close found a position open, in percent of all bars. */
  timeInMarketPct: number;
  /** Number of calendar months (UTC) whose returns fed Sharpe and Sortino. */
  months: number;
  long: TradeStats;
  short: TradeStats;
};

/**
 * Market data beside the candles, each optional and off when absent (docs/backtest-semantics.md):
 * a funding-rate history charges or credits open positions at each funding time; lower-timeframe
 * candles decide the order of stop and limit fills inside a bar (TradingView's bar magnifier).
 */
export type BacktestInputs = {
  funding?: FundingSeries | undefined;
  /** Candles of a shorter timeframe over the same range (e.g. 1m or 5m under 1h bars). */
  lowerTimeframe?: CandleSeries | undefined;
};

export type BacktestResult = {
  /**
   * Closed trades in exit order. Built on first access (a getter, then cached): tens of thousands
   * of trade objects cost more than the whole bar loop, and the optimizer reads only `metrics`.
   */
  trades: Trade[];
  /** The position still open after the last bar, marked to the last close (exitReason 'end_of_data'). */
  openTrade: Trade | null;
  /** Per bar: initialCapital + realised net PnL + open PnL at that bar's close. */
  equity: Float64Array;
  /** Per bar: percent below the running peak of `equity` (0 at a new high). */
  drawdown: Float64Array;
  metrics: BacktestMetrics;
};
