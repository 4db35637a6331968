import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PineExportOptions } from '../../src/exporter.ts';

export const GOLDEN_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../golden');

/** The fixed export the golden files hold: default parameters, ATR stop-loss / take-profit, no secret. */
export const GOLDEN_OPTIONS: PineExportOptions = {
  accountId: 'acc_demo_1',
  exchange: 'binance',
  leverage: 1,
  includeSecret: false,
  webhookUrl: 'https://bot.example.com/api/v1/webhook/tradingview',
  backtest: { stopLoss: { type: 'atr', multiplier: 2 }, takeProfit: { type: 'atr', multiplier: 3 } },
};
