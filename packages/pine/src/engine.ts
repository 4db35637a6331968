/**
 * What this package takes from the engine: the strategy declaration language and the six
 * declarations (pure data, no indicator code). The engine's index does not export them yet (it
 * will with its indicators); these are the package's only deep imports, kept in this one file.
 */
export type {
  BoolExpr,
  IndicatorCall,
  NumExpr,
  PriceSource,
  ScalarExpr,
} from '../../engine/src/strategy/expr.ts';
export { exprKey } from '../../engine/src/strategy/expr.ts';
export type { ParamSpec, ParamValues, StrategyDeclaration } from '../../engine/src/strategy/declaration.ts';
export { resolveParams } from '../../engine/src/strategy/declaration.ts';
export { getStrategy, STRATEGIES, STRATEGY_IDS } from '../../engine/src/strategy/strategies/index.ts';
export type { ExitRule } from '../../engine/src/backtest/types.ts';
