import type { BacktestMetrics } from '../backtest/index.ts';

/** What the optimizer ranks by. Each is "higher is better". */
export const OBJECTIVES = {
  net_profit: (m: BacktestMetrics) => m.netProfit,
  sharpe: (m: BacktestMetrics) => m.sharpe,
  sortino: (m: BacktestMetrics) => m.sortino,
  calmar: (m: BacktestMetrics) => m.calmar,
  profit_factor: (m: BacktestMetrics) => m.profitFactor,
  win_rate: (m: BacktestMetrics) => m.winRate,
  expectancy: (m: BacktestMetrics) => m.expectancy,
  /** Net profit per unit of maximum drawdown (freqtrade's ProfitDrawDown idea). */
  profit_drawdown: (m: BacktestMetrics) =>
    m.maxDrawdown !== null && m.maxDrawdown > 0
      ? m.netProfit / m.maxDrawdown
      : m.netProfit > 0
        ? m.netProfit
        : null,
} satisfies Record<string, (m: BacktestMetrics) => number | null>;

export type Objective = keyof typeof OBJECTIVES;
export const OBJECTIVE_NAMES = Object.keys(OBJECTIVES) as Objective[];

/**
 * The score of a backtest. Too few trades or an undefined metric ranks below every real result
 * (a parameter set that never trades is not "the best with zero drawdown").
 */
export function score(objective: Objective, metrics: BacktestMetrics, minTrades: number): number {
  if (metrics.totalTrades < minTrades) return Number.NEGATIVE_INFINITY;
  const value = OBJECTIVES[objective](metrics);
  return value === null || Number.isNaN(value) ? Number.NEGATIVE_INFINITY : value;
}
