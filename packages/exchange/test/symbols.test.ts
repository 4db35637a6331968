import { describe, expect, it } from 'vitest';
import { AppError } from '@tradingbot/core';
import { editDistance, nearMatches, normalizeSymbol, parseSymbol } from '../src/symbols.ts';
import type { Instrument } from '../src/types.ts';

const rules = {
  tickSize: '0.1',
  stepSize: '0.001',
  minQty: '0.001',
  minNotional: '5',
  contractSize: '1',
  maxLeverage: 20,
};
const binance: Instrument[] = ['BTC', 'ETH', 'ETC', 'SOL', '1000PEPE'].map((base) => ({
  venueSymbol: `${base}USDT`,
  base,
  quote: 'USDT',
  ...rules,
}));
const okx: Instrument[] = ['BTC', 'ETH', 'SOL'].map((base) => ({
  venueSymbol: `${base}-USDT-SWAP`,
  base,
  quote: 'USDT',
  ...rules,
}));

function caught(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an error');
}

const forms = [
  'BINANCE:BTCUSDT.P',
  'BTCUSDT.P',
  'OKX:BTCUSDT.P',
  'BTCUSDT',
  'btcusdt',
  'binance:btcusdt.p',
  'BTC-USDT-SWAP',
  'btc-usdt-swap',
  'BTC-USDT',
  'BTC_USDT',
  'BTC/USDT',
  'BTC/USDT:USDT',
  'btc/usdt:usdt',
  '  BTCUSDT ',
  'BINANCE:BTCUSDTPERP',
];

describe('normalizeSymbol', () => {
  it.each(forms)('%s → BTCUSDT on binance and paper, BTC-USDT-SWAP on okx', (input) => {
    expect(normalizeSymbol(input, 'binance')).toBe('BTCUSDT');
    expect(normalizeSymbol(input, 'paper')).toBe('BTCUSDT');
    expect(normalizeSymbol(input, 'okx')).toBe('BTC-USDT-SWAP');
    expect(normalizeSymbol(input, 'binance', binance)).toBe('BTCUSDT');
    expect(normalizeSymbol(input, 'okx', okx)).toBe('BTC-USDT-SWAP');
  });

  it('splits base and quote with the instrument list (numeric bases)', () => {
    expect(normalizeSymbol('BINANCE:1000PEPEUSDT.P', 'binance', binance)).toBe('1000PEPEUSDT');
    expect(normalizeSymbol('1000PEPEUSDT.P', 'okx')).toBe('1000PEPE-USDT-SWAP');
  });

  it('falls back on the known quote assets', () => {
    expect(parseSymbol('ETHUSDC')).toEqual({ base: 'ETH', quote: 'USDC' });
    expect(parseSymbol('BTCUSD')).toEqual({ base: 'BTC', quote: 'USD' });
    expect(parseSymbol('BTCBUSD')).toEqual({ base: 'BTC', quote: 'BUSD' });
    expect(parseSymbol('BTCFDUSD')).toEqual({ base: 'BTC', quote: 'FDUSD' });
    expect(normalizeSymbol('ETHUSDC', 'okx')).toBe('ETH-USDC-SWAP');
  });

  it('unknown on the venue: UNKNOWN_SYMBOL with up to three near matches', () => {
    // ETXUSDT: ETCUSDT 1 edit, ETHUSDT 1, BTCUSDT 2, SOLUSDT 3 (beyond the limit of 2)
    const error = caught(() => normalizeSymbol('BINANCE:ETXUSDT.P', 'binance', binance));
    expect(error.code).toBe('UNKNOWN_SYMBOL');
    expect(error.message).toBe(
      'Unknown symbol "BINANCE:ETXUSDT.P" on binance (looked for ETXUSDT); did you mean ETCUSDT, ETHUSDT, BTCUSDT?',
    );
    expect(error.details).toMatchObject({ suggestions: ['ETCUSDT', 'ETHUSDT', 'BTCUSDT'] });
  });

  it('unknown on okx suggests okx ids', () => {
    // ETC → BTC and ETC → ETH are one edit each; SOL is three
    const error = caught(() => normalizeSymbol('ETC-USDT-SWAP', 'okx', okx));
    expect(error.code).toBe('UNKNOWN_SYMBOL');
    expect(error.details?.suggestions).toEqual(['BTC-USDT-SWAP', 'ETH-USDT-SWAP']);
  });

  it('a ticker that cannot be split is UNKNOWN_SYMBOL, with suggestions from the list', () => {
    // BTCUDST → BTCUSDT: two substitutions
    const error = caught(() => normalizeSymbol('BTCUDST', 'binance', binance));
    expect(error.code).toBe('UNKNOWN_SYMBOL');
    expect(error.details?.suggestions).toEqual(['BTCUSDT']);
    expect(caught(() => normalizeSymbol('USDT', 'binance')).code).toBe('UNKNOWN_SYMBOL');
    expect(caught(() => normalizeSymbol('FOOBAR', 'okx')).code).toBe('UNKNOWN_SYMBOL');
  });

  it.each([
    '',
    '   ',
    'BTC USDT',
    'BTC$USDT',
    'BINANCE:BTC:USDT',
    'BTC-USDT-PERP-X',
    'BTC/USDT/ETH',
    'BTC.USDT',
    'BTC-',
  ])('malformed %j is INVALID_REQUEST before anything is sent', (input) => {
    const error = caught(() => normalizeSymbol(input, 'binance', binance));
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.details?.reason).toBe('malformed_symbol');
  });

  it('an unknown exchange is UNKNOWN_EXCHANGE', () => {
    expect(caught(() => normalizeSymbol('BTCUSDT', 'kraken' as never)).code).toBe('UNKNOWN_EXCHANGE');
  });
});

describe('editDistance / nearMatches', () => {
  it('computes Levenshtein distances', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('BTCUSDT', 'BTCUSDT')).toBe(0);
  });
  it('keeps at most three plausible candidates, nearest first', () => {
    expect(nearMatches('BTCUSD', ['BTCUSDT', 'ETHUSDT', 'BTCUSDC', 'XRPUSDT', 'BTCBUSD'])).toEqual([
      'BTCBUSD',
      'BTCUSDC',
      'BTCUSDT',
    ]);
    expect(nearMatches('DOGEUSDT', ['BTCUSDT'])).toEqual([]);
  });
});
