import type { Instrument } from '../types.ts';

/**
 * Default instruments of the paper venue: Binance USDⓈ-M-style rules (quantities in base units,
 * contractSize 1). Values are representative of fapi exchangeInfo, not live.
 */
export const PAPER_DEFAULT_INSTRUMENTS: readonly Instrument[] = Object.freeze([
  {
    venueSymbol: 'BTCUSDT',
    base: 'BTC',
    quote: 'USDT',
    tickSize: '0.1',
    stepSize: '0.001',
    minQty: '0.001',
    maxQty: '1000',
    minNotional: '100',
    contractSize: '1',
    maxLeverage: 125,
  },
  {
    venueSymbol: 'ETHUSDT',
    base: 'ETH',
    quote: 'USDT',
    tickSize: '0.01',
    stepSize: '0.001',
    minQty: '0.001',
    maxQty: '10000',
    minNotional: '20',
    contractSize: '1',
    maxLeverage: 100,
  },
  {
    venueSymbol: 'SOLUSDT',
    base: 'SOL',
    quote: 'USDT',
    tickSize: '0.01',
    stepSize: '1',
    minQty: '1',
    maxQty: '1000000',
    minNotional: '5',
    contractSize: '1',
    maxLeverage: 100,
  },
  {
    venueSymbol: 'XRPUSDT',
    base: 'XRP',
    quote: 'USDT',
    tickSize: '0.0001',
    stepSize: '0.1',
    minQty: '0.1',
    maxQty: '10000000',
    minNotional: '5',
    contractSize: '1',
    maxLeverage: 75,
  },
  {
    venueSymbol: 'DOGEUSDT',
    base: 'DOGE',
    quote: 'USDT',
    tickSize: '0.00001',
    stepSize: '1',
    minQty: '1',
    maxQty: '50000000',
    minNotional: '5',
    contractSize: '1',
    maxLeverage: 75,
  },
]);

/**
 * OKX SWAP-style instruments for a paper venue behind an OKX simulator: venue ids `BTC-USDT-SWAP`,
 * rules already converted to BASE units (stepSize = lotSz × ctVal, minQty = minSz × ctVal) with
 * `contractSize` = ctVal, so the simulator converts `sz` (contracts) with toContracts/fromContracts.
 * OKX has no minimum notional ("0").
 */
export const OKX_STYLE_INSTRUMENTS: readonly Instrument[] = Object.freeze([
  {
    // ctVal 0.01 BTC, lotSz 0.01, minSz 0.01 contracts
    venueSymbol: 'BTC-USDT-SWAP',
    base: 'BTC',
    quote: 'USDT',
    tickSize: '0.1',
    stepSize: '0.0001',
    minQty: '0.0001',
    maxQty: '100',
    minNotional: '0',
    contractSize: '0.01',
    maxLeverage: 100,
  },
  {
    // ctVal 0.1 ETH, lotSz 0.01, minSz 0.01 contracts
    venueSymbol: 'ETH-USDT-SWAP',
    base: 'ETH',
    quote: 'USDT',
    tickSize: '0.01',
    stepSize: '0.001',
    minQty: '0.001',
    maxQty: '1000',
    minNotional: '0',
    contractSize: '0.1',
    maxLeverage: 100,
  },
  {
    // ctVal 1 SOL, lotSz 0.01, minSz 0.01 contracts
    venueSymbol: 'SOL-USDT-SWAP',
    base: 'SOL',
    quote: 'USDT',
    tickSize: '0.01',
    stepSize: '0.01',
    minQty: '0.01',
    maxQty: '100000',
    minNotional: '0',
    contractSize: '1',
    maxLeverage: 50,
  },
]);
