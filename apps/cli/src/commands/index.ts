import type { Command } from 'commander';
import { registerBacktest } from './backtest.ts';
import { registerDb } from './db.ts';
import { registerKeys } from './keys.ts';
import { registerServe } from './serve.ts';
import { registerOptimize } from './optimize.ts';
import { registerData } from './data.ts';
import { registerIndicators } from './indicators.ts';
import { registerExportPine } from './export-pine.ts';
import { registerSim } from './sim.ts';
import { registerUser } from './user.ts';
import { registerBot } from './bot.ts';

/** Each command lives in its own file and adds itself to the program; list it here. */
export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [
  registerServe,
  registerDb,
  registerKeys,
  registerBacktest,
  registerOptimize,
  registerSim,
  registerData,
  registerIndicators,
  registerExportPine,
  registerUser,
  registerBot,
];
