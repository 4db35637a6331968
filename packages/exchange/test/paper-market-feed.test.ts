import { afterEach, describe, expect, it } from 'vitest';
import type { PaperMarketVenue } from '@tradingbot/core';
import { startBinanceSimulator } from '../src/binance/simulator.ts';
import { startOkxSimulator } from '../src/okx/simulator.ts';
import type { PublicMarketFeed } from '../src/paper/market-feed.ts';
import { isMarketDataVenue, isStatefulVenue, type MarketDataVenue } from '../src/paper/price-feed.ts';
import type { PaperVenueSnapshot } from '../src/paper/paper-exchange.ts';
import type { Candle } from '../src/sim/candles.ts';
import type { StreamingVenue } from '../src/stream/types.ts';
import type { Exchange } from '../src/types.ts';
import { createPublicMarketFeed, VENUES } from '../src/venues.ts';
import { setSimPrice } from './contract/sim-control.ts';

/**
 * Paper trading on a venue's public market data, against the simulators over loopback: the
 * simulator's public streams (mark price, 1m klines, real wire shapes) and public candles move a
 * paper account that holds no key for that venue. The simulators serve REST candles from a fixed
 * list (flat at 50,000 except where a test puts a dip), and stream what their venue's prices do.
 */

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 0, 5, 10, 0);

type Running = { url: string; close(): Promise<void> };
const closers: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
});

/** 1m candles from 14 h before T0 to 30 min after, flat at 50,000; `dips` puts a low into a minute. */
function history(dips: Record<number, number> = {}): Candle[] {
  const out: Candle[] = [];
  for (let t = T0 - 14 * 60 * MINUTE; t <= T0 + 30 * MINUTE; t += MINUTE) {
    const low = dips[t] ?? 50_000;
    out.push({ time: t, open: 50_000, high: 50_000, low, close: 50_000, volume: 10 });
  }
  return out;
}

type PaperAccount = Exchange & StreamingVenue & MarketDataVenue;

/** Asks again until `check` holds (the venue catches up on each call). */
async function eventually(check: () => Promise<boolean>, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function until<T>(find: () => T | undefined | false, what: string, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = find();
    if (found !== undefined && found !== false) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const SIM_SYMBOL: Record<PaperMarketVenue, string> = { binance: 'BTCUSDT', okx: 'BTC-USDT-SWAP' };

async function startSim(
  venue: PaperMarketVenue,
  clock: () => number,
  candles: Candle[],
): Promise<Running & { streamUrl: string }> {
  if (venue === 'binance') {
    const sim = await startBinanceSimulator({
      apiKey: 'k'.repeat(20),
      apiSecret: 's'.repeat(20),
      now: clock,
      candles,
    });
    return { url: sim.url, close: () => sim.close(), streamUrl: sim.url.replace('http://', 'ws://') };
  }
  const sim = await startOkxSimulator({
    apiKey: 'k'.repeat(20),
    apiSecret: 's'.repeat(20),
    passphrase: 'Sim-Passphrase-1',
    now: clock,
    candles,
  });
  return {
    url: sim.url,
    close: () => sim.close(),
    streamUrl: `${sim.url.replace('http://', 'ws://')}/ws/v5`,
  };
}

function paperAccount(
  feed: PublicMarketFeed,
  clock: () => number,
  restore?: () => Promise<PaperVenueSnapshot | undefined>,
): PaperAccount {
  const client = VENUES.paper.createClient({
    credentials: { apiKey: 'paper', apiSecret: 'paper' },
    testnet: false,
    paperMarket: feed,
    now: clock,
    restoreState: restore,
  });
  if (!isMarketDataVenue(client))
    throw new Error('a feed-driven paper venue says where its prices come from');
  return client as PaperAccount;
}

function marketFeed(venue: PaperMarketVenue, sim: { url: string; streamUrl: string }, clock: () => number) {
  const feed = createPublicMarketFeed(venue, {
    baseUrl: sim.url,
    streamUrl: sim.streamUrl,
    now: clock,
    reconnectMinMs: 50,
    reconnectMaxMs: 100,
    retryMinMs: 50,
    retryMaxMs: 100,
  });
  closers.push(() => feed.close());
  return feed;
}

describe.each(['binance', 'okx'] as const)('paper account on %s public market data', (venue) => {
  it('marks a position to the streamed price and fills its stop where a closed real candle crossed it', async () => {
    let now = T0 + 10_000;
    const clock = () => now;
    const sim = await startSim(venue, clock, history());
    closers.push(() => sim.close());
    const feed = marketFeed(venue, sim, clock);
    const paper = paperAccount(feed, clock);

    await paper.balance(); // the first call warms up from REST and starts the stream
    await until(() => feed.status().state === 'up', 'the stream up');
    await setSimPrice(sim.url, SIM_SYMBOL[venue], '50100');
    await until(() => feed.mark('BTCUSDT')?.price === '50100', 'the streamed mark');
    expect((await paper.ticker('BTCUSDT')).price).toBe('50100');
    expect(paper.marketData('BTCUSDT')).toMatchObject({ source: venue, state: 'up' });
    // Its history is the venue's candles (flat 50,000), not the synthetic feed's waves.
    const history1h = await paper.klines({ venueSymbol: 'BTCUSDT', timeframe: '1h', limit: 5 });
    expect(history1h.slice(0, -1).every((k) => k.open === 50_000 && k.low === 50_000)).toBe(true);

    const entry = await paper.placeOrder({
      venueSymbol: 'BTCUSDT',
      side: 'buy',
      type: 'market',
      qty: '0.01',
      idempotencyKey: 'entry-1',
    });
    expect(entry.avgPrice).toBe('50100');
    await paper.placeProtection({
      venueSymbol: 'BTCUSDT',
      positionSide: 'long',
      stopLoss: '49500',
      idempotencyKey: 'entry-1',
    });

    now = T0 + 20_000;
    await setSimPrice(sim.url, SIM_SYMBOL[venue], '50300');
    await until(() => feed.mark('BTCUSDT')?.price === '50300', 'the next mark');
    const [position] = await paper.positions('BTCUSDT');
    expect(position).toMatchObject({ qty: '0.01', markPrice: '50300' });
    expect(Number(position?.unrealizedPnl)).toBeCloseTo(2, 8); // 0.01 × (50,300 − 50,100)

    // A dip between two catch-ups: the marks the account sees never cross the stop, the closed
    // 10:00 candle the stream delivers does (its low is 49,400).
    now = T0 + 40_000;
    await setSimPrice(sim.url, SIM_SYMBOL[venue], '49400');
    now = T0 + 45_000;
    await setSimPrice(sim.url, SIM_SYMBOL[venue], '50000');
    await until(() => feed.mark('BTCUSDT')?.price === '50000', 'the recovery');
    // Within the stream's grace after 10:01 (no REST read): the candle must come from the stream.
    now = T0 + MINUTE + 2_000;
    await setSimPrice(sim.url, SIM_SYMBOL[venue], '50010'); // a move in 10:01 closes the 10:00 bar
    await eventually(async () => (await paper.positions('BTCUSDT')).length === 0, 'the stop to fill');
    const fills = await paper.fillsSince({ since: 0 });
    expect(fills.map((f) => [f.side, f.price, f.cause])).toEqual([
      ['buy', '50100', 'order'],
      ['sell', '49500', 'trigger'],
    ]);
  });

  it('survives a restart: the stored state comes back and the minutes it missed are replayed from REST', async () => {
    let now = T0 + 10_000;
    const clock = () => now;
    // While the server is down, the 10:03 candle dips to 49,300 (below the stop).
    const sim = await startSim(venue, clock, history({ [T0 + 3 * MINUTE]: 49_300 }));
    closers.push(() => sim.close());
    const first = paperAccount(marketFeed(venue, sim, clock), clock, async () => undefined);
    await first.balance();
    await setSimPrice(sim.url, SIM_SYMBOL[venue], '50000');
    await until(() => first.marketData('BTCUSDT').state === 'up', 'up');
    await first.placeOrder({
      venueSymbol: 'BTCUSDT',
      side: 'buy',
      type: 'market',
      qty: '0.02',
      idempotencyKey: 'e',
    });
    await first.placeProtection({
      venueSymbol: 'BTCUSDT',
      positionSide: 'long',
      stopLoss: '49500',
      idempotencyKey: 'e',
    });
    if (!isStatefulVenue(first)) throw new Error('a paper venue stores its state');
    const stored = await first.saveState();
    expect(stored?.clock).toBe(T0 + 10_000);

    // The "restart": a new process, a new feed, a new venue restored from the stored state, 5 min later.
    now = T0 + 5 * MINUTE + 10_000;
    const second = paperAccount(marketFeed(venue, sim, clock), clock, async () => stored);
    expect(await second.positions('BTCUSDT')).toEqual([]);
    const fills = await second.fillsSince({ since: 0 });
    expect(fills.map((f) => [f.side, f.qty, f.price, f.cause, f.time >= T0 + 3 * MINUTE])).toEqual([
      ['buy', '0.02', '50000', 'order', false],
      ['sell', '0.02', '49500', 'trigger', true],
    ]);
    const balance = await second.balance();
    expect(Number(balance.total)).toBeLessThan(10_000 - 0.02 * 500); // the loss and fees
  });

  it('says the stream is down, refuses orders meanwhile, and trades again after the reconnect', async () => {
    const now = T0 + 10_000;
    const clock = () => now;
    const sim = await startSim(venue, clock, history());
    closers.push(() => sim.close());
    const feed = createPublicMarketFeed(venue, {
      baseUrl: sim.url,
      streamUrl: sim.streamUrl,
      now: clock,
      reconnectMinMs: 600,
      reconnectMaxMs: 800,
    });
    closers.push(() => feed.close());
    const paper = paperAccount(feed, clock);
    await paper.balance();
    await setSimPrice(sim.url, SIM_SYMBOL[venue], '50000');
    await until(() => feed.mark('BTCUSDT') !== undefined, 'a mark');

    await fetch(`${sim.url}/__sim/streams`, { method: 'POST', body: JSON.stringify({ action: 'drop' }) });
    await until(() => feed.status().state === 'down', 'down');
    const refused = await paper
      .placeOrder({ venueSymbol: 'BTCUSDT', side: 'buy', type: 'market', qty: '0.01', idempotencyKey: 'x' })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(refused).toMatchObject({
      code: 'EXCHANGE_UNAVAILABLE',
      details: { reason: 'market_data_down', source: venue },
    });
    expect(paper.marketData('BTCUSDT')).toMatchObject({ state: 'down' });
    // No silent switch to synthetic prices: the price stays the last real one.
    expect((await paper.ticker('BTCUSDT')).price).toBe('50000');

    await until(() => feed.status().state === 'up', 'reconnected', 5000);
    await setSimPrice(sim.url, SIM_SYMBOL[venue], '50020');
    await until(() => feed.mark('BTCUSDT')?.price === '50020', 'a mark after the reconnect');
    const order = await paper.placeOrder({
      venueSymbol: 'BTCUSDT',
      side: 'buy',
      type: 'market',
      qty: '0.01',
      idempotencyKey: 'x',
    });
    expect(order.avgPrice).toBe('50020');
  });
});
