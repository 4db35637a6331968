import { isAppError, type AppError } from '@tradingbot/core';
import {
  ExchangeDecimal as D,
  ExchangeErrors,
  prepareOrderPrice,
  roundPrice,
  type Instrument,
  type MarginMode,
  type Order,
  type OrderSide,
  type Position,
  type PositionMode,
  type PositionSide,
} from '@tradingbot/exchange';
import { admitSignal } from './admission.ts';
import { ExecutorErrors } from './errors.ts';
import type { AuditEvent, AuditEventType, ExecutionContext, OrderRecord, OrderRole } from './ports.ts';
import {
  DEFAULT_ATR_PERIOD,
  DEFAULT_ATR_TIMEFRAME,
  fetchAtr,
  planNeedsAtr,
  protectionPrice,
  resolveProtectionPlan,
  triggerAlreadyCrossed,
  type Leg,
  type ProtectionPlan,
  type ProtectionRule,
} from './protection.ts';
import {
  describeError,
  failureMessage,
  summarizeOrder,
  type ExecutionResult,
  type ExecutionResults,
  type OrderSummary,
  type ProtectionSummary,
} from './result.ts';
import { DEFAULT_SIZE_PCT, computeEntrySize } from './sizing.ts';
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
  /** Injected for tests. */
  sleep?: (ms: number) => Promise<void>;
};

type ResolvedOptions = Required<Omit<OrderExecutorOptions, 'sleep'>> & {
  sleep: (ms: number) => Promise<void>;
};

const FILLED_OR_LIVE: ReadonlySet<Order['status']> = new Set([
  'new',
  'partially_filled',
  'filled',
  'unknown',
]);

/**
 * Turns a Signal into orders on one exchange account (the seed's `OrderExecutor.execute_signal`).
 *
 * - LONG / SHORT: open a position sized from the AVAILABLE balance (default 10% × leverage ÷ price,
 *   rounded down to the step), after closing an opposite one (close-then-open, also in hedge mode,
 *   as the Pine strategy reverses). A signal in the direction already held is a no-op
 *   (ALREADY_IN_POSITION, like `pyramiding = 0` in our Pine export). Leverage is set per symbol and
 *   remembered (LeverageCache). Then a stop-loss (default 2 × ATR(14) of the venue's closed klines on
 *   the signal's timeframe) and, when configured, a take-profit, measured from the actual fill price.
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
  readonly #modes = new Map<string, { mode: PositionMode; at: number }>();

  constructor(options: OrderExecutorOptions = {}) {
    this.#options = {
      protectionAttempts: options.protectionAttempts ?? 3,
      protectionBackoffMs: options.protectionBackoffMs ?? 500,
      closeOnProtectionFailure: options.closeOnProtectionFailure ?? true,
      positionModeTtlMs: options.positionModeTtlMs ?? 5 * 60 * 1000,
      fillPollAttempts: options.fillPollAttempts ?? 3,
      fillPollIntervalMs: options.fillPollIntervalMs ?? 300,
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

/** The state of one `executeSignal` call. */
class Execution {
  readonly results: ExecutionResults = {};
  warning: string | undefined;
  instrumentCache: Instrument | undefined;

  constructor(
    readonly signal: Signal,
    readonly ctx: ExecutionContext,
    readonly options: ResolvedOptions,
    readonly modes: Map<string, { mode: PositionMode; at: number }>,
  ) {}

  get venueSymbol(): string {
    return this.signal.symbol;
  }

  get marginMode(): MarginMode {
    return this.signal.marginMode ?? this.ctx.account.settings.marginMode ?? 'cross';
  }

  key(role: OrderRole, leg?: Leg): string {
    return leg === undefined
      ? `${this.signal.idempotencyKey}:${role}`
      : `${this.signal.idempotencyKey}:${role}:${leg}`;
  }

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
        return this.closeAction(['long', 'short']);
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
    const { ctx, signal } = this;
    const exchange = ctx.exchange;
    const instrument = await this.instrument();
    const mode = await this.positionMode();
    const entryKey = this.key('entry');

    // A previous run of this signal may already have placed the entry: never place it twice.
    const existing = await exchange.orderByIdempotencyKey(this.venueSymbol, entryKey);
    if (existing !== null) {
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
        const atrValue = planNeedsAtr(plan) ? await this.atr() : undefined;
        const positions = await exchange.positions(this.venueSymbol);
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
        return this.protect(leg, mode, instrument, plan, atrValue, fillPrice(existing, position));
      }
      return this.succeed(`${signal.action} order executed on ${signal.exchange}`);
    }

    const positions = await exchange.positions(this.venueSymbol);
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
    const plan = this.protectionPlan();
    const atrValue = planNeedsAtr(plan) ? await this.atr() : undefined;
    let limitPrice: string | undefined;
    if (signal.orderType === 'limit') {
      if (signal.price === undefined)
        throw ExecutorErrors.create('INVALID_SIGNAL', { message: 'A limit order needs "price"' });
      // The user's limit price is put on the grid on the conservative side (never a worse fill).
      limitPrice = prepareOrderPrice(
        instrument,
        roundPrice(instrument, signal.price, leg === 'long' ? 'down' : 'up'),
      );
    }
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

    const [balance, reference] = await Promise.all([
      exchange.balance(instrument.quote),
      limitPrice !== undefined
        ? Promise.resolve(limitPrice)
        : exchange.ticker(this.venueSymbol).then((t) => t.price),
    ]);
    let sizing;
    try {
      sizing = computeEntrySize({
        instrument,
        balance,
        leverage,
        referencePrice: reference,
        ...(limitPrice !== undefined ? { limitPrice } : {}),
        sizing: signal.sizing ?? {
          kind: 'pct',
          pct: String(ctx.account.settings.defaultSizePct ?? DEFAULT_SIZE_PCT),
        },
      });
    } catch (error) {
      await this.audit('sizing_rejected', 'warn', describeError(error).message, {
        error: describeError(error),
      });
      throw error;
    }
    this.results.sizing = sizing;
    await this.audit('sizing_computed', 'info', `Entry size ${sizing.qty} ${instrument.base}`, { ...sizing });

    const side: OrderSide = leg === 'long' ? 'buy' : 'sell';
    const positionSide: PositionSide = mode === 'hedge' ? leg : 'net';
    const request = {
      venueSymbol: this.venueSymbol,
      side,
      type: signal.orderType,
      qty: sizing.qty,
      positionSide,
      marginMode: this.marginMode,
      idempotencyKey: entryKey,
      ...(limitPrice !== undefined ? { price: limitPrice } : {}),
    } as const;

    // A limit entry rests: its protection is computed from the limit price and attached to it.
    let attached: { sl?: string; tp?: string } = {};
    if (limitPrice !== undefined) {
      const sl =
        plan.stopLoss && protectionPrice(instrument, 'stop_loss', leg, limitPrice, plan.stopLoss, atrValue);
      const tp =
        plan.takeProfit &&
        protectionPrice(instrument, 'take_profit', leg, limitPrice, plan.takeProfit, atrValue);
      attached = { ...(sl ? { sl: sl.price } : {}), ...(tp ? { tp: tp.price } : {}) };
    }
    const entry = await this.place('entry', entryKey, request, () =>
      exchange.placeOrder({
        ...request,
        ...(attached.sl !== undefined ? { attachedStopLoss: attached.sl } : {}),
        ...(attached.tp !== undefined ? { attachedTakeProfit: attached.tp } : {}),
      }),
    );
    this.results.entry = summarizeOrder(entry);

    if (entry.status === 'rejected' || entry.status === 'canceled' || entry.status === 'expired') {
      throw ExecutorErrors.create('ENTRY_NOT_FILLED', {
        message: `The entry order was ${entry.status} by ${signal.exchange}`,
        details: { clientOrderId: entry.clientOrderId, status: entry.status },
      });
    }
    if (signal.orderType === 'limit') {
      const legs = [
        attached.sl && `stop-loss ${attached.sl}`,
        attached.tp && `take-profit ${attached.tp}`,
      ].filter(Boolean);
      return this.succeed(
        `${signal.action} order executed on ${signal.exchange}` +
          (entry.status === 'filled'
            ? ''
            : ` (limit order resting at ${limitPrice}${legs.length > 0 ? `, with ${legs.join(' and ')} attached` : ''})`),
      );
    }

    const filled = await this.awaitFill(entry, leg, mode);
    return this.protect(leg, mode, instrument, plan, atrValue, filled);
  }

  /** The price the market entry filled at: the order's average, else the position's entry price. */
  async awaitFill(entry: Order, leg: Leg, mode: PositionMode): Promise<string> {
    let order = entry;
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

  // ── Protection ──────────────────────────────────────────────────────────────────────────────

  protectionPlan(): ProtectionPlan {
    return resolveProtectionPlan(this.signal.protection, this.ctx.account.settings);
  }

  atrSpec(): { period: number; timeframe: string } {
    const s = this.ctx.account.settings;
    return {
      period: s.atrPeriod ?? DEFAULT_ATR_PERIOD,
      timeframe: this.signal.timeframe ?? s.atrTimeframe ?? DEFAULT_ATR_TIMEFRAME,
    };
  }

  async atr(): Promise<number> {
    const { period, timeframe } = this.atrSpec();
    return fetchAtr(this.ctx.exchange, this.venueSymbol, timeframe, period);
  }

  basis(rule: ProtectionRule, atrValue: number | undefined): ProtectionSummary['basis'] {
    if (rule.kind === 'pct') return { kind: 'pct', pct: rule.pct };
    const { period, timeframe } = this.atrSpec();
    return {
      kind: 'atr',
      multiplier: rule.multiplier,
      atr: new D(atrValue ?? 0).toFixed(),
      period,
      timeframe,
    };
  }

  /** Places SL then TP for the position just opened; handles a stop that cannot be placed. */
  async protect(
    leg: Leg,
    mode: PositionMode,
    instrument: Instrument,
    plan: ProtectionPlan,
    atrValue: number | undefined,
    entryPrice: string,
  ): Promise<ExecutionResult> {
    const { signal } = this;
    const executed = `${signal.action} order executed on ${signal.exchange}`;
    const legs: ['stop_loss' | 'take_profit', ProtectionRule | undefined][] = [
      ['stop_loss', plan.stopLoss],
      ['take_profit', plan.takeProfit],
    ];
    for (const [kind, rule] of legs) {
      if (rule === undefined) {
        if (kind === 'stop_loss') {
          await this.audit('protection_skipped', 'warn', 'No stop-loss configured (slAtr = 0)', {});
        }
        continue;
      }
      const computed = protectionPrice(instrument, kind, leg, entryPrice, rule, atrValue);
      await this.audit(
        'protection_computed',
        'info',
        `${kind} ${computed?.price ?? 'n/a'} from entry ${entryPrice}`,
        {
          kind,
          entryPrice,
          rule,
          atr: atrValue,
          ...computed,
        },
      );
      const role = kind === 'stop_loss' ? 'sl' : 'tp';
      try {
        if (computed === undefined) {
          throw ExecutorErrors.create('INVALID_SIGNAL', {
            message: `The ${kind === 'stop_loss' ? 'stop-loss' : 'take-profit'} distance is larger than the price`,
          });
        }
        const { order, attempts } = await this.placeProtective(
          kind,
          leg,
          mode,
          computed.price,
          this.key(role),
        );
        const summary: ProtectionSummary = {
          ...summarizeOrder(order.order, order.reused),
          basis: this.basis(rule, atrValue),
          reference_price: entryPrice,
          attempts,
        };
        summary.trigger_price ??= computed.price;
        if (kind === 'stop_loss') this.results.stop_loss = summary;
        else this.results.take_profit = summary;
      } catch (error) {
        const described = describeError(error);
        if (kind === 'take_profit') {
          // The stop is in place: a missing take-profit is a warning, not a reason to flatten.
          this.warning = `The take-profit could not be placed: ${described.message}`;
          await this.audit('protection_failed', 'warn', this.warning, { kind, error: described });
          continue;
        }
        return this.stopLossFailed(leg, mode, error, executed);
      }
    }
    return this.succeed(executed);
  }

  /**
   * Places one protective order, retrying (attempts with back-off). Before each attempt the order is
   * looked up by its key (an earlier attempt or run may have placed it). Between attempts the market
   * price is read again: once the trigger is on the wrong side, placing it is pointless.
   */
  async placeProtective(
    kind: 'stop_loss' | 'take_profit',
    leg: Leg,
    mode: PositionMode,
    triggerPrice: string,
    key: string,
  ): Promise<{ order: { order: Order; reused: boolean }; attempts: number }> {
    const exchange = this.ctx.exchange;
    const role: OrderRole = kind === 'stop_loss' ? 'sl' : 'tp';
    const request = {
      venueSymbol: this.venueSymbol,
      kind,
      side: (leg === 'long' ? 'sell' : 'buy') as OrderSide,
      positionSide: (mode === 'hedge' ? leg : 'net') as PositionSide,
      triggerPrice,
      marginMode: this.marginMode,
      idempotencyKey: key,
    };
    let lastError: unknown;
    const attempts = Math.max(1, this.options.protectionAttempts);
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const existing = await exchange.orderByIdempotencyKey(this.venueSymbol, key).catch(() => null);
      if (existing !== null && FILLED_OR_LIVE.has(existing.status)) {
        await this.record(role, key, 'existing', request, { order: existing, attempt });
        await this.audit('order_found', 'info', `${kind} ${existing.clientOrderId} already on the venue`, {
          role,
        });
        return { order: { order: existing, reused: true }, attempts: attempt };
      }
      try {
        const order = await exchange.placeConditional(request);
        await this.record(role, key, 'placed', request, { order, attempt });
        await this.audit('protection_placed', 'info', `${kind} placed at ${triggerPrice}`, {
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

  async stopLossFailed(
    leg: Leg,
    mode: PositionMode,
    error: unknown,
    executed: string,
  ): Promise<ExecutionResult> {
    const { signal } = this;
    const cause = describeError(error);
    await this.audit('protection_failed', 'error', `Stop-loss could not be placed: ${cause.message}`, {
      kind: 'stop_loss',
      error: cause,
      closeOnProtectionFailure: this.options.closeOnProtectionFailure,
    });
    this.ctx.logger?.error('stop-loss could not be placed', {
      accountId: this.ctx.account.id,
      venueSymbol: this.venueSymbol,
      signalKey: signal.idempotencyKey,
      error: cause,
    });
    let outcome: string;
    if (this.options.closeOnProtectionFailure) {
      try {
        const closed = await this.closeLeg(leg, 'protect-close', mode, this.key('protect-close'));
        if (closed !== null) this.results.flattened = closed;
        outcome = 'the position was closed because it could not be protected';
        await this.audit('position_flattened', 'warn', 'Position closed: its stop-loss could not be placed', {
          order: closed,
        });
      } catch (closeError) {
        const c = describeError(closeError);
        outcome = `closing the position also failed (${c.message}): the position is OPEN WITHOUT A STOP-LOSS — close it by hand`;
        await this.audit('protection_failed', 'error', outcome, { error: c });
      }
    } else {
      outcome = 'the position is OPEN WITHOUT A STOP-LOSS (closeOnProtectionFailure is off)';
    }
    const err = ExecutorErrors.create('PROTECTION_FAILED', {
      message: `${executed}, but the stop-loss could not be placed (${cause.message}); ${outcome}`,
      details: { cause, flattened: this.results.flattened !== undefined },
    });
    this.warning = err.message;
    return this.result(false, err.message, { error: err });
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

  /**
   * Closes one leg: looks the close up by its key first (a previous run may have sent it), cancels
   * the leg's resting reduce-only orders (SL/TP) BEFORE closing, then closes through the venue's
   * close-position. Returns null when there is no such position (nothing is sent).
   */
  async closeLeg(leg: Leg, role: OrderRole, mode: PositionMode, key: string): Promise<OrderSummary | null> {
    const exchange = this.ctx.exchange;
    const existing = await exchange.orderByIdempotencyKey(this.venueSymbol, key);
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
    const position = findLeg(await exchange.positions(this.venueSymbol), leg, mode);
    // Resting SL/TP of a closed position are orphans either way: cancel them.
    await this.cancelClosingOrders(leg, mode);
    if (position === undefined) return null;
    // Hedge: the leg. One-way: 'net', as the interface asks; the direction was checked above
    // (findLeg) and signals of one account run one at a time, so the net position is this leg.
    const positionSide: PositionSide = mode === 'hedge' ? leg : 'net';
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
   * Cancels the resting orders that would close `leg`: in hedge mode the orders on that position side
   * that reduce it; in one-way mode the reduce-only (and close-position) orders on the closing side.
   * Entry orders and the other leg's orders are left alone.
   */
  async cancelClosingOrders(leg: Leg, mode: PositionMode): Promise<void> {
    const exchange = this.ctx.exchange;
    const closeSide: OrderSide = leg === 'long' ? 'sell' : 'buy';
    const open = await exchange.openOrders(this.venueSymbol);
    const targets = open.filter(
      (o) =>
        o.side === closeSide &&
        (mode === 'hedge' ? o.positionSide === leg : o.reduceOnly && o.positionSide !== oppositeOf(leg)),
    );
    const canceled: { order_id: string; client_order_id: string; type: string }[] = [];
    for (const o of targets) {
      try {
        await exchange.cancelOrder(this.venueSymbol, {
          venueOrderId: o.venueOrderId,
          clientOrderId: o.clientOrderId,
          isAlgo: o.isAlgo,
        });
        canceled.push({ order_id: o.venueOrderId, client_order_id: o.clientOrderId, type: o.type });
      } catch (error) {
        if (ExchangeErrors.is(error, 'ORDER_NOT_FOUND')) continue;
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

  // ── Leverage, position mode, instrument ─────────────────────────────────────────────────────

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

  async positionMode(): Promise<PositionMode> {
    const { ctx } = this;
    const cached = this.modes.get(ctx.account.id);
    if (cached !== undefined && ctx.now() - cached.at < this.options.positionModeTtlMs) return cached.mode;
    const mode = await ctx.exchange.positionMode();
    this.modes.set(ctx.account.id, { mode, at: ctx.now() });
    await this.audit('position_mode', 'info', `Position mode ${mode}`, { positionMode: mode });
    return mode;
  }

  async instrument(): Promise<Instrument> {
    this.instrumentCache ??= await this.ctx.exchange.instrument(this.venueSymbol);
    return this.instrumentCache;
  }

  // ── Placing, recording, auditing ────────────────────────────────────────────────────────────

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
    try {
      const order = await send();
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

  async record(
    role: OrderRole,
    idempotencyKey: string,
    status: OrderRecord['status'],
    request: Record<string, unknown>,
    extra: { order?: Order; error?: OrderRecord['error']; attempt?: number },
  ): Promise<void> {
    const { ctx, signal } = this;
    const record: OrderRecord = {
      accountId: ctx.account.id,
      exchange: signal.exchange,
      signalKey: signal.idempotencyKey,
      role,
      idempotencyKey,
      venueSymbol: this.venueSymbol,
      status,
      request,
      at: ctx.now(),
      ...extra,
    };
    try {
      await ctx.recordOrder(record);
    } catch (error) {
      // The order exists on the venue whatever the database says; losing the row must not stop the
      // stop-loss from being placed. The failure is logged and audited.
      ctx.logger?.error('recordOrder failed', { idempotencyKey, error: describeError(error) });
      await this.audit('port_failed', 'error', 'Recording an order failed', {
        idempotencyKey,
        error: describeError(error),
      });
    }
  }

  async audit(
    type: AuditEventType,
    level: AuditEvent['level'],
    message: string,
    data: Record<string, unknown>,
  ): Promise<void> {
    const { ctx, signal } = this;
    const event: AuditEvent = {
      type,
      level,
      message,
      accountId: ctx.account.id,
      exchange: signal.exchange,
      signalKey: signal.idempotencyKey,
      venueSymbol: signal.symbol,
      action: signal.action,
      at: ctx.now(),
      data,
    };
    try {
      await ctx.audit(event);
    } catch (error) {
      ctx.logger?.error('audit failed', { type, error: describeError(error) });
    }
  }

  // ── Results ─────────────────────────────────────────────────────────────────────────────────

  result(
    success: boolean,
    message: string,
    extra: { code?: string; error?: AppError } = {},
  ): ExecutionResult {
    const { signal } = this;
    const result: ExecutionResult = {
      success,
      message,
      idempotency_key: signal.idempotencyKey,
      order_details: {
        exchange: signal.exchange,
        action: signal.action,
        symbol: signal.symbol,
        results: this.results,
      },
    };
    if (extra.error !== undefined) {
      const e = describeError(extra.error);
      result.code = e.code;
      result.error = e;
    } else if (extra.code !== undefined) {
      result.code = extra.code;
    }
    if (this.warning !== undefined) result.warning = this.warning;
    return result;
  }

  async succeed(message: string): Promise<ExecutionResult> {
    await this.audit('execution_completed', this.warning === undefined ? 'info' : 'warn', message, {
      results: this.results,
      warning: this.warning,
    });
    return this.result(true, message);
  }

  /** A signal deliberately not executed (already in position, nothing to close): success, with a code. */
  noop(code: 'ALREADY_IN_POSITION' | 'NO_POSITION_TO_CLOSE', message: string): ExecutionResult {
    return this.result(true, message, { code });
  }

  async fail(error: unknown): Promise<ExecutionResult> {
    const described = describeError(error);
    const message = failureMessage(this.signal.action, this.signal.exchange, described);
    if (!isAppError(error))
      this.ctx.logger?.error('executeSignal failed unexpectedly', { error: String(error) });
    await this.audit('execution_failed', 'error', message, { error: described, results: this.results });
    const result = this.result(false, message);
    result.code = described.code;
    result.error = described;
    return result;
  }
}

function abs(qty: string): string {
  return new D(qty).abs().toFixed();
}

function oppositeOf(leg: Leg): Leg {
  return leg === 'long' ? 'short' : 'long';
}

/**
 * The open position on `leg`: in hedge mode the leg's own row; in one-way mode the net row whose
 * sign matches (positive = long).
 */
export function findLeg(positions: readonly Position[], leg: Leg, mode: PositionMode): Position | undefined {
  return positions.find((p) => {
    const q = new D(p.qty);
    if (q.isZero()) return false;
    if (mode === 'hedge' && p.side !== 'net') return p.side === leg;
    return leg === 'long' ? q.isPositive() : q.isNegative();
  });
}

function fillPrice(order: Order, position: Position | undefined): string {
  if (order.avgPrice !== undefined && new D(order.avgPrice).gt(0)) return order.avgPrice;
  if (position !== undefined && new D(position.entryPrice).gt(0)) return position.entryPrice;
  if (order.price !== undefined && new D(order.price).gt(0)) return order.price;
  throw ExecutorErrors.create('ENTRY_NOT_FILLED', { message: 'The entry fill price is unknown' });
}
