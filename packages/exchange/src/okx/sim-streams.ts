import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import Decimal from 'decimal.js';
import type { WebSocket, RawData } from 'ws';
import { StreamHub } from '../sim/streams.ts';
import type { AccountEvent } from '../stream/types.ts';
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

type CandleState = { openTime: number; o: string; h: string; l: string; c: string };

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
  private readonly lastMarks = new Map<string, string>();
  private readonly candles = new Map<string, CandleState>();
  private readonly timer: NodeJS.Timeout;
  private readonly unsubscribeVenue: () => void;

  constructor(
    private readonly host: OkxSimStreamHost,
    pollMs = 100,
  ) {
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
    for (const i of host.instruments()) {
      const price = host.venue.priceOf(i.venueSymbol);
      if (price !== undefined) this.lastMarks.set(i.venueSymbol, price);
    }
    this.timer = setInterval(() => this.pushMarket(), pollMs);
    this.timer.unref();
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
    if (typeof body.text !== 'string') return { status: 400, body: { error: 'text must be a string' } };
    const text = body.text;
    const sent = this.hub.broadcast(text, (c) => body.path === undefined || body.path === c.path);
    return { status: 200, body: { sent } };
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.unsubscribeVenue();
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
    this.send(client, { ...idEcho, event: 'subscribe', arg, connId: client.connId });
    this.snapshotFor(client, arg);
  }

  /** The first push after a subscription, as OKX sends it (positions, account, market data). */
  private snapshotFor(client: Client, arg: Row): void {
    const channel = String(arg.channel);
    const pushed = (data: unknown[]): void => this.send(client, { arg: this.pushArg(client, arg), data });
    if (channel === 'positions') pushed(this.host.positionRows());
    else if (channel === 'account') pushed([this.host.balanceRow()]);
    else if (channel === 'balance_and_position') {
      pushed([this.balanceAndPosition('snapshot', this.host.balanceRow(), this.host.positionRows())]);
    } else if (channel === 'mark-price') pushed([this.markRow(String(arg.instId))]);
    else if (channel === 'tickers') pushed([this.host.ticker(String(arg.instId))]);
    else if (channel.startsWith('candle')) {
      const row = this.candleRow(String(arg.instId), channel.slice(6), false);
      if (row !== undefined) pushed([row]);
    }
  }

  private pushArg(_client: Client, arg: Row): Row {
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
        if (data.length > 0) this.send(client, { arg: this.pushArg(client, arg), data });
      }
    }
  }

  // ── Market data ───────────────────────────────────────────────────────────────────────────

  private markRow(instId: string): Row {
    const price = this.host.venue.priceOf(instId) ?? '0';
    return { instType: 'SWAP', instId, markPx: price, ts: String(this.host.serverTime()) };
  }

  /** The current candle of a bar, built from the prices seen; a finished one is pushed with confirm "1". */
  private candleRow(
    instId: string,
    bar: string,
    closed: boolean,
    state?: CandleState,
  ): unknown[] | undefined {
    const step = okxBarMs(bar);
    const instrument = this.host.instruments().find((i) => i.venueSymbol === instId);
    if (step === undefined || instrument === undefined) return undefined;
    const candle = state ?? this.currentCandle(instId, bar, step);
    if (candle === undefined) return undefined;
    return [
      String(candle.openTime),
      candle.o,
      candle.h,
      candle.l,
      candle.c,
      '0',
      '0',
      '0',
      closed ? '1' : '0',
    ];
  }

  private currentCandle(instId: string, bar: string, step: number): CandleState | undefined {
    const price = this.host.venue.priceOf(instId);
    if (price === undefined) return undefined;
    const key = `${instId}|${bar}`;
    const openTime = Math.floor(this.host.serverTime() / step) * step;
    let candle = this.candles.get(key);
    if (candle === undefined || candle.openTime !== openTime) {
      candle = { openTime, o: price, h: price, l: price, c: price };
      this.candles.set(key, candle);
    }
    return candle;
  }

  /** Every poll: mark price / ticker / candle pushes for the instruments whose price moved, and bar closes. */
  private pushMarket(): void {
    const subscribed = new Set<string>();
    for (const client of this.clients()) for (const arg of client.subs.values()) subscribed.add(argKey(arg));
    if (subscribed.size === 0) return;
    const moved = new Set<string>();
    for (const instrument of this.host.instruments()) {
      const price = this.host.venue.priceOf(instrument.venueSymbol);
      if (price === undefined) continue;
      if (this.lastMarks.get(instrument.venueSymbol) !== price) moved.add(instrument.venueSymbol);
      this.lastMarks.set(instrument.venueSymbol, price);
    }
    // Candles move once per poll, whoever listens: the bar that ended goes out with confirm "1".
    const candleRows = new Map<string, { closed?: unknown[]; current?: unknown[] }>();
    for (const key of subscribed) {
      const [channel = '', instId = ''] = key.split('|');
      if (!channel.startsWith('candle')) continue;
      const bar = channel.slice(6);
      const step = okxBarMs(bar);
      if (step === undefined) continue;
      const before = this.candles.get(`${instId}|${bar}`);
      const rolled =
        before !== undefined && before.openTime !== Math.floor(this.host.serverTime() / step) * step;
      const closed = rolled ? this.candleRow(instId, bar, true, before) : undefined;
      const current = this.currentCandle(instId, bar, step);
      const price = this.host.venue.priceOf(instId);
      let currentRow: unknown[] | undefined;
      if (current !== undefined && price !== undefined && (moved.has(instId) || rolled)) {
        current.c = price;
        if (new Decimal(price).gt(current.h)) current.h = price;
        if (new Decimal(price).lt(current.l)) current.l = price;
        currentRow = this.candleRow(instId, bar, false, current);
      }
      candleRows.set(`${channel}|${instId}`, {
        ...(closed !== undefined ? { closed } : {}),
        ...(currentRow !== undefined ? { current: currentRow } : {}),
      });
    }
    for (const client of this.clients()) {
      for (const arg of client.subs.values()) {
        const channel = String(arg.channel);
        const instId = String(arg.instId ?? '');
        const push = (data: unknown[]): void => this.send(client, { arg: this.pushArg(client, arg), data });
        if (channel === 'mark-price' && moved.has(instId)) push([this.markRow(instId)]);
        else if (channel === 'tickers' && moved.has(instId)) push([this.host.ticker(instId)]);
        else if (channel.startsWith('candle')) {
          const rows = candleRows.get(`${channel}|${instId}`);
          if (rows?.closed !== undefined) push([rows.closed]);
          if (rows?.current !== undefined) push([rows.current]);
        }
      }
    }
  }
}
