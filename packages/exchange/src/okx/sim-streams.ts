import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import Decimal from 'decimal.js';
import type { WebSocket, RawData } from 'ws';
import { StreamHub } from '../sim/streams.ts';
import type { AccountEvent, MarketEvent, MarketStream } from '../stream/types.ts';
import type { Instrument } from '../types.ts';
import type { PaperExchange, PaperFill } from '../paper/index.ts';
import type { WireReply } from '../sim/pipeline.ts';
import { safeEqual } from '../sim/wire.ts';
import { okxSign } from './signing.ts';
import { okxBarMs } from './parse.ts';

/**
 * The OKX simulator's WebSocket side: `/ws/v5/public`, `/ws/v5/private`, `/ws/v5/business` with the
 * wire behaviour of /work/shared/reference/streams.md §2 — the signed login (ts in seconds, 30 s
 * window, 60004/60005/60006/60009/60024/60031), subscribe acknowledgements echoing `id`, 60011 for a
 * private channel before login, 64001 for a business channel on /private or /public, 64002 for a
 * non-business channel on /business, text `ping` → `pong`. Pushes come from the paper venue: every
 * fill (with `tradeId`, `fillFee` negative for a charge, `fillPnl`, `execType`) and every order,
 * algo order, position and balance change, found by comparing the venue's state after each change.
 */

type Row = Record<string, unknown>;
type Path = 'public' | 'private' | 'business';

/** What the stream side reads from the dialect (the REST rows it already builds). */
export type OkxSimStreamHost = {
  apiKey: string;
  apiSecret: string;
  passphrase: string;
  timestampWindowMs: number;
  venue: PaperExchange;
  serverTime(): number;
  instruments(): readonly Instrument[];
  /** An `orders` row for a paper order, with the fill fields of `fill` when given. */
  orderRow(orderId: string, fill?: PaperFill): Row | undefined;
  /** Regular orders and executed algo legs, as `orders` reports them (ordId → change signature). */
  orderSignatures(): Map<string, string>;
  /** Every algo order's `orders-algo` row. */
  algoRows(): Row[];
  /** Open positions' rows (`GET /account/positions`). */
  positionRows(): Row[];
  /** The `GET /account/balance` row. */
  balanceRow(): Row;
  ticker(instId: string): Row;
  /** Books a funding payment as an `/account/bills` type-8 entry. */
  recordFunding(payment: {
    venueEntryId: string;
    venueSymbol: string;
    amount: string;
    asset: string;
    time: number;
  }): void;
};

const PRIVATE_CHANNELS = new Set(['orders', 'positions', 'balance_and_position', 'account']);
const BUSINESS_PRIVATE = new Set(['orders-algo', 'algo-advance']);
const PUBLIC_CHANNELS = new Set(['mark-price', 'tickers']);

type Client = {
  ws?: WebSocket;
  path: Path;
  connId: string;
  loggedIn: boolean;
  /** Subscribed args by key. */
  subs: Map<string, Row>;
};

const argKey = (arg: Row): string =>
  `${String(arg.channel)}|${String(arg.instId ?? '')}|${String(arg.instType ?? '')}`;

export class OkxSimStreams {
  /**
   * Connections, drop/delay/resume and closing: the simulators' shared plumbing (sim/streams.ts).
   * No idle limit: OKX drops a connection when nothing flowed for 30 s either way (streams.md §2.4),
   * and a client that receives pushes rightly sends no ping; the hub counts only the client's.
   */
  private readonly hub = new StreamHub<Client>();
  private connSeq = 0;
  private readonly pendingFills: PaperFill[] = [];
  private readonly seenOrders = new Map<string, string>();
  private readonly seenAlgos = new Map<string, string>();
  private seenPositions = new Map<string, { sig: string; row: Row }>();
  private seenBalance = '';
  private flushQueued = false;
  private pendingFunding = false;
  /** The paper venue's own market stream: its marks and bars (ticks and replayed candles alike). */
  private readonly market: MarketStream;
  private readonly unsubscribeVenue: () => void;

  constructor(private readonly host: OkxSimStreamHost) {
    const offFills = host.venue.onFill((fill) => {
      this.pendingFills.push(fill);
      this.scheduleFlush();
    });
    const offEvents = host.venue.onAccountEvent((event) => this.onVenueEvent(event));
    this.unsubscribeVenue = () => {
      offFills();
      offEvents();
    };
    // Start from the venue as it is: only later changes are pushed.
    this.snapshotState();
    this.market = host.venue.marketStream();
    this.market.onEvent((event) => this.onMarket(event));
    void this.market.start();
  }

  /** Takes an upgrade on `/ws/v5/{public,private,business}` (a query such as `?brokerId=9999` is ignored). */
  upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const path = new URL(req.url ?? '/', 'http://sim').pathname;
    const match = /^\/ws\/v5\/(public|private|business)$/.exec(path);
    if (match === null) {
      socket.destroy();
      return;
    }
    this.connSeq += 1;
    const client: Client = {
      path: match[1] as Path,
      connId: `c${this.connSeq.toString(16).padStart(7, '0')}`,
      loggedIn: false,
      subs: new Map(),
    };
    this.hub.accept(req, socket, head, client).then(
      (ws) => {
        client.ws = ws;
        ws.on('message', (data: RawData, isBinary: boolean) => {
          if (isBinary) return this.error(client, '60012', 'Invalid request: binary frame');
          this.receive(client, data.toString());
        });
      },
      () => undefined,
    );
  }

  /** `POST /__sim/streams`: drop / delay / resume (the hub's), or inject a raw frame. */
  control(body: Row): WireReply {
    if (body.action !== 'inject') return this.hub.control(body);
    // A raw frame to the connections on one path (default every path): tests of a client's
    // defences against what a venue might send (malformed JSON, unknown channels).
    // `frame`, as the Binance simulator names it (one control API for every venue).
    if (typeof body.frame !== 'string') return { status: 400, body: { error: 'frame must be a string' } };
    const text = body.frame;
    const sent = this.hub.broadcast(text, (c) => body.path === undefined || body.path === c.path);
    return { status: 200, body: { sent } };
  }

  async close(): Promise<void> {
    this.unsubscribeVenue();
    await this.market.close();
    await this.hub.close();
  }

  private clients(): Client[] {
    return this.hub.list().flatMap((ws) => {
      const meta = this.hub.meta(ws);
      return meta === undefined ? [] : [meta];
    });
  }

  /**
   * The paper venue's account events. Funding: OKX books a funding-fee bill (type 8) and pushes
   * `balance_and_position` with eventType `funding_fee` (streams.md §2.5); no funding channel exists.
   */
  private onVenueEvent(event: AccountEvent): void {
    if (event.kind === 'funding') {
      this.host.recordFunding(event.payment);
      this.pendingFunding = true;
    }
    // Any change the venue books (a cancel, a liquidation, funding) is pushed at once, not only
    // after the next request.
    this.scheduleFlush();
  }

  /** Pushes what changed since the last flush; called after each request and after fills. */
  flush(): void {
    this.flushQueued = false;
    const fills = this.pendingFills.splice(0);
    const orders: Row[] = [];
    const filledOrderIds = new Set<string>();
    for (const fill of fills) {
      const row = this.host.orderRow(fill.venueOrderId, fill);
      if (row !== undefined) orders.push(row);
      filledOrderIds.add(fill.venueOrderId);
    }
    const signatures = this.host.orderSignatures();
    for (const [id, sig] of signatures) {
      if (this.seenOrders.get(id) === sig) continue;
      this.seenOrders.set(id, sig);
      if (filledOrderIds.has(id)) continue; // its state went out with the fill
      const row = this.host.orderRow(id);
      if (row !== undefined) orders.push(row);
    }
    const algos: Row[] = [];
    for (const row of this.host.algoRows()) {
      const sig = `${String(row.state)}|${String(row.actualSz)}`;
      const id = String(row.algoId);
      if (this.seenAlgos.get(id) === sig) continue;
      this.seenAlgos.set(id, sig);
      algos.push(row);
    }
    const changedPositions = this.positionChanges();
    const balance = this.host.balanceRow();
    const balanceSig = JSON.stringify(
      ((balance.details as Row[] | undefined) ?? []).map((d) => [d.ccy, d.cashBal, d.frozenBal]),
    );
    const balanceChanged = balanceSig !== this.seenBalance;
    this.seenBalance = balanceSig;

    if (orders.length > 0) this.pushPrivate('orders', orders);
    if (algos.length > 0) {
      this.pushPrivate('orders-algo', algos);
      this.pushPrivate('algo-advance', algos);
    }
    if (changedPositions.length > 0) this.pushPrivate('positions', changedPositions);
    const funding = this.pendingFunding;
    this.pendingFunding = false;
    if (changedPositions.length > 0 || balanceChanged || funding) {
      const liquidated = fills.some((f) => f.reason === 'liquidation');
      const eventType = liquidated
        ? 'liquidation'
        : fills.length > 0
          ? 'filled'
          : funding
            ? 'funding_fee'
            : 'snapshot';
      this.pushPrivate('balance_and_position', [
        this.balanceAndPosition(eventType, balanceChanged ? balance : undefined, changedPositions),
      ]);
    }
    if (balanceChanged) this.pushPrivate('account', [balance]);
  }

  private scheduleFlush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    queueMicrotask(() => this.flush());
  }

  private snapshotState(): void {
    for (const [id, sig] of this.host.orderSignatures()) this.seenOrders.set(id, sig);
    for (const row of this.host.algoRows()) {
      this.seenAlgos.set(String(row.algoId), `${String(row.state)}|${String(row.actualSz)}`);
    }
    this.positionChanges();
    const balance = this.host.balanceRow();
    this.seenBalance = JSON.stringify(
      ((balance.details as Row[] | undefined) ?? []).map((d) => [d.ccy, d.cashBal, d.frozenBal]),
    );
  }

  /** Positions whose size or entry changed; a closed one is reported once with `pos` "0". */
  private positionChanges(): Row[] {
    const now = new Map<string, { sig: string; row: Row }>();
    for (const row of this.host.positionRows()) {
      now.set(String(row.posId), {
        sig: `${String(row.pos)}|${String(row.avgPx)}|${String(row.mgnMode)}`,
        row,
      });
    }
    const changed: Row[] = [];
    for (const [id, entry] of now) {
      if (this.seenPositions.get(id)?.sig !== entry.sig) changed.push(entry.row);
    }
    for (const [id, entry] of this.seenPositions) {
      if (!now.has(id)) {
        changed.push({
          ...entry.row,
          pos: '0',
          availPos: '0',
          upl: '0',
          avgPx: '',
          uTime: String(this.host.serverTime()),
        });
      }
    }
    this.seenPositions = now;
    return changed;
  }

  private balanceAndPosition(eventType: string, balance: Row | undefined, positions: Row[]): Row {
    const time = String(this.host.serverTime());
    return {
      pTime: time,
      eventType,
      balData: ((balance?.details as Row[] | undefined) ?? []).map((d) => ({
        ccy: d.ccy,
        cashBal: d.cashBal,
        uTime: time,
      })),
      posData: positions.map((p) => ({
        posId: p.posId,
        tradeId: '',
        instId: p.instId,
        instType: 'SWAP',
        mgnMode: p.mgnMode,
        avgPx: p.avgPx,
        ccy: p.ccy,
        posSide: p.posSide,
        pos: p.pos,
        baseBal: '',
        quoteBal: '',
        uTime: time,
      })),
      trades: [],
    };
  }

  // ── Connections ───────────────────────────────────────────────────────────────────────────

  private send(client: Client, frame: Row | string): void {
    if (client.ws !== undefined) this.hub.send(client.ws, frame);
  }

  private error(client: Client, code: string, msg: string, extra: Row = {}): void {
    this.send(client, { ...extra, event: 'error', code, msg, connId: client.connId });
  }

  private receive(client: Client, raw: string): void {
    if (raw === 'ping') return this.send(client, 'pong');
    let frame: unknown;
    try {
      frame = JSON.parse(raw);
    } catch {
      return this.error(client, '60012', `Invalid request: ${raw.slice(0, 200)}`);
    }
    if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) {
      return this.error(client, '60012', `Invalid request: ${raw.slice(0, 200)}`);
    }
    const request = frame as Row;
    const idEcho: Row = typeof request.id === 'string' ? { id: request.id } : {};
    const args = Array.isArray(request.args) ? request.args : undefined;
    if (request.op === 'login') return this.login(client, args, idEcho);
    if (request.op === 'subscribe' || request.op === 'unsubscribe') {
      if (args === undefined || args.length === 0) return this.error(client, '60013', 'Invalid args', idEcho);
      for (const arg of args) this.subscribe(client, request.op, arg, idEcho);
      return;
    }
    this.error(client, '60012', `Invalid request: ${raw.slice(0, 200)}`, idEcho);
  }

  private login(client: Client, args: unknown[] | undefined, idEcho: Row): void {
    const arg = args?.[0] as Row | undefined;
    if (client.loggedIn)
      return this.error(client, '60031', 'The WebSocket endpoint does not support multiple login', idEcho);
    if (arg === undefined || typeof arg !== 'object')
      return this.error(client, '60013', 'Invalid args', idEcho);
    const { apiKey, passphrase, timestamp, sign } = arg;
    if (typeof apiKey !== 'string' || typeof passphrase !== 'string' || typeof sign !== 'string') {
      return this.error(client, '60013', 'Invalid args', idEcho);
    }
    if (typeof timestamp !== 'string' || !/^\d{1,12}(\.\d+)?$/.test(timestamp)) {
      return this.error(client, '60004', 'Invalid timestamp', idEcho);
    }
    if (Math.abs(this.host.serverTime() - Number(timestamp) * 1000) > this.host.timestampWindowMs) {
      return this.error(client, '60006', 'Timestamp request expired', idEcho);
    }
    if (apiKey !== this.host.apiKey) return this.error(client, '60005', 'Invalid apiKey', idEcho);
    if (!safeEqual(passphrase, this.host.passphrase))
      return this.error(client, '60024', 'Wrong passphrase', idEcho);
    const expected = okxSign(this.host.apiSecret, timestamp, 'GET', '/users/self/verify');
    if (!safeEqual(sign, expected)) return this.error(client, '60009', 'Login failure', idEcho);
    client.loggedIn = true;
    this.send(client, { ...idEcho, event: 'login', code: '0', msg: '', connId: client.connId });
  }

  private subscribe(client: Client, op: 'subscribe' | 'unsubscribe', raw: unknown, idEcho: Row): void {
    if (typeof raw !== 'object' || raw === null) return this.error(client, '60013', 'Invalid args', idEcho);
    const arg = raw as Row;
    const channel = typeof arg.channel === 'string' ? arg.channel : '';
    const candle = channel.startsWith('candle') && okxBarMs(channel.slice(6)) !== undefined;
    const business = BUSINESS_PRIVATE.has(channel) || candle;
    const known = business || PRIVATE_CHANNELS.has(channel) || PUBLIC_CHANNELS.has(channel);
    const fail = (code: string, msg: string): void => this.error(client, code, msg, { ...idEcho, arg });
    if (!known) return fail('60018', `Wrong URL or channel:${channel} doesn't exist.`);
    if (business && client.path !== 'business') {
      return fail(
        '64001',
        `This channel has been migrated to the '/business' URL. Please subscribe using the new URL.`,
      );
    }
    if (!business && client.path === 'business') {
      return fail(
        '64002',
        `This channel is not supported by "/business" URL. Please use "/${PUBLIC_CHANNELS.has(channel) ? 'public' : 'private'}" URL.`,
      );
    }
    if (PRIVATE_CHANNELS.has(channel) && client.path !== 'private') {
      return fail('60018', `Wrong URL or channel:${channel} doesn't exist.`);
    }
    if (PUBLIC_CHANNELS.has(channel) && client.path !== 'public') {
      return fail('60018', `Wrong URL or channel:${channel} doesn't exist.`);
    }
    const needsLogin = PRIVATE_CHANNELS.has(channel) || BUSINESS_PRIVATE.has(channel);
    if (needsLogin && !client.loggedIn) return fail('60011', 'Please log in');
    const instType = arg.instType;
    if (['orders', 'positions', 'orders-algo', 'algo-advance'].includes(channel)) {
      if (instType !== 'SWAP' && instType !== 'ANY') return fail('60013', 'Invalid args');
    }
    const instId = typeof arg.instId === 'string' ? arg.instId : undefined;
    if (PUBLIC_CHANNELS.has(channel) || candle) {
      if (instId === undefined || !this.host.instruments().some((i) => i.venueSymbol === instId)) {
        return fail('60018', `Wrong URL or channel:${channel},instId:${String(instId)} doesn't exist.`);
      }
    }
    if (op === 'unsubscribe') {
      client.subs.delete(argKey(arg));
      this.send(client, { ...idEcho, event: 'unsubscribe', arg, connId: client.connId });
      return;
    }
    client.subs.set(argKey(arg), arg);
    // The paper market stream's subscriptions are a set; pushes are filtered per client.
    if (instId !== undefined && PUBLIC_CHANNELS.has(channel)) {
      void this.market.subscribe({ kind: 'mark', venueSymbol: instId });
    } else if (instId !== undefined && candle) {
      void this.market.subscribe({ kind: 'kline', venueSymbol: instId, timeframe: channel.slice(6) });
    }
    this.send(client, { ...idEcho, event: 'subscribe', arg, connId: client.connId });
    this.snapshotFor(client, arg);
  }

  /** The first push after a subscription, as OKX sends it (positions, account, market data). */
  private snapshotFor(client: Client, arg: Row): void {
    const channel = String(arg.channel);
    const pushed = (data: unknown[]): void => this.send(client, { arg: this.pushArg(arg), data });
    if (channel === 'positions') pushed(this.host.positionRows());
    else if (channel === 'account') pushed([this.host.balanceRow()]);
    else if (channel === 'balance_and_position') {
      pushed([this.balanceAndPosition('snapshot', this.host.balanceRow(), this.host.positionRows())]);
    } else if (channel === 'mark-price') {
      const instId = String(arg.instId);
      pushed([this.markRow(instId, this.host.venue.priceOf(instId) ?? '0', this.host.serverTime())]);
    } else if (channel === 'tickers') pushed([this.host.ticker(String(arg.instId))]);
    else if (channel.startsWith('candle')) {
      const instId = String(arg.instId);
      const bar = channel.slice(6);
      const step = okxBarMs(bar) as number;
      const openTime = Math.floor(this.host.serverTime() / step) * step;
      const current = this.host.venue.barAt(instId, bar, openTime);
      const price = this.host.venue.priceOf(instId);
      // Before the bar's first tick the venue has none: it opens at the current price.
      const row =
        current !== undefined
          ? this.candleRow(instId, current)
          : price !== undefined
            ? this.candleRow(instId, {
                openTime,
                open: price,
                high: price,
                low: price,
                close: price,
                volume: '0',
                closed: false,
              })
            : undefined;
      if (row !== undefined) pushed([row]);
    }
  }

  private pushArg(arg: Row): Row {
    const out: Row = { channel: arg.channel };
    if (arg.instType !== undefined) out.instType = arg.instType;
    if (arg.instId !== undefined) out.instId = arg.instId;
    if (PRIVATE_CHANNELS.has(String(arg.channel)) || BUSINESS_PRIVATE.has(String(arg.channel))) {
      out.uid = '44705892343619584';
    }
    return out;
  }

  /** Sends rows of a private channel to every logged-in subscriber whose instType/instId matches. */
  private pushPrivate(channel: string, rows: Row[]): void {
    for (const client of this.clients()) {
      for (const arg of client.subs.values()) {
        if (arg.channel !== channel) continue;
        const data = rows.filter(
          (r) => arg.instId === undefined || r.instId === arg.instId || r.instId === undefined,
        );
        if (data.length > 0) this.send(client, { arg: this.pushArg(arg), data });
      }
    }
  }

  // ── Market data ───────────────────────────────────────────────────────────────────────────

  private markRow(instId: string, price: string, time: number): Row {
    return { instType: 'SWAP', instId, markPx: price, ts: String(time) };
  }

  /**
   * `[ts, o, h, l, c, vol, volCcy, volCcyQuote, confirm]` (streams.md §2.5): `vol` in contracts,
   * `volCcy` in the base currency, confirm "1" once the bar is final.
   */
  private candleRow(
    instId: string,
    bar: {
      openTime: number;
      open: string;
      high: string;
      low: string;
      close: string;
      volume: string;
      closed: boolean;
    },
  ): unknown[] | undefined {
    const instrument = this.host.instruments().find((i) => i.venueSymbol === instId);
    if (instrument === undefined) return undefined;
    const volume = new Decimal(bar.volume).toDecimalPlaces(8);
    return [
      String(bar.openTime),
      bar.open,
      bar.high,
      bar.low,
      bar.close,
      volume.div(instrument.contractSize).toDecimalPlaces(8).toFixed(),
      volume.toFixed(),
      volume.mul(bar.close).toDecimalPlaces(4).toFixed(),
      bar.closed ? '1' : '0',
    ];
  }

  /** A paper market event → `mark-price` / `tickers` / `candle<bar>` pushes to their subscribers. */
  private onMarket(event: MarketEvent): void {
    for (const client of this.clients()) {
      for (const arg of client.subs.values()) {
        if (arg.instId !== event.venueSymbol) continue;
        const channel = String(arg.channel);
        const push = (data: unknown[]): void => this.send(client, { arg: this.pushArg(arg), data });
        if (event.kind === 'mark') {
          if (channel === 'mark-price') push([this.markRow(event.venueSymbol, event.price, event.time)]);
          else if (channel === 'tickers') push([this.host.ticker(event.venueSymbol)]);
        } else if (channel === `candle${event.timeframe}`) {
          const row = this.candleRow(event.venueSymbol, event);
          if (row !== undefined) push([row]);
        }
      }
    }
  }
}
