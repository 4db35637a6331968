// The Binance wire simulator as a process of its own for bench/webhook.bench.ts (BENCH_SIM_KEY / BENCH_SIM_SECRET).
import { startBinanceSimulator } from '@tradingbot/exchange/sim';

const sim = await startBinanceSimulator({
  host: '127.0.0.1',
  port: 0,
  apiKey: process.env.BENCH_SIM_KEY ?? '',
  apiSecret: process.env.BENCH_SIM_SECRET ?? '',
  balance: 100_000_000,
  weightLimit: 100_000_000,
  prices: { BTCUSDT: 50_000, ETHUSDT: 3_000, SOLUSDT: 150, XRPUSDT: 0.5, DOGEUSDT: 0.1 },
});
process.stdout.write(`LISTENING ${sim.url}\n`);
process.once('SIGTERM', () => void sim.close().then(() => process.exit(0)));
