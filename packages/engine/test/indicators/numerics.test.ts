import { describe, expect, it } from 'vitest';
import { mulberry32, sma, stdev } from '../../src/index.ts';

/**
 * Long-series numerics: the O(n) running sums (sma) and rolling variance (stdev) against naive
 * two-pass computations on 500,000 bars of a price around 60,000 with tiny moves (the case where
 * E[x²] - E[x]² cancels catastrophically and running sums drift).
 */
describe('numerical stability on 500k bars', () => {
  const n = 500_000;
  const rand = mulberry32(7);
  const x = new Float64Array(n);
  let p = 60_000;
  for (let i = 0; i < n; i++) {
    p *= 1 + (rand() - 0.5) * 0.0004;
    x[i] = Math.round(p * 100) / 100;
  }

  it('sma(20) and stdev(20) match the naive two-pass values to 1e-9 relative', () => {
    const L = 20;
    const m = sma(x, L);
    const sd = stdev(x, L);
    let worstMean = 0;
    let worstSd = 0;
    for (let i = L - 1; i < n; i++) {
      let mean = 0;
      for (let j = i - L + 1; j <= i; j++) mean += x[j]!;
      mean /= L;
      let ss = 0;
      for (let j = i - L + 1; j <= i; j++) ss += (x[j]! - mean) ** 2;
      const exact = Math.sqrt(ss / L);
      worstMean = Math.max(worstMean, Math.abs(m[i]! - mean) / mean);
      if (exact > 0) worstSd = Math.max(worstSd, Math.abs(sd[i]! - exact) / exact);
      else expect(sd[i]).toBe(0);
    }
    expect(worstMean).toBeLessThan(1e-9);
    expect(worstSd).toBeLessThan(1e-9);
  });
});
