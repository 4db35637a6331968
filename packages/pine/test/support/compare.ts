import type { Trade } from '@tradingbot/engine';
import type { PineTrade } from '../../src/interpreter/broker.ts';

const close = (a: number, b: number, rel = 1e-6) =>
  Math.abs(a - b) <= rel * Math.max(1, Math.abs(a), Math.abs(b));

/** The first difference between the engine's and the script's trades, or null when they agree. */
export function tradeDifference(engine: readonly Trade[], script: readonly PineTrade[]): string | null {
  if (engine.length !== script.length) {
    const n = Math.min(engine.length, script.length);
    for (let i = 0; i < n; i++) {
      const d = oneDifference(engine[i]!, script[i]!, i);
      if (d)
        return `trade counts differ (engine ${engine.length}, script ${script.length}); first difference: ${d}`;
    }
    return `trade counts differ (engine ${engine.length}, script ${script.length}) after ${n} equal trades`;
  }
  for (let i = 0; i < engine.length; i++) {
    const d = oneDifference(engine[i]!, script[i]!, i);
    if (d) return d;
  }
  return null;
}

function oneDifference(e: Trade, s: PineTrade, i: number): string | null {
  const show = () => `\n  engine: ${JSON.stringify(pick(e))}\n  script: ${JSON.stringify(pick(s))}`;
  if (e.side !== s.side) return `trade ${i}: side${show()}`;
  if (e.entryBar !== s.entryBar || e.exitBar !== s.exitBar) return `trade ${i}: bars${show()}`;
  if (e.entryTime !== s.entryTime || e.exitTime !== s.exitTime) return `trade ${i}: times${show()}`;
  if (!close(e.entryPrice, s.entryPrice) || !close(e.exitPrice, s.exitPrice))
    return `trade ${i}: prices${show()}`;
  if (e.exitReason !== s.exitReason) return `trade ${i}: exit reason${show()}`;
  if (!close(e.qty, s.qty)) return `trade ${i}: qty${show()}`;
  if (!close(e.pnl, s.pnl, 1e-6)) return `trade ${i}: pnl${show()}`;
  if (!close(e.pnlPct, s.pnlPct, 1e-6)) return `trade ${i}: pnlPct${show()}`;
  if (!close(e.fees, s.fees, 1e-6)) return `trade ${i}: fees${show()}`;
  return null;
}

function pick(t: Trade | PineTrade) {
  const { side, entryBar, entryPrice, exitBar, exitPrice, qty, pnl, exitReason } = t;
  return { side, entryBar, entryPrice, exitBar, exitPrice, qty, pnl, exitReason };
}
