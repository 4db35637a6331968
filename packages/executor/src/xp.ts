import type { ExecutionResult } from './result.ts';

/**
 * The gamification counters of the `users` table (total_xp, level, total_trades), as pure functions.
 *
 * XP per executed signal (`xpForTrade`):
 * - failed or not executed (no-op, duplicate, refused): 0;
 * - an executed entry: 10, +5 when it got its stop-loss, +5 more with a take-profit (risk managed);
 * - an executed close: 5.
 *
 * Level curve (`levelForXp`): reaching level n needs 100·n·(n−1)/2 XP in total — level 1 at 0,
 * 2 at 100, 3 at 300, 4 at 600, 5 at 1000: each level costs 100 XP more than the previous one.
 */
export const XP_ENTRY = 10;
export const XP_STOP_LOSS_BONUS = 5;
export const XP_TAKE_PROFIT_BONUS = 5;
export const XP_CLOSE = 5;

/** XP earned by one execution result. */
export function xpForTrade(result: Pick<ExecutionResult, 'success' | 'code' | 'order_details'>): number {
  if (!result.success || result.code !== undefined) return 0;
  const r = result.order_details.results;
  if (r.entry !== undefined && r.entry.reused !== true) {
    let xp = XP_ENTRY;
    if (r.stop_loss !== undefined) xp += XP_STOP_LOSS_BONUS;
    if (r.take_profit !== undefined) xp += XP_TAKE_PROFIT_BONUS;
    return xp;
  }
  if (r.closed !== undefined && r.closed.some((c) => c.reused !== true)) return XP_CLOSE;
  return 0;
}

/** Total XP needed to reach `level` (≥ 1): 100·n·(n−1)/2. */
export function xpForLevel(level: number): number {
  if (!Number.isInteger(level) || level < 1)
    throw new RangeError(`level must be an integer ≥ 1, got ${level}`);
  return (100 * level * (level - 1)) / 2;
}

/** The level of a user with `xp` total XP: the largest n with 100·n·(n−1)/2 ≤ xp. */
export function levelForXp(xp: number): number {
  if (!Number.isFinite(xp) || xp < 0) return 1;
  // Closed form n = floor((1 + √(1 + 8·xp/100)) / 2), then corrected by integer checks (float safety).
  let n = Math.max(1, Math.floor((1 + Math.sqrt(1 + (8 * xp) / 100)) / 2));
  while (n > 1 && xpForLevel(n) > xp) n--;
  while (xpForLevel(n + 1) <= xp) n++;
  return n;
}
