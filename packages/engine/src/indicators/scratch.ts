/**
 * Work arrays lent to indicator code for temporaries that never leave the function that borrows
 * them (the highest/lowest of a Donchian channel, the ATR inside SuperTrend, the per-block
 * extremes of a sliding window).
 *
 * Why: over a year of minutes each series is a 4 MB array, and a fresh one costs its pages being
 * mapped and zeroed on first touch — on our 2-core machines about as long as the pass that fills
 * it. A temporary taken from here was touched by an earlier call. Results handed to callers are
 * always fresh arrays: nothing here is ever returned, so a lent array cannot alias a result.
 */
const pool: Float64Array[] = [];

/** At most this many idle arrays are kept (8 × 4 MB for a year of minutes); older ones are dropped. */
const MAX_IDLE = 8;

/** An idle array of exactly `n` values, else the most recent longer one, else a new one. */
function take(n: number): Float64Array {
  let longer = -1;
  for (let j = pool.length - 1; j >= 0; j--) {
    const length = pool[j]!.length;
    if (length === n) return pool.splice(j, 1)[0]!;
    if (length > n && longer < 0) longer = j;
  }
  return longer >= 0 ? pool.splice(longer, 1)[0]! : new Float64Array(n);
}

function giveBack(array: Float64Array): void {
  if (pool.length >= MAX_IDLE) pool.shift();
  pool.push(array);
}

/**
 * Runs `use` with a work array of length `n` (contents undefined: write before reading) and
 * takes it back afterwards, also when `use` throws. `use` must not keep or return it.
 */
export function withScratch<T>(n: number, use: (scratch: Float64Array) => T): T {
  const array = take(n);
  try {
    return use(array.length === n ? array : array.subarray(0, n));
  } finally {
    giveBack(array);
  }
}

/** The number of idle arrays held (for tests). */
export function idleScratchCount(): number {
  return pool.length;
}
