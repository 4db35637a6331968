import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import type { PaperExchange } from '../paper/index.ts';
import type { AccountEvent, VenueFill } from '../stream/types.ts';
import { StreamHub, parseFrame } from '../sim/streams.ts';
import type { WireReply } from '../sim/pipeline.ts';
import { safeEqual } from '../sim/wire.ts';
import { bybitWsSign } from './signing.ts';
import { bybitIntervalMs } from './parse.ts';

/** What a connection is: the private or the public socket, logged in, its topics. */
type Meta = { kind: 'private' | 'public'; authed: boolean; topics: Set<string>; connId: string };

/** What the streams need from the simulator's REST side. */
export type BybitSimStreamHost = {
  apiKey: string;
  apiSecret: string;
  venue: PaperExchange;
  serverTime(): number;
  /** The `/v5/order/realtime` row of an order. */
  orderRow(venueOrderId: string): Record<string, unknown> | undefined;
  /** The `/v5/position/list` rows of a symbol. */
  positionRows(symbol: string): Record<string, unknown>[];
  /** The `/v5/account/wallet-balance` account row. */
  walletRow(): Record<string, unknown>;
  /** The `/v5/market/tickers` row of a symbol. */
  tickerRow(symbol: string): Record<string, unknown> | undefined;
  /** Records an execution for `/v5/execution/list`. */
  recordExecution(row: Record<string, unknown>): void;
};

/** An execution row (the `execution` push and `/v5/execution/list`) of a paper fill. */
export function executionRow(fill: VenueFill, seq: number): Record<string, unknown> {
  const execType = fill.cause === 'liquidation' ? 'BustTrade' : fill.cause === 'adl' ? 'AdlTrade' : 'Trade';
  return {
    category: 'linear',
    symbol: fill.venueSymbol,
    orderId: fill.venueOrderId,
    orderLinkId: fill.clientOrderId.startsWith('paper-') ? '' : fill.clientOrderId,
    side: fill.side === 'buy' ? 'Buy' : 'Sell',
    orderPrice: fill.price,
    orderQty: fill.qty,
    leavesQty: '0',
    createType: fill.cause === 'trigger' ? 'CreateByStopOrder' : 'CreateByUser',
    orderType: 'Market',
    stopOrderType: fill.cause === 'trigger' ? 'Stop' : 'UNKNOWN',
    execId: fill.venueTradeId,
    execPrice: fill.price,
    execQty: fill.qty,
    execValue: (Number(fill.qty) * Number(fill.price)).toString(),
    execFee: fill.fee,
    feeCurrency: fill.feeAsset,
    feeRate: '0.00055',
    execType,
    execPnl: fill.realizedPnl,
    execTime: String(fill.time),
    isMaker: fill.liquidity === 'maker',
    closedSize: '0',
    markPrice: fill.price,
    seq,
  };
}

/**
 * The Bybit V5 WebSocket side of the simulator (streams.md §3.6): `/v5/private` (auth with
 * `[apiKey, expires, hex HMAC("GET/realtime" + expires)]`; topics order, execution, position,
 * wallet) and `/v5/public/linear` (tickers.<symbol>, kline.<interval>.<symbol>), on a `StreamHub`
 * (drop / delay / resume faults). The paper venue's account events of a request are pushed when it
 * has been handled (`flush`), orders first, then executions, positions and the wallet, as Bybit
 * sends an order's state before its execution.
 */
export class BybitSimStreams {
  private readonly hub = new StreamHub<Meta>({ idleTimeoutMs: 10 * 60_000 });
  private pending: AccountEvent[] = [];
  private seq = 1_000;
  private connSeq = 0;

  constructor(private readonly host: BybitSimStreamHost) {
    host.venue.onAccountEvent((event) => {
      this.pending.push(event);
      if (event.kind === 'fill') host.recordExecution(executionRow(event.fill, ++this.seq));
    });
    host.venue.onMarketUpdate((update) => {
      if (update.kind !== 'mark') return;
      const topic = `tickers.${update.venueSymbol}`;
      const row = host.tickerRow(update.venueSymbol);
      if (row === undefined) return;
      const ts = host.serverTime();
      this.hub.broadcast(
        { topic, type: 'snapshot', data: row, cs: ++this.seq, ts },
        (meta) => meta.kind === 'public' && meta.topics.has(topic),
      );
      this.pushKlines(update.venueSymbol, ts);
    });
  }

  /** `kline.<interval>.<symbol>`: the forming candle of every subscribed interval, after a price move. */
  private pushKlines(symbol: string, ts: number): void {
    const intervals = new Set<string>();
    for (const ws of this.hub.list((meta) => meta.kind === 'public')) {
      for (const topic of this.hub.meta(ws)?.topics ?? []) {
        const match = /^kline\.([^.]+)\.(.+)$/.exec(topic);
        if (match !== null && match[2] === symbol) intervals.add(match[1]!);
      }
    }
    for (const interval of intervals) {
      const step = bybitIntervalMs(interval);
      if (step === undefined) continue;
      const timeframe = step % 86_400_000 === 0 ? `${step / 86_400_000}d` : `${step / 60_000}m`;
      const start = Math.floor(ts / step) * step;
      const bar = this.host.venue.barAt(symbol, timeframe, start);
      if (bar === undefined) continue;
      const topic = `kline.${interval}.${symbol}`;
      this.hub.broadcast(
        {
          topic,
          type: 'snapshot',
          ts,
          data: [
            {
              start,
              end: start + step - 1,
              interval,
              open: bar.open,
              close: bar.close,
              high: bar.high,
              low: bar.low,
              volume: bar.volume,
              turnover: '0',
              confirm: bar.closed,
              timestamp: ts,
            },
          ],
        },
        (meta) => meta.kind === 'public' && meta.topics.has(topic),
      );
    }
  }

  upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const path = new URL(req.url ?? '/', 'http://sim').pathname;
    const kind = path === '/v5/private' ? 'private' : path === '/v5/public/linear' ? 'public' : undefined;
    if (kind === undefined) return StreamHub.refuse(socket, 404, 'Not Found');
    const meta: Meta = { kind, authed: false, topics: new Set(), connId: `sim-${++this.connSeq}` };
    void this.hub.accept(req, socket, head, meta).then(
      (ws) => ws.on('message', (data, isBinary) => this.receive(ws, meta, parseFrame(data, isBinary))),
      () => undefined,
    );
  }

  control(body: Record<string, unknown>): WireReply {
    return this.hub.control(body);
  }

  close(): Promise<void> {
    return this.hub.close();
  }

  private receive(ws: WebSocket, meta: Meta, frame: unknown): void {
    if (typeof frame !== 'object' || frame === null) return;
    const f = frame as Record<string, unknown>;
    const reqId = typeof f.req_id === 'string' ? f.req_id : '';
    const args = Array.isArray(f.args) ? f.args : [];
    const reply = (op: string, success: boolean, retMsg = '') =>
      this.hub.send(ws, { success, ret_msg: retMsg, op, conn_id: meta.connId, req_id: reqId });
    switch (f.op) {
      case 'ping':
        if (meta.kind === 'private') {
          this.hub.send(ws, {
            req_id: reqId,
            op: 'pong',
            args: [String(this.host.serverTime())],
            conn_id: meta.connId,
          });
        } else {
          reply('ping', true, 'pong');
        }
        return;
      case 'auth': {
        if (meta.kind !== 'private') return reply('auth', false, 'auth is for the private stream');
        const [key, expires, signature] = args as [unknown, unknown, unknown];
        if (key !== this.host.apiKey) return reply('auth', false, 'Invalid apikey');
        // A number or its decimal string (ccxt sends a string).
        const at = typeof expires === 'string' && /^\d{1,16}$/.test(expires) ? Number(expires) : expires;
        if (typeof at !== 'number' || !Number.isSafeInteger(at) || at <= this.host.serverTime()) {
          return reply('auth', false, 'Params Error');
        }
        if (typeof signature !== 'string' || !safeEqual(signature, bybitWsSign(this.host.apiSecret, at))) {
          return reply('auth', false, 'Invalid sign');
        }
        meta.authed = true;
        return reply('auth', true);
      }
      case 'subscribe':
      case 'unsubscribe': {
        if (meta.kind === 'private' && !meta.authed)
          return reply(String(f.op), false, 'Request not authorized');
        for (const topic of args) {
          if (typeof topic !== 'string') return reply(String(f.op), false, 'args error');
          if (f.op === 'subscribe') meta.topics.add(topic);
          else meta.topics.delete(topic);
        }
        return reply(String(f.op), true);
      }
      default:
        return reply(String(f.op ?? ''), false, 'unknown op');
    }
  }

  /** Pushes what the venue booked during the request just handled. */
  flush(): void {
    const events = this.pending;
    this.pending = [];
    if (events.length === 0) return;
    const creationTime = this.host.serverTime();
    const push = (topic: string, data: unknown[]) => {
      if (data.length === 0) return;
      this.hub.broadcast(
        { id: `${topic}-${++this.seq}`, topic, creationTime, data },
        (meta) => meta.kind === 'private' && meta.authed && meta.topics.has(topic),
      );
    };
    const orderIds = [...new Set(events.flatMap((e) => (e.kind === 'order' ? [e.order.venueOrderId] : [])))];
    push(
      'order',
      orderIds.flatMap((id) => {
        const row = this.host.orderRow(id);
        return row === undefined ? [] : [{ category: 'linear', ...row }];
      }),
    );
    push(
      'execution',
      events.flatMap((e) => (e.kind === 'fill' ? [executionRow(e.fill, ++this.seq)] : [])),
    );
    const symbols = [
      ...new Set(
        events.flatMap((e) =>
          e.kind === 'positions'
            ? e.positions.map((p) => p.venueSymbol)
            : e.kind === 'fill'
              ? [e.fill.venueSymbol]
              : [],
        ),
      ),
    ];
    push(
      'position',
      symbols.flatMap((s) =>
        this.host.positionRows(s).map((row) => ({ category: 'linear', ...row, entryPrice: row.avgPrice })),
      ),
    );
    if (events.some((e) => e.kind === 'balances' || e.kind === 'fill'))
      push('wallet', [this.host.walletRow()]);
  }
}
