import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { accounts, fills, signals, type AccountRow } from '@tradingbot/db';
import { clientOrderId, type VenueFill } from '@tradingbot/exchange';
import type { OrderRecord } from '@tradingbot/executor';
import { EventBus } from '../src/events.ts';
import { AccountMirror, type MirrorSession } from '../src/services/account-mirror.ts';
import { SignalTrail } from '../src/services/audit.ts';
import { signUp, testApp, type TestApp } from './helpers.ts';

/*
 * A venue's stream can deliver a fill before the executor has written the order row that makes it
 * ours: the fill must still end up on its signal, whichever of the two writes comes second. Both
 * interleavings are forced here (on PostgreSQL in CI they happened by chance, and a bot's losing
 * round trip went missing from its PnL).
 */

let t: TestApp;
let account: AccountRow;
let signalNo = 0;

beforeAll(async () => {
  t = await testApp();
  const user = await signUp(t.app, 'fill-attribution@example.com');
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

/** A signal row, and the trail its executor records orders through. */
async function signal() {
  const id = `sig-attribution-${++signalNo}`;
  await t.database.db.insert(signals).values({
    id,
    accountId: account.id,
    userId: account.userId,
    idempotencyKey: id,
    payload: {},
    status: 'executing',
  });
  return { id, trail: new SignalTrail(t.database, new EventBus(), id, account) };
}

const order = (client: string, role: OrderRecord['role']): OrderRecord => ({
  accountId: account.id,
  exchange: 'binance',
  signalKey: 'k',
  role,
  idempotencyKey: client,
  venueSymbol: 'BTCUSDT',
  status: 'placed',
  request: { side: role === 'entry' ? 'buy' : 'sell', type: role === 'entry' ? 'market' : 'stop_market' },
  at: Date.now(),
});

let tradeNo = 0;
const fill = (client: string, cause: VenueFill['cause'] = 'order'): VenueFill => ({
  venueTradeId: `t-${++tradeNo}`,
  venueOrderId: `o-${tradeNo}`,
  clientOrderId: client,
  venueSymbol: 'BTCUSDT',
  side: 'buy',
  positionSide: 'net',
  qty: '0.01',
  price: '50000',
  fee: '0.2',
  feeAsset: 'USDT',
  realizedPnl: '0',
  liquidity: 'taker',
  cause,
  time: Date.now(),
});

const mirrorOptions = () => ({
  database: t.database,
  events: new EventBus(),
  // Not reached: recordFill only reads and writes the database.
  keyRing: undefined as never,
  connectExchange: undefined as never,
});
const sessionOf = () => ({ account }) as MirrorSession;

async function fillRow(venueTradeId: string) {
  const [row] = await t.database.db.select().from(fills).where(eq(fills.venueTradeId, venueTradeId));
  return row!;
}

describe('a fill that reaches the table before its order row', () => {
  it('is attached to the signal when the executor writes the row (our client order id)', async () => {
    const { id, trail } = await signal();
    const client = clientOrderId(id, 'binance');
    const early = fill(client);
    await new AccountMirror(mirrorOptions()).recordFill(sessionOf(), early);
    expect(await fillRow(early.venueTradeId)).toMatchObject({ signalId: null });

    await trail.recordOrder(order(client, 'entry'));
    expect(await fillRow(early.venueTradeId)).toMatchObject({ signalId: id, reason: 'signal' });
  });

  it('is attached, as a stop-loss, when its id did not look like ours (recorded as external)', async () => {
    const { id, trail } = await signal();
    const early = fill('foreign-looking-1');
    await new AccountMirror(mirrorOptions()).recordFill(sessionOf(), early);
    expect(await fillRow(early.venueTradeId)).toMatchObject({ signalId: null, reason: 'external' });

    await trail.recordOrder(order('foreign-looking-1', 'sl'));
    expect(await fillRow(early.venueTradeId)).toMatchObject({ signalId: id, reason: 'stop_loss' });
  });

  it('is attached when the row is written between the mirror’s look-up and its insert', async () => {
    const { id, trail } = await signal();
    const client = clientOrderId(id, 'binance', 'sl');
    // The executor's row lands (and its look-up for early fills finds none) right after the
    // mirror classified the fill as nobody's.
    class SlowMirror extends AccountMirror {
      override async classify(session: MirrorSession, venueFill: VenueFill) {
        const verdict = await super.classify(session, venueFill);
        await trail.recordOrder(order(client, 'sl'));
        return verdict;
      }
    }
    const late = fill(client);
    let received: { signalId: string | null; reason: string } | undefined;
    const events = new EventBus();
    events.on('fill.received', (event) => {
      received = event;
    });
    await new SlowMirror({ ...mirrorOptions(), events }).recordFill(sessionOf(), late);

    expect(await fillRow(late.venueTradeId)).toMatchObject({ signalId: id, reason: 'stop_loss' });
    expect(received).toMatchObject({ signalId: id, reason: 'stop_loss' });
  });

  it('a liquidation is never taken for a signal’s fill', async () => {
    const { trail } = await signal();
    const liquidation = fill('autoclose-liquidation-1', 'liquidation');
    await new AccountMirror(mirrorOptions()).recordFill(sessionOf(), liquidation);
    await trail.recordOrder(order('autoclose-liquidation-1', 'entry'));
    expect(await fillRow(liquidation.venueTradeId)).toMatchObject({ signalId: null, reason: 'liquidation' });
  });
});
