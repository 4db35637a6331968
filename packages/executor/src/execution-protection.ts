import { ExchangeDecimal as D, type Instrument, type PositionMode } from '@tradingbot/exchange';
import { ExecutorErrors } from './errors.ts';
import { VenueCalls } from './execution-venue.ts';
import {
  DEFAULT_ATR_PERIOD,
  DEFAULT_ATR_TIMEFRAME,
  fetchAtr,
  protectionPrice,
  resolveProtectionPlan,
  type Leg,
  type ProtectionPlan,
  type ProtectionRule,
} from './protection.ts';
import { describeError, summarizeOrder, type ExecutionResult, type ProtectionSummary } from './result.ts';

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
    return fetchAtr(this.ctx.exchange, this.venueSymbol, timeframe, period);
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
          await this.audit(
            'protection_skipped',
            'warn',
            'No stop-loss: the alert or the account states none (sl_atr = 0)',
            {},
          );
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
