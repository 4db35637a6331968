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

/**
 * Idle arrays kept for the next borrower: at most 8 (one indicator borrows at most four at once), and
 * at most 64 MiB together (8 × 4 MB for a year of minutes), so a server that once backtested a long
 * series does not keep its memory; older arrays are dropped first.
 */
const MAX_IDLE = 8;
const MAX_IDLE_BYTES = 64 * 1024 * 1024;
let idleBytes = 0;

/** An idle array of exactly `n` values, else the most recent longer one, else a new one. */
function take(n: number): Float64Array {
  let longer = -1;
  for (let j = pool.length - 1; j >= 0; j--) {
    const length = pool[j]!.length;
    if (length === n) return removeIdle(j);
    if (length > n && longer < 0) longer = j;
  }
  return longer >= 0 ? removeIdle(longer) : new Float64Array(n);
}

function removeIdle(j: number): Float64Array {
  const array = pool.splice(j, 1)[0]!;
  idleBytes -= array.byteLength;
  return array;
}

function giveBack(array: Float64Array): void {
  if (array.byteLength > MAX_IDLE_BYTES) return;
  pool.push(array);
  idleBytes += array.byteLength;
  while (pool.length > MAX_IDLE || idleBytes > MAX_IDLE_BYTES) idleBytes -= pool.shift()!.byteLength;
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

/** The idle arrays held and their size in bytes (for tests). */
export function idleScratch(): { count: number; bytes: number } {
  return { count: pool.length, bytes: idleBytes };
}
