/**
 * TradingView-exact indicators (Pine v6 definitions, warm-up bars as `na` = NaN). Batch functions
 * take whole series (Float64Array) and return Float64Array; `*State` classes are the incremental
 * versions for live use. The definitions are the Pine v6 reference manual's
 * (https://www.tradingview.com/pine-script-reference/v6/#fun_ta.sma and the other `ta.*` entries).
 */
export { sma, ema, rma, stdev } from './moving.ts';
export { highest, lowest, donchian } from './range.ts';
export { rsi, macd, stoch, stochRaw } from './oscillators.ts';
export { tr, atr, bb, supertrend } from './volatility.ts';
export { ichimoku, shiftBack, type IchimokuResult } from './ichimoku.ts';
export { crossover, crossunder } from './cross.ts';
export {
  SmaState,
  EmaState,
  RmaState,
  RsiState,
  TrState,
  AtrState,
  StdevState,
  HighestState,
  LowestState,
  DonchianState,
  MacdState,
  StochState,
  BbState,
  SupertrendState,
  IchimokuState,
  type Bar,
  type MacdValue,
  type StochValue,
  type BbValue,
  type SupertrendValue,
  type IchimokuValue,
} from './incremental.ts';
export {
  parseIndicatorList,
  computeIndicatorColumns,
  formatIndicatorValue,
  INDICATOR_LIST_HELP,
  INDICATOR_NAMES,
  type IndicatorColumn,
  type IndicatorSpec,
} from './spec.ts';
