/** ta.crossover(a, b): a > b and a[1] <= b[1] (1/0; 0 on bar 0 and wherever a value is NaN). */
export function crossover(a: Float64Array, b: Float64Array): Uint8Array {
  const n = Math.min(a.length, b.length);
  const out = new Uint8Array(n);
  for (let i = 1; i < n; i++) out[i] = a[i]! > b[i]! && a[i - 1]! <= b[i - 1]! ? 1 : 0;
  return out;
}

/** ta.crossunder(a, b): a < b and a[1] >= b[1] (1/0; 0 on bar 0 and wherever a value is NaN). */
export function crossunder(a: Float64Array, b: Float64Array): Uint8Array {
  const n = Math.min(a.length, b.length);
  const out = new Uint8Array(n);
  for (let i = 1; i < n; i++) out[i] = a[i]! < b[i]! && a[i - 1]! >= b[i - 1]! ? 1 : 0;
  return out;
}
