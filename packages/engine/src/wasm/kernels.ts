import { WASM_BASE64 } from './kernels.wasm.ts';

/** The exports of kernels.wat (addresses are byte offsets into `memory`). */
export type Kernels = {
  memory: WebAssembly.Memory;
  extremes(hi: number, lo: number, n: number, length: number, suffix: number, out: number): void;
  midline(pairs: number, gap: number, from: number, n: number, out: number): void;
  equityExtremes(eq: number, n: number, capital: number, out: number): void;
  anyNaN(at: number, count: number): number;
  stoch(close: number, pairs: number, from: number, n: number, out: number): void;
};

let compiled: WebAssembly.Module | undefined;
/** The instance kept between calls, with its memory; undefined while it is lent out. */
let idle: Kernels | undefined;
/** An instance whose memory grew beyond this is dropped after use (a year of minutes takes 38 MB). */
const MAX_IDLE_BYTES = 64 * 1024 * 1024;
const PAGE = 65536;

/** Set when this runtime cannot run the module (WebAssembly disabled or absent): JavaScript only. */
let unavailable = false;

function instantiate(): Kernels | undefined {
  if (unavailable) return undefined;
  try {
    compiled ??= new WebAssembly.Module(Uint8Array.from(atob(WASM_BASE64), (c) => c.charCodeAt(0)));
    return new WebAssembly.Instance(compiled, {}).exports as unknown as Kernels;
  } catch {
    unavailable = true;
    return undefined;
  }
}

/**
 * Runs `use` with the kernels and at least `bytes` bytes of their memory (contents undefined:
 * write before reading), viewed as floats. The instance is kept for the next caller, so its
 * memory's pages are already mapped — a fresh 4 MB array costs about as much as a pass over it on
 * our machines. Returns undefined, without calling `use`, when the memory cannot be had (beyond
 * what 32-bit addresses reach, or none left) or the runtime runs no WebAssembly: the caller
 * computes in JavaScript. `use` must not keep the kernels or views on their memory.
 */
export function withKernels<T>(
  bytes: number,
  use: (kernels: Kernels, floats: Float64Array) => T,
): T | undefined {
  const kernels = idle ?? instantiate();
  if (kernels === undefined) return undefined;
  idle = undefined;
  try {
    const have = kernels.memory.buffer.byteLength;
    if (bytes > have) {
      try {
        kernels.memory.grow(Math.ceil((bytes - have) / PAGE));
      } catch {
        return undefined;
      }
    }
    return use(kernels, new Float64Array(kernels.memory.buffer));
  } finally {
    if (kernels.memory.buffer.byteLength <= MAX_IDLE_BYTES) idle = kernels;
  }
}
