import type { Instrument, Order, PositionMode } from '@tradingbot/exchange';
import { ProtectionSteps } from './execution-protection.ts';
import { FILLED_OR_LIVE } from './legs.ts';
import { protectionPrice, type Leg, type ProtectionPlan, type ProtectionRule } from './protection.ts';
import { describeError, summarizeOrder, type ExecutionResult, type ProtectionSummary } from './result.ts';

/** The stop-loss / take-profit trigger prices sent with an entry, and the price they were measured from. */
export type AttachedProtection = { sl?: string; tp?: string; basePrice?: string };

const KINDS = [
  ['stop_loss', 'stopLoss', 'sl', 'stop_market'],
  ['take_profit', 'takeProfit', 'tp', 'take_profit_market'],
] as const;

/**
 * Protection attached to the entry, on venues that create it themselves with the fill (OKX
 * `attachAlgoOrds`, `Exchange.attachedProtection`): the entry and its stop are one request.
 *
 * A market entry's triggers are measured from the price its size was computed at (the mark from
 * memory, else the ticker), with the same rules and tick rounding as after a fill, and KEPT after
 * the fill: they are not re-based on the fill price (there is no amend). The backtest measures from
 * the fill (docs/backtest-semantics.md); the difference is the entry's slippage from that price.
 * After the fill the attached orders are looked up by their id (derived from the entry's key, so a
 * resumed signal finds them too); a leg the venue did not create is placed the normal way, measured
 * from the fill price — a position is never left without its stop.
 */
export class AttachedProtectionSteps extends ProtectionSteps {
  /** True when the venue creates an entry's attached TP/SL itself at the fill. */
  get venueAttaches(): boolean {
    return typeof this.ctx.exchange.attachedProtection === 'function';
  }

  /** The triggers to attach to an entry measured from `basePrice` (limit price, or a market entry's sizing price). */
  attachedTriggers(
    instrument: Instrument,
    leg: Leg,
    basePrice: string,
    plan: ProtectionPlan,
    atrValue: number | undefined,
  ): AttachedProtection {
    const sl =
      plan.stopLoss && protectionPrice(instrument, 'stop_loss', leg, basePrice, plan.stopLoss, atrValue);
    const tp =
      plan.takeProfit &&
      protectionPrice(instrument, 'take_profit', leg, basePrice, plan.takeProfit, atrValue);
    return { ...(sl ? { sl: sl.price } : {}), ...(tp ? { tp: tp.price } : {}), basePrice };
  }

  /**
   * Protects the position the entry opened: on a venue that attaches, the legs it created with the
   * fill are confirmed and recorded, and only the missing ones are placed (from `fillPrice`);
   * elsewhere everything is placed after the fill (`protect`).
   */
  async protectFilled(
    leg: Leg,
    mode: PositionMode,
    instrument: Instrument,
    plan: ProtectionPlan,
    atrValue: number | undefined,
    fillPrice: string,
    attached: AttachedProtection | undefined,
  ): Promise<ExecutionResult> {
    // `attached` undefined: a resumed signal, which does not know what its first run attached, looks.
    const look =
      this.venueAttaches &&
      (attached === undefined || attached.sl !== undefined || attached.tp !== undefined);
    if (!look) return this.protect(leg, mode, instrument, plan, atrValue, fillPrice);
    const found = await this.findAttached(attached);
    // The trailing stop and the partial take-profits are never attached: they follow the fill as on
    // every venue (a partial's size is a share of the quantity that filled, known only then).
    const remaining: ProtectionPlan = {
      ...(plan.trailing !== undefined ? { trailing: plan.trailing } : {}),
      ...(plan.partialTakeProfits !== undefined ? { partialTakeProfits: plan.partialTakeProfits } : {}),
    };
    const missing: string[] = [];
    for (const [kind, field, role, type] of KINDS) {
      const rule = plan[field];
      if (rule === undefined) continue;
      const order = found.find((o) => o.type === type && FILLED_OR_LIVE.has(o.status));
      if (order === undefined) {
        remaining[field] = rule;
        if (attached?.[role] !== undefined) missing.push(kind);
        continue;
      }
      await this.recordAttached(kind, rule, order, atrValue, attached);
    }
    if (missing.length > 0) {
      await this.audit(
        'protection_attached',
        'warn',
        `${this.signal.exchange} did not create the attached ${missing.join(' and ')}: placing ${missing.length > 1 ? 'them' : 'it'} separately, from the fill price ${fillPrice}`,
        { missing, attached, fillPrice },
      );
    }
    return this.protect(leg, mode, instrument, remaining, atrValue, fillPrice);
  }

  /**
   * The attached orders, looked up by the entry's key. The venue creates them as the entry fills,
   * so a read that finds none yet is repeated (the fill poll's attempts and interval) before the
   * missing legs are placed separately. Without `attached` (a resumed signal) one read decides.
   */
  async findAttached(attached: AttachedProtection | undefined): Promise<Order[]> {
    const read = this.ctx.exchange.attachedProtection;
    if (read === undefined) return [];
    // A read that fails counts as "none yet": what is still missing at the end is placed separately
    // (a second stop beside one the venue did create is harmless; no stop is not).
    const lookUp = () =>
      read.call(this.ctx.exchange, this.venueSymbol, this.key('entry')).catch(async (error: unknown) => {
        await this.audit('protection_attached', 'warn', 'Reading the attached protection failed', {
          error: describeError(error),
        });
        return [];
      });
    let found = await lookUp();
    const expected = attached === undefined ? 0 : (attached.sl ? 1 : 0) + (attached.tp ? 1 : 0);
    for (let i = 0; i < this.options.fillPollAttempts && found.length < expected; i++) {
      await this.options.sleep(this.options.fillPollIntervalMs);
      found = await lookUp();
    }
    return found;
  }

  /** One leg the venue created from the entry's attachment: recorded, audited and summarised like a placed one. */
  async recordAttached(
    kind: 'stop_loss' | 'take_profit',
    rule: ProtectionRule,
    order: Order,
    atrValue: number | undefined,
    attached: AttachedProtection | undefined,
  ): Promise<void> {
    const role = kind === 'stop_loss' ? 'sl' : 'tp';
    const fresh = attached !== undefined;
    // The stream reports it too: until it has, the symbol's open orders are read from the venue.
    this.expect(order);
    await this.record(
      role,
      this.key(role),
      fresh ? 'placed' : 'existing',
      {
        venueSymbol: this.venueSymbol,
        kind,
        triggerPrice: order.triggerPrice ?? attached?.[role],
        attachedTo: this.key('entry'),
      },
      { order },
    );
    await this.audit(
      'protection_attached',
      'info',
      `${kind} ${order.triggerPrice ?? attached?.[role] ?? ''} attached to the entry, created by ${this.signal.exchange} at the fill`,
      { role, venueOrderId: order.venueOrderId, clientOrderId: order.clientOrderId, status: order.status },
    );
    const summary: ProtectionSummary = {
      ...summarizeOrder(order, !fresh),
      basis: this.basis(rule, atrValue),
      ...(attached?.basePrice !== undefined ? { reference_price: attached.basePrice } : {}),
      attempts: 1,
      attached: true,
    };
    summary.trigger_price ??= attached?.[role];
    if (kind === 'stop_loss') this.results.stop_loss = summary;
    else this.results.take_profit = summary;
  }
}
