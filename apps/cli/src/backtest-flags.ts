import type { Command } from 'commander';
import {
  DEFAULT_TRADE_PLAN,
  partialTakeProfitProblem,
  statedExit,
  statedTrailing,
  type ExitSpec,
  type PartialTakeProfit,
} from '@tradingbot/core';
import { resolveBacktestOptions, type BacktestOptions } from '@tradingbot/engine';
import { CliUsageError } from './cli-error.ts';
import { choiceOption, dateOption, numberOption } from './options.ts';

/** The flags shared by `backtest` and `optimize`: data selection and the broker emulator's settings. */
export function addBacktestFlags(command: Command): Command {
  command
    .option(
      '--data <file>',
      'candles CSV (time,open,high,low,close,volume or Binance kline layout); "sample" = built-in synthetic data; repeat for several symbols or timeframes',
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .option('--timeframe <tf>', 'resample the data first (5m, 15m, 1h, 4h, 1d, …)')
    .option('--from <date>', 'first candle to use (ISO date or epoch ms)')
    .option('--to <date>', 'stop before this time (ISO date or epoch ms)')
    .option('--capital <n>', 'initial capital in quote currency', '10000')
    .option('--size-pct <p>', 'position margin as percent of equity', '10')
    .option('--size-cash <n>', 'position margin as a fixed cash amount (instead of --size-pct)')
    .option('--size-qty <n>', 'fixed position size in base units (instead of --size-pct)')
    .option('--leverage <l>', 'leverage (isolated margin, liquidation simulated)', '1')
    .option('--fee <pct>', 'commission per fill in percent of notional', '0.04')
    .option('--slippage-ticks <t>', 'slippage on market and stop fills, in ticks', '0')
    .option('--tick-size <t>', 'price tick size', '0.01')
    .option('--sl-atr <k>', 'stop-loss at k × ATR from the entry (default 2, the trade plan; 0 = none)')
    .option('--tp-atr <m>', 'take-profit at m × ATR from the entry (default 3, the trade plan; 0 = none)')
    .option('--sl-pct <p>', 'stop-loss at p percent of the signal close from the entry')
    .option('--tp-pct <p>', 'take-profit at p percent of the signal close from the entry')
    .option(
      '--trail-atr <k>',
      'trailing stop k × ATR behind the best price (default none, the trade plan; 0 = none)',
    )
    .option('--trail-pct <p>', 'trailing stop p percent of the signal close behind the best price')
    .option(
      '--trail-activation <a>',
      'start trailing once the price moved a (same unit as the offset) in favour',
      '0',
    )
    .option('--close-pct <p>', 'percent of the position an exit signal closes', '100')
    .option(
      '--atr-period <n>',
      'ATR period for --sl-atr / --tp-atr / --tp1-atr / --tp2-atr / --trail-atr',
      '14',
    )
    .option('--direction <d>', 'both, long or short', 'both')
    .option('--fill-on-close', 'fill market orders at the signal bar close instead of the next open');
  return addPartialTakeProfitFlags(command);
}

/**
 * The partial take-profit flags (`backtest`, `optimize`, `export-pine`): up to two scale-outs before
 * the last take-profit, each a distance and a share of the entry's quantity, and the break-even move.
 */
export function addPartialTakeProfitFlags(command: Command): Command {
  for (const n of [1, 2]) {
    command
      .option(
        `--tp${n}-atr <m>`,
        `partial take-profit ${n} at m × ATR from the entry (nearer than the last take-profit)`,
      )
      .option(`--tp${n}-pct <p>`, `partial take-profit ${n} at p percent of the signal close from the entry`)
      .option(
        `--tp${n}-qty-pct <q>`,
        `percent of the entry's quantity partial take-profit ${n} closes (the shares sum below 100)`,
      );
  }
  return command.option(
    '--break-even',
    'move the stop-loss to the entry price once the first take-profit filled',
  );
}

/**
 * The partial take-profits the flags state, nearest first, checked by the trade plan's one rule
 * (`partialTakeProfitProblem`) against `last`, the take-profit that closes the rest; a problem is
 * refused with the flag it is about.
 */
export function partialTakeProfitsFromFlags(
  flags: BacktestFlags,
  last: ExitSpec,
): { partialTakeProfits: PartialTakeProfit[]; breakEven: boolean } {
  const str = (name: string) => flags[name] as string | undefined;
  const partials: PartialTakeProfit[] = [];
  const distanceFlags: string[] = [];
  for (const n of [1, 2]) {
    const atr = numberOption(`--tp${n}-atr`, str(`tp${n}Atr`));
    const pct = numberOption(`--tp${n}-pct`, str(`tp${n}Pct`));
    const qtyPct = numberOption(`--tp${n}-qty-pct`, str(`tp${n}QtyPct`));
    if (atr !== undefined && pct !== undefined)
      throw new CliUsageError(`use either --tp${n}-atr or --tp${n}-pct, not both`);
    if (atr === undefined && pct === undefined && qtyPct === undefined) continue;
    if (atr === undefined && pct === undefined)
      throw new CliUsageError(`--tp${n}-qty-pct needs --tp${n}-atr or --tp${n}-pct (its distance)`);
    if (qtyPct === undefined)
      throw new CliUsageError(
        `--tp${n}-${atr !== undefined ? 'atr' : 'pct'} needs --tp${n}-qty-pct (the percent of the entry it closes)`,
      );
    if (partials.length !== n - 1) throw new CliUsageError(`--tp${n}-* needs --tp${n - 1}-* first`);
    partials.push({
      distance: atr !== undefined ? { type: 'atr', multiplier: atr } : { type: 'percent', percent: pct! },
      qtyPct,
    });
    distanceFlags.push(`--tp${n}-${atr !== undefined ? 'atr' : 'pct'}`);
  }
  const problem = partialTakeProfitProblem(partials, last);
  if (problem !== undefined) {
    const flag =
      problem.field === 'qtyPct' ? `--tp${problem.index + 1}-qty-pct` : distanceFlags[problem.index];
    throw new CliUsageError(`${flag}: ${problem.message}`);
  }
  return { partialTakeProfits: partials, breakEven: flags.breakEven === true };
}

export type BacktestFlags = Record<string, string | string[] | boolean | undefined>;

/** The --data values given (repeatable), or the built-in sample. */
export function dataFiles(flags: BacktestFlags): string[] {
  const data = flags.data as unknown as string[] | undefined;
  return data === undefined || data.length === 0 ? ['sample'] : data;
}

export function dataFlags(flags: BacktestFlags) {
  return {
    data: dataFiles(flags)[0],
    timeframe: flags.timeframe as string | undefined,
    from: dateOption('--from', flags.from as string | undefined),
    to: dateOption('--to', flags.to as string | undefined),
  };
}

export function backtestOptionsFromFlags(flags: BacktestFlags): BacktestOptions {
  const str = (name: string) => flags[name] as string | undefined;
  if (str('slAtr') !== undefined && str('slPct') !== undefined)
    throw new CliUsageError('use either --sl-atr or --sl-pct, not both');
  if (str('tpAtr') !== undefined && str('tpPct') !== undefined)
    throw new CliUsageError('use either --tp-atr or --tp-pct, not both');
  if (str('trailAtr') !== undefined && str('trailPct') !== undefined)
    throw new CliUsageError('use either --trail-atr or --trail-pct, not both');
  if (str('sizeCash') !== undefined && str('sizeQty') !== undefined)
    throw new CliUsageError('use only one of --size-pct, --size-cash, --size-qty');
  const positive = { min: Number.MIN_VALUE };
  const slAtr = numberOption('--sl-atr', str('slAtr'), { min: 0 });
  const tpAtr = numberOption('--tp-atr', str('tpAtr'), { min: 0 });
  const slPct = numberOption('--sl-pct', str('slPct'), { min: Number.MIN_VALUE, max: 100 });
  const tpPct = numberOption('--tp-pct', str('tpPct'), positive);
  const sizing = str('sizeCash') !== undefined ? 'cash' : str('sizeQty') !== undefined ? 'qty' : 'percent';
  const sizeValue =
    sizing === 'cash'
      ? numberOption('--size-cash', str('sizeCash'), positive)
      : sizing === 'qty'
        ? numberOption('--size-qty', str('sizeQty'), positive)
        : numberOption('--size-pct', str('sizePct'), { min: Number.MIN_VALUE, max: 100 });
  const stopLoss = statedExit(slPct, slAtr, DEFAULT_TRADE_PLAN.stopLoss);
  const takeProfit = statedExit(tpPct, tpAtr, DEFAULT_TRADE_PLAN.takeProfit);
  const { partialTakeProfits, breakEven } = partialTakeProfitsFromFlags(
    flags,
    takeProfit ?? { type: 'none' },
  );
  const trailing = statedTrailing(
    numberOption('--trail-pct', str('trailPct'), { min: 0, max: 99.99 }),
    numberOption('--trail-atr', str('trailAtr'), { min: 0 }),
    numberOption('--trail-activation', str('trailActivation'), { min: 0 }),
    DEFAULT_TRADE_PLAN.trailing,
  );
  return resolveBacktestOptions({
    initialCapital: numberOption('--capital', str('capital'), positive)!,
    sizing,
    sizeValue: sizeValue!,
    leverage: numberOption('--leverage', str('leverage'), { min: 1, max: 125 })!,
    commissionPct: numberOption('--fee', str('fee'), { min: 0, max: 10 })!,
    slippageTicks: numberOption('--slippage-ticks', str('slippageTicks'), { min: 0, integer: true })!,
    tickSize: numberOption('--tick-size', str('tickSize'), positive)!,
    atrPeriod: numberOption('--atr-period', str('atrPeriod'), { min: 1, max: 500, integer: true })!,
    direction: choiceOption('--direction', str('direction'), ['both', 'long', 'short'] as const)!,
    fillOnClose: flags.fillOnClose === true,
    ...(stopLoss ? { stopLoss } : {}),
    ...(takeProfit ? { takeProfit } : {}),
    ...(trailing ? { trailing } : {}),
    // Stated only when given, so a backtest without them keeps its options as before.
    ...(partialTakeProfits.length > 0 ? { partialTakeProfits } : {}),
    ...(breakEven ? { breakEven } : {}),
    closePct: numberOption('--close-pct', str('closePct'), { min: Number.MIN_VALUE, max: 100 })!,
  });
}
