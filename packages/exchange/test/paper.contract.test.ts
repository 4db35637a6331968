import { PaperExchange } from '../src/paper/paper-exchange.ts';
import { runExchangeContract } from './contract/exchange-contract.ts';

runExchangeContract('PaperExchange', async () => {
  let time = Date.UTC(2026, 0, 1);
  const exchange = new PaperExchange({ balances: { USDT: 10_000 }, now: () => time });
  return {
    exchange,
    async setPrice(symbol, price) {
      time += 1_000;
      exchange.setPrice(symbol, price);
    },
    async setPositionMode(mode) {
      exchange.setPositionMode(mode);
    },
    async teardown() {},
  };
});
