import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { BinanceFuturesClient } from '../../src/binance/client.ts';
import { startBinanceSimulator, type BinanceSimulator } from '../../src/binance/simulator.ts';
import type { MarketEvent, MarketStream } from '../../src/stream/types.ts';
import { API_KEY, API_SECRET, setSimPrice } from './helpers.ts';

/**
 * Market streams against the simulator through real sockets: SUBSCRIBE on `/market/ws`, mark
 * price per price move, klines built from the moves and closed when a move lands in the next bar
 * (the simulator's clock is injected so the bar boundary is crossed on demand).
 */

let sim: BinanceSimulator | undefined;
let stream: MarketStream | undefined;
const sockets: WebSocket[] = [];

afterEach(async () => {
  await stream?.close();
  for (const s of sockets.splice(0)) s.terminate();
  await sim?.close();
  sim = undefined;
  stream = undefined;
});

async function until<T>(find: () => T | undefined, what: string, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('Binance market stream ↔ simulator', () => {
  it('mark price and klines; a kline closes when the price moves into the next bar; resubscribes after a drop', async () => {
    let clock = Date.UTC(2026, 0, 5, 10, 0, 10);
    sim = await startBinanceSimulator({ port: 0, apiKey: API_KEY, apiSecret: API_SECRET, now: () => clock });
    const client = new BinanceFuturesClient({
      apiKey: API_KEY,
      apiSecret: API_SECRET,
      baseUrl: sim.url,
      streamUrl: sim.url.replace('http://', 'ws://'),
    });
    const events: MarketEvent[] = [];
    stream = client.marketStream({ reconnectMinMs: 50, reconnectMaxMs: 100 });
    stream.onEvent((e) => events.push(e));
    await stream.start();
    await stream.subscribe({ kind: 'mark', venueSymbol: 'BTCUSDT' });
    await stream.subscribe({ kind: 'kline', venueSymbol: 'BTCUSDT', timeframe: '1m' });

    await setSimPrice(sim.url, 'BTCUSDT', '50100');
    clock += 20_000;
    await setSimPrice(sim.url, 'BTCUSDT', '49900.5');
    await until(() => events.find((e) => e.kind === 'mark' && e.price === '49900.5'), 'the second mark');
    const open = events.filter((e) => e.kind === 'kline');
    expect(open.at(-1)).toMatchObject({
      venueSymbol: 'BTCUSDT',
      timeframe: '1m',
      openTime: Date.UTC(2026, 0, 5, 10, 0),
      open: '50100',
      high: '50100',
      low: '49900.5',
      close: '49900.5',
      closed: false,
    });

    clock = Date.UTC(2026, 0, 5, 10, 1, 2);
    await setSimPrice(sim.url, 'BTCUSDT', '50000');
    const closed = await until(
      () => events.find((e) => e.kind === 'kline' && e.closed),
      'the closed 10:00 bar',
    );
    expect(closed).toMatchObject({ openTime: Date.UTC(2026, 0, 5, 10, 0), close: '49900.5', closed: true });
    await until(
      () => events.find((e) => e.kind === 'kline' && e.openTime === Date.UTC(2026, 0, 5, 10, 1)),
      'the new bar',
    );

    // Unsubscribed streams stop; a dropped connection comes back with its subscriptions.
    await stream.unsubscribe({ kind: 'kline', venueSymbol: 'BTCUSDT', timeframe: '1m' });
    await fetch(`${sim.url}/__sim/streams`, { method: 'POST', body: JSON.stringify({ action: 'drop' }) });
    await until(() => (stream?.status.state === 'down' ? true : undefined), 'down');
    await until(() => (stream?.status.state === 'up' ? true : undefined), 'up again');
    const before = events.length;
    await setSimPrice(sim.url, 'BTCUSDT', '50001');
    await until(() => events.find((e) => e.kind === 'mark' && e.price === '50001'), 'a mark after the drop');
    expect(events.slice(before).some((e) => e.kind === 'kline')).toBe(false);
  });

  it('the bare legacy /ws path acknowledges a markPrice subscription and delivers nothing (2026 routing)', async () => {
    sim = await startBinanceSimulator({ port: 0, apiKey: API_KEY, apiSecret: API_SECRET });
    const url = sim.url.replace('http://', 'ws://');
    const received = (path: string): Promise<{ frames: string[]; socket: WebSocket }> =>
      new Promise((resolve, reject) => {
        const socket = new WebSocket(`${url}${path}`);
        sockets.push(socket);
        const frames: string[] = [];
        socket.on('message', (d) => frames.push(d.toString()));
        socket.on('open', () => {
          socket.send(JSON.stringify({ method: 'SUBSCRIBE', params: ['btcusdt@markPrice@1s'], id: 1 }));
          resolve({ frames, socket });
        });
        socket.on('error', reject);
      });
    const legacy = await received('/ws');
    const routed = await received('/market/stream');
    await until(() => (legacy.frames.length > 0 && routed.frames.length > 0 ? true : undefined), 'acks');
    await setSimPrice(sim.url, 'BTCUSDT', '50500');
    await until(() => (routed.frames.length > 1 ? true : undefined), 'the routed mark');
    expect(JSON.parse(routed.frames[1] as string)).toMatchObject({
      stream: 'btcusdt@markPrice@1s',
      data: { e: 'markPriceUpdate', s: 'BTCUSDT', p: '50500' },
    });
    expect(legacy.frames).toEqual(['{"result":null,"id":1}']);
    // An id that is not an unsigned integer is refused (code 2).
    routed.socket.send(JSON.stringify({ method: 'SUBSCRIBE', params: [], id: 'x' }));
    await until(() => routed.frames.find((f) => f.includes('"code":2')), 'the refusal');
  });
});
