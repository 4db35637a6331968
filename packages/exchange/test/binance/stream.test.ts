import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { AccountEvent, AccountStream, StreamStatus, VenueFill } from '../../src/stream/types.ts';
import type { BinanceStreamOptions } from '../../src/binance/stream.ts';
import { BinanceFuturesClient } from '../../src/binance/client.ts';
import { API_KEY, API_SECRET, harness, type Harness } from './helpers.ts';

/**
 * BinanceFuturesClient's user-data stream against the simulator, through real sockets: the
 * listenKey lifecycle, reconnects, and the events of an entry whose stop fires. Expected values are
 * computed by hand from the paper venue's default taker fee (0.04 %, paper/engine/state.ts).
 */

const FAST: BinanceStreamOptions = {
  reconnectMinMs: 50,
  reconnectMaxMs: 200,
  connectTimeoutMs: 2000,
};

type Recorder = {
  events: AccountEvent[];
  statuses: StreamStatus[];
  problems: { code: string; message: string }[];
  fills(): VenueFill[];
  waitFor<T>(find: () => T | undefined, what: string, ms?: number): Promise<T>;
};

function record(stream: AccountStream, problems: Recorder['problems'] = []): Recorder {
  const events: AccountEvent[] = [];
  const statuses: StreamStatus[] = [];
  stream.onEvent((e) => events.push(e));
  stream.onStatus((s) => statuses.push(s));
  return {
    events,
    statuses,
    problems,
    fills: () => events.flatMap((e) => (e.kind === 'fill' ? [e.fill] : [])),
    async waitFor(find, what, ms = 5000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const found = find();
        if (found !== undefined && found !== false) return found;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
  };
}

let h: Harness | undefined;
let stream: AccountStream | undefined;

afterEach(async () => {
  await stream?.close();
  await h?.close();
  stream = undefined;
  h = undefined;
});

async function open(
  options: BinanceStreamOptions = {},
): Promise<{ h: Harness; stream: AccountStream; rec: Recorder }> {
  h = await harness({}, {});
  // The same client as the harness's, plus the simulator's stream URL.
  h.client = new BinanceFuturesClient({
    apiKey: API_KEY,
    apiSecret: API_SECRET,
    baseUrl: h.sim.url,
    streamUrl: h.sim.url.replace('http://', 'ws://'),
    timeoutMs: 2000,
    recvWindow: 2000,
  });
  const problems: Recorder['problems'] = [];
  stream = h.client.accountStream({ ...FAST, ...options, onProblem: (p) => problems.push(p) });
  const rec = record(stream, problems);
  await stream.start();
  return { h, stream, rec };
}

const controlStreams = async (url: string, body: unknown): Promise<unknown> => {
  const response = await fetch(`${url}/__sim/streams`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return response.json();
};

describe('Binance user-data stream ↔ simulator', () => {
  it('creates a listenKey with the API key only (no signature) and connects to /private/ws', async () => {
    const { h, stream } = await open();
    expect(stream.status.state).toBe('up');
    const posts = h.seen('POST', '/fapi/v1/listenKey');
    expect(posts).toHaveLength(1);
    expect(posts[0]?.apiKey).toBe(API_KEY);
    expect(posts[0]?.query).not.toMatch(/signature=/);
    expect(posts[0]?.body).not.toMatch(/signature=/);
  });

  it('an entry whose stop-loss fires: order and fill events with cause, fee and realised PnL', async () => {
    const { h, rec } = await open();
    const since = Date.now() - 1000;
    await h.client.placeOrder({
      venueSymbol: 'BTCUSDT',
      side: 'buy',
      type: 'market',
      qty: '0.01',
      attachedStopLoss: '49000',
      idempotencyKey: 'entry-1',
    });
    const entry = await rec.waitFor(() => rec.fills()[0], 'the entry fill');
    // 0.01 BTC × 50 000 × 0.0004 = 0.2 USDT taker fee; opening realises nothing.
    expect(entry).toMatchObject({
      side: 'buy',
      qty: '0.01',
      price: '50000',
      fee: '0.2',
      feeAsset: 'USDT',
      realizedPnl: '0',
      liquidity: 'taker',
      cause: 'order',
    });
    await rec.waitFor(
      () => rec.events.find((e) => e.kind === 'order' && e.order.isAlgo && e.order.status === 'new'),
      'the resting stop (ALGO_UPDATE NEW)',
    );

    await h.setPrice('BTCUSDT', '48900');
    const stop = await rec.waitFor(() => rec.fills()[1], 'the stop fill');
    // Closing 0.01 at 48 900: (48 900 − 50 000) × 0.01 = −11; fee 0.01 × 48 900 × 0.0004 = 0.1956.
    expect(stop).toMatchObject({
      side: 'sell',
      qty: '0.01',
      price: '48900',
      fee: '0.1956',
      realizedPnl: '-11',
      cause: 'trigger',
      trigger: 'stop_loss',
    });
    expect(stop.venueTradeId).not.toBe(entry.venueTradeId);
    const algoDone = await rec.waitFor(
      () =>
        rec.events.find((e) => e.kind === 'order' && e.order.isAlgo && e.order.status === 'filled') as
          Extract<AccountEvent, { kind: 'order' }> | undefined,
      'ALGO_UPDATE FINISHED',
    );
    expect(algoDone.order.triggerPrice).toBe('49000');
    const flat = await rec.waitFor(
      () =>
        rec.events.find(
          (e) =>
            e.kind === 'positions' && e.positions.some((p) => p.venueSymbol === 'BTCUSDT' && p.qty === '0'),
        ),
      'the flat position',
    );
    expect(flat).toMatchObject({ reason: 'ORDER' });
    // Wallet: 10 000 − 0.2 − 11 − 0.1956 = 9988.6044.
    const balance = await rec.waitFor(
      () =>
        rec.events.findLast((e) => e.kind === 'balances' && e.balances.some((b) => b.total === '9988.6044')),
      'the wallet after the stop',
    );
    expect(balance).toBeDefined();
    // The same fills through REST userTrades carry the same trade ids.
    const rest = await h.client.fillsSince({ since });
    expect(rest.map((f) => f.venueTradeId)).toEqual([entry.venueTradeId, stop.venueTradeId]);
    expect(rest[1]).toMatchObject({
      cause: 'trigger',
      trigger: 'stop_loss',
      fee: '0.1956',
      realizedPnl: '-11',
    });
    expect(rest[1]?.clientOrderId).toBe(stop.clientOrderId);
  });

  it('keeps the listenKey alive with PUT (API key only) while the stream stays up', async () => {
    const { h, rec } = await open({ keepAliveMs: 60 });
    await rec.waitFor(
      () => h.seen('PUT', '/fapi/v1/listenKey').length >= 3 || undefined,
      'three keep-alives',
    );
    const puts = h.seen('PUT', '/fapi/v1/listenKey');
    expect(puts.every((r) => r.status === 200 && r.apiKey === API_KEY)).toBe(true);
    expect(rec.statuses.filter((s) => s.state === 'down')).toHaveLength(0);
  });

  it('a keep-alive answered -1125 makes a new key and a new connection', async () => {
    const { h, stream, rec } = await open({ keepAliveMs: 60 });
    h.sim.faults.add({
      kind: 'http_error',
      method: 'PUT',
      path: '/fapi/v1/listenKey',
      status: 400,
      code: -1125,
      msg: 'This listenKey does not exist.',
    });
    await rec.waitFor(
      () => rec.statuses.find((s) => s.state === 'down' && s.reason.includes('-1125')),
      'down after -1125',
    );
    await rec.waitFor(() => (stream.status.state === 'up' ? true : undefined), 'up again');
    expect(h.seen('POST', '/fapi/v1/listenKey')).toHaveLength(2);
    // Events flow on the new connection.
    await h.client.placeOrder({
      venueSymbol: 'ETHUSDT',
      side: 'buy',
      type: 'market',
      qty: '0.1',
      idempotencyKey: 'k2',
    });
    await rec.waitFor(() => rec.fills()[0], 'a fill after the reconnect');
  });

  it('listenKeyExpired: a new key (a different one) and a new connection; events flow again', async () => {
    const { h, stream, rec } = await open();
    const firstKey = (await (
      await fetch(`${h.sim.url}/fapi/v1/listenKey`, { method: 'POST', headers: { 'X-MBX-APIKEY': API_KEY } })
    ).json()) as { listenKey: string };
    await controlStreams(h.sim.url, { action: 'expire-listen-key' });
    await rec.waitFor(
      () => rec.statuses.find((s) => s.state === 'down' && s.reason === 'listenKeyExpired'),
      'down on listenKeyExpired',
    );
    await rec.waitFor(() => (stream.status.state === 'up' ? true : undefined), 'up again');
    const secondKey = (await (
      await fetch(`${h.sim.url}/fapi/v1/listenKey`, { method: 'PUT', headers: { 'X-MBX-APIKEY': API_KEY } })
    ).json()) as { listenKey: string };
    expect(secondKey.listenKey).not.toBe(firstKey.listenKey);
    await h.client.placeOrder({
      venueSymbol: 'ETHUSDT',
      side: 'buy',
      type: 'market',
      qty: '0.1',
      idempotencyKey: 'k3',
    });
    await rec.waitFor(() => rec.fills()[0], 'a fill on the new key');
    expect(rec.problems).toEqual([]);
  });

  it('a drop mid-position while the take-profit fills: the fill is recovered from REST exactly once', async () => {
    const { h, stream, rec } = await open({ reconnectMinMs: 400, reconnectMaxMs: 400 });
    const opened = Date.now() - 1000;
    await h.client.placeOrder({
      venueSymbol: 'BTCUSDT',
      side: 'buy',
      type: 'market',
      qty: '0.02',
      attachedTakeProfit: '51000',
      idempotencyKey: 'tp-entry',
    });
    await rec.waitFor(() => rec.fills()[0], 'the entry fill');
    await controlStreams(h.sim.url, { action: 'drop' });
    await rec.waitFor(() => rec.statuses.find((s) => s.state === 'down'), 'down after the drop');
    await h.setPrice('BTCUSDT', '51200'); // the take-profit fills while nobody listens
    await rec.waitFor(() => (stream.status.state === 'up' ? true : undefined), 'up again');
    expect(rec.fills()).toHaveLength(1);

    // The consumer's re-sync: REST since the last event seen, merged by venueTradeId.
    const byId = new Map(rec.fills().map((f) => [f.venueTradeId, f]));
    for (const f of await h.client.fillsSince({ since: opened }))
      if (!byId.has(f.venueTradeId)) byId.set(f.venueTradeId, f);
    for (const f of await h.client.fillsSince({ since: opened }))
      if (!byId.has(f.venueTradeId)) byId.set(f.venueTradeId, f);
    const takeProfits = [...byId.values()].filter((f) => f.cause === 'trigger');
    expect(takeProfits).toHaveLength(1);
    // (51 200 − 50 000) × 0.02 = 24; fee 0.02 × 51 200 × 0.0004 = 0.4096.
    expect(takeProfits[0]).toMatchObject({
      trigger: 'take_profit',
      qty: '0.02',
      price: '51200',
      realizedPnl: '24',
      fee: '0.4096',
    });
    expect(byId.size).toBe(2);
  });

  it('POST /__sim/streams delay holds the events until resume (the stream stays up)', async () => {
    const { h, stream, rec } = await open();
    await controlStreams(h.sim.url, { action: 'delay' });
    await h.client.placeOrder({
      venueSymbol: 'ETHUSDT',
      side: 'buy',
      type: 'market',
      qty: '0.1',
      idempotencyKey: 'held',
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(rec.fills()).toHaveLength(0);
    await controlStreams(h.sim.url, { action: 'resume' });
    await rec.waitFor(() => rec.fills()[0], 'the held fill');
    expect(stream.status.state).toBe('up');
  });

  it('malformed frames and unknown event types: onProblem once each, the stream keeps working', async () => {
    const { h, stream, rec } = await open();
    for (let i = 0; i < 2; i++) {
      await controlStreams(h.sim.url, { action: 'inject', frame: '{not json' });
      await controlStreams(h.sim.url, {
        action: 'inject',
        frame: JSON.stringify({ e: 'SOMETHING_NEW', E: 1 }),
      });
      await controlStreams(h.sim.url, {
        action: 'inject',
        frame: JSON.stringify({ e: 'ORDER_TRADE_UPDATE', E: 1, T: 1, o: { s: 'BTCUSDT' } }),
      });
    }
    await h.client.placeOrder({
      venueSymbol: 'ETHUSDT',
      side: 'buy',
      type: 'market',
      qty: '0.1',
      idempotencyKey: 'k4',
    });
    await rec.waitFor(() => rec.fills()[0], 'a fill after the bad frames');
    expect(stream.status.state).toBe('up');
    expect(rec.problems.map((p) => p.code).sort()).toEqual([
      'MALFORMED_FRAME',
      'MALFORMED_FRAME',
      'UNKNOWN_EVENT',
    ]);
    expect(rec.statuses.filter((s) => s.state === 'down')).toHaveLength(0);
  });

  it('a silent socket is detected (no frame within deadAfterMs) and replaced', async () => {
    const { h, stream, rec } = await open({ pingIntervalMs: 10_000, deadAfterMs: 150 });
    // Delaying every frame does not silence pongs; a user stream with no events and no pings does.
    await rec.waitFor(() => rec.statuses.find((s) => s.state === 'down'), 'down when silent', 2000);
    await rec.waitFor(() => (stream.status.state === 'up' ? true : undefined), 'up again');
    expect(h.seen('POST', '/fapi/v1/listenKey').length).toBeGreaterThanOrEqual(2);
    expect(rec.problems.some((p) => p.code === 'STREAM_SILENT')).toBe(true);
  });

  it('funding: an ACCOUNT_UPDATE FUNDING_FEE event named as the income ledger names it (tranId, symbol), once', async () => {
    const { h, rec } = await open();
    const since = Date.now() - 1000;
    await h.client.placeOrder({
      venueSymbol: 'BTCUSDT',
      side: 'buy',
      type: 'market',
      qty: '0.01',
      idempotencyKey: 'f1',
    });
    await rec.waitFor(() => rec.fills()[0], 'the entry');
    h.sim.venue.applyFunding('BTCUSDT', '0.0001'); // a long pays 0.01 × 50 000 × 0.0001 = 0.05
    const funding = await rec.waitFor(
      () =>
        rec.events.find((e) => e.kind === 'funding') as
          Extract<AccountEvent, { kind: 'funding' }> | undefined,
      'the funding event',
    );
    // The frame itself names no symbol (cross margin) and no ledger id; the event carries the ledger's.
    const ledger = await h.client.fundingSince({ since });
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({ amount: '-0.05', asset: 'USDT', venueSymbol: 'BTCUSDT' });
    expect(funding.payment).toEqual(ledger[0]);
    // The venue sends the ACCOUNT_UPDATE again (a replay after reconnect): no second funding event.
    const replay = JSON.stringify({
      e: 'ACCOUNT_UPDATE',
      E: funding.payment.time,
      T: funding.payment.time,
      a: { m: 'FUNDING_FEE', B: [{ a: 'USDT', wb: '1', cw: '1', bc: '-0.05' }], P: [] },
    });
    await controlStreams(h.sim.url, { action: 'inject', frame: replay });
    await rec.waitFor(
      () => (rec.events.filter((e) => e.kind === 'balances').length >= 2 ? true : undefined),
      'the replayed balances',
    );
    await new Promise((resolve) => setTimeout(resolve, 300)); // the ledger read after the replay
    expect(rec.events.filter((e) => e.kind === 'funding')).toHaveLength(1);
  });

  it('an isolated position liquidated: a fill with cause liquidation (client id autoclose-…)', async () => {
    const { h, rec } = await open();
    await h.client.setLeverage('BTCUSDT', 20, 'isolated');
    await h.client.placeOrder({
      venueSymbol: 'BTCUSDT',
      side: 'buy',
      type: 'market',
      qty: '0.01',
      idempotencyKey: 'liq',
    });
    await rec.waitFor(() => rec.fills()[0], 'the entry');
    // Isolated margin 0.01 × 50 000 / 20 = 25 USDT; a fall to 40 000 loses 100: liquidated.
    await h.setPrice('BTCUSDT', '40000');
    const liquidation = await rec.waitFor(
      () => rec.fills().find((f) => f.cause === 'liquidation'),
      'the liquidation fill',
    );
    expect(liquidation).toMatchObject({ side: 'sell', qty: '0.01' });
    expect(liquidation.clientOrderId.startsWith('autoclose-')).toBe(true);
    await rec.waitFor(
      () => rec.events.find((e) => e.kind === 'positions' && e.positions.some((p) => p.qty === '0')),
      'the flat position',
    );
  });

  it('a resting limit order fills as maker: m=true, maker fee, order new then filled', async () => {
    const { h, rec } = await open();
    const order = await h.client.placeOrder({
      venueSymbol: 'BTCUSDT',
      side: 'buy',
      type: 'limit',
      price: '49500',
      qty: '0.01',
      idempotencyKey: 'maker',
    });
    await rec.waitFor(
      () => rec.events.find((e) => e.kind === 'order' && e.order.venueOrderId === order.venueOrderId),
      'the resting order',
    );
    // A tick through the limit fills at the limit as maker (docs/paper-venue.md "Price path"):
    // fee 0.01 × 49 500 × 0.0002 = 0.099.
    await h.setPrice('BTCUSDT', '49400');
    const fill = await rec.waitFor(() => rec.fills()[0], 'the maker fill');
    expect(fill).toMatchObject({
      price: '49500',
      qty: '0.01',
      fee: '0.099',
      liquidity: 'maker',
      cause: 'order',
    });
    const states = rec.events.flatMap((e) =>
      e.kind === 'order' && e.order.venueOrderId === order.venueOrderId ? [e.order.status] : [],
    );
    expect(states).toEqual(['new', 'filled']);
  });

  it('MARGIN_CALL: an isolated position near liquidation', async () => {
    const { h, rec } = await open();
    await h.client.setLeverage('BTCUSDT', 20, 'isolated');
    await h.client.placeOrder({
      venueSymbol: 'BTCUSDT',
      side: 'buy',
      type: 'market',
      qty: '0.01',
      idempotencyKey: 'mc',
    });
    await rec.waitFor(() => rec.fills()[0], 'the entry');
    // At 47 780: maintenance 0.01 × 47 780 × 0.005 = 2.389; margin 25 − 22.2 = 2.8; ratio 85 % (≥ 80 %, < 100 %).
    await h.setPrice('BTCUSDT', '47780');
    const call = await rec.waitFor(() => rec.events.find((e) => e.kind === 'margin_call'), 'the margin call');
    expect(call).toMatchObject({ kind: 'margin_call', venueSymbol: 'BTCUSDT' });
    expect(rec.fills().some((f) => f.cause === 'liquidation')).toBe(false);
  });

  it('an order update older (o.T) than one already seen for that order is dropped', async () => {
    const { h, rec } = await open();
    const frame = (status: string, t: number): string =>
      JSON.stringify({
        e: 'ORDER_TRADE_UPDATE',
        E: t,
        T: t,
        o: {
          s: 'BTCUSDT',
          c: 'x1',
          S: 'BUY',
          o: 'LIMIT',
          q: '0.01',
          p: '40000',
          ap: '0',
          sp: '0',
          x: status === 'NEW' ? 'NEW' : 'CANCELED',
          X: status,
          i: 777,
          l: '0',
          z: '0',
          L: '0',
          T: t,
          t: 0,
          ps: 'BOTH',
        },
      });
    await controlStreams(h.sim.url, { action: 'inject', frame: frame('CANCELED', 2000) });
    await controlStreams(h.sim.url, { action: 'inject', frame: frame('NEW', 1000) });
    await controlStreams(h.sim.url, { action: 'inject', frame: frame('CANCELED', 2000) });
    await h.client.placeOrder({
      venueSymbol: 'ETHUSDT',
      side: 'buy',
      type: 'market',
      qty: '0.1',
      idempotencyKey: 'k5',
    });
    await rec.waitFor(() => rec.fills()[0], 'a later fill');
    const updates = rec.events.flatMap((e) =>
      e.kind === 'order' && e.order.venueOrderId === '777' ? [e.order.status] : [],
    );
    // The stale NEW is dropped; a repeat of the same update is kept (consumers dedup it).
    expect(updates).toEqual(['canceled', 'canceled']);
  });

  it('replaces the connection before the 24 h limit without a gap (no down status)', async () => {
    const { h, stream, rec } = await open({ maxConnectionMs: 150 });
    await rec.waitFor(
      () => (h.seen('POST', '/fapi/v1/listenKey').length >= 3 ? true : undefined),
      'two rollovers',
    );
    expect(stream.status.state).toBe('up');
    expect(rec.statuses.filter((s) => s.state === 'down')).toHaveLength(0);
    await h.client.placeOrder({
      venueSymbol: 'ETHUSDT',
      side: 'buy',
      type: 'market',
      qty: '0.1',
      idempotencyKey: 'k6',
    });
    await rec.waitFor(() => rec.fills()[0], 'a fill on the replacement connection');
  });
});

describe('Binance stream reconnect backoff', () => {
  it('retries with exponential delays up to the cap (jitter source fixed at 0: half of each base)', async () => {
    h = await harness();
    const client = new BinanceFuturesClient({
      apiKey: API_KEY,
      apiSecret: API_SECRET,
      baseUrl: h.sim.url,
      timeoutMs: 500,
      maxRetries: 0,
    });
    stream = client.accountStream({ reconnectMinMs: 40, reconnectMaxMs: 320, random: () => 0 });
    const attempts: number[] = [];
    stream.onStatus((s) => {
      if (s.state === 'connecting') attempts.push(Date.now());
    });
    await stream.start();
    attempts.length = 0;
    await h.sim.close(); // every attempt now fails (connection refused)
    const deadline = Date.now() + 5000;
    while (attempts.length < 6 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const gaps = attempts.slice(1).map((t, i) => t - (attempts[i] as number));
    // Delays 20, 40, 80, 160, 160 ms (base 40·2ⁿ capped at 320, halved): the gaps between attempts
    // are the 2nd delay on (40, 80, 160, 160) plus each failed attempt's own time.
    expect(gaps.length).toBeGreaterThanOrEqual(4);
    expect(gaps[0]).toBeGreaterThanOrEqual(35);
    expect(gaps[1]).toBeGreaterThanOrEqual(75);
    expect(gaps[2]).toBeGreaterThanOrEqual(155);
    expect(gaps[3]).toBeGreaterThanOrEqual(155);
    expect(Math.max(...gaps)).toBeLessThan(1000);
    expect(stream.status.state).not.toBe('up');
    h = undefined; // already closed
  });
});

describe('Binance listenKey endpoints (simulator semantics)', () => {
  it('one key per API key: POST returns the active key, PUT extends it, DELETE closes it, then -1125', async () => {
    h = await harness();
    const call = async (
      method: string,
      apiKey = API_KEY,
    ): Promise<{ status: number; body: Record<string, unknown> }> => {
      const response = await fetch(`${h!.sim.url}/fapi/v1/listenKey`, {
        method,
        headers: { 'X-MBX-APIKEY': apiKey },
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    expect(await call('PUT')).toEqual({
      status: 400,
      body: { code: -1125, msg: 'This listenKey does not exist.' },
    });
    const first = await call('POST');
    expect(first.status).toBe(200);
    expect(String(first.body.listenKey)).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect((await call('POST')).body).toEqual(first.body);
    expect(await call('PUT')).toEqual({ status: 200, body: first.body });
    expect(await call('DELETE')).toEqual({ status: 200, body: {} });
    expect((await call('PUT')).body).toMatchObject({ code: -1125 });
    expect((await call('POST')).body.listenKey).not.toBe(first.body.listenKey);
    expect(await call('POST', 'wrong-key')).toMatchObject({ status: 401, body: { code: -2015 } });
    // A stream with a key that does not exist is refused at the upgrade.
    const refused = await new Promise<number>((resolve, reject) => {
      const socket = new WebSocket(`${h!.sim.url.replace('http://', 'ws://')}/private/ws?listenKey=nope`);
      socket.on('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        socket.terminate();
      });
      socket.on('open', () => reject(new Error('a stream with an unknown listenKey was accepted')));
      socket.on('error', () => undefined);
    });
    expect(refused).toBe(400);
  });

  it('a private connection opened with events=… receives only those event types', async () => {
    h = await harness();
    const { listenKey } = (await (
      await fetch(`${h.sim.url}/fapi/v1/listenKey`, { method: 'POST', headers: { 'X-MBX-APIKEY': API_KEY } })
    ).json()) as { listenKey: string };
    const base = `${h.sim.url.replace('http://', 'ws://')}/private/ws?listenKey=${listenKey}`;
    const listen = (url: string): Promise<{ types: string[]; socket: WebSocket }> =>
      new Promise((resolve, reject) => {
        const socket = new WebSocket(url);
        const types: string[] = [];
        socket.on('message', (d) => types.push(String((JSON.parse(d.toString()) as { e?: unknown }).e)));
        socket.on('open', () => resolve({ types, socket }));
        socket.on('error', reject);
      });
    const only = await listen(`${base}&events=ACCOUNT_UPDATE`);
    const all = await listen(base);
    await h.client.placeOrder({
      venueSymbol: 'ETHUSDT',
      side: 'buy',
      type: 'market',
      qty: '0.1',
      idempotencyKey: 'ev',
    });
    const deadline = Date.now() + 5000;
    while (!all.types.includes('ACCOUNT_UPDATE') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 100));
    only.socket.terminate();
    all.socket.terminate();
    expect(all.types).toContain('ORDER_TRADE_UPDATE');
    expect(only.types.length).toBeGreaterThan(0);
    expect(new Set(only.types)).toEqual(new Set(['ACCOUNT_UPDATE']));
  });
});
