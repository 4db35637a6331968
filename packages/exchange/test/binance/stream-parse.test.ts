import { describe, expect, it } from 'vitest';
import { parseMarketFrame, parseUserFrame } from '../../src/binance/stream-parse.ts';

/**
 * The frame parser against the payloads Binance documents (copied from
 * ../shared/reference/streams.md §1.4–1.5, which quotes developers.binance.com and
 * nautilus_trader's fixtures), not against what our simulator writes.
 */

const ORDER_TRADE_UPDATE = `{"e":"ORDER_TRADE_UPDATE","E":1568879465651,"T":1568879465650,"o":{"s":"BTCUSDT","c":"TEST","S":"BUY","o":"LIMIT","f":"GTC",
 "q":"0.001","p":"7100.50","ap":"7100.50","sp":"0","x":"TRADE","X":"PARTIALLY_FILLED","i":8886774,"l":"0.001","z":"0.001",
 "L":"7100.50","N":"USDT","n":"0.01000000","T":1568879465651,"t":12345678,"b":"0","a":"0","m":true,"R":false,"wt":"CONTRACT_PRICE",
 "ot":"LIMIT","ps":"LONG","cp":false,"AP":"0","cr":"0","pP":false,"si":0,"ss":0,"rp":"12.34","V":"EXPIRE_TAKER","pm":"NONE","gtd":0,"er":"0"}}`;

const ACCOUNT_UPDATE = `{"e":"ACCOUNT_UPDATE","E":1564745798939,"T":1564745798938,"a":{"m":"ORDER",
 "B":[{"a":"USDT","wb":"122624.12345678","cw":"100.12345678","bc":"50.12345678"}],
 "P":[{"s":"BTCUSDT","pa":"20","ep":"6563.66500","bep":"0","cr":"0","up":"2850.21200","mt":"isolated","iw":"13200.70726908","ps":"LONG"}]}}`;

const ALGO_UPDATE = `{"e":"ALGO_UPDATE","T":1750515742297,"E":1750515742303,"o":{"caid":"Q5xaq5EGKgXXa0fD7fs0Ip","aid":2148719,"at":"CONDITIONAL","o":"TAKE_PROFIT",
 "s":"BNBUSDT","S":"SELL","ps":"BOTH","f":"GTC","q":"0.01","X":"NEW","ai":"","ap":"0.00000","aq":"0.00000","act":"0","tp":"750","p":"750",
 "V":"EXPIRE_MAKER","wt":"CONTRACT_PRICE","pm":"NONE","cp":false,"pP":false,"R":false,"tt":0,"gtd":0,"rm":""}}`;

const MARGIN_CALL = `{"e":"MARGIN_CALL","E":1587727187525,"cw":"3.16812045","p":[{"s":"ETHUSDT","ps":"LONG","pa":"1.327","mt":"CROSSED","iw":"0","mp":"187.17127","up":"-1.166074","mm":"1.614445"}]}`;

describe('parseUserFrame', () => {
  it('ORDER_TRADE_UPDATE with x=TRADE: the order and one fill (trade id, fee, realised PnL, maker)', () => {
    const frame = parseUserFrame(ORDER_TRADE_UPDATE);
    expect(frame.type).toBe('events');
    if (frame.type !== 'events') return;
    const [order, fill] = frame.events;
    expect(order).toMatchObject({
      kind: 'order',
      time: 1568879465651,
      updateTime: 1568879465651,
      order: {
        venueOrderId: '8886774',
        clientOrderId: 'TEST',
        venueSymbol: 'BTCUSDT',
        side: 'buy',
        positionSide: 'long',
        type: 'limit',
        status: 'partially_filled',
        qty: '0.001',
        filledQty: '0.001',
        avgPrice: '7100.5',
        price: '7100.5',
        isAlgo: false,
      },
    });
    expect(fill).toEqual({
      kind: 'fill',
      time: 1568879465651,
      fill: {
        venueTradeId: '12345678',
        venueOrderId: '8886774',
        clientOrderId: 'TEST',
        venueSymbol: 'BTCUSDT',
        side: 'buy',
        positionSide: 'long',
        qty: '0.001',
        price: '7100.5',
        fee: '0.01',
        feeAsset: 'USDT',
        realizedPnl: '12.34',
        liquidity: 'maker',
        cause: 'order',
        time: 1568879465651,
      },
    });
  });

  it('a combined-stream envelope is unwrapped', () => {
    const frame = parseUserFrame(`{"stream":"abc","data":${ORDER_TRADE_UPDATE}}`);
    expect(frame.type).toBe('events');
  });

  it('causes: a triggered stop (ot STOP_MARKET), a liquidation (autoclose-, CALCULATED), an ADL', () => {
    const variant = (o: Record<string, unknown>): Record<string, unknown> => {
      const base = JSON.parse(ORDER_TRADE_UPDATE) as { o: Record<string, unknown> };
      return { ...base, o: { ...base.o, ...o } };
    };
    const fillOf = (o: Record<string, unknown>) => {
      const frame = parseUserFrame(JSON.stringify(variant(o)));
      if (frame.type !== 'events') throw new Error(frame.type);
      return frame.events.find((e) => e.kind === 'fill');
    };
    expect(fillOf({ o: 'MARKET', ot: 'STOP_MARKET' })).toMatchObject({
      fill: { cause: 'trigger', trigger: 'stop_loss' },
    });
    expect(fillOf({ o: 'MARKET', ot: 'TAKE_PROFIT_MARKET' })).toMatchObject({
      fill: { cause: 'trigger', trigger: 'take_profit' },
    });
    expect(fillOf({ o: 'MARKET', ot: 'TRAILING_STOP_MARKET' })).toMatchObject({
      fill: { cause: 'trigger', trigger: 'trailing' },
    });
    expect(
      fillOf({
        c: 'autoclose-1596107620040000020',
        o: 'LIQUIDATION',
        ot: 'LIQUIDATION',
        x: 'CALCULATED',
        X: 'FILLED',
      }),
    ).toMatchObject({ fill: { cause: 'liquidation' } });
    // nautilus_trader's fixture: X NEW_ADL, c adl_autoclose_12345 (not in the docs; parsed leniently).
    const adl = parseUserFrame(
      JSON.stringify(variant({ c: 'adl_autoclose_12345', o: 'LIQUIDATION', x: 'CALCULATED', X: 'NEW_ADL' })),
    );
    expect(adl.type === 'events' && adl.events[0]).toMatchObject({ order: { status: 'filled' } });
    expect(adl.type === 'events' && adl.events[1]).toMatchObject({ fill: { cause: 'adl' } });
  });

  it('x=NEW / CANCELED give an order event and no fill', () => {
    const base = JSON.parse(ORDER_TRADE_UPDATE) as { o: Record<string, unknown> };
    const frame = parseUserFrame(
      JSON.stringify({ ...base, o: { ...base.o, x: 'CANCELED', X: 'CANCELED', l: '0', t: 0 } }),
    );
    expect(frame.type === 'events' && frame.events.map((e) => e.kind)).toEqual(['order']);
  });

  it('ACCOUNT_UPDATE: balances and positions with the reason; the mark price recovered from up', () => {
    const frame = parseUserFrame(ACCOUNT_UPDATE);
    if (frame.type !== 'events') throw new Error(frame.type);
    expect(frame.events).toEqual([
      {
        kind: 'balances',
        time: 1564745798939,
        reason: 'ORDER',
        balances: [
          {
            asset: 'USDT',
            total: '122624.12345678',
            available: '100.12345678',
            unrealizedPnl: '0',
            change: '50.12345678',
          },
        ],
      },
      {
        kind: 'positions',
        time: 1564745798939,
        reason: 'ORDER',
        positions: [
          {
            venueSymbol: 'BTCUSDT',
            side: 'long',
            qty: '20',
            entryPrice: '6563.665',
            // 6563.665 + 2850.212 / 20 = 6706.1756
            markPrice: '6706.1756',
            unrealizedPnl: '2850.212',
            leverage: 0,
            marginMode: 'isolated',
          },
        ],
      },
    ]);
  });

  it('ACCOUNT_UPDATE FUNDING_FEE: one funding payment per balance change, id derived from E/symbol/asset', () => {
    const cross = parseUserFrame(
      JSON.stringify({
        e: 'ACCOUNT_UPDATE',
        E: 1700000000000,
        T: 1700000000000,
        a: { m: 'FUNDING_FEE', B: [{ a: 'USDT', wb: '100', cw: '100', bc: '-0.05' }], P: [] },
      }),
    );
    if (cross.type !== 'events') throw new Error(cross.type);
    expect(cross.events.find((e) => e.kind === 'funding')).toEqual({
      kind: 'funding',
      time: 1700000000000,
      payment: {
        venueEntryId: 'stream:1700000000000::USDT',
        venueSymbol: '',
        amount: '-0.05',
        asset: 'USDT',
        time: 1700000000000,
      },
    });
    const isolated = parseUserFrame(ACCOUNT_UPDATE.replace('"m":"ORDER"', '"m":"FUNDING_FEE"'));
    if (isolated.type !== 'events') throw new Error(isolated.type);
    expect(isolated.events.find((e) => e.kind === 'funding')).toMatchObject({
      payment: {
        venueSymbol: 'BTCUSDT',
        amount: '50.12345678',
        venueEntryId: 'stream:1564745798939:BTCUSDT:USDT',
      },
    });
  });

  it('ALGO_UPDATE: an algo order, ordered by E', () => {
    const frame = parseUserFrame(ALGO_UPDATE);
    if (frame.type !== 'events') throw new Error(frame.type);
    expect(frame.events).toEqual([
      {
        kind: 'order',
        time: 1750515742303,
        updateTime: 1750515742303,
        order: expect.objectContaining({
          venueOrderId: '2148719',
          clientOrderId: 'Q5xaq5EGKgXXa0fD7fs0Ip',
          venueSymbol: 'BNBUSDT',
          side: 'sell',
          positionSide: 'net',
          type: 'take_profit_market',
          status: 'new',
          qty: '0.01',
          filledQty: '0',
          triggerPrice: '750',
          price: '750',
          isAlgo: true,
        }),
      },
    ]);
  });

  it('MARGIN_CALL, listenKeyExpired (E as a string), and ignored events', () => {
    const call = parseUserFrame(MARGIN_CALL);
    expect(call.type === 'events' && call.events[0]).toMatchObject({
      kind: 'margin_call',
      time: 1587727187525,
      venueSymbol: 'ETHUSDT',
    });
    expect(
      parseUserFrame(
        '{"e":"listenKeyExpired","E":"1736996475556","listenKey":"WsCMN0a4KHUPTQuX6IUnqEZfB1inxmv1qR4kbf1LuEjur5VdbzqvyxqG9TSjVVxv"}',
      ),
    ).toEqual({ type: 'expired' });
    expect(
      parseUserFrame(
        '{"e":"TRADE_LITE","E":1721895408092,"T":1721895408214,"s":"BTCUSDT","q":"0.001","p":"0","m":false,"c":"z8hcUoOsqEdKMeKPSABslD","S":"BUY","L":"64089.20","l":"0.040","t":109100866,"i":8886774}',
      ),
    ).toEqual({ type: 'ignored' });
    expect(parseUserFrame('{"e":"ACCOUNT_CONFIG_UPDATE","E":1,"T":1,"ac":{"s":"BTCUSDT","l":25}}')).toEqual({
      type: 'ignored',
    });
  });

  it('bad input never throws: not JSON, not an object, no event type, missing fields, unknown event', () => {
    for (const raw of [
      '',
      '{',
      '[]',
      '42',
      '{"x":1}',
      '{"e":"ORDER_TRADE_UPDATE","E":1}',
      '{"e":"ACCOUNT_UPDATE","E":1,"a":{"m":"ORDER","B":[{"a":"USDT","wb":"x","cw":"1"}]}}',
    ]) {
      expect(parseUserFrame(raw)).toMatchObject({ type: 'problem', code: 'MALFORMED_FRAME' });
    }
    expect(parseUserFrame('{"e":"NEW_THING","E":1}')).toMatchObject({
      type: 'problem',
      code: 'UNKNOWN_EVENT',
    });
  });
});

describe('parseMarketFrame', () => {
  it('markPriceUpdate and kline (closed from k.x), bare or in a combined envelope', () => {
    expect(
      parseMarketFrame(
        '{"e":"markPriceUpdate","E":1562305380000,"s":"BTCUSDT","p":"11794.15000000","i":"11784.62659091","P":"11784.25641265","r":"0.00038167","T":1562306400000}',
      ),
    ).toEqual({
      type: 'events',
      events: [{ kind: 'mark', venueSymbol: 'BTCUSDT', price: '11794.15', time: 1562305380000 }],
    });
    const kline =
      '{"e":"kline","E":1638747660000,"s":"BTCUSDT","k":{"t":1638747660000,"T":1638747719999,"s":"BTCUSDT","i":"1m","f":100,"L":200,"o":"0.0010","c":"0.0020","h":"0.0025","l":"0.0015","v":"1000","n":100,"x":false,"q":"1.0000","V":"500","Q":"0.500","B":"123456"}}';
    expect(parseMarketFrame(`{"stream":"btcusdt@kline_1m","data":${kline}}`)).toEqual({
      type: 'events',
      events: [
        {
          kind: 'kline',
          venueSymbol: 'BTCUSDT',
          timeframe: '1m',
          openTime: 1638747660000,
          open: '0.001',
          high: '0.0025',
          low: '0.0015',
          close: '0.002',
          volume: '1000',
          closed: false,
          time: 1638747660000,
        },
      ],
    });
    expect(parseMarketFrame(kline.replace('"x":false', '"x":true'))).toMatchObject({
      events: [{ closed: true }],
    });
  });

  it('subscription replies and errors', () => {
    expect(parseMarketFrame('{"result":null,"id":1}')).toEqual({ type: 'reply', id: 1 });
    expect(parseMarketFrame('{"code":2,"msg":"Invalid request","id":7}')).toEqual({
      type: 'reply',
      id: 7,
      error: '2 Invalid request',
    });
    expect(parseMarketFrame('nope')).toMatchObject({ type: 'problem', code: 'MALFORMED_FRAME' });
  });
});
