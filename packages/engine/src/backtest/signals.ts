import type { PackedSignals, StrategySignals } from './types.ts';

/** The four rules in the order of their bits in a PackedSignals byte: rule j is bit j. */
export const SIGNAL_NAMES = ['longEntry', 'longExit', 'shortEntry', 'shortExit'] as const;

/** The bit of each rule, from SIGNAL_NAMES (the order the signal kernel writes them in). */
export const SIGNAL_BITS = Object.fromEntries(SIGNAL_NAMES.map((name, j) => [name, 1 << j])) as Record<
  keyof StrategySignals,
  number
>;

/** The bits as constants, for the loops that test them. */
export const {
  longEntry: LONG_ENTRY,
  longExit: LONG_EXIT,
  shortEntry: SHORT_ENTRY,
  shortExit: SHORT_EXIT,
} = SIGNAL_BITS;

/**
 * The four rule series packed into one byte per bar. A rule holds on a bar where its series is 1
 * (what the broker has always read). Comparisons, not branches: random signals would mispredict.
 */
export function packSignals(signals: StrategySignals): PackedSignals {
  const { longEntry, longExit, shortEntry, shortExit } = signals;
  const packed = new Uint8Array(longEntry.length);
  for (let i = 0; i < packed.length; i++) {
    packed[i] =
      (+(longEntry[i] === 1) * LONG_ENTRY) |
      (+(longExit[i] === 1) * LONG_EXIT) |
      (+(shortEntry[i] === 1) * SHORT_ENTRY) |
      (+(shortExit[i] === 1) * SHORT_EXIT);
  }
  return packed;
}

/** The four rule series (1/0 per bar) of packed signals. */
export function unpackSignals(packed: PackedSignals): StrategySignals {
  const [longEntry, longExit, shortEntry, shortExit] = SIGNAL_NAMES.map((name) => {
    const bit = SIGNAL_BITS[name];
    const series = new Uint8Array(packed.length);
    for (let i = 0; i < packed.length; i++) series[i] = (packed[i]! & bit) === 0 ? 0 : 1;
    return series;
  }) as [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
  return { longEntry, longExit, shortEntry, shortExit };
}
