import { describe, expect, it } from 'vitest';
import { binanceError, codeForVenueError } from '../../src/binance/errors.ts';
import { weightDelayMs } from '../../src/binance/http.ts';
import { mapPositionSide } from '../../src/binance/client.ts';
import {
  parseAlgoOrder,
  parseInstrument,
  parseKline,
  parseOrder,
  toBinanceInterval,
} from '../../src/binance/parse.ts';
import { ExchangeErrors } from '../../src/errors.ts';

describe('Binance error codes → typed errors', () => {
  // Codes and messages from https://developers.binance.com/docs/derivatives/usds-margined-futures/error-code.
  const table: [number | undefined, string, number, string][] = [
    [-1003, 'Too many requests; current limit is 2400 requests per minute.', 429, 'EXCHANGE_RATE_LIMITED'],
    [-1003, 'Way too many requests; IP banned until 1659146734270.', 418, 'EXCHANGE_RATE_LIMITED'],
    [-1021, 'Timestamp for this request is outside of the recvWindow.', 400, 'EXCHANGE_TIMESTAMP_REJECTED'],
    [-1022, 'Signature for this request is not valid.', 400, 'EXCHANGE_AUTH_FAILED'],
    [-2015, 'Invalid API-key, IP, or permissions for action.', 401, 'EXCHANGE_AUTH_FAILED'],
    [-1121, 'Invalid symbol.', 400, 'UNKNOWN_SYMBOL'],
    [
      -1102,
      "Mandatory parameter 'quantity' was not sent, was empty/null, or malformed.",
      400,
      'INVALID_REQUEST',
    ],
    [-1111, 'Precision is over the maximum defined for this asset.', 400, 'INVALID_REQUEST'],
    [-2019, 'Margin is insufficient.', 400, 'INSUFFICIENT_BALANCE'],
    [-2022, 'ReduceOnly Order is rejected.', 400, 'REDUCE_ONLY_REJECTED'],
    [
      -4118,
      'ReduceOnly Order Failed. Please check your existing position and open orders',
      400,
      'REDUCE_ONLY_REJECTED',
    ],
    [-4014, 'Price not increased by tick size.', 400, 'INVALID_PRICE'],
    [-4023, 'Quantity not increased by step size.', 400, 'INVALID_QUANTITY'],
    [-4061, "Order's position side does not match user's setting.", 400, 'POSITION_SIDE_MISMATCH'],
    [-4116, 'ClientOrderId is duplicated.', 400, 'DUPLICATE_CLIENT_ORDER_ID'],
    [
      -4120,
      'Order type not supported for this endpoint. Please use the Algo Order API endpoints instead.',
      400,
      'INVALID_REQUEST',
    ],
    [
      -4164,
      "Order's notional must be no smaller than 100 (unless you choose reduce only).",
      400,
      'ORDER_BELOW_MIN_NOTIONAL',
    ],
    [-2011, 'Unknown order sent.', 400, 'ORDER_NOT_FOUND'],
    [-2013, 'Order does not exist.', 400, 'ORDER_NOT_FOUND'],
    [-4028, 'Leverage 200 is not valid', 400, 'LEVERAGE_OUT_OF_RANGE'],
    [
      -5022,
      'Due to the order could not be executed as maker, the Post Only order will be rejected.',
      400,
      'ORDER_REJECTED',
    ],
    [-1000, 'Unknown error, please check your request or try again later.', 503, 'EXCHANGE_RESULT_UNKNOWN'],
    [undefined, 'Service Unavailable.', 503, 'EXCHANGE_UNAVAILABLE'],
    [
      -1007,
      'Timeout waiting for response from backend server. Send status unknown; execution status unknown.',
      408,
      'EXCHANGE_RESULT_UNKNOWN',
    ],
  ];
  it.each(table)('%s (HTTP %s) → %s', (venueCode, venueMessage, httpStatus, expected) => {
    expect(codeForVenueError({ venueCode, venueMessage, httpStatus })).toBe(expected);
  });

  it('keeps the venue code, message and HTTP status in details', () => {
    const error = binanceError({
      venueCode: -2019,
      venueMessage: 'Margin is insufficient.',
      httpStatus: 400,
    });
    expect(ExchangeErrors.is(error, 'INSUFFICIENT_BALANCE')).toBe(true);
    expect(error.details).toMatchObject({
      venue: 'binance',
      venueCode: -2019,
      venueMessage: 'Margin is insufficient.',
      httpStatus: 400,
    });
  });
});

describe('request-weight throttle', () => {
  it('does not wait below 90% of the limit', () => {
    expect(weightDelayMs(2159, 2400, 1_700_000_010_000, 1_700_000_010_500)).toBe(0);
  });
  it('waits for the next minute window at or above 90%', () => {
    // 1_700_000_010_000 lies in the minute [1_699_999_980_000, 1_700_000_040_000).
    expect(weightDelayMs(2160, 2400, 1_700_000_010_000, 1_700_000_010_000)).toBe(30_000);
    expect(weightDelayMs(2400, 2400, 1_700_000_010_000, 1_700_000_039_000)).toBe(1_000);
    expect(weightDelayMs(2400, 2400, 1_700_000_010_000, 1_700_000_045_000)).toBe(0);
  });
});

describe('position side by account mode', () => {
  it('one-way: BOTH, reduceOnly only for closes', () => {
    expect(mapPositionSide('one_way', 'buy', undefined, false)).toEqual({
      positionSide: 'BOTH',
      reduceOnly: false,
    });
    expect(mapPositionSide('one_way', 'sell', 'net', true)).toEqual({
      positionSide: 'BOTH',
      reduceOnly: true,
    });
    expect(mapPositionSide('one_way', 'sell', 'long', false)).toEqual({
      positionSide: 'BOTH',
      reduceOnly: true,
    });
    expect(mapPositionSide('one_way', 'buy', 'long', false)).toEqual({
      positionSide: 'BOTH',
      reduceOnly: false,
    });
  });
  it('hedge: LONG/SHORT and never reduceOnly; net is refused before sending', () => {
    expect(mapPositionSide('hedge', 'sell', 'long', true)).toEqual({
      positionSide: 'LONG',
      reduceOnly: false,
    });
    expect(mapPositionSide('hedge', 'sell', 'short', false)).toEqual({
      positionSide: 'SHORT',
      reduceOnly: false,
    });
    expect(() => mapPositionSide('hedge', 'buy', 'net', false)).toThrow(
      expect.objectContaining({ code: 'POSITION_SIDE_MISMATCH' }),
    );
  });
});

describe('response parsing', () => {
  it('reads PRICE_FILTER, LOT_SIZE and MIN_NOTIONAL.notional from an exchangeInfo symbol', () => {
    // Shape of the docs' example, BTCUSDT values
    // (https://developers.binance.com/docs/derivatives/usds-margined-futures/market-data/rest-api/Exchange-Information).
    const instrument = parseInstrument({
      symbol: 'BTCUSDT',
      status: 'TRADING',
      baseAsset: 'BTC',
      quoteAsset: 'USDT',
      filters: [
        { filterType: 'PRICE_FILTER', minPrice: '556.80', maxPrice: '4529764', tickSize: '0.10' },
        { filterType: 'LOT_SIZE', stepSize: '0.001', maxQty: '1000', minQty: '0.001' },
        { filterType: 'MARKET_LOT_SIZE', stepSize: '0.001', maxQty: '120', minQty: '0.001' },
        { filterType: 'MIN_NOTIONAL', notional: '100' },
      ],
    });
    expect(instrument).toMatchObject({
      venueSymbol: 'BTCUSDT',
      tickSize: '0.1',
      stepSize: '0.001',
      minQty: '0.001',
      maxQty: '1000',
      minNotional: '100',
      contractSize: '1',
      maxLeverage: 125,
    });
  });

  it('maps an order and an algo order', () => {
    const order = parseOrder({
      orderId: 22542179,
      clientOrderId: 'testOrder',
      symbol: 'BTCUSDT',
      status: 'FILLED',
      side: 'SELL',
      positionSide: 'SHORT',
      type: 'MARKET',
      origType: 'MARKET',
      origQty: '10.000',
      executedQty: '10.000',
      avgPrice: '9000.50000',
      price: '0',
      stopPrice: '0',
      reduceOnly: false,
    });
    expect(order).toMatchObject({
      venueOrderId: '22542179',
      side: 'sell',
      positionSide: 'short',
      type: 'market',
      status: 'filled',
      qty: '10',
      filledQty: '10',
      avgPrice: '9000.5',
      isAlgo: false,
    });
    expect(order.price).toBeUndefined();
    const algo = parseAlgoOrder({
      algoId: 3358,
      clientAlgoId: 'tbXYZsl',
      algoType: 'CONDITIONAL',
      orderType: 'STOP_MARKET',
      symbol: 'BTCUSDT',
      side: 'SELL',
      positionSide: 'BOTH',
      quantity: '0.000',
      algoStatus: 'NEW',
      triggerPrice: '58000.00',
      price: '0.00',
      closePosition: true,
      reduceOnly: false,
    });
    expect(algo).toMatchObject({
      venueOrderId: '3358',
      type: 'stop_market',
      status: 'new',
      qty: '0',
      triggerPrice: '58000',
      reduceOnly: true,
      isAlgo: true,
    });
  });

  it('marks a kline closed only once its closeTime has passed', () => {
    const row = [
      1_700_000_000_000,
      '1.0',
      '2.0',
      '0.5',
      '1.5',
      '10',
      1_700_003_599_999,
      '15',
      3,
      '5',
      '7',
      '0',
    ];
    expect(parseKline(row, 1_700_003_600_000).closed).toBe(true);
    expect(parseKline(row, 1_700_003_599_999).closed).toBe(false);
    expect(parseKline(row, 0)).toMatchObject({
      openTime: 1_700_000_000_000,
      open: 1,
      high: 2,
      low: 0.5,
      close: 1.5,
      volume: 10,
    });
  });

  it('maps timeframes onto Binance intervals', () => {
    expect(toBinanceInterval('1h')).toBe('1h');
    expect(toBinanceInterval('1H')).toBe('1h');
    expect(toBinanceInterval('60')).toBe('1h');
    expect(toBinanceInterval('1M')).toBe('1M');
    expect(toBinanceInterval('7m')).toBeUndefined();
  });
});

describe('client options', () => {
  it('production by default, the demo venue with testnet, an explicit baseUrl wins', async () => {
    const { BinanceFuturesClient } = await import('../../src/binance/client.ts');
    expect(new BinanceFuturesClient({ apiKey: 'k', apiSecret: 's' }).baseUrl).toBe(
      'https://fapi.binance.com',
    );
    expect(new BinanceFuturesClient({ apiKey: 'k', apiSecret: 's', testnet: true }).baseUrl).toBe(
      'https://demo-fapi.binance.com',
    );
    expect(
      new BinanceFuturesClient({ apiKey: 'k', apiSecret: 's', testnet: true, baseUrl: 'http://127.0.0.1:1' })
        .baseUrl,
    ).toBe('http://127.0.0.1:1');
  });
});
