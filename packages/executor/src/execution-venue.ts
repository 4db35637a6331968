import type { OrderRole } from '@tradingbot/core';
import {
  ExchangeDecimal as D,
  ExchangeErrors,
  roundQtyDown,
  type Instrument,
  type Order,
  type OrderSide,
  type PositionMode,
  type PositionSide,
  type TrailingStopRequest,
} from '@tradingbot/exchange';
import { ExecutorErrors } from './errors.ts';
import { StateReads } from './execution-state.ts';
import { FILLED_OR_LIVE, abs, fillPrice, findLeg, oppositeOf } from './legs.ts';
import { partialCloseQty } from './partial-close.ts';
import { triggerAlreadyCrossed, type Leg } from './protection.ts';
import { describeError, summarizeOrder, type OrderSummary } from './result.ts';

/**
 * The venue calls of one execution: instrument, position mode, leverage, placing and finding
 * orders by their idempotency key, closing a leg, cancelling its closing orders. Each call is
 * recorded and audited through `ExecutionRecord`.
 */
export class VenueCalls extends StateReads {
  instrumentCache: Instrument | undefined;

  async instrument(): Promise<Instrument> {
    this.instrumentCache ??= await this.readInstrument();
    return this.instrumentCache;
  }

  async positionMode(): Promise<PositionMode> {
    const { ctx } = this;
    const warm = this.warmPositionMode();
    if (warm !== undefined) return warm;
    const cached = this.modes.get(ctx.account.id);
    if (cached !== undefined && ctx.now() - cached.at < this.options.positionModeTtlMs) {
      ctx.warmState?.learnPositionMode(cached.mode, cached.at);
      return cached.mode;
    }
    this.restRead('position_mode', 'position_mode');
    const mode = await ctx.exchange.positionMode();
    this.modes.set(ctx.account.id, { mode, at: ctx.now() });
    ctx.warmState?.learnPositionMode(mode, ctx.now());
    await this.audit('position_mode', 'info', `Position mode ${mode}`, { positionMode: mode });
    return mode;
  }

  leverageFor(instrument: Instrument): number {
    const leverage = this.signal.leverage ?? this.ctx.account.settings.defaultLeverage;
    if (
      !Number.isInteger(leverage) ||
      leverage < 1 ||
      (instrument.maxLeverage > 0 && leverage > instrument.maxLeverage)
    ) {
      throw ExecutorErrors.create('INVALID_LEVERAGE', {
        message: `Leverage ${leverage} is not allowed for ${instrument.venueSymbol} (1–${instrument.maxLeverage})`,
        details: { leverage, maxLeverage: instrument.maxLeverage },
      });
    }
    const cap = this.ctx.account.settings.maxLeverage;
    if (cap !== undefined && leverage > cap) {
      throw ExecutorErrors.create('MAX_LEVERAGE_EXCEEDED', {
        message: `Leverage ${leverage}x is above the account's maximum of ${cap}x`,
        details: { leverage, maxLeverage: cap },
      });
    }
    return leverage;
  }

  async ensureLeverage(instrument: Instrument, leverage: number): Promise<void> {
    const { ctx } = this;
    const marginMode = this.marginMode;
    const cached = await ctx.leverageCache.get(ctx.account.id, instrument.venueSymbol, marginMode);
    if (cached === leverage) {
      this.results.leverage = { leverage, changed: false };
      await this.audit('leverage_skipped', 'info', `Leverage ${leverage}x already set`, {
        leverage,
        marginMode,
      });
      return;
    }
    try {
      const set = await ctx.exchange.setLeverage(instrument.venueSymbol, leverage, marginMode);
      await ctx.leverageCache.set(ctx.account.id, instrument.venueSymbol, marginMode, set.leverage);
      this.results.leverage = { leverage: set.leverage, changed: true };
      await this.audit('leverage_set', 'info', `Leverage set to ${set.leverage}x`, {
        leverage: set.leverage,
        marginMode,
        previous: cached,
      });
    } catch (error) {
      await ctx.leverageCache.delete(ctx.account.id, instrument.venueSymbol, marginMode);
      await this.audit('leverage_failed', 'error', `Setting leverage ${leverage}x failed`, {
        error: describeError(error),
      });
      throw error;
    }
  }

  /**
   * The order an earlier run sent with this key, looked up on the venue only when the key may have
   * been used: a resumed signal, a second pass, or a cold execution (as before the warm state).
   */
  async lookUp(key: string): Promise<Order | null> {
    if (this.keysAreFresh) return null;
    this.restRead('order_lookup', this.ctx.resumed === true ? 'resumed' : undefined);
    return this.ctx.exchange.orderByIdempotencyKey(this.venueSymbol, key);
  }

  /**
   * Sends one order through `send`, records it (placed / failed) and audits it. A
   * POSITION_SIDE_MISMATCH (the account's mode changed behind our cache) forgets the cached mode so
   * the next signal reads it again.
   */
  async place(
    role: OrderRole,
    key: string,
    request: Record<string, unknown>,
    send: () => Promise<Order>,
  ): Promise<Order> {
    await this.beforeFirstOrder();
    try {
      const order = await send();
      this.expect(order);
      await this.record(role, key, 'placed', request, { order });
      await this.audit('order_placed', 'info', `${role} order ${order.clientOrderId} ${order.status}`, {
        role,
        venueOrderId: order.venueOrderId,
        clientOrderId: order.clientOrderId,
        status: order.status,
        qty: order.qty,
        filledQty: order.filledQty,
        avgPrice: order.avgPrice,
      });
      return order;
    } catch (error) {
      this.expect(undefined);
      if (ExchangeErrors.is(error, 'NO_POSITION')) throw error;
      const described = describeError(error);
      if (ExchangeErrors.is(error, 'POSITION_SIDE_MISMATCH')) this.modes.delete(this.ctx.account.id);
      await this.record(role, key, 'failed', request, { error: described });
      await this.audit('order_failed', 'error', `${role} order failed: ${described.message}`, {
        role,
        error: described,
      });
      throw error;
    }
  }

  /**
   * Closes one leg: looks the close up by its key first (a previous run may have sent it), cancels
   * the leg's resting reduce-only orders (SL/TP) BEFORE closing, then closes through the venue's
   * close-position. Returns null when there is no such position (nothing is sent).
   */
  async closeLeg(leg: Leg, role: OrderRole, mode: PositionMode, key: string): Promise<OrderSummary | null> {
    const exchange = this.ctx.exchange;
    const existing = await this.lookUp(key);
    if (existing !== null) {
      await this.record(role, key, 'existing', { leg }, { order: existing });
      await this.audit(
        'order_found',
        'info',
        `Close ${existing.clientOrderId} already on the venue; not sent again`,
        {
          role,
          leg,
        },
      );
      return summarizeOrder(existing, true);
    }
    const position = findLeg(await this.readPositions(), leg, mode);
    // Hedge: the leg. One-way: 'net', as the interface asks; the direction was checked above
    // (findLeg) and signals of one account run one at a time, so the net position is this leg.
    const positionSide: PositionSide = mode === 'hedge' ? leg : 'net';
    const part =
      position === undefined || role !== 'close'
        ? undefined
        : partialCloseQty(await this.instrument(), abs(position.qty), this.signal.closePct);
    if (part !== undefined) return this.closePart(leg, positionSide, abs(position!.qty), part, key);
    // Resting SL/TP of a closed position are orphans either way: cancel them.
    await this.cancelClosingOrders(leg, mode);
    if (position === undefined) return null;
    const request = {
      venueSymbol: this.venueSymbol,
      positionSide,
      qty: abs(position.qty),
      idempotencyKey: key,
    };
    const order = await this.place(role, key, request, async () => {
      const o = await exchange.closePosition(this.venueSymbol, positionSide, key);
      if (o === null) {
        throw ExchangeErrors.create('NO_POSITION', {
          message: `No ${leg} position on ${this.venueSymbol} to close`,
        });
      }
      return o;
    }).catch((error: unknown) => {
      if (ExchangeErrors.is(error, 'NO_POSITION')) return null;
      throw error;
    });
    return order === null ? null : summarizeOrder(order);
  }

  /**
   * Closes `part` of the leg (`close_pct`) with a reduce-only market order; its resting stop-loss
   * and take-profit stay for the rest (they close the whole remaining position).
   */
  async closePart(
    leg: Leg,
    positionSide: PositionSide,
    held: string,
    part: string,
    key: string,
  ): Promise<OrderSummary> {
    const request = {
      venueSymbol: this.venueSymbol,
      side: (leg === 'long' ? 'sell' : 'buy') as OrderSide,
      type: 'market' as const,
      qty: part,
      positionSide,
      reduceOnly: true,
      idempotencyKey: key,
    };
    const order = await this.place('close', key, request, () => this.ctx.exchange.placeOrder(request));
    await this.audit(
      'position_reduced',
      'info',
      `Closed ${part} of the ${held} ${leg} position (close_pct ${this.signal.closePct} %); its stop-loss and take-profit stay for the rest`,
      { leg, held, part, closePct: this.signal.closePct },
    );
    return summarizeOrder(order);
  }

  /**
   * Cancels the resting orders that would close `leg`: in hedge mode the orders on that position side
   * that reduce it; in one-way mode the reduce-only (and close-position) orders on the closing side.
   * Entry orders and the other leg's orders are left alone.
   */
  async cancelClosingOrders(leg: Leg, mode: PositionMode): Promise<void> {
    const exchange = this.ctx.exchange;
    const closeSide: OrderSide = leg === 'long' ? 'sell' : 'buy';
    const open = await this.readOpenOrders();
    const targets = open.filter(
      (o) =>
        o.side === closeSide &&
        (mode === 'hedge' ? o.positionSide === leg : o.reduceOnly && o.positionSide !== oppositeOf(leg)),
    );
    const canceled: { order_id: string; client_order_id: string; type: string }[] = [];
    const algosCanceled = new Set<string>();
    for (const o of targets) {
      // The legs of one algo order (OKX oco: stop and take-profit share the algoId) go with one cancel.
      if (o.isAlgo && o.venueOrderId !== '' && algosCanceled.has(o.venueOrderId)) {
        this.expect({ ...o, status: 'canceled' });
        canceled.push({ order_id: o.venueOrderId, client_order_id: o.clientOrderId, type: o.type });
        continue;
      }
      await this.beforeFirstOrder();
      try {
        await exchange.cancelOrder(this.venueSymbol, {
          venueOrderId: o.venueOrderId,
          clientOrderId: o.clientOrderId,
          isAlgo: o.isAlgo,
        });
        this.expect({ ...o, status: 'canceled' });
        if (o.isAlgo) algosCanceled.add(o.venueOrderId);
        canceled.push({ order_id: o.venueOrderId, client_order_id: o.clientOrderId, type: o.type });
      } catch (error) {
        if (ExchangeErrors.is(error, 'ORDER_NOT_FOUND')) continue;
        this.expect(undefined);
        await this.audit(
          'cancel_failed',
          'warn',
          `Could not cancel ${o.clientOrderId}: ${describeError(error).message}`,
          {
            order: summarizeOrder(o),
            error: describeError(error),
          },
        );
      }
    }
    if (canceled.length > 0) {
      (this.results.canceled ??= []).push(...canceled);
      await this.audit(
        'orders_canceled',
        'info',
        `Canceled ${canceled.length} resting ${leg} closing order(s)`,
        {
          leg,
          orders: canceled,
        },
      );
    }
  }

  /**
   * The price the market entry filled at: the order's average, else the position's entry price. Warm:
   * the fill event from the stream (no polling); cold, or when the stream says nothing in time: the
   * order is looked up again and the position read.
   */
  async awaitFill(entry: Order, leg: Leg, mode: PositionMode): Promise<string> {
    let order = entry;
    const warm = this.warm();
    if (warm !== undefined && order.status !== 'filled') {
      order = (await warm.awaitOrder(entry.clientOrderId, this.options.fillWaitMs)) ?? order;
    }
    if (
      warm !== undefined &&
      order.status === 'filled' &&
      order.avgPrice !== undefined &&
      new D(order.avgPrice).gt(0)
    ) {
      if (order !== entry) this.results.entry = summarizeOrder(order);
      return order.avgPrice;
    }
    for (let i = 0; i < this.options.fillPollAttempts && order.status !== 'filled'; i++) {
      await this.options.sleep(this.options.fillPollIntervalMs);
      order = (await this.ctx.exchange.orderByIdempotencyKey(this.venueSymbol, this.key('entry'))) ?? order;
    }
    if (order !== entry) this.results.entry = summarizeOrder(order);
    const position = findLeg(await this.ctx.exchange.positions(this.venueSymbol), leg, mode);
    if (position === undefined) {
      throw ExecutorErrors.create('ENTRY_NOT_FILLED', {
        message: `The entry order ${order.clientOrderId} is ${order.status} and no position is open`,
        details: { clientOrderId: order.clientOrderId, status: order.status },
      });
    }
    return fillPrice(order, position);
  }

  /**
   * Places one protective order, retrying (attempts with back-off). Before each attempt the order is
   * looked up by its key (an earlier attempt or run may have placed it). Between attempts the market
   * price is read again: once the trigger is on the wrong side, placing it is pointless.
   * Without `partial` it closes the whole position (whatever partial take-profits left of it); a
   * partial take-profit (`tp1`, `tp2`) closes its quantity, reduce-only.
   */
  async placeProtective(
    kind: 'stop_loss' | 'take_profit',
    leg: Leg,
    mode: PositionMode,
    triggerPrice: string,
    key: string,
    partial?: { role: OrderRole; qty: string },
  ): Promise<{ order: { order: Order; reused: boolean }; attempts: number }> {
    const exchange = this.ctx.exchange;
    const role: OrderRole = partial?.role ?? (kind === 'stop_loss' ? 'sl' : 'tp');
    const request = {
      venueSymbol: this.venueSymbol,
      kind,
      side: (leg === 'long' ? 'sell' : 'buy') as OrderSide,
      positionSide: (mode === 'hedge' ? leg : 'net') as PositionSide,
      triggerPrice,
      ...(partial !== undefined ? { qty: partial.qty } : {}),
      marginMode: this.marginMode,
      idempotencyKey: key,
    };
    let lastError: unknown;
    const attempts = Math.max(1, this.options.protectionAttempts);
    const freshKey = this.keysAreFresh;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      // A first attempt with a fresh key needs no look-up; after a failure the outcome may be unknown.
      const existing =
        attempt === 1 && freshKey
          ? null
          : await exchange.orderByIdempotencyKey(this.venueSymbol, key).catch(() => null);
      if (existing !== null && FILLED_OR_LIVE.has(existing.status)) {
        await this.record(role, key, 'existing', request, { order: existing, attempt });
        await this.audit('order_found', 'info', `${kind} ${existing.clientOrderId} already on the venue`, {
          role,
        });
        return { order: { order: existing, reused: true }, attempts: attempt };
      }
      try {
        const order = await exchange.placeConditional(request).catch((error: unknown) => {
          this.expect(undefined);
          throw error;
        });
        this.expect(order);
        await this.record(role, key, 'placed', request, { order, attempt });
        const what = partial === undefined ? kind : `${partial.role} (${partial.qty})`;
        await this.audit('protection_placed', 'info', `${what} placed at ${triggerPrice}`, {
          role,
          attempt,
          venueOrderId: order.venueOrderId,
          clientOrderId: order.clientOrderId,
        });
        return { order: { order, reused: false }, attempts: attempt };
      } catch (error) {
        lastError = error;
        const described = describeError(error);
        await this.record(role, key, 'failed', request, { error: described, attempt });
        if (attempt === attempts) break;
        const backoff = this.options.protectionBackoffMs * 2 ** (attempt - 1);
        await this.audit(
          'protection_retry',
          'warn',
          `${kind} attempt ${attempt} failed: ${described.message}; retrying`,
          {
            role,
            attempt,
            backoffMs: backoff,
            error: described,
          },
        );
        await this.options.sleep(backoff);
        const market = await exchange
          .ticker(this.venueSymbol)
          .then((t) => t.price)
          .catch(() => undefined);
        if (market !== undefined && triggerAlreadyCrossed(kind, leg, triggerPrice, market)) {
          lastError = ExecutorErrors.create('PROTECTION_FAILED', {
            message: `The market (${market}) is already past the ${kind === 'stop_loss' ? 'stop-loss' : 'take-profit'} (${triggerPrice})`,
            details: { market, triggerPrice, cause: described },
          });
          break;
        }
      }
    }
    throw lastError;
  }

  /**
   * Places the trailing stop for the position the entry opened: reduce-only, for the entry's filled
   * quantity (or, when the entry reports none, the position's). Looked up by its key first when the
   * key may have been used (a resumed signal); one attempt, the venue client resolving an uncertain
   * outcome by the client id.
   */
  async placeTrailing(
    leg: Leg,
    mode: PositionMode,
    instrument: Instrument,
    computed: { pct: string; activationPrice?: string },
  ): Promise<{ order: Order; reused: boolean; attempts: number }> {
    const exchange = this.ctx.exchange;
    const key = this.key('trail');
    if (!this.keysAreFresh) {
      const existing = await exchange.orderByIdempotencyKey(this.venueSymbol, key).catch(() => null);
      if (existing !== null && FILLED_OR_LIVE.has(existing.status)) {
        await this.record(
          'trail',
          key,
          'existing',
          { kind: 'trailing_stop' },
          { order: existing, attempt: 1 },
        );
        await this.audit(
          'order_found',
          'info',
          `trailing stop ${existing.clientOrderId} already on the venue`,
          {
            role: 'trail',
          },
        );
        return { order: existing, reused: true, attempts: 1 };
      }
    }
    const request: TrailingStopRequest = {
      venueSymbol: this.venueSymbol,
      side: leg === 'long' ? 'sell' : 'buy',
      positionSide: mode === 'hedge' ? leg : 'net',
      callbackRatePct: computed.pct,
      ...(computed.activationPrice !== undefined ? { activationPrice: computed.activationPrice } : {}),
      qty: await this.trailingQty(instrument, leg, mode),
      ...(this.marginMode !== undefined ? { marginMode: this.marginMode } : {}),
      idempotencyKey: key,
    };
    try {
      const order = await exchange.placeTrailingStop(request).catch((error: unknown) => {
        this.expect(undefined);
        throw error;
      });
      this.expect(order);
      await this.record('trail', key, 'placed', { kind: 'trailing_stop', ...request }, { order, attempt: 1 });
      await this.audit(
        'protection_placed',
        'info',
        `trailing stop placed: ${computed.pct} %` +
          (computed.activationPrice !== undefined ? ` from ${computed.activationPrice}` : ''),
        { role: 'trail', attempt: 1, venueOrderId: order.venueOrderId, clientOrderId: order.clientOrderId },
      );
      return { order, reused: false, attempts: 1 };
    } catch (error) {
      await this.record(
        'trail',
        key,
        'failed',
        { kind: 'trailing_stop', ...request },
        {
          error: describeError(error),
          attempt: 1,
        },
      );
      throw error;
    }
  }

  /** The quantity a trailing stop closes: what the entry filled, else the open position (venues take no close-all flag). */
  async trailingQty(instrument: Instrument, leg: Leg, mode: PositionMode): Promise<string> {
    const filled = this.results.entry?.filled_qty;
    if (filled !== undefined && new D(filled).gt(0)) return roundQtyDown(instrument, filled);
    const position = findLeg(await this.ctx.exchange.positions(this.venueSymbol), leg, mode);
    if (position === undefined) {
      throw ExecutorErrors.create('ENTRY_NOT_FILLED', {
        message: 'No open position for the trailing stop to close',
        details: { leg },
      });
    }
    return roundQtyDown(instrument, new D(position.qty).abs());
  }
}
