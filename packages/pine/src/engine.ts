/**
 * What this package takes from the engine: the strategy declaration language, the six
 * declarations and parameter validation (pure data and checks; the exporter never calls the
 * engine's indicators, and the interpreter has its own).
 */
export type { BoolExpr, IndicatorCall, NumExpr, PriceSource, ScalarExpr } from '@tradingbot/engine';
export { exprKey } from '@tradingbot/engine';
export type { ExitRule, TrailingRule, ParamSpec, ParamValues, StrategyDeclaration } from '@tradingbot/engine';
export { getStrategy, resolveParams, STRATEGIES, STRATEGY_IDS } from '@tradingbot/engine';
