import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { accounts, orders, signals, type AccountRow } from '@tradingbot/db';
import type { FillReceived } from '../src/events.ts';
import { breakEvenSignalId, queueBreakEven } from '../src/services/break-even.ts';
import { signUp, testApp, type TestApp } from './helpers.ts';

/*
 * When a take-profit fill queues the break-even move: only the first partial take-profit (`tp1`) of
 * an entry whose alert said `break_even`, once per entry however often the fill is delivered.
 */

let t: TestApp;
let account: AccountRow;
const kicks: string[] = [];
const queue = { kick: (accountId: string) => void kicks.push(accountId) };

beforeAll(async () => {
  t = await testApp();
  const user = await signUp(t.app, 'break-even@example.com');
  const registered = await t.app.inject({
    method: 'POST',
    url: '/api/v1/accounts-secure/register',
    headers: user.auth,
    payload: { exchange: 'paper', api_key: 'k', api_secret: 's' },
  });
  const id = (registered.json() as { id: string }).id;
  [account] = (await t.database.db.select().from(accounts).where(eq(accounts.id, id))) as [AccountRow];
});
afterAll(async () => t?.close());

/** An entry signal (its stored payload) with its take-profit orders (tp1 and tp unless named). */
async function entry(
  name: string,
  payload: Record<string, unknown>,
  roles: readonly ('tp1' | 'tp2' | 'tp')[] = ['tp1', 'tp'],
) {
  const id = `sig-be-${name}`;
  await t.database.db.insert(signals).values({
    id,
    accountId: account.id,
    userId: account.userId,
    idempotencyKey: `acct:${account.id}:id:${name}`,
    payload: { account_id: account.id, exchange: 'paper', symbol: 'BTCUSDT', action: 'long', ...payload },
    status: 'executed',
  });
  for (const role of roles) {
    await t.database.db.insert(orders).values({
      id: `${id}-${role}`,
      signalId: id,
      accountId: account.id,
      role,
      clientOrderId: `cid-${name}-${role}`,
      venueOrderId: `vid-${name}-${role}`,
      symbol: 'BTCUSDT',
      side: 'sell',
      type: 'take_profit_market',
      status: 'new',
    });
  }
  return id;
}

function fill(
  signalId: string,
  client: string,
  reason: FillReceived['reason'] = 'take_profit',
): FillReceived {
  return {
    accountId: account.id,
    userId: account.userId,
    exchange: 'paper',
    venueSymbol: 'BTCUSDT',
    venueTradeId: `trade-${client}`,
    venueOrderId: `vid-${client.slice(4)}`,
    clientOrderId: client,
    side: 'sell',
    positionSide: 'net',
    qty: '0.05',
    price: '50200',
    fee: '0',
    feeAsset: 'USDT',
    realizedPnl: '10',
    reason,
    signalId,
    at: Date.now(),
  };
}

const moves = async () =>
  (await t.database.db.select().from(signals).where(eq(signals.accountId, account.id))).filter(
    (r) => r.payload.action === 'move_stop_to_entry',
  );

describe('queueBreakEven', () => {
  it('the tp1 fill of a break_even entry queues one move for the long; a re-delivery queues nothing more', async () => {
    const id = await entry('a', { break_even: 1, tp1_atr: 1, tp1_qty_pct: 50, tp_atr: 3 });
    // The last take-profit and a stop are not the first take-profit.
    expect(await queueBreakEven(t.database, queue, fill(id, 'cid-a-tp'))).toBeUndefined();
    expect(await queueBreakEven(t.database, queue, fill(id, 'cid-a-tp1', 'stop_loss'))).toBeUndefined();
    expect(await moves()).toHaveLength(0);

    const queued = await queueBreakEven(t.database, queue, fill(id, 'cid-a-tp1'));
    expect(queued).toBe(breakEvenSignalId(id));
    expect(kicks).toEqual([account.id]);
    const [row] = await moves();
    expect(row).toMatchObject({ id: queued, status: 'received' });
    expect(row!.payload).toMatchObject({
      action: 'move_stop_to_entry',
      symbol: 'BTCUSDT',
      market_position: 'long',
      entry_signal_id: id,
    });

    // The venue repeats the fill, or TP1 fills in a second execution: still one move.
    expect(await queueBreakEven(t.database, queue, fill(id, 'cid-a-tp1'))).toBeUndefined();
    expect(
      await queueBreakEven(t.database, queue, { ...fill(id, 'cid-a-tp1'), venueTradeId: 'trade-2' }),
    ).toBeUndefined();
    expect(await moves()).toHaveLength(1);
    expect(kicks).toHaveLength(1);
  });

  it('an entry that did not ask for break_even queues nothing', async () => {
    const id = await entry('b', { tp1_atr: 1, tp1_qty_pct: 50, tp_atr: 3 });
    expect(await queueBreakEven(t.database, queue, fill(id, 'cid-b-tp1'))).toBeUndefined();
    const rows = await t.database.db
      .select()
      .from(signals)
      .where(and(eq(signals.accountId, account.id), eq(signals.id, breakEvenSignalId(id))));
    expect(rows).toHaveLength(0);
  });

  it('with mixed units tp2 may fill first: that fill moves the stop, as in the backtester', async () => {
    const id = await entry(
      'c',
      { break_even: 1, tp1_pct: 3, tp1_qty_pct: 25, tp2_atr: 1, tp2_qty_pct: 25, tp_atr: 3 },
      ['tp1', 'tp2', 'tp'],
    );
    expect(await queueBreakEven(t.database, queue, fill(id, 'cid-c-tp2'))).toBe(breakEvenSignalId(id));
    // tp1 filling later finds the move already queued.
    expect(await queueBreakEven(t.database, queue, fill(id, 'cid-c-tp1'))).toBeUndefined();
  });
});
