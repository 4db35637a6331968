import type { CandleSeries } from '../candles/series.ts';
import {
  runBacktest,
  type BacktestInputs,
  type BacktestOptions,
  type BacktestResult,
} from '../backtest/index.ts';
import { resolveParams, type ParamValues, type StrategyDeclaration } from './declaration.ts';
import { evaluateStrategy, type EvaluatedStrategy } from './evaluate.ts';
import { getStrategy } from './strategies/index.ts';
import { withStopAtr } from './stop-atr.ts';

export type StrategyBacktest = {
  strategy: string;
  params: ParamValues;
  result: BacktestResult;
  evaluated: EvaluatedStrategy;
};

/**
 * Backtests one strategy: resolves and validates its parameters, evaluates its declaration into
 * signals, and runs the broker emulator (with the ATR series when SL/TP are ATR-based, and the
 * funding history and lower-timeframe candles when given).
 */
export function backtestStrategy(
  strategy: string | StrategyDeclaration,
  candles: CandleSeries,
  params: Record<string, unknown>,
  options: BacktestOptions,
  inputs: BacktestInputs = {},
): StrategyBacktest {
  const declaration = typeof strategy === 'string' ? getStrategy(strategy) : strategy;
  const values = resolveParams(declaration, params);
  const evaluated = evaluateStrategy(declaration, candles, values);
  const result = withStopAtr(candles, options, (atrValues) =>
    runBacktest(candles, evaluated.packedSignals, options, atrValues, undefined, inputs),
  );
  return { strategy: declaration.id, params: values, result, evaluated };
}
