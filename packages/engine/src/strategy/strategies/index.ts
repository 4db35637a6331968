import { EngineErrors } from '../../errors.ts';
import type { StrategyDeclaration } from '../declaration.ts';
import { bbRsi } from './bb-rsi.ts';
import { emaCross } from './ema-cross.ts';
import { ichimoku } from './ichimoku.ts';
import { macdStoch } from './macd-stoch.ts';
import { rsiEma } from './rsi-ema.ts';
import { supertrend } from './supertrend.ts';

/** The six strategies, in the order the product lists them. */
export const STRATEGIES: readonly StrategyDeclaration[] = [
  supertrend,
  rsiEma,
  macdStoch,
  ichimoku,
  bbRsi,
  emaCross,
];

export const STRATEGY_IDS = STRATEGIES.map((strategy) => strategy.id);

export function getStrategy(id: string): StrategyDeclaration {
  const found = STRATEGIES.find((strategy) => strategy.id === id);
  if (found === undefined) {
    throw EngineErrors.create('UNKNOWN_STRATEGY', {
      message: `Unknown strategy "${id}"; choose one of ${STRATEGY_IDS.join(', ')}`,
      details: { strategy: id, known: STRATEGY_IDS },
    });
  }
  return found;
}
