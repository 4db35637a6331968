import type { PackedSignals, StrategySignals } from './types.ts';

/** The bit of each rule in a PackedSignals byte, in the order the signal kernel writes them. */
export const SIGNAL_BITS = {
  longEntry: 1,
  longExit: 2,
  shortEntry: 4,
  shortExit: 8,
} as const satisfies Record<keyof StrategySignals, number>;

/** The four rules in the order of their bits (rule j is bit j). */
export const SIGNAL_NAMES = ['longEntry', 'longExit', 'shortEntry', 'shortExit'] as const;

/**
 * The four rule series packed into one byte per bar. A rule holds on a bar where its series is 1
 * (what the broker has always read). Comparisons, not branches: random signals would mispredict.
 */
export function packSignals(signals: StrategySignals): PackedSignals {
  const { longEntry, longExit, shortEntry, shortExit } = signals;
  const packed = new Uint8Array(longEntry.length);
  for (let i = 0; i < packed.length; i++) {
    packed[i] =
      +(longEntry[i] === 1) |
      (+(longExit[i] === 1) << 1) |
      (+(shortEntry[i] === 1) << 2) |
      (+(shortExit[i] === 1) << 3);
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
