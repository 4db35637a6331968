import { withKernels, type Kernels } from '../wasm/kernels.ts';

/**
 * The sliding-window highest high and lowest low of one (high, low) series, computed by the
 * WebAssembly kernel (wasm/kernels.wat says why), in `slots` pair buffers. Memory layout for n
 * bars: high and low (8n bytes each), the kernel's suffix buffer (16n), the slots (16n each), and
 * one midline buffer (8n).
 */
export class WindowExtremes {
  /** Byte offset of the midline buffer, after the slots. */
  private readonly mid: number;

  constructor(
    private readonly kernels: Kernels,
    private readonly floats: Float64Array,
    private readonly n: number,
    private readonly slots: number,
  ) {
    this.mid = (32 + 16 * slots) * n;
  }

  /** Bytes of memory a workspace of `n` bars and `slots` slots needs. */
  static bytes(n: number, slots: number): number {
    return (40 + 16 * slots) * n;
  }

  private slotOffset(slot: number): number {
    if (!Number.isInteger(slot) || slot < 0 || slot >= this.slots) throw new RangeError(`no slot ${slot}`);
    return (32 + 16 * slot) * this.n;
  }

  /**
   * Fills `slot` with the windows of `length` bars and returns it as a view that lives until the
   * workspace ends: [2i] is the highest high of bars i − length + 1 … i, [2i + 1] minus their
   * lowest low; NaN during the warm-up (i < length − 1), as Pine's highest and lowest.
   */
  pairs(slot: number, length: number): Float64Array {
    const { n } = this;
    const at = this.slotOffset(slot);
    this.kernels.extremes(0, 8 * n, n, length, 16 * n, at);
    const view = this.floats.subarray(at / 8, at / 8 + 2 * n);
    view.fill(NaN, 0, 2 * Math.min(n, length - 1));
    return view;
  }

  /**
   * out[i] = (lowest + highest) / 2 over the union of the windows `slot` holds at i and at i − gap
   * (gap 0: the window at i, the Donchian midline), for i ≥ from; NaN before. `from` must be at
   * least the slot's window length − 1 + gap.
   */
  midline(slot: number, gap: number, from: number, out: Float64Array): Float64Array {
    const { n, mid } = this;
    this.kernels.midline(this.slotOffset(slot), gap, from, n, mid);
    const start = Math.min(n, from);
    out.fill(NaN, 0, start);
    out.set(this.floats.subarray(mid / 8 + start, mid / 8 + n), start);
    return out;
  }

  /**
   * The raw stochastic of `close` over the windows of `length` bars that `slot` holds (see
   * stochRaw), as a view that lives until the workspace ends or the next call that writes the
   * midline buffer. `close` is copied into the suffix buffer, free between window passes.
   */
  stoch(slot: number, length: number, close: Float64Array): Float64Array {
    const { n, mid } = this;
    const closeAt = 16 * n;
    this.floats.set(close, closeAt / 8);
    const from = Math.min(n, length - 1);
    this.kernels.stoch(closeAt, this.slotOffset(slot), from, n, mid);
    return this.floats.subarray(mid / 8, mid / 8 + n).fill(NaN, 0, from);
  }
}

const NAN_INPUT = Symbol('na in high or low');

/**
 * Runs `use` with a WindowExtremes workspace over `high` and `low`. Returns undefined, without
 * calling `use`, when either series holds NaN (Pine's highest and lowest skip na bars, so windows
 * are not index ranges there) or the kernels' memory cannot be had: the caller then computes in
 * JavaScript. `use` must not keep the workspace or its views.
 */
export function withWindowExtremes<T>(
  high: Float64Array,
  low: Float64Array,
  slots: number,
  use: (windows: WindowExtremes) => T,
): T | undefined {
  const n = high.length;
  if (low.length !== n) return undefined;
  const result = withKernels(WindowExtremes.bytes(n, slots), (kernels, floats) => {
    floats.set(high, 0);
    floats.set(low, n);
    // The na check runs on the copies (just written, so still cached), both series in one scan.
    return kernels.anyNaN(0, 2 * n) ? NAN_INPUT : use(new WindowExtremes(kernels, floats, n, slots));
  });
  return result === NAN_INPUT ? undefined : (result as T | undefined);
}
