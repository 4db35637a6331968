import type { CandleSeries } from '../candles/series.ts';
import { atr } from '../indicators/index.ts';
import { runBacktest, type BacktestOptions, type BacktestResult } from '../backtest/index.ts';
import { resolveParams, type ParamValues, type StrategyDeclaration } from './declaration.ts';
import { evaluateStrategy, type EvaluatedStrategy } from './evaluate.ts';
import { getStrategy } from './strategies/index.ts';

export type StrategyBacktest = {
  strategy: string;
  params: ParamValues;
  result: BacktestResult;
  evaluated: EvaluatedStrategy;
};

function needsAtr(options: BacktestOptions): boolean {
  return options.stopLoss?.type === 'atr' || options.takeProfit?.type === 'atr';
}

/**
 * Backtests one strategy: resolves and validates its parameters, evaluates its declaration into
 * signals, and runs the broker emulator (with the ATR series when SL/TP are ATR-based).
 */
export function backtestStrategy(
  strategy: string | StrategyDeclaration,
  candles: CandleSeries,
  params: Record<string, unknown>,
  options: BacktestOptions,
): StrategyBacktest {
  const declaration = typeof strategy === 'string' ? getStrategy(strategy) : strategy;
  const values = resolveParams(declaration, params);
  const evaluated = evaluateStrategy(declaration, candles, values);
  const atrValues = needsAtr(options)
    ? atr(candles.high, candles.low, candles.close, options.atrPeriod)
    : undefined;
  const result = runBacktest(candles, evaluated.signals, options, atrValues);
  return { strategy: declaration.id, params: values, result, evaluated };
}
