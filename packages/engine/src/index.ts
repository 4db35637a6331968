export * from './candles/index.ts';
export * from './indicators/index.ts';
export * from './backtest/index.ts';
export type {
  BoolExpr,
  IndicatorCall,
  IndicatorOutputs,
  NumExpr,
  PriceSource,
  ScalarExpr,
} from './strategy/expr.ts';
export { exprKey, paramsUsed } from './strategy/expr.ts';
/** The builders strategies are declared with (`dsl.crossover(dsl.ema(...), ...)`), kept apart from the indicator functions of the same names. */
export * as dsl from './strategy/expr.ts';
export * from './strategy/declaration.ts';
export * from './strategy/evaluate.ts';
export * from './strategy/run.ts';
export * from './strategy/strategies/index.ts';
export * from './optimize/objective.ts';
export * from './optimize/space.ts';
export * from './optimize/evaluate-candidate.ts';
export * from './optimize/optimizer.ts';
export * from './strategy/decision.ts';
export * from './strategy/live.ts';
export * from './strategy/warmup.ts';
export * from './strategy/indicator-cache.ts';
export * from './research/monte-carlo.ts';
export * from './research/robustness.ts';
export * from './research/lookahead.ts';
export * from './research/multi.ts';
