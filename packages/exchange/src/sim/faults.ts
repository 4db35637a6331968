/** What every injectable fault of a wire simulator has: which requests it hits, and how often. */
export type FaultMatch = {
  kind: string;
  /** Exact request path; omitted = every path. */
  path?: string;
  method?: string;
  /** Latency: the wait before handling; delay_after_accept: the wait before answering. */
  ms?: number;
  /** On the venue's "outcome unknown" answer: execute the request first. */
  execute?: boolean;
  /** How many matching requests the fault applies to (default 1; Infinity for all). */
  times?: number;
};

/**
 * The faults injected into a wire simulator (Binance's and OKX's alike): rules consumed in order
 * by the requests they match, and a clock offset.
 */
export class FaultQueue<R extends FaultMatch> {
  readonly #rules: R[] = [];
  /** Server clock minus the host clock, to provoke the venue's stale-timestamp error. */
  clockOffsetMs = 0;

  constructor(initial: readonly R[] = []) {
    for (const rule of initial) this.add(rule);
  }

  readonly add = (rule: R): void => void this.#rules.push({ ...rule });
  readonly clear = (): void => void this.#rules.splice(0, this.#rules.length);

  get rules(): readonly R[] {
    return this.#rules;
  }

  /** The first rule of one of `kinds` that matches the request, counted down (removed once used up). */
  take(method: string, path: string, kinds: readonly R['kind'][]): R | undefined {
    const index = this.#rules.findIndex(
      (r) =>
        kinds.includes(r.kind) &&
        (r.path === undefined || r.path === path) &&
        (r.method === undefined || r.method.toUpperCase() === method),
    );
    if (index < 0) return undefined;
    const rule = this.#rules[index]!;
    const times = rule.times ?? 1;
    if (times <= 1) this.#rules.splice(index, 1);
    else rule.times = times - 1;
    return rule;
  }
}
