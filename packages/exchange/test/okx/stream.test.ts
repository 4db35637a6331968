import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import Decimal from 'decimal.js';
import { WebSocket } from 'ws';
import { OkxSwapClient } from '../../src/okx/client.ts';
import type { AccountEvent, MarketEvent, StreamStatus, VenueFill } from '../../src/stream/types.ts';
import { API_KEY, API_SECRET, PASSPHRASE, harness, type Harness } from './helpers.ts';

/**
 * OkxSwapClient's streams against the OKX simulator's /ws/v5 sockets (real WebSockets on loopback):
 * login, the events of an entry and its stop, recovery of a fill missed during a dropped stream,
 * defences against malformed frames, the market stream. Fees and PnL are checked by hand: the
 * simulator's paper venue charges 0.04 % taker; BTC-USDT-SWAP has ctVal 0.01.
 */

const SYMBOL = 'BTC-USDT-SWAP';
const FAST = { reconnectMinMs: 300, reconnectMaxMs: 600, pingMs: 1000, replyTimeoutMs: 2000 };

let h: Harness | undefined;
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await h?.close();
  h = undefined;
});

function wsBase(sim: { url: string }): string {
  return `${sim.url.replace('http://', 'ws://')}/ws/v5`;
}

async function streamHarness(): Promise<Harness> {
  const made = await harness({}, {});
  h = made;
  return made;
}

function streamClient(sim: { url: string }, secret = API_SECRET): OkxSwapClient {
  return new OkxSwapClient({
    apiKey: API_KEY,
    apiSecret: secret,
    passphrase: PASSPHRASE,
    baseUrl: sim.url,
    wsBaseUrl: wsBase(sim),
    timeoutMs: 2000,
  });
}

async function until<T>(probe: () => T | undefined, what: string, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A raw WebSocket to the simulator that collects every text frame. */
async function rawSocket(
  url: string,
): Promise<{ ws: WebSocket; frames: string[]; next(match: (f: string) => boolean): Promise<string> }> {
  const ws = new WebSocket(url);
  const frames: string[] = [];
  ws.on('message', (d) => frames.push(d.toString()));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  closers.push(async () => ws.terminate());
  return {
    ws,
    frames,
    next: (match) => until(() => frames.find(match), 'a frame'),
  };
}

function loginFrame(overrides: { secret?: string; timestamp?: string; passphrase?: string } = {}): string {
  const timestamp = overrides.timestamp ?? String(Math.floor(Date.now() / 1000));
  const sign = createHmac('sha256', overrides.secret ?? API_SECRET)
    .update(`${timestamp}GET/users/self/verify`)
    .digest('base64');
  return JSON.stringify({
    op: 'login',
    args: [{ apiKey: API_KEY, passphrase: overrides.passphrase ?? PASSPHRASE, timestamp, sign }],
  });
}

describe('OKX simulator WebSocket protocol (raw frames)', () => {
  it('logs in with a good signature, refuses a bad one (60009) and a stale timestamp (60006)', async () => {
    const { sim } = await streamHarness();
    const good = await rawSocket(`${wsBase(sim)}/private`);
    good.ws.send(loginFrame());
    expect(JSON.parse(await good.next((f) => f.includes('"login"')))).toMatchObject({
      event: 'login',
      code: '0',
    });
    // A second login on the same connection is refused (60031).
    good.ws.send(loginFrame());
    expect(JSON.parse(await good.next((f) => f.includes('60031')))).toMatchObject({
      event: 'error',
      code: '60031',
    });

    const bad = await rawSocket(`${wsBase(sim)}/private`);
    bad.ws.send(loginFrame({ secret: 'not-the-secret' }));
    expect(JSON.parse(await bad.next((f) => f.includes('"error"')))).toMatchObject({
      event: 'error',
      code: '60009',
    });
    // Not logged in: a private channel is refused with 60011.
    bad.ws.send(JSON.stringify({ op: 'subscribe', args: [{ channel: 'orders', instType: 'SWAP' }] }));
    expect(JSON.parse(await bad.next((f) => f.includes('60011')))).toMatchObject({ code: '60011' });

    const stale = await rawSocket(`${wsBase(sim)}/private`);
    stale.ws.send(loginFrame({ timestamp: String(Math.floor(Date.now() / 1000) - 60) }));
    expect(JSON.parse(await stale.next((f) => f.includes('"error"')))).toMatchObject({ code: '60006' });
  });

  it('answers ping with pong, 64001 for a business channel on /private, 64002 for orders on /business, and echoes the id', async () => {
    const { sim } = await streamHarness();
    const priv = await rawSocket(`${wsBase(sim)}/private`);
    priv.ws.send('ping');
    await priv.next((f) => f === 'pong');
    priv.ws.send(loginFrame());
    await priv.next((f) => f.includes('"login"'));
    priv.ws.send(
      JSON.stringify({ id: 'a1', op: 'subscribe', args: [{ channel: 'orders-algo', instType: 'SWAP' }] }),
    );
    expect(JSON.parse(await priv.next((f) => f.includes('64001')))).toMatchObject({
      id: 'a1',
      event: 'error',
      code: '64001',
    });
    priv.ws.send(
      JSON.stringify({ id: 'a2', op: 'subscribe', args: [{ channel: 'orders', instType: 'SWAP' }] }),
    );
    expect(JSON.parse(await priv.next((f) => f.includes('"a2"')))).toEqual({
      id: 'a2',
      event: 'subscribe',
      arg: { channel: 'orders', instType: 'SWAP' },
      connId: expect.any(String),
    });

    const business = await rawSocket(`${wsBase(sim)}/business`);
    business.ws.send(loginFrame());
    await business.next((f) => f.includes('"login"'));
    business.ws.send(JSON.stringify({ op: 'subscribe', args: [{ channel: 'orders', instType: 'SWAP' }] }));
    expect(JSON.parse(await business.next((f) => f.includes('64002')))).toMatchObject({ code: '64002' });
  });
});

describe('OkxSwapClient.accountStream against the simulator', () => {
  it('comes up after both sockets logged in and subscribed; a wrong secret fails start with the venue code', async () => {
    const { sim } = await streamHarness();
    const stream = streamClient(sim).accountStream(FAST);
    closers.push(() => stream.close());
    await stream.start();
    expect(stream.status.state).toBe('up');

    const wrong = streamClient(sim, 'wrong-secret').accountStream(FAST);
    closers.push(() => wrong.close());
    await expect(wrong.start()).rejects.toMatchObject({
      code: 'EXCHANGE_AUTH_FAILED',
      message: expect.stringContaining('60009'),
    });
    expect(wrong.status).toMatchObject({ state: 'down', reason: expect.stringContaining('60009') });
  });

  it('an entry and its stop-loss arrive as fills: cause order, then trigger/stop_loss, with the venue fee and PnL', async () => {
    const { sim, client, setPrice } = await streamHarness();
    const account = streamClient(sim).accountStream(FAST);
    closers.push(() => account.close());
    const events: AccountEvent[] = [];
    account.onEvent((e) => events.push(e));
    await account.start();

    await client.placeOrder({
      venueSymbol: SYMBOL,
      side: 'buy',
      type: 'market',
      qty: '0.1',
      idempotencyKey: 'entry-1',
    });
    const stop = await client.placeConditional({
      venueSymbol: SYMBOL,
      kind: 'stop_loss',
      side: 'sell',
      triggerPrice: '49000',
      idempotencyKey: 'stop-1',
    });
    await setPrice(SYMBOL, '48900');

    const fills = await until(() => {
      const f = events.flatMap((e) => (e.kind === 'fill' ? [e.fill] : []));
      return f.length >= 2 ? f : undefined;
    }, 'two fills');
    const [entry, exit] = fills as [VenueFill, VenueFill];
    // Entry: 0.1 BTC (10 contracts × 0.01) at 50000, taker fee 0.04 % = 2 USDT, no PnL.
    expect(entry).toMatchObject({
      cause: 'order',
      side: 'buy',
      qty: '0.1',
      price: '50000',
      fee: '2',
      feeAsset: 'USDT',
      realizedPnl: '0',
      liquidity: 'taker',
    });
    expect(entry.clientOrderId).not.toBe('');
    // Exit: the stop fired at the price reached.
    const px = new Decimal(exit.price);
    expect(exit).toMatchObject({
      cause: 'trigger',
      trigger: 'stop_loss',
      side: 'sell',
      qty: '0.1',
      feeAsset: 'USDT',
    });
    expect(px.lte(49000)).toBe(true);
    expect(exit.fee).toBe(px.mul('0.1').mul('0.0004').toFixed());
    expect(exit.realizedPnl).toBe(px.minus(50000).mul('0.1').toFixed());
    expect(exit.venueTradeId).not.toBe(entry.venueTradeId);

    // The algo order went live then effective; the position ended at 0; balances followed.
    const algoStates = events.flatMap((e) =>
      e.kind === 'order' && e.order.isAlgo && e.order.venueOrderId === stop.venueOrderId
        ? [e.order.status]
        : [],
    );
    expect(algoStates).toContain('filled');
    await until(
      () =>
        events.find(
          (e) => e.kind === 'positions' && e.positions.some((p) => p.venueSymbol === SYMBOL && p.qty === '0'),
        ),
      'the closed position',
    );
    const wallet = new Decimal(10_000).minus(2).minus(exit.fee).plus(exit.realizedPnl);
    const lastBalances = await until(() => {
      const b = events.filter((e) => e.kind === 'balances').at(-1);
      return b?.kind === 'balances' && b.balances[0]?.total === wallet.toFixed() ? b : undefined;
    }, `balance ${wallet.toFixed()}`);
    expect(lastBalances.balances[0]).toMatchObject({ asset: 'USDT', total: wallet.toFixed() });
  });

  it('a take-profit that fills while the stream is dropped is recovered once through fillsSince', async () => {
    const { sim, client, setPrice } = await streamHarness();
    const account = streamClient(sim).accountStream(FAST);
    closers.push(() => account.close());
    const events: AccountEvent[] = [];
    const statuses: StreamStatus[] = [];
    account.onEvent((e) => events.push(e));
    account.onStatus((s) => statuses.push(s));
    await account.start();
    const since = Date.now();

    await client.placeOrder({
      venueSymbol: SYMBOL,
      side: 'buy',
      type: 'market',
      qty: '0.2',
      idempotencyKey: 'entry-2',
    });
    await client.placeConditional({
      venueSymbol: SYMBOL,
      kind: 'take_profit',
      side: 'sell',
      triggerPrice: '51000',
      idempotencyKey: 'tp-2',
    });
    await until(() => events.find((e) => e.kind === 'fill'), 'the entry fill');

    const dropped = await fetch(`${sim.url}/__sim/streams`, {
      method: 'POST',
      body: JSON.stringify({ action: 'drop' }),
    });
    expect(dropped.status).toBe(200);
    await until(() => (account.status.state === 'down' ? true : undefined), 'down');
    await setPrice(SYMBOL, '51500'); // the take-profit fills while no socket is connected
    await until(() => (statuses.filter((s) => s.state === 'up').length >= 2 ? true : undefined), 'up again');

    // The mirror's rule: after a gap, re-sync from REST and key fills by venueTradeId.
    const byTrade = new Map<string, VenueFill>();
    for (const e of events) if (e.kind === 'fill') byTrade.set(e.fill.venueTradeId, e.fill);
    const streamed = byTrade.size;
    for (const fill of await account_fills(client, since)) byTrade.set(fill.venueTradeId, fill);

    expect(streamed).toBe(1);
    expect(byTrade.size).toBe(2);
    const tp = [...byTrade.values()].find((f) => f.side === 'sell') as VenueFill;
    const px = new Decimal(tp.price);
    expect(px.gte(51000)).toBe(true);
    expect(tp).toMatchObject({ cause: 'trigger', trigger: 'take_profit', qty: '0.2', feeAsset: 'USDT' });
    expect(tp.fee).toBe(px.mul('0.2').mul('0.0004').toFixed());
    expect(tp.realizedPnl).toBe(px.minus(50000).mul('0.2').toFixed());
  });

  it('a socket that answers no pong is declared dead once, goes down and comes back when the venue answers again', async () => {
    const { sim } = await streamHarness();
    const problems: string[] = [];
    const account = streamClient(sim).accountStream({
      reconnectMinMs: 100,
      reconnectMaxMs: 200,
      pingMs: 250,
      replyTimeoutMs: 5000,
      onProblem: (p) => problems.push(p.code),
    });
    closers.push(() => account.close());
    const statuses: StreamStatus[] = [];
    account.onStatus((s) => statuses.push(s));
    await account.start();
    // Every message from the simulator (pongs included) now arrives 2 s late.
    await fetch(`${sim.url}/__sim/streams`, {
      method: 'POST',
      body: JSON.stringify({ action: 'delay', ms: 2000 }),
    });
    const down = await until(() => statuses.find((s) => s.state === 'down'), 'down', 3000);
    expect(down).toMatchObject({ state: 'down', reason: expect.stringContaining('closed') });
    expect(problems).toEqual(['pong_missing']);
    await fetch(`${sim.url}/__sim/streams`, { method: 'POST', body: JSON.stringify({ action: 'resume' }) });
    await until(() => (account.status.state === 'up' ? true : undefined), 'up again', 8000);
    expect(statuses.map((s) => s.state)).toEqual(['up', 'down', 'up']);
  });

  it('reports malformed frames and unknown channels once each and keeps streaming', async () => {
    const { sim, client, setPrice } = await streamHarness();
    const problems: Array<{ code: string; message: string }> = [];
    const account = streamClient(sim).accountStream({ ...FAST, onProblem: (p) => problems.push(p) });
    closers.push(() => account.close());
    const events: AccountEvent[] = [];
    account.onEvent((e) => events.push(e));
    await account.start();
    const inject = (text: string) =>
      fetch(`${sim.url}/__sim/streams`, {
        method: 'POST',
        body: JSON.stringify({ action: 'inject', path: 'private', frame: text }),
      });
    await inject('{not json');
    await inject('{not json either');
    await inject(JSON.stringify({ arg: { channel: 'mystery' }, data: [{}] }));
    await inject(
      JSON.stringify({
        arg: { channel: 'orders' },
        data: [{ instId: SYMBOL, ordId: '1', state: 'filled', uTime: 'x' }],
      }),
    );
    await until(() => (problems.length >= 3 ? true : undefined), 'three problems');

    await client.placeOrder({
      venueSymbol: SYMBOL,
      side: 'buy',
      type: 'market',
      qty: '0.01',
      idempotencyKey: 'after-garbage',
    });
    await until(() => events.find((e) => e.kind === 'fill'), 'a fill after the garbage');
    await setPrice(SYMBOL, '50100');
    expect(problems.map((p) => p.code).sort()).toEqual([
      'malformed_field',
      'malformed_frame',
      'unknown_channel',
    ]);
    expect(account.status.state).toBe('up');
  });

  it('a liquidation arrives as a fill with cause liquidation and the position flat', async () => {
    const { sim, client, setPrice } = await streamHarness();
    const account = streamClient(sim).accountStream(FAST);
    closers.push(() => account.close());
    const events: AccountEvent[] = [];
    account.onEvent((e) => events.push(e));
    await account.start();
    // 2 BTC at 50000 with 20× on a 10000 USDT cross account: a fall to 40000 loses 20000.
    await client.placeOrder({
      venueSymbol: SYMBOL,
      side: 'buy',
      type: 'market',
      qty: '2',
      idempotencyKey: 'big-long',
    });
    await setPrice(SYMBOL, '40000');
    const liquidation = await until(
      () =>
        events.flatMap((e) => (e.kind === 'fill' && e.fill.cause === 'liquidation' ? [e.fill] : [])).at(0),
      'the liquidation fill',
    );
    expect(liquidation).toMatchObject({ side: 'sell', qty: '2', venueSymbol: SYMBOL, feeAsset: 'USDT' });
    expect(new Decimal(liquidation.realizedPnl).lt(0)).toBe(true);
    await until(
      () => events.find((e) => e.kind === 'positions' && e.positions.some((p) => p.qty === '0')),
      'the flat position',
    );
    // REST says the same: subType 104 (liquidation of a long) → cause liquidation.
    const recovered = await client.fillsSince({ since: 0, venueSymbol: SYMBOL });
    expect(recovered.find((f) => f.venueTradeId === liquidation.venueTradeId)).toMatchObject({
      cause: 'liquidation',
      qty: '2',
      price: liquidation.price,
      fee: liquidation.fee,
    });
  });

  it('fillsSince pages past 100 fills (billId `after`), oldest first; limit keeps the oldest', async () => {
    const { sim, client } = await streamHarness();
    const since = Date.now() - 1000;
    for (let i = 0; i < 110; i++) {
      sim.venue.submitOrder({
        venueSymbol: SYMBOL,
        side: i % 2 === 0 ? 'buy' : 'sell',
        type: 'market',
        qty: '0.01',
      });
    }
    const fills = await client.fillsSince({ since, venueSymbol: SYMBOL });
    expect(fills).toHaveLength(110);
    expect(new Set(fills.map((f) => f.venueTradeId)).size).toBe(110);
    expect(fills.map((f) => Number(f.venueTradeId))).toEqual([...Array(110).keys()].map((i) => i + 1));
    expect(sim.requests.filter((r) => r.path === '/api/v5/trade/fills').length).toBeGreaterThanOrEqual(2);
    const oldest = await client.fillsSince({ since, venueSymbol: SYMBOL, limit: 5 });
    expect(oldest.map((f) => f.venueTradeId)).toEqual(['1', '2', '3', '4', '5']);
  });

  it('funding booked on the venue arrives once as a funding event (balance_and_position funding_fee → bills type 8)', async () => {
    const { sim, client } = await streamHarness();
    const account = streamClient(sim).accountStream(FAST);
    closers.push(() => account.close());
    const events: AccountEvent[] = [];
    account.onEvent((e) => events.push(e));
    await account.start();
    const since = Date.now() - 1000;
    await client.placeOrder({
      venueSymbol: SYMBOL,
      side: 'buy',
      type: 'market',
      qty: '0.1',
      idempotencyKey: 'long-f',
    });
    // A long pays a positive rate: 0.1 BTC × mark 50000 × 0.0001 = 0.5 USDT.
    sim.venue.applyFunding(SYMBOL, '0.0001');
    const funding = await until(() => events.find((e) => e.kind === 'funding'), 'the funding event');
    expect(funding.kind === 'funding' && funding.payment).toMatchObject({
      venueSymbol: SYMBOL,
      amount: '-0.5',
      asset: 'USDT',
    });
    const ledger = await client.fundingSince({ since });
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toEqual(funding.kind === 'funding' ? funding.payment : undefined);
    // A second funding later is emitted once too, the first not again.
    sim.venue.applyFunding(SYMBOL, '-0.0002');
    await until(
      () => (events.filter((e) => e.kind === 'funding').length >= 2 ? true : undefined),
      'the second funding',
    );
    await new Promise((r) => setTimeout(r, 200));
    const amounts = events.flatMap((e) => (e.kind === 'funding' ? [e.payment.amount] : []));
    expect(amounts).toEqual(['-0.5', '1']);
  });
});

/** fillsSince as the account mirror calls it after a reconnect. */
function account_fills(client: OkxSwapClient, since: number): Promise<VenueFill[]> {
  return client.fillsSince({ since, venueSymbol: SYMBOL });
}

describe('OkxSwapClient.marketStream against the simulator', () => {
  it('pushes mark prices and 1m candles; a candle closes (confirm "1") when its minute is over', async () => {
    let offset = 0;
    const made = await harness({ now: () => Date.now() + offset });
    h = made;
    const stream = streamClient(made.sim).marketStream(FAST);
    closers.push(() => stream.close());
    const events: MarketEvent[] = [];
    stream.onEvent((e) => events.push(e));
    await stream.start();
    await stream.subscribe({ kind: 'mark', venueSymbol: SYMBOL });
    await stream.subscribe({ kind: 'kline', venueSymbol: SYMBOL, timeframe: '1m' });
    // An instrument OKX does not list: the subscription is refused with its code (60018).
    await expect(stream.subscribe({ kind: 'mark', venueSymbol: 'NOPE-USDT-SWAP' })).rejects.toMatchObject({
      details: { venueCode: '60018' },
    });
    await made.setPrice(SYMBOL, '50250.5');
    const mark = await until(
      () => events.find((e) => e.kind === 'mark' && e.price === '50250.5'),
      'the mark',
    );
    expect(mark).toMatchObject({ kind: 'mark', venueSymbol: SYMBOL });
    const open = await until(
      () => events.find((e) => e.kind === 'kline' && e.close === '50250.5' && !e.closed),
      'the forming candle',
    );
    offset += 60_000;
    await made.setPrice(SYMBOL, '50300');
    const closed = await until(
      () =>
        events.find(
          (e) =>
            e.kind === 'kline' &&
            e.closed &&
            e.kind === 'kline' &&
            open.kind === 'kline' &&
            e.openTime === open.openTime,
        ),
      'the closed candle',
    );
    expect(closed).toMatchObject({ timeframe: '1m', close: '50250.5', closed: true });
    expect(closed.kind === 'kline' && closed.openTime % 60_000).toBe(0);
  });

  it('candles replayed through /__sim/candles arrive as bars: each closed with its own OHLC and volume in base units', async () => {
    const made = await harness();
    h = made;
    const stream = streamClient(made.sim).marketStream(FAST);
    closers.push(() => stream.close());
    const events: MarketEvent[] = [];
    stream.onEvent((e) => events.push(e));
    await stream.start();
    await stream.subscribe({ kind: 'kline', venueSymbol: SYMBOL, timeframe: '1m' });
    const minute = Math.floor(Date.now() / 60_000) * 60_000 + 60_000;
    const candles = [
      { openTime: minute, open: '50000', high: '50200', low: '49900', close: '50100', volume: 3 },
      { openTime: minute + 60_000, open: '50100', high: '50300', low: '49400', close: '49600', volume: 1.5 },
    ];
    const replay = await fetch(`${made.sim.url}/__sim/candles`, {
      method: 'POST',
      body: JSON.stringify({ instId: SYMBOL, candles }),
    });
    expect(replay.status).toBe(200);
    const first = await until(
      () => events.find((e) => e.kind === 'kline' && e.openTime === minute && e.closed),
      'the first replayed bar, closed',
    );
    expect(first).toMatchObject({
      timeframe: '1m',
      open: '50000',
      high: '50200',
      low: '49900',
      close: '50100',
      volume: '3',
    });
  });
});
