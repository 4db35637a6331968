import {
  ExchangeErrors,
  prepareOrderPrice,
  roundPrice,
  type Instrument,
  type Order,
  type OrderSide,
  type PositionMode,
  type PositionSide,
} from '@tradingbot/exchange';
import { admitOpenPositions, admitSignal } from './admission.ts';
import { ExecutorErrors } from './errors.ts';
import type { PositionModes, ResolvedOptions } from './execution-record.ts';
import type { AttachedProtection } from './execution-attached.ts';
import { BreakEvenSteps } from './execution-break-even.ts';
import { abs, fillPrice, findLeg } from './legs.ts';
import type { ExecutionContext } from './ports.ts';
import { planNeedsAtr, type Leg, type ProtectionPlan } from './protection.ts';
import { describeError, summarizeOrder, type ExecutionResult, type OrderSummary } from './result.ts';
import { DEFAULT_SIZE_PCT, admitNotional, computeEntrySize } from './sizing.ts';
import type { Signal } from './signal.ts';

export type OrderExecutorOptions = {
  /** Attempts to place a stop-loss / take-profit before giving up. Default 3. */
  protectionAttempts?: number;
  /** First back-off between protection attempts (doubles each time). Default 500 ms. */
  protectionBackoffMs?: number;
  /**
   * When the stop-loss cannot be placed after every attempt, close the position that was just
   * opened (default true): an unprotected leveraged position is worse than a missed trade. With
   * false the position stays open and the result says loudly that it has no stop.
   */
  closeOnProtectionFailure?: boolean;
  /** How long an account's position mode (one-way / hedge) is trusted before it is read again. Default 5 min. */
  positionModeTtlMs?: number;
  /** How often a market entry not yet reported filled is looked up again. Default 3. */
  fillPollAttempts?: number;
  fillPollIntervalMs?: number;
  /** How long a warm execution waits for the stream's fill event before looking the entry up. Default 2 s. */
  fillWaitMs?: number;
  /** Injected for tests. */
  sleep?: (ms: number) => Promise<void>;
};

/**
 * Turns a Signal into orders on one exchange account.
 *
 * - LONG / SHORT: open a position sized from the AVAILABLE balance (default 10% × leverage ÷ price,
 *   rounded down to the step), after closing an opposite one (close-then-open, also in hedge mode,
 *   as the Pine strategy reverses). A signal in the direction already held is a no-op
 *   (ALREADY_IN_POSITION, like `pyramiding = 0` in our Pine export). Leverage is set per symbol and
 *   remembered (LeverageCache). Then a stop-loss (default 2 × ATR(14) of the venue's closed klines on
 *   the signal's timeframe) and, when configured, a take-profit, measured from the actual fill price
 *   — except on a venue that attaches them to the entry (OKX): there they go out in the entry request,
 *   measured from the price the size was computed at, and are confirmed after the fill; a leg the
 *   venue did not create is placed then, from the fill price (`execution-attached.ts`).
 * - CLOSE_LONG / CLOSE_SHORT / CLOSE_ALL: cancel that position's resting reduce-only orders (SL/TP)
 *   FIRST — a resting take-profit can block a close (Binance -4118) — then close it (the venue's
 *   close-position / a reduce-only market order). Flat → a no-op with a clear message, nothing sent.
 *
 * Idempotency: every order's key is `${signal.idempotencyKey}:${role}` (`entry`, `reverse-close`,
 * `close[:leg]`, `sl`, `tp`, `protect-close`) and is looked up on the venue (`orderByIdempotencyKey`)
 * before anything is placed, so executing the same signal again — after a crash, a retry, a
 * duplicate delivery — places each order at most once and completes what the first run left undone.
 *
 * `executeSignal` never throws for a trading outcome: it returns an ExecutionResult with
 * `success: false`, the error code and a readable message. It is not re-entrant per account: run
 * signals of one account through an AccountQueue.
 */
export class OrderExecutor {
  readonly #options: ResolvedOptions;
  readonly #modes: PositionModes = new Map();

  constructor(options: OrderExecutorOptions = {}) {
    this.#options = {
      protectionAttempts: options.protectionAttempts ?? 3,
      protectionBackoffMs: options.protectionBackoffMs ?? 500,
      closeOnProtectionFailure: options.closeOnProtectionFailure ?? true,
      positionModeTtlMs: options.positionModeTtlMs ?? 5 * 60 * 1000,
      fillPollAttempts: options.fillPollAttempts ?? 3,
      fillPollIntervalMs: options.fillPollIntervalMs ?? 300,
      fillWaitMs: options.fillWaitMs ?? 2_000,
      sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    };
  }

  /** Executes one signal on the context's account. See the class comment. */
  async executeSignal(signal: Signal, context: ExecutionContext): Promise<ExecutionResult> {
    return new Execution(signal, context, this.#options, this.#modes).run();
  }

  /** Forgets the cached position mode of an account (e.g. after the user switched it). */
  invalidatePositionMode(accountId: string): void {
    this.#modes.delete(accountId);
  }
}

/** The actions of one `executeSignal` call: admission, then open or close. */
class Execution extends BreakEvenSteps {
  // ── Entry point ─────────────────────────────────────────────────────────────────────────────

  async run(): Promise<ExecutionResult> {
    const { signal } = this;
    try {
      await this.audit('signal_received', 'info', `${signal.action} ${signal.symbol} received`, {
        idempotencyKeySource: signal.idempotencyKeySource,
        sourceSymbol: signal.sourceSymbol,
        leverage: signal.leverage,
        sizing: signal.sizing,
        orderType: signal.orderType,
        price: signal.price,
        protection: signal.protection,
        timeframe: signal.timeframe,
      });
      this.checkSignal();
      try {
        return await this.dispatch();
      } catch (error) {
        // The account's position mode changed behind our cache (Binance -4061, OKX 51000 posSide):
        // read it again and run the action once more. Safe because every order is looked up by its
        // idempotency key before it is placed, so nothing done by the first pass is repeated.
        if (!ExchangeErrors.is(error, 'POSITION_SIDE_MISMATCH')) throw error;
        this.modes.delete(this.ctx.account.id);
        this.distrustMode = true;
        await this.audit('position_mode', 'warn', 'Position side rejected: reading the position mode again', {
          error: describeError(error),
        });
        return await this.dispatch();
      }
    } catch (error) {
      return this.fail(error);
    }
  }

  async dispatch(): Promise<ExecutionResult> {
    const action = this.signal.action;
    switch (action) {
      case 'LONG':
        return this.open('long');
      case 'SHORT':
        return this.open('short');
      case 'CLOSE_LONG':
        return this.closeAction(['long']);
      case 'CLOSE_SHORT':
        return this.closeAction(['short']);
      case 'CLOSE_ALL':
        return this.signal.scope === 'account' ? this.flattenAccount() : this.closeAction(['long', 'short']);
      case 'CANCEL_ORDERS':
        return this.cancelOrdersAction();
      case 'MOVE_STOP_TO_ENTRY':
        return this.moveStopToEntry();
      default: {
        const never: never = action;
        throw ExecutorErrors.create('UNSUPPORTED_ACTION', { message: `Unsupported action ${String(never)}` });
      }
    }
  }

  checkSignal(): void {
    const { signal, ctx } = this;
    if (signal.accountId !== ctx.account.id) {
      throw ExecutorErrors.create('INVALID_SIGNAL', {
        message: 'The signal is for another account',
        details: { signalAccount: signal.accountId },
      });
    }
    admitSignal(signal, ctx.account, ctx.now());
  }

  // ── Open (LONG / SHORT) ─────────────────────────────────────────────────────────────────────

  async open(leg: Leg): Promise<ExecutionResult> {
    const { signal } = this;
    const instrument = await this.instrument();
    const mode = await this.positionMode();
    const entryKey = this.key('entry');

    // A previous run of this signal may already have placed the entry: never place it twice.
    const existing = await this.lookUp(entryKey);
    if (existing !== null) return this.resumeEntry(existing, leg, mode, instrument);

    const positions = await this.readPositions();
    await this.audit('positions_read', 'info', 'Positions read', {
      positionMode: mode,
      positions: positions.map((p) => ({ side: p.side, qty: p.qty, entryPrice: p.entryPrice })),
    });
    const same = findLeg(positions, leg, mode);
    if (same !== undefined) {
      const message = `${signal.action} signal ignored on ${signal.exchange}: a ${leg.toUpperCase()} position of ${abs(
        same.qty,
      )} ${instrument.base} on ${this.venueSymbol} is already open (no pyramiding)`;
      await this.audit('entry_skipped', 'info', message, { qty: same.qty });
      return this.noop('ALREADY_IN_POSITION', message);
    }

    // Everything that can refuse the trade is checked before the first order is sent.
    await this.checkOpenPositionsCap();
    const plan = this.protectionPlan();
    const atrValue = planNeedsAtr(plan, this.ctx.exchange.id) ? await this.atr() : undefined;
    const limitPrice = this.limitPrice(instrument, leg);
    const leverage = this.leverageFor(instrument);

    const opposite: Leg = leg === 'long' ? 'short' : 'long';
    if (findLeg(positions, opposite, mode) !== undefined) {
      const closed = await this.closeLeg(opposite, 'reverse-close', mode, this.key('reverse-close'));
      if (closed !== null) (this.results.closed ??= []).push(closed);
    }
    // Closing orders left on this side belong to no position (e.g. a take-profit whose stop fired);
    // they would act on the new one.
    await this.cancelClosingOrders(leg, mode);

    await this.ensureLeverage(instrument, leverage);
    const qty = await this.entrySize(instrument, leverage, limitPrice);
    const entry = await this.placeEntry(leg, mode, qty, limitPrice, instrument, plan, atrValue);
    if (signal.orderType === 'limit') return this.limitPlaced(entry.order, limitPrice, entry.attached);

    const filled = await this.awaitFill(entry.order, leg, mode);
    return this.protectFilled(leg, mode, instrument, plan, atrValue, filled, entry.attached);
  }

  /** The entry of an earlier run was found on the venue: protect the position it opened, if any. */
  async resumeEntry(
    existing: Order,
    leg: Leg,
    mode: PositionMode,
    instrument: Instrument,
  ): Promise<ExecutionResult> {
    const { signal } = this;
    const entryKey = this.key('entry');
    await this.record('entry', entryKey, 'existing', { reason: 're-execution' }, { order: existing });
    await this.audit(
      'order_found',
      'info',
      `Entry ${existing.clientOrderId} already on the venue; not placed again`,
      {
        role: 'entry',
        status: existing.status,
      },
    );
    this.results.entry = summarizeOrder(existing, true);
    if (existing.status === 'filled' || existing.status === 'partially_filled') {
      const plan = this.protectionPlan();
      const atrValue = planNeedsAtr(plan, this.ctx.exchange.id) ? await this.atr() : undefined;
      const positions = await this.ctx.exchange.positions(this.venueSymbol);
      const position = findLeg(positions, leg, mode);
      if (position === undefined) {
        await this.audit(
          'protection_skipped',
          'info',
          'The position opened by this signal is closed already',
          {},
        );
        return this.succeed(`${signal.action} order executed on ${signal.exchange}`);
      }
      // Protection the first run attached to the entry is found by its id, not placed again.
      return this.protectFilled(
        leg,
        mode,
        instrument,
        plan,
        atrValue,
        fillPrice(existing, position),
        undefined,
      );
    }
    return this.succeed(`${signal.action} order executed on ${signal.exchange}`);
  }

  /** A limit entry's price on the instrument's grid, on the conservative side (never a worse fill). */
  limitPrice(instrument: Instrument, leg: Leg): string | undefined {
    const { signal } = this;
    if (signal.orderType !== 'limit') return undefined;
    if (signal.price === undefined)
      throw ExecutorErrors.create('INVALID_SIGNAL', { message: 'A limit order needs "price"' });
    return prepareOrderPrice(
      instrument,
      roundPrice(instrument, signal.price, leg === 'long' ? 'down' : 'up'),
    );
  }

  /** The entry quantity from the available balance (or the payload's sizing), audited. */
  async entrySize(instrument: Instrument, leverage: number, limitPrice: string | undefined): Promise<string> {
    const { ctx, signal } = this;
    const [balance, reference] = await Promise.all([
      this.readBalance(instrument.quote),
      limitPrice !== undefined ? Promise.resolve(limitPrice) : this.readReferencePrice(),
    ]);
    let sizing;
    try {
      sizing = computeEntrySize({
        instrument,
        balance,
        leverage,
        referencePrice: reference,
        ...(limitPrice !== undefined ? { limitPrice } : {}),
        sizing: signal.sizing ?? defaultSizing(ctx.account.settings),
      });
    } catch (error) {
      await this.audit('sizing_rejected', 'warn', describeError(error).message, {
        error: describeError(error),
      });
      throw error;
    }
    this.results.sizing = sizing;
    try {
      admitNotional(sizing, ctx.account.settings.maxPositionNotional);
    } catch (error) {
      await this.audit('sizing_rejected', 'warn', describeError(error).message, {
        error: describeError(error),
      });
      throw error;
    }
    await this.audit('sizing_computed', 'info', `Entry size ${sizing.qty} ${instrument.base}`, { ...sizing });
    return sizing.qty;
  }

  /**
   * Sends the entry. A limit entry rests with its protection attached, measured from the limit price;
   * on a venue that creates attached protection at the fill (OKX) a market entry carries it too,
   * measured from the price its size was computed at (`execution-attached.ts`).
   */
  async placeEntry(
    leg: Leg,
    mode: PositionMode,
    qty: string,
    limitPrice: string | undefined,
    instrument: Instrument,
    plan: ProtectionPlan,
    atrValue: number | undefined,
  ): Promise<{ order: Order; attached: AttachedProtection }> {
    const { ctx, signal } = this;
    const side: OrderSide = leg === 'long' ? 'buy' : 'sell';
    const positionSide: PositionSide = mode === 'hedge' ? leg : 'net';
    const entryKey = this.key('entry');
    const request = {
      venueSymbol: this.venueSymbol,
      side,
      type: signal.orderType,
      qty,
      positionSide,
      marginMode: this.marginMode,
      idempotencyKey: entryKey,
      ...(limitPrice !== undefined ? { price: limitPrice } : {}),
    } as const;

    // The price the size was computed at: the venue's minimum-notional check needs no ticker read.
    const referencePrice = this.results.sizing?.reference_price;
    const basePrice = limitPrice ?? (this.venueAttaches ? referencePrice : undefined);
    const attached: AttachedProtection =
      basePrice === undefined ? {} : this.attachedTriggers(instrument, leg, basePrice, plan, atrValue);
    if (limitPrice === undefined && (attached.sl !== undefined || attached.tp !== undefined)) {
      await this.audit(
        'protection_computed',
        'info',
        `Attached to the entry: ${[attached.sl && `stop-loss ${attached.sl}`, attached.tp && `take-profit ${attached.tp}`].filter(Boolean).join(', ')} from ${basePrice}`,
        { attached: true, referencePrice: basePrice, plan, atr: atrValue, ...attached },
      );
    }
    const sent = {
      ...request,
      ...(attached.sl !== undefined ? { attachedStopLoss: attached.sl } : {}),
      ...(attached.tp !== undefined ? { attachedTakeProfit: attached.tp } : {}),
    };
    const entry = await this.place('entry', entryKey, sent, () =>
      ctx.exchange.placeOrder({
        ...sent,
        ...(referencePrice !== undefined && limitPrice === undefined ? { referencePrice } : {}),
      }),
    );
    this.results.entry = summarizeOrder(entry);

    if (entry.status === 'rejected' || entry.status === 'canceled' || entry.status === 'expired') {
      throw ExecutorErrors.create('ENTRY_NOT_FILLED', {
        message: `The entry order was ${entry.status} by ${signal.exchange}`,
        details: { clientOrderId: entry.clientOrderId, status: entry.status },
      });
    }
    return { order: entry, attached };
  }

  /** A limit entry was accepted: done, resting or filled, with what was attached to it. */
  async limitPlaced(
    entry: Order,
    limitPrice: string | undefined,
    attached: AttachedProtection,
  ): Promise<ExecutionResult> {
    const { signal } = this;
    const legs = [
      attached.sl && `stop-loss ${attached.sl}`,
      attached.tp && `take-profit ${attached.tp}`,
    ].filter(Boolean);
    const trailing = this.signal.protection.trailing;
    if (trailing !== undefined) {
      // Nothing of ours runs when a resting limit fills later: no venue attaches a trailing stop to it.
      const message =
        'The alert states a trailing stop; it is placed after market entries only, not on a limit entry';
      this.addWarning(message);
      await this.audit('protection_skipped', 'warn', message, { kind: 'trailing', trailing });
    }
    const partials = this.signal.protection.partialTakeProfits;
    if (partials !== undefined) {
      // As the trailing stop: a partial's size is a share of the fill, and nothing of ours runs then.
      const message =
        'The alert states partial take-profits (tp1/tp2); they are placed after market entries only, not on a limit entry';
      this.addWarning(message);
      await this.audit('protection_skipped', 'warn', message, { kind: 'take_profit', partials });
    }
    return this.succeed(
      `${signal.action} order executed on ${signal.exchange}` +
        (entry.status === 'filled'
          ? ''
          : ` (limit order resting at ${limitPrice}${legs.length > 0 ? `, with ${legs.join(' and ')} attached` : ''})`),
    );
  }

  // ── Close (CLOSE_LONG / CLOSE_SHORT / CLOSE_ALL) ───────────────────────────────────────────

  async closeAction(legs: Leg[]): Promise<ExecutionResult> {
    const { signal } = this;
    await this.instrument();
    const mode = await this.positionMode();
    const closed: OrderSummary[] = [];
    const flat: Leg[] = [];
    for (const leg of legs) {
      const key = signal.action === 'CLOSE_ALL' ? this.key('close', leg) : this.key('close');
      const summary = await this.closeLeg(leg, 'close', mode, key);
      if (summary === null) flat.push(leg);
      else closed.push(summary);
    }
    if (closed.length > 0) this.results.closed = closed;
    if (closed.length === 0) {
      const which = legs.length === 2 ? 'open' : legs[0]?.toUpperCase();
      const message = `${signal.action} on ${signal.exchange}: no ${which} position on ${this.venueSymbol} to close; no order was sent`;
      await this.audit('close_skipped', 'info', message, { legs });
      return this.noop('NO_POSITION_TO_CLOSE', message);
    }
    return this.succeed(`${signal.action} order executed on ${signal.exchange}`);
  }

  // ── Account-wide (CLOSE_ALL / CANCEL_ORDERS with scope "account"; the open-positions cap) ──

  /** Refuses an entry that would open more positions than the account's `maxOpenPositions`. */
  async checkOpenPositionsCap(): Promise<void> {
    const max = this.ctx.account.settings.maxOpenPositions;
    if (max === undefined) return;
    // Other symbols' positions only: this symbol's position is reversed or absent (no pyramiding).
    const open = (await this.ctx.exchange.positions()).filter(
      (p) => p.venueSymbol !== this.venueSymbol && !isZeroQty(p.qty),
    );
    try {
      admitOpenPositions(new Set(open.map((p) => p.venueSymbol)).size, max);
    } catch (error) {
      await this.audit('entry_skipped', 'warn', describeError(error).message, { maxOpenPositions: max });
      throw error;
    }
  }

  /** The same signal acting on one symbol: its orders keyed `<key>:<symbol>:<role>`. */
  forSymbol(symbol: string): Execution {
    const signal: Signal = {
      ...this.signal,
      scope: 'symbol',
      symbol,
      sourceSymbol: symbol,
      idempotencyKey: `${this.signal.idempotencyKey}:${symbol}`,
    };
    return new Execution(signal, this.ctx, this.options, this.modes);
  }

  /** Symbols with an open position or an open order (account scope), else the signal's symbol. */
  async symbolsInPlay(): Promise<string[]> {
    if (this.signal.scope !== 'account') return [this.venueSymbol];
    const [positions, open] = await Promise.all([
      this.ctx.exchange.positions(),
      this.ctx.exchange.openOrders(),
    ]);
    const symbols = new Set([
      ...positions.filter((p) => !isZeroQty(p.qty)).map((p) => p.venueSymbol),
      ...open.map((o) => o.venueSymbol),
    ]);
    await this.audit('positions_read', 'info', 'Positions and open orders read (account-wide)', {
      positions: positions.map((p) => ({ symbol: p.venueSymbol, side: p.side, qty: p.qty })),
      openOrders: open.length,
    });
    return [...symbols].sort();
  }

  /** Cancels every open order of this execution's symbol (entries, SL/TP, conditionals). */
  async cancelEveryOrder(): Promise<void> {
    const exchange = this.ctx.exchange;
    const canceled: { order_id: string; client_order_id: string; type: string }[] = [];
    const algosCanceled = new Set<string>();
    for (const o of await exchange.openOrders(this.venueSymbol)) {
      // An OKX oco's two legs are one algo order: one cancel takes both.
      if (o.isAlgo && o.venueOrderId !== '' && algosCanceled.has(o.venueOrderId)) {
        canceled.push({ order_id: o.venueOrderId, client_order_id: o.clientOrderId, type: o.type });
        continue;
      }
      try {
        await exchange.cancelOrder(this.venueSymbol, {
          venueOrderId: o.venueOrderId,
          clientOrderId: o.clientOrderId,
          isAlgo: o.isAlgo,
        });
        if (o.isAlgo) algosCanceled.add(o.venueOrderId);
        canceled.push({ order_id: o.venueOrderId, client_order_id: o.clientOrderId, type: o.type });
      } catch (error) {
        if (ExchangeErrors.is(error, 'ORDER_NOT_FOUND')) continue;
        throw error;
      }
    }
    if (canceled.length === 0) return;
    (this.results.canceled ??= []).push(...canceled);
    await this.audit('orders_canceled', 'info', `Canceled ${canceled.length} open order(s)`, {
      orders: canceled,
    });
  }

  /**
   * Runs `step` on every symbol in play, each as its own sub-execution, gathering what they did;
   * a symbol that fails does not stop the others (the failures are reported together).
   */
  async eachSymbol(
    step: (sub: Execution) => Promise<void>,
  ): Promise<Array<{ symbol: string; error: string }>> {
    const failures: Array<{ symbol: string; error: string }> = [];
    for (const symbol of await this.symbolsInPlay()) {
      const sub = this.signal.scope === 'account' ? this.forSymbol(symbol) : this;
      try {
        await step(sub);
      } catch (error) {
        failures.push({ symbol, error: describeError(error).message });
      }
      if (sub === this) continue;
      if (sub.results.closed) (this.results.closed ??= []).push(...sub.results.closed);
      if (sub.results.canceled) (this.results.canceled ??= []).push(...sub.results.canceled);
    }
    return failures;
  }

  /** Flatten: on every symbol, every open order cancelled, then every position (both legs) closed. */
  async flattenAccount(): Promise<ExecutionResult> {
    const failures = await this.eachSymbol(async (sub) => {
      await sub.cancelEveryOrder();
      await sub.instrument();
      const mode = await sub.positionMode();
      for (const leg of ['long', 'short'] as const) {
        const summary = await sub.closeLeg(leg, 'close', mode, sub.key('close', leg));
        if (summary !== null) (sub.results.closed ??= []).push(summary);
      }
    });
    return this.accountWideOutcome('Flattened the account', failures);
  }

  /** Cancels every open order of the symbol, or of the account (scope "account"); positions stay. */
  async cancelOrdersAction(): Promise<ExecutionResult> {
    const failures = await this.eachSymbol((sub) => sub.cancelEveryOrder());
    return this.accountWideOutcome('Canceled the open orders', failures);
  }

  async accountWideOutcome(
    done: string,
    failures: Array<{ symbol: string; error: string }>,
  ): Promise<ExecutionResult> {
    const { signal } = this;
    const closed = this.results.closed?.length ?? 0;
    const canceled = this.results.canceled?.length ?? 0;
    if (failures.length > 0) {
      throw ExecutorErrors.create('ACCOUNT_ACTION_INCOMPLETE', {
        message: `${done} only in part on ${signal.exchange}: ${failures.map((f) => `${f.symbol}: ${f.error}`).join('; ')}`,
        details: { failures, closed, canceled },
      });
    }
    if (closed === 0 && canceled === 0) {
      const message = `${signal.action} on ${signal.exchange}: nothing open${signal.scope === 'account' ? ' on the account' : ` on ${this.venueSymbol}`}; no order was sent`;
      await this.audit('close_skipped', 'info', message, {});
      return this.noop(
        signal.action === 'CANCEL_ORDERS' ? 'NO_OPEN_ORDERS' : 'NO_POSITION_TO_CLOSE',
        message,
      );
    }
    return this.succeed(
      `${done} on ${signal.exchange}: ${closed} position(s) closed, ${canceled} order(s) canceled`,
    );
  }
}

const isZeroQty = (qty: string) => /^[-+]?0*(\.0*)?$/.test(qty.trim());

/** The account's default entry size: fixed USDT margin when set, else percent of the available balance. */
function defaultSizing(settings: ExecutionContext['account']['settings']): Signal['sizing'] & object {
  if (settings.defaultSizeUsdt !== undefined) return { kind: 'usdt', margin: settings.defaultSizeUsdt };
  return { kind: 'pct', pct: String(settings.defaultSizePct ?? DEFAULT_SIZE_PCT) };
}

export { findLeg } from './legs.ts';
