import {
  ExchangeDecimal as D,
  supportsTrailingStop,
  TRAILING_CALLBACK_RULES,
  type Instrument,
  type Order,
  type PositionMode,
} from '@tradingbot/exchange';
import { ExecutorErrors } from './errors.ts';
import { VenueCalls } from './execution-venue.ts';
import {
  DEFAULT_ATR_PERIOD,
  partialTakeProfitQty,
  type PartialTakeProfitRule,
  DEFAULT_ATR_TIMEFRAME,
  protectionPrice,
  resolveProtectionPlan,
  trailingStopPlan,
  type Leg,
  type ProtectionPlan,
  type ProtectionRule,
  type TrailingRule,
} from './protection.ts';
import { describeError, summarizeOrder, type ExecutionResult, type ProtectionSummary } from './result.ts';

/** One protective order to place: its kind, its role (`sl`, `tp`, `tp1`, `tp2`), its rule; a partial's quantity. */
export type ProtectiveLeg = {
  kind: 'stop_loss' | 'take_profit';
  role: 'sl' | 'tp' | 'tp1' | 'tp2';
  rule: ProtectionRule;
  qty?: string;
  qtyPct?: number;
};

/**
 * The protection planning of one execution: the stop-loss / take-profit plan, the ATR it reads,
 * placing SL then TP once the entry is filled, and what happens when the stop cannot be placed.
 */
export class ProtectionSteps extends VenueCalls {
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
    return this.readAtr(timeframe, period);
  }

  basis(rule: ProtectionRule, atrValue: number | undefined): ProtectionSummary['basis'] {
    if (rule.kind === 'pct') return { kind: 'pct', pct: rule.pct, source: rule.source };
    const { period, timeframe } = this.atrSpec();
    return {
      kind: 'atr',
      multiplier: rule.multiplier,
      atr: new D(atrValue ?? 0).toFixed(),
      period,
      timeframe,
      source: rule.source,
    };
  }

  /**
   * Places SL then TP for the position just opened; handles a stop that cannot be placed. Warm (fresh
   * keys, nothing to look up): both are sent at once, so the stop rests one round trip after the fill.
   */
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
    if (plan.stopLoss === undefined && this.results.stop_loss === undefined) {
      await this.audit(
        'protection_skipped',
        'warn',
        'No stop-loss: the alert or the account states none (sl_atr = 0)',
        {},
      );
    }
    const legs: ProtectiveLeg[] = [];
    if (plan.stopLoss !== undefined) legs.push({ kind: 'stop_loss', role: 'sl', rule: plan.stopLoss });
    if (plan.takeProfit !== undefined) legs.push({ kind: 'take_profit', role: 'tp', rule: plan.takeProfit });
    if (plan.partialTakeProfits !== undefined)
      legs.push(...(await this.partialLegs(plan.partialTakeProfits, instrument, leg, mode)));
    const place = (entry: ProtectiveLeg) =>
      this.placeOneProtection(
        entry.kind,
        entry.rule,
        leg,
        mode,
        instrument,
        atrValue,
        entryPrice,
        entry,
      ).then(
        () => undefined,
        (error: unknown) => ({ role: entry.role, error }),
      );
    const failures = this.keysAreFresh
      ? await Promise.all(legs.map((entry) => place(entry)))
      : await legs.reduce<Promise<({ role: string; error: unknown } | undefined)[]>>(
          // Sequential, as before: no take-profit after a stop-loss that failed (the position is closed).
          async (done, entry) => {
            const previous = await done;
            if (previous.some((f) => f?.role === 'sl')) return previous;
            return [...previous, await place(entry)];
          },
          Promise.resolve([]),
        );
    const stopFailure = failures.find((f) => f?.role === 'sl');
    for (const failure of failures) {
      if (failure === undefined || failure.role === 'sl') continue;
      // The stop is in place: a missing take-profit is a warning, not a reason to flatten.
      const described = describeError(failure.error);
      const what = failure.role === 'tp' ? 'The take-profit' : `The partial take-profit ${failure.role}`;
      const message = `${what} could not be placed: ${described.message}`;
      if (plan.partialTakeProfits === undefined) this.warning = message;
      else this.addWarning(message);
      await this.audit('protection_failed', 'warn', message, {
        kind: 'take_profit',
        ...(failure.role === 'tp' ? {} : { role: failure.role }),
        error: described,
      });
    }
    if (stopFailure !== undefined) return this.stopLossFailed(leg, mode, stopFailure.error, executed);
    if (plan.trailing !== undefined)
      await this.trail(plan.trailing, leg, mode, instrument, atrValue, entryPrice);
    return this.succeed(executed);
  }

  /**
   * Places the alert's trailing stop once the stop-loss rests (never on a position being flattened).
   * What it could not place is a warning, as for the take-profit: the stop-loss protects the position.
   * A venue without trailing stops says so (TRAILING_STOP_UNSUPPORTED), before anything is sent.
   */
  async trail(
    rule: TrailingRule,
    leg: Leg,
    mode: PositionMode,
    instrument: Instrument,
    atrValue: number | undefined,
    entryPrice: string,
  ): Promise<void> {
    // The venue that places it: a paper account's client is the paper venue whatever the alert names.
    const venue = this.ctx.exchange.id;
    const unit = rule.unit === 'atr' ? 'ATR' : '%';
    if (!supportsTrailingStop(venue)) {
      // Said, not silently dropped: the backtest and the script trail, this venue's order is not ours yet.
      const message = `The alert states a trailing stop (offset ${rule.offset} ${unit}); trailing stops are not placed on ${venue} yet, only the stop-loss and take-profit`;
      this.addWarning(message);
      await this.audit('protection_skipped', 'warn', message, { kind: 'trailing', trailing: rule });
      return;
    }
    const computed = trailingStopPlan(venue, instrument, leg, entryPrice, rule, atrValue);
    await this.audit(
      'protection_computed',
      computed.clamped ? 'warn' : 'info',
      `trailing stop ${computed.pct} % from the best price` +
        (computed.activationPrice !== undefined ? `, active from ${computed.activationPrice}` : '') +
        ` (entry ${entryPrice})`,
      { kind: 'trailing', entryPrice, rule, atr: atrValue, ...computed },
    );
    if (computed.clamped) {
      const range = TRAILING_CALLBACK_RULES[venue];
      this.addWarning(
        `The trailing offset (${rule.offset} ${unit} = ${computed.requestedPct} % of the entry) is outside ${venue}'s ` +
          `range ${range?.minPct}–${range?.maxPct} %: the trailing stop was placed at ${computed.pct} %`,
      );
    }
    try {
      const placed = await this.placeTrailingOrActive(leg, mode, instrument, computed);
      const { order, reused, attempts } = placed;
      if (placed.activeNow) delete computed.activationPrice;
      this.results.trailing_stop = {
        ...summarizeOrder(order, reused),
        basis: {
          unit: rule.unit,
          offset: rule.offset,
          activation: rule.activation,
          ...(atrValue !== undefined && rule.unit === 'atr' ? { atr: new D(atrValue).toFixed() } : {}),
          source: 'alert',
        },
        requested_callback_rate_pct: computed.requestedPct,
        callback_rate_pct: computed.pct,
        clamped: computed.clamped,
        ...(computed.activationPrice !== undefined ? { activation_price: computed.activationPrice } : {}),
        reference_price: entryPrice,
        attempts,
      };
    } catch (error) {
      const described = describeError(error);
      this.addWarning(`The trailing stop could not be placed: ${described.message}`);
      await this.audit(
        'protection_failed',
        'warn',
        `The trailing stop could not be placed: ${described.message}`,
        {
          kind: 'trailing',
          error: described,
        },
      );
    }
  }

  /**
   * Places the trailing stop; when the venue refuses its activation price because the market is
   * already past it (Binance -2021: a sell's must lie above the price), the activation has happened:
   * placed again without one, so it trails from now, as the script's trailing starts once reached.
   */
  async placeTrailingOrActive(
    leg: Leg,
    mode: PositionMode,
    instrument: Instrument,
    computed: { pct: string; activationPrice?: string },
  ): Promise<{ order: Order; reused: boolean; attempts: number; activeNow: boolean }> {
    try {
      return { ...(await this.placeTrailing(leg, mode, instrument, computed)), activeNow: false };
    } catch (error) {
      const activation = computed.activationPrice;
      if (activation === undefined) throw error;
      const market = await this.ctx.exchange
        .ticker(this.venueSymbol)
        .then((t) => t.price)
        .catch(() => undefined);
      const reached =
        market !== undefined &&
        (leg === 'long' ? new D(market).gte(activation) : new D(market).lte(activation));
      if (!reached) throw error;
      await this.audit(
        'protection_retry',
        'warn',
        `The market (${market}) is already past the trailing stop's activation (${activation}): placed to trail from now`,
        { role: 'trail', market, activationPrice: activation, error: describeError(error) },
      );
      const placed = await this.placeTrailing(leg, mode, instrument, { pct: computed.pct });
      return { ...placed, attempts: placed.attempts + 1, activeNow: true };
    }
  }

  /**
   * The partial take-profits to place: each `qtyPct` % of the entry's filled quantity (else of the
   * position), rounded down to the step. One that rounds below the minimum order quantity is skipped
   * with a warning: the last take-profit and the stop-loss still close the whole position.
   */
  async partialLegs(
    partials: readonly PartialTakeProfitRule[],
    instrument: Instrument,
    leg: Leg,
    mode: PositionMode,
  ): Promise<ProtectiveLeg[]> {
    let entryQty: string;
    try {
      entryQty = await this.trailingQty(instrument, leg, mode);
    } catch (error) {
      // Never a reason to hold back the stop-loss: the partials are left out, said so.
      const message = `The partial take-profits were not placed: the entry's quantity is unknown (${describeError(error).message})`;
      this.addWarning(message);
      await this.audit('protection_skipped', 'warn', message, {
        kind: 'take_profit',
        error: describeError(error),
      });
      return [];
    }
    const legs: ProtectiveLeg[] = [];
    for (const partial of partials) {
      const qty = partialTakeProfitQty(instrument, entryQty, partial.qtyPct);
      if (qty === undefined) {
        const message =
          `The partial take-profit ${partial.role} (${partial.qtyPct} % of ${entryQty}) is below the minimum ` +
          `order quantity ${instrument.minQty} once rounded down to the step ${instrument.stepSize}: not placed; ` +
          'the last take-profit closes the whole position';
        this.addWarning(message);
        await this.audit('protection_skipped', 'warn', message, {
          kind: 'take_profit',
          role: partial.role,
          entryQty,
          qtyPct: partial.qtyPct,
        });
        continue;
      }
      legs.push({ kind: 'take_profit', role: partial.role, rule: partial, qty, qtyPct: partial.qtyPct });
    }
    return legs;
  }

  /** One more thing the user must know: warnings of one execution are joined, none is lost. */
  addWarning(message: string): void {
    this.warning = this.warning === undefined ? message : `${this.warning}; ${message}`;
  }

  /** Computes, audits and places one protective order; its summary goes into the results. */
  async placeOneProtection(
    kind: 'stop_loss' | 'take_profit',
    rule: ProtectionRule,
    leg: Leg,
    mode: PositionMode,
    instrument: Instrument,
    atrValue: number | undefined,
    entryPrice: string,
    partial?: ProtectiveLeg,
  ): Promise<void> {
    const computed = protectionPrice(instrument, kind, leg, entryPrice, rule, atrValue);
    const part = partial?.qty !== undefined ? { role: partial.role, qty: partial.qty } : {};
    await this.audit(
      'protection_computed',
      'info',
      `${partial?.qty !== undefined ? `${partial.role} ${partial.qty} at ` : `${kind} `}${computed?.price ?? 'n/a'} from entry ${entryPrice}`,
      {
        kind,
        entryPrice,
        rule,
        atr: atrValue,
        ...part,
        ...computed,
      },
    );
    if (computed === undefined) {
      throw ExecutorErrors.create('INVALID_SIGNAL', {
        message: `The ${kind === 'stop_loss' ? 'stop-loss' : 'take-profit'} distance is larger than the price`,
      });
    }
    const role = partial?.role ?? (kind === 'stop_loss' ? 'sl' : 'tp');
    const { order, attempts } = await this.placeProtective(
      kind,
      leg,
      mode,
      computed.price,
      this.key(role),
      partial?.qty !== undefined ? { role, qty: partial.qty } : undefined,
    );
    const summary: ProtectionSummary = {
      ...summarizeOrder(order.order, order.reused),
      basis: this.basis(rule, atrValue),
      reference_price: entryPrice,
      attempts,
    };
    summary.trigger_price ??= computed.price;
    if ((role === 'tp1' || role === 'tp2') && partial?.qtyPct !== undefined) {
      const list = (this.results.partial_take_profits ??= []);
      list.push({ ...summary, role, qty_pct: partial.qtyPct });
      list.sort((a, b) => a.role.localeCompare(b.role));
    } else if (kind === 'stop_loss') this.results.stop_loss = summary;
    else this.results.take_profit = summary;
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
}
