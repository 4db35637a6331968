import { describe, expect, it } from 'vitest';
import { VENUES } from '../../src/venues.ts';
import { OkxSwapClient } from '../../src/okx/client.ts';
import {
  FrameProblem,
  OkxAccountParser,
  fillFromRest,
  parseMarketPush,
  timeframeOfChannel,
  triggerKind,
} from '../../src/okx/stream-parse.ts';

/**
 * OKX frames → stream events, on the payloads /work/shared/reference/streams.md §2.5 quotes (NT's
 * fixtures `ws_orders_liquidation.json`, `ws_candle.json`) and hand-built variants of them.
 * BTC-USDT-SWAP's ctVal is 0.01 BTC per contract.
 */

const CT: Record<string, string> = { 'BTC-USDT-SWAP': '0.01' };
const parser = (): OkxAccountParser => new OkxAccountParser((id) => CT[id]);

/** The reference's liquidation push, verbatim. */
const LIQUIDATION = {
  instId: 'BTC-USDT-SWAP',
  ordId: '2497956918703120999',
  clOrdId: '',
  side: 'sell',
  posSide: 'long',
  ordType: 'market',
  state: 'filled',
  fillPx: '40000.0',
  fillSz: '0.5',
  tradeId: '1518905999',
  execType: 'T',
  fee: '-20.0',
  feeCcy: 'USDT',
  pnl: '-5000',
  category: 'full_liquidation',
  reduceOnly: 'false',
  uTime: '1746947317402',
};

describe('OkxAccountParser: orders', () => {
  it('the documented liquidation push: cause liquidation, 0.5 contracts = 0.005 BTC, fee 20 (OKX -20), PnL -5000', () => {
    const events = parser().parsePush('orders', [LIQUIDATION]);
    expect(events.map((e) => e.kind)).toEqual(['order', 'fill']);
    expect(events[0]).toMatchObject({
      kind: 'order',
      updateTime: 1746947317402,
      order: { status: 'filled', venueOrderId: '2497956918703120999' },
    });
    expect(events[1]).toEqual({
      kind: 'fill',
      time: 1746947317402,
      fill: {
        venueTradeId: '1518905999',
        venueOrderId: '2497956918703120999',
        clientOrderId: '',
        venueSymbol: 'BTC-USDT-SWAP',
        side: 'sell',
        positionSide: 'long',
        qty: '0.005',
        price: '40000',
        fee: '20',
        feeAsset: 'USDT',
        realizedPnl: '-5000',
        liquidity: 'taker',
        cause: 'liquidation',
        time: 1746947317402,
      },
    });
  });

  it('a later partial fill takes fillFee/fillPnl, not the accumulated fee/pnl; a rebate is a negative fee', () => {
    const second = {
      ...LIQUIDATION,
      category: 'normal',
      state: 'filled',
      fillSz: '2',
      accFillSz: '5',
      fillFee: '0.3',
      fee: '-1.2',
      fillPnl: '12.5',
      pnl: '40',
      execType: 'M',
      fillTime: '1746947317400',
    };
    const [, fill] = parser().parsePush('orders', [second]);
    expect(fill).toMatchObject({
      kind: 'fill',
      fill: {
        qty: '0.02',
        fee: '-0.3',
        realizedPnl: '12.5',
        liquidity: 'maker',
        cause: 'order',
        time: 1746947317400,
      },
    });
  });

  it('a repeated push of one trade gives one fill; no tradeId or fillSz 0 gives none', () => {
    const p = parser();
    expect(p.parsePush('orders', [LIQUIDATION]).filter((e) => e.kind === 'fill')).toHaveLength(1);
    expect(p.parsePush('orders', [LIQUIDATION]).filter((e) => e.kind === 'fill')).toHaveLength(0);
    // "A market order may show state filled with fillSz 0" (streams.md §2.5).
    expect(p.parsePush('orders', [{ ...LIQUIDATION, tradeId: '9', fillSz: '0' }]).map((e) => e.kind)).toEqual(
      ['order'],
    );
    expect(p.parsePush('orders', [{ ...LIQUIDATION, tradeId: '' }]).map((e) => e.kind)).toEqual(['order']);
  });

  it('adl, and algo-made orders: stop_loss / take_profit from the algo order, trailing from source 25', () => {
    const p = parser();
    const base = { ...LIQUIDATION, category: 'normal', fee: '-1', pnl: '0' };
    expect(p.parsePush('orders', [{ ...base, category: 'adl', tradeId: 'a' }])[1]).toMatchObject({
      fill: { cause: 'adl' },
    });
    p.rememberAlgo('77', { slTriggerPx: '39000', tpTriggerPx: '45000' });
    const oco = p.parsePush('orders', [
      { ...base, tradeId: 'b', algoId: '77', source: '7', fillPx: '38990' },
    ])[1];
    expect(oco).toMatchObject({ fill: { cause: 'trigger', trigger: 'stop_loss' } });
    const tp = p.parsePush('orders', [
      { ...base, tradeId: 'c', algoId: '77', source: '7', fillPx: '45010' },
    ])[1];
    expect(tp).toMatchObject({ fill: { cause: 'trigger', trigger: 'take_profit' } });
    const trailing = p.parsePush('orders', [{ ...base, tradeId: 'd', source: '25' }])[1];
    expect(trailing).toMatchObject({ fill: { cause: 'trigger', trigger: 'trailing' } });
    // An algo order never seen: a trigger, kind unknown.
    const unknown = p.parsePush('orders', [{ ...base, tradeId: 'e', algoClOrdId: 'x1' }])[1];
    expect(unknown).toMatchObject({ fill: { cause: 'trigger' } });
    expect(unknown?.kind === 'fill' && unknown.fill.trigger).toBeUndefined();
  });

  it('malformed items are FrameProblems, never other errors', () => {
    const p = parser();
    expect(() => p.parsePush('orders', ['x'])).toThrow(FrameProblem);
    expect(() => p.parsePush('orders', [{ ...LIQUIDATION, fillPx: 'abc', tradeId: 'z' }])).toThrow(
      FrameProblem,
    );
    expect(() => p.parsePush('orders', [{ ...LIQUIDATION, instId: 'NOPE-USDT-SWAP' }])).toThrow(
      /unknown instrument/,
    );
    expect(() => p.parsePush('nope', [{}])).toThrow(FrameProblem);
  });
});

describe('OkxAccountParser: algo orders, positions, account', () => {
  it('orders-algo: an oco is two legs; actualSide decides a later fill', () => {
    const p = parser();
    const events = p.parsePush('orders-algo', [
      {
        instId: 'BTC-USDT-SWAP',
        algoId: '5',
        algoClOrdId: 'pp1',
        ordType: 'oco',
        state: 'effective',
        side: 'sell',
        posSide: 'net',
        sz: '10',
        slTriggerPx: '49000',
        tpTriggerPx: '52000',
        actualSide: 'tp',
        actualSz: '10',
        reduceOnly: 'true',
        uTime: '1700000000000',
      },
    ]);
    expect(
      events.map((e) =>
        e.kind === 'order' ? [e.order.type, e.order.status, e.order.qty, e.order.isAlgo] : e.kind,
      ),
    ).toEqual([
      ['stop_market', 'filled', '0.1', true],
      ['take_profit_market', 'filled', '0.1', true],
    ]);
    // actualSide beats the nearer trigger.
    expect(triggerKind({ slTriggerPx: '49000', tpTriggerPx: '52000', actualSide: 'tp' }, '49001')).toBe(
      'take_profit',
    );
  });

  it('positions: contracts × ctVal, a short leg negative, closed = "0", one event per push', () => {
    const events = parser().parsePush('positions', [
      {
        instId: 'BTC-USDT-SWAP',
        mgnMode: 'cross',
        posSide: 'short',
        pos: '3',
        avgPx: '50000',
        markPx: '50100',
        upl: '-3',
        lever: '10',
        uTime: '1700000000001',
      },
      {
        instId: 'BTC-USDT-SWAP',
        mgnMode: 'isolated',
        posSide: 'long',
        pos: '0',
        avgPx: '',
        uTime: '1700000000001',
      },
    ]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      kind: 'positions',
      time: 1700000000001,
      positions: [
        {
          side: 'short',
          qty: '-0.03',
          entryPrice: '50000',
          markPrice: '50100',
          unrealizedPnl: '-3',
          leverage: 10,
          marginMode: 'cross',
        },
        { side: 'long', qty: '0', marginMode: 'isolated' },
      ],
    });
  });

  it('account: each currency with equity, available and upl', () => {
    const [event] = parser().parsePush('account', [
      {
        uTime: '1700000000002',
        totalEq: '10001',
        details: [{ ccy: 'USDT', eq: '10001.5', cashBal: '10000', availEq: '9000.25', upl: '1.5' }],
      },
    ]);
    expect(event).toEqual({
      kind: 'balances',
      time: 1700000000002,
      balances: [{ asset: 'USDT', total: '10001.5', available: '9000.25', unrealizedPnl: '1.5' }],
    });
  });
});

describe('market pushes and REST fills', () => {
  it('the documented candle: confirm "1" = closed; vol in contracts × ctVal', () => {
    const [kline] = parseMarketPush(
      'candle1D',
      'BTC-USDT-SWAP',
      [
        [
          '1597026383085',
          '8533.02',
          '8553.74',
          '8527.17',
          '8548.26',
          '45247',
          '529.5858061',
          '5529.5858061',
          '1',
        ],
      ],
      '0.01',
    );
    expect(kline).toEqual({
      kind: 'kline',
      venueSymbol: 'BTC-USDT-SWAP',
      timeframe: '1D',
      openTime: 1597026383085,
      open: '8533.02',
      high: '8553.74',
      low: '8527.17',
      close: '8548.26',
      volume: '452.47',
      closed: true,
      time: 1597026383085,
    });
    expect(timeframeOfChannel('candle1m')).toBe('1m');
    expect(timeframeOfChannel('candle1H')).toBe('1h');
    expect(timeframeOfChannel('candle1Dutc')).toBe('1d');
    const [mark] = parseMarketPush(
      'mark-price',
      'BTC-USDT-SWAP',
      [{ instType: 'SWAP', instId: 'BTC-USDT-SWAP', markPx: '42310.6', ts: '1630049139746' }],
      '0.01',
    );
    expect(mark).toEqual({
      kind: 'mark',
      venueSymbol: 'BTC-USDT-SWAP',
      price: '42310.6',
      time: 1630049139746,
    });
  });

  it('a REST fill: fee sign flipped, subType 104/125 = liquidation/adl, the order tells a trigger', () => {
    const row = {
      instId: 'BTC-USDT-SWAP',
      tradeId: '7',
      ordId: '9',
      billId: '1',
      side: 'sell',
      posSide: 'net',
      fillPx: '50000',
      fillSz: '4',
      fillPnl: '8',
      fee: '-0.8',
      feeCcy: 'USDT',
      execType: 'T',
      ts: '1700000000000',
    };
    expect(fillFromRest(row, '0.01')).toMatchObject({
      qty: '0.04',
      fee: '0.8',
      realizedPnl: '8',
      cause: 'order',
      time: 1700000000000,
    });
    expect(fillFromRest({ ...row, subType: '104' }, '0.01').cause).toBe('liquidation');
    expect(fillFromRest({ ...row, subType: '125' }, '0.01').cause).toBe('adl');
    expect(fillFromRest(row, '0.01', { algoId: '5', source: '7', category: 'normal' }).cause).toBe('trigger');
  });
});

describe('stream URLs', () => {
  it('default to OKX production, wspap for demo, or beside a non-OKX REST base (the venue registry’s baseUrl)', () => {
    const creds = { apiKey: 'k', apiSecret: 's', passphrase: 'p' };
    expect(new OkxSwapClient(creds).wsBaseUrl).toBe('wss://ws.okx.com:8443/ws/v5');
    expect(new OkxSwapClient({ ...creds, demo: true }).wsBaseUrl).toBe('wss://wspap.okx.com:8443/ws/v5');
    expect(new OkxSwapClient({ ...creds, baseUrl: 'https://www.okx.com' }).wsBaseUrl).toBe(
      'wss://ws.okx.com:8443/ws/v5',
    );
    expect(new OkxSwapClient({ ...creds, wsBaseUrl: 'wss://wseea.okx.com:8443/ws/v5/' }).wsBaseUrl).toBe(
      'wss://wseea.okx.com:8443/ws/v5',
    );
    const client = VENUES.okx.createClient({
      credentials: creds,
      testnet: false,
      baseUrl: 'http://127.0.0.1:9',
    }) as OkxSwapClient;
    expect(client.wsBaseUrl).toBe('ws://127.0.0.1:9/ws/v5');
  });
});
