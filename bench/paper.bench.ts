/**
 * `npm run bench:paper`: the paper venue's cost per market order as orders pile up.
 *
 * A paper account keeps every order it ever booked, and matching and margin walk them, so a
 * per-order cost that grows with the book shows up here first (a server with busy paper accounts
 * slows down over the day). Places 6,000 alternating market orders on one symbol, in batches of
 * 1,000 with a price tick before each order, and reports each batch and the ratio of the last
 * batch to the first: about 1 is flat; an earlier build measured 0.2 ms per order at first and
 * 3.7 ms after 5,000 (a ratio near 11). Not part of `npm test`.
 */
import { PaperExchange } from '@tradingbot/exchange';

const BATCHES = 6;
const PER_BATCH = 1_000;

const venue = new PaperExchange({ prices: { BTCUSDT: 50_000 }, balances: { USDT: 1_000_000_000 } });
const batchMs: number[] = [];
let n = 0;
for (let batch = 0; batch < BATCHES; batch++) {
  const started = performance.now();
  for (let i = 0; i < PER_BATCH; i++) {
    n += 1;
    venue.setPrice('BTCUSDT', 50_000 + (n % 50));
    await venue.placeOrder({
      venueSymbol: 'BTCUSDT',
      side: n % 2 === 1 ? 'buy' : 'sell',
      type: 'market',
      qty: '0.01',
      positionSide: 'net',
      idempotencyKey: `bench-${n}`,
    });
  }
  batchMs.push(performance.now() - started);
}

console.log(`paper venue, market orders on one symbol, node ${process.version}`);
batchMs.forEach((ms, i) =>
  console.log(
    `  orders ${String(i * PER_BATCH + 1).padStart(5)}–${String((i + 1) * PER_BATCH).padStart(5)}  ${(ms / PER_BATCH).toFixed(3)} ms per order`,
  ),
);
console.log(`  last batch / first batch: ${(batchMs.at(-1)! / batchMs[0]!).toFixed(2)}× (≈ 1 is flat)`);
