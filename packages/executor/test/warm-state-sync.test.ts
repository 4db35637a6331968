import { describe, expect, it } from 'vitest';
import type { Order, Position } from '@tradingbot/exchange';
import { WarmAccountState } from '../src/index.ts';

/*
 * The mirror's REST re-sync reads positions and open orders while the stream keeps delivering: a
 * snapshot read before an entry filled must not put the account back to flat after the stream said
 * long (found under load in CI: a bot's close right after its entry saw no position and sent nothing).
 */

const SYMBOL = 'BTCUSDT';
const long = (qty: string): Position => ({
  venueSymbol: SYMBOL,
  side: 'net',
  qty,
  entryPrice: '50000',
  markPrice: '50000',
  unrealizedPnl: '0',
  leverage: 2,
  marginMode: 'cross',
});
const filled: Order = {
  venueOrderId: '1',
  clientOrderId: 'tbentry',
  venueSymbol: SYMBOL,
  side: 'buy',
  positionSide: 'net',
  type: 'market',
  status: 'filled',
  qty: '0.4',
  filledQty: '0.4',
  avgPrice: '50000',
  reduceOnly: false,
  isAlgo: false,
};

describe('a re-sync that overlaps stream events', () => {
  it('does not overwrite a position the stream reported while the snapshot was being read', () => {
    const warm = new WarmAccountState({ maxAgeMs: 60_000 });
    warm.synced({ positions: [], openOrders: [] }, 1_000);
    expect(warm.positions(SYMBOL)).toEqual([]);

    const started = warm.syncStarted();
    // Read by REST now: flat. Then the entry fills and the stream says so …
    const snapshot = { positions: [] as Position[], openOrders: [] as Order[] };
    warm.apply({ kind: 'order', time: 2_000, updateTime: 2_000, order: filled });
    warm.apply({ kind: 'positions', time: 2_000, positions: [long('0.4')] });
    expect(warm.positions(SYMBOL)).toEqual([long('0.4')]);
    // … and only then is the older snapshot handed over.
    const clean = warm.synced(snapshot, 2_500, started);

    expect(clean).toBe(false);
    // Not flat: unknown, so the executor reads the venue for this symbol.
    expect(warm.positions(SYMBOL)).toBeUndefined();
    expect(warm.symbolUnsettled(SYMBOL)).toBe('unknown_outcome');
    // Other symbols stay warm.
    expect(warm.positions('ETHUSDT')).toEqual([]);

    // A later snapshot with nothing in between is the truth again.
    const again = warm.syncStarted();
    expect(warm.synced({ positions: [long('0.4')], openOrders: [] }, 3_000, again)).toBe(true);
    expect(warm.positions(SYMBOL)).toEqual([long('0.4')]);
  });

  it('an order the executor sent while the snapshot was read makes its symbol unknown too', () => {
    const warm = new WarmAccountState({ maxAgeMs: 60_000 });
    warm.synced({ positions: [], openOrders: [] }, 1_000);
    const started = warm.syncStarted();
    warm.expectOrder(SYMBOL, { ...filled, status: 'new', filledQty: '0' });
    expect(warm.synced({ positions: [], openOrders: [] }, 2_000, started)).toBe(false);
    expect(warm.positions(SYMBOL)).toBeUndefined();
  });

  it('a snapshot with nothing happening meanwhile is clean', () => {
    const warm = new WarmAccountState({ maxAgeMs: 60_000 });
    const started = warm.syncStarted();
    expect(warm.synced({ positions: [long('0.1')], openOrders: [] }, 1_000, started)).toBe(true);
    expect(warm.positions(SYMBOL)).toEqual([long('0.1')]);
  });
});
