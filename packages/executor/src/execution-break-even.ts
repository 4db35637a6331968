import { ExchangeDecimal as D, ExchangeErrors, roundPrice, type Order } from '@tradingbot/exchange';
import { ExecutorErrors } from './errors.ts';
import { AttachedProtectionSteps } from './execution-attached.ts';
import { findLeg, oppositeOf } from './legs.ts';
import { triggerAlreadyCrossed } from './protection.ts';
import { describeError, summarizeOrder, type BreakEvenSummary, type ExecutionResult } from './result.ts';

/**
 * MOVE_STOP_TO_ENTRY: the break-even move the server queues once the first partial take-profit of an
 * entry that asked for `break_even` has filled. The position's stop-loss moves to its entry price
 * (the venue's average entry, on the tick grid rounded away from the market as every stop is): the
 * old stop is canceled first — Binance keeps one close-position stop per side, OKX one
 * whole-position algo — then the new one is placed under this signal's key (`<key>:sl`).
 *
 * Exactly once: a second run finds the stop already at the entry and does nothing; a run that died
 * between the cancel and the placement finds no stop and places it. A closed position is left alone.
 * A market already past the entry closes the rest at market, as a stop at the entry would at once.
 */
export class BreakEvenSteps extends AttachedProtectionSteps {
  async moveStopToEntry(): Promise<ExecutionResult> {
    const { signal } = this;
    const leg = signal.leg;
    if (leg === undefined) {
      throw ExecutorErrors.create('INVALID_SIGNAL', { message: 'move_stop_to_entry needs the leg' });
    }
    const instrument = await this.instrument();
    const mode = await this.positionMode();
    // The venue's own state, not memory: the move acts on what rests there now.
    this.restRead('positions', 'break_even');
    const position = findLeg(await this.ctx.exchange.positions(this.venueSymbol), leg, mode);
    if (position === undefined) {
      const message = `The ${leg} position on ${this.venueSymbol} is closed already: its stop-loss was not moved to the entry`;
      await this.audit('close_skipped', 'info', message, { leg });
      return this.noop('NO_POSITION_TO_CLOSE', message);
    }
    const entryPrice = position.entryPrice;
    const trigger = roundPrice(instrument, entryPrice, leg === 'long' ? 'down' : 'up');
    const closeSide = leg === 'long' ? 'sell' : 'buy';
    this.restRead('open_orders', 'break_even');
    const closing = (await this.ctx.exchange.openOrders(this.venueSymbol)).filter(
      (o) =>
        o.side === closeSide &&
        (mode === 'hedge' ? o.positionSide === leg : o.positionSide !== oppositeOf(leg)),
    );
    const stops = closing.filter((o) => o.type === 'stop_market');
    const summary: BreakEvenSummary = {
      leg,
      entry_price: entryPrice,
      trigger_price: trigger,
      previous: stops.map((o) => ({
        client_order_id: o.clientOrderId,
        ...(o.triggerPrice !== undefined ? { trigger_price: o.triggerPrice } : {}),
      })),
    };
    this.results.break_even = summary;
    const atEntry = stops.find((o) => o.triggerPrice !== undefined && new D(o.triggerPrice).eq(trigger));
    if (atEntry !== undefined && stops.length === 1) {
      summary.stop_loss = summarizeOrder(atEntry, true);
      const message = `The stop-loss of the ${leg} position on ${this.venueSymbol} is at the entry ${trigger} already`;
      await this.audit('order_found', 'info', message, { role: 'sl', clientOrderId: atEntry.clientOrderId });
      return this.noop('STOP_AT_ENTRY_ALREADY', message);
    }
    await this.audit(
      'protection_computed',
      'info',
      `break-even: stop-loss to the entry ${trigger} (entry ${entryPrice})`,
      {
        kind: 'stop_loss',
        breakEven: true,
        leg,
        entryPrice,
        trigger,
        previous: summary.previous,
      },
    );
    const market = await this.ctx.exchange
      .ticker(this.venueSymbol)
      .then((t) => t.price)
      .catch(() => undefined);
    if (market !== undefined && triggerAlreadyCrossed('stop_loss', leg, trigger, market)) {
      const closed = await this.closeLeg(leg, 'close', mode, this.key('close'));
      if (closed !== null) this.results.closed = [closed];
      const message = `The market (${market}) is past the entry ${trigger} already: the rest of the ${leg} position was closed at market, as its stop at the entry would have`;
      this.addWarning(message);
      await this.audit('position_flattened', 'warn', message, { market, trigger, order: closed });
      return this.succeed(`Break-even on ${signal.exchange}: position closed`);
    }
    // A take-profit that is one order with the stop (an OKX oco) goes with its cancel: placed again.
    const stopIds = new Set(
      stops.filter((o) => o.isAlgo && o.venueOrderId !== '').map((o) => o.venueOrderId),
    );
    const sharing = closing.filter((o) => o.type === 'take_profit_market' && stopIds.has(o.venueOrderId));
    for (const stop of stops) await this.cancelStop(stop);
    const executed = `Stop-loss moved to the entry ${trigger} on ${signal.exchange}`;
    try {
      const placed = await this.placeProtective('stop_loss', leg, mode, trigger, this.key('sl'));
      summary.stop_loss = summarizeOrder(placed.order.order, placed.order.reused);
      summary.stop_loss.trigger_price ??= trigger;
    } catch (error) {
      return this.stopLossFailed(leg, mode, error, executed);
    }
    const tp = sharing[0];
    if (tp?.triggerPrice !== undefined) {
      try {
        const placed = await this.placeProtective('take_profit', leg, mode, tp.triggerPrice, this.key('tp'));
        summary.take_profit = summarizeOrder(placed.order.order, placed.order.reused);
      } catch (error) {
        const message = `The take-profit at ${tp.triggerPrice} canceled with the old stop could not be placed again: ${describeError(error).message}`;
        this.addWarning(message);
        await this.audit('protection_failed', 'warn', message, {
          kind: 'take_profit',
          error: describeError(error),
        });
      }
    }
    return this.succeed(executed);
  }

  /** Cancels one resting stop of the position; one already gone counts as canceled. */
  async cancelStop(stop: Order): Promise<void> {
    await this.beforeFirstOrder();
    try {
      await this.ctx.exchange.cancelOrder(this.venueSymbol, {
        venueOrderId: stop.venueOrderId,
        clientOrderId: stop.clientOrderId,
        isAlgo: stop.isAlgo,
      });
    } catch (error) {
      if (!ExchangeErrors.is(error, 'ORDER_NOT_FOUND')) throw error;
    }
    this.expect({ ...stop, status: 'canceled' });
    (this.results.canceled ??= []).push({
      order_id: stop.venueOrderId,
      client_order_id: stop.clientOrderId,
      type: stop.type,
    });
    await this.audit('orders_canceled', 'info', `break-even: canceled the stop-loss ${stop.clientOrderId}`, {
      role: 'sl',
      triggerPrice: stop.triggerPrice,
    });
  }
}
