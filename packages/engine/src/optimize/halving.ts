import { mulberry32 } from '../candles/synthetic.ts';

export type HalvingBudget = {
  /**
   * Evaluations allowed, counted in full-data equivalents: an evaluation at fidelity 1/9 costs 1/9.
   * Default: unbounded (then `seconds` must be given).
   */
  evaluations?: number;
  /** Wall-clock seconds allowed (checked between evaluations). */
  seconds?: number;
};

export type HalvingOptions<T> = {
  /** Draws one candidate (may return null when no new candidate is left). */
  sample: (random: () => number) => T | null;
  /** The score of a candidate at a fidelity in (0, 1] (1 = the whole data); higher is better. */
  evaluate: (candidate: T, fidelity: number) => number;
  budget: HalvingBudget;
  /** Keep the best 1/eta of each rung (default 3). */
  eta?: number;
  /** Rungs per bracket: fidelities eta^-(rungs-1) … 1 (default 3: 1/9, 1/3, 1). */
  rungs?: number;
  /** Candidates that start each bracket at the lowest fidelity (default eta^(rungs-1)). */
  bracketSize?: number;
  seed?: number;
  now?: () => number;
};

export type HalvingResult<T> = {
  /** Every candidate that reached fidelity 1, with its full score, best first. */
  finalists: Array<{ candidate: T; score: number }>;
  brackets: number;
  /** Evaluations made at any fidelity. */
  evaluations: number;
  /** Their cost in full-data equivalents. */
  cost: number;
  seconds: number;
};

/**
 * Random search with successive halving (the inner loop of Hyperband): each bracket draws
 * `bracketSize` random candidates, scores them on a small part of the data, keeps the best 1/eta,
 * scores those on eta times more, and so on up to the whole data. Brackets repeat until the budget
 * (evaluations in full-data equivalents, or seconds) is spent. Cheap early rungs discard most of a
 * large space, so a budget of N full evaluations explores far more than N candidates.
 */
export function successiveHalving<T>(options: HalvingOptions<T>): HalvingResult<T> {
  const eta = options.eta ?? 3;
  const rungs = options.rungs ?? 3;
  const bracketSize = options.bracketSize ?? eta ** (rungs - 1);
  const { evaluations: maxCost, seconds: maxSeconds } = options.budget;
  if (maxCost === undefined && maxSeconds === undefined) throw new Error('successiveHalving needs a budget');
  if (!(eta >= 2) || !(rungs >= 1) || !(bracketSize >= 1))
    throw new Error('successiveHalving: bad eta/rungs');
  const now = options.now ?? (() => performance.now());
  const started = now();
  const random = mulberry32(options.seed ?? 1);
  const fidelities = Array.from({ length: rungs }, (_, k) => eta ** (k - (rungs - 1)));
  const finalists: Array<{ candidate: T; score: number }> = [];
  let evaluations = 0;
  let cost = 0;
  let brackets = 0;
  const elapsed = () => (now() - started) / 1000;
  const spent = (extra: number) =>
    (maxCost !== undefined && cost + extra > maxCost + 1e-9) ||
    (maxSeconds !== undefined && elapsed() >= maxSeconds);

  outer: for (;;) {
    let pool: T[] = [];
    for (let k = 0; k < bracketSize; k++) {
      const candidate = options.sample(random);
      if (candidate === null) break;
      pool.push(candidate);
    }
    if (pool.length === 0) break;
    brackets++;
    for (let rung = 0; rung < rungs; rung++) {
      const fidelity = fidelities[rung]!;
      const scored: Array<{ candidate: T; score: number }> = [];
      for (const candidate of pool) {
        if (spent(fidelity)) {
          if (rung === rungs - 1) finalists.push(...scored);
          break outer;
        }
        const score = options.evaluate(candidate, fidelity);
        evaluations++;
        cost += fidelity;
        scored.push({ candidate, score: Number.isNaN(score) ? Number.NEGATIVE_INFINITY : score });
      }
      scored.sort((a, b) => b.score - a.score);
      if (rung === rungs - 1) {
        finalists.push(...scored);
        break;
      }
      pool = scored.slice(0, Math.max(1, Math.floor(scored.length / eta))).map((s) => s.candidate);
    }
  }
  finalists.sort((a, b) => b.score - a.score);
  return { finalists, brackets, evaluations, cost, seconds: elapsed() };
}
