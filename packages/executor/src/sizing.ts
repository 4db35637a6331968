import type { AppError } from '@tradingbot/core';
import {
  ExchangeDecimal as D,
  ExchangeErrors,
  roundQtyDown,
  sizeForNotional,
  validateOrder,
  type Balance,
  type Instrument,
} from '@tradingbot/exchange';
import { ExecutorErrors } from './errors.ts';
import type { SizingSummary } from './result.ts';
import type { SizingOverride } from './signal.ts';

export const DEFAULT_SIZE_PCT = 10;

export type SizingInput = {
  instrument: Instrument;
  balance: Balance;
  leverage: number;
  /** The price the quantity is computed at: the ticker for market orders, the limit price otherwise. */
  referencePrice: string;
  /** Limit price when the entry is a limit order (then also the notional reference). */
  limitPrice?: string;
  sizing: SizingOverride;
};

function insufficient(explanation: string, details: Record<string, unknown>): AppError {
  return ExecutorErrors.create('INSUFFICIENT_BALANCE', { details: { explanation, ...details } });
}

/**
 * The entry quantity (base units, on the step grid, rounded DOWN):
 *
 * - `pct` (default 10): margin = available × pct / 100; qty = floor(margin × leverage / price, step);
 * - `usdt`: margin as given; qty = floor(margin × leverage / price, step);
 * - `qty`: rounded down to the step.
 *
 * Refusals, before anything is sent:
 * - INSUFFICIENT_BALANCE when the balance is the cause: nothing available, a margin above what is
 *   available, or a size that would be below the instrument minimum even with 100% of the available
 *   balance at this leverage ("100%" sizing below the minimum);
 * - ORDER_TOO_SMALL when the requested size is below the minimum quantity / notional but a larger
 *   `size_pct` / `size_usdt` / `qty` or leverage would do.
 */
export function computeEntrySize(input: SizingInput): SizingSummary {
  const { instrument, balance, leverage, referencePrice, sizing } = input;
  const available = new D(balance.available);
  const price = new D(referencePrice);
  const lev = new D(leverage);
  const base: Omit<SizingSummary, 'notional' | 'qty'> = {
    basis: sizing.kind,
    available_balance: balance.available,
    reference_price: referencePrice,
    leverage,
  };
  const context = {
    asset: balance.asset,
    available: balance.available,
    leverage,
    referencePrice,
    venueSymbol: instrument.venueSymbol,
  };

  let qty: string;
  let margin: InstanceType<typeof D> | undefined;
  let pct: string | undefined;
  if (sizing.kind === 'qty') {
    qty = roundQtyDown(instrument, sizing.qty);
    const needed = new D(qty).mul(price).div(lev);
    if (needed.gt(available)) {
      throw insufficient(
        `${qty} ${instrument.base} at ${referencePrice} with ${leverage}x leverage needs ${needed.toDecimalPlaces(4, D.ROUND_UP).toFixed()} ${balance.asset} margin; ${balance.available} ${balance.asset} available`,
        { ...context, marginNeeded: needed.toFixed() },
      );
    }
  } else {
    if (available.lte(0)) {
      throw insufficient(`${balance.available} ${balance.asset} available on the account`, context);
    }
    if (sizing.kind === 'pct') {
      pct = sizing.pct;
      margin = available.mul(sizing.pct).div(100);
    } else {
      margin = new D(sizing.margin);
      if (margin.gt(available)) {
        throw insufficient(
          `size_usdt ${sizing.margin} ${balance.asset} exceeds the ${balance.available} ${balance.asset} available`,
          { ...context, margin: sizing.margin },
        );
      }
    }
    qty = sizeForNotional(instrument, margin.mul(lev), price);
  }

  try {
    const validated = validateOrder(
      instrument,
      { qty, ...(input.limitPrice !== undefined ? { price: input.limitPrice } : {}) },
      referencePrice,
    );
    qty = validated.qty;
  } catch (error) {
    const tooSmall =
      ExchangeErrors.is(error, 'ORDER_BELOW_MIN_QTY') ||
      ExchangeErrors.is(error, 'ORDER_BELOW_MIN_NOTIONAL') ||
      (ExchangeErrors.is(error, 'INVALID_QUANTITY') && error.details?.['reason'] === 'qty_not_positive');
    if (!tooSmall) throw error;
    const reason = (error as AppError).message;
    const described =
      sizing.kind === 'qty'
        ? `qty ${sizing.qty} ${instrument.base}`
        : `${pct !== undefined ? `${pct}% of ${balance.available}` : sizing.kind === 'usdt' ? sizing.margin : ''} ${balance.asset} margin × ${leverage}x at ${referencePrice} = ${qty} ${instrument.base}`;
    if (sizing.kind !== 'qty') {
      // Would all of the available balance be enough? If not, the balance is the cause.
      const maxQty = sizeForNotional(instrument, available.mul(lev), price);
      const maxOk = (() => {
        try {
          validateOrder(instrument, { qty: maxQty }, referencePrice);
          return true;
        } catch {
          return false;
        }
      })();
      if (!maxOk) {
        throw insufficient(
          `even 100% of the ${balance.available} ${balance.asset} available × ${leverage}x is below the minimum order for ${instrument.venueSymbol} (min qty ${instrument.minQty} ${instrument.base}, min notional ${instrument.minNotional} ${instrument.quote})`,
          { ...context, qty, minQty: instrument.minQty, minNotional: instrument.minNotional },
        );
      }
    }
    throw ExecutorErrors.create('ORDER_TOO_SMALL', {
      message: `The order is below the instrument minimum: ${described.trim()}. ${reason}`,
      details: {
        ...context,
        qty,
        minQty: instrument.minQty,
        minNotional: instrument.minNotional,
        reason: error.details?.['reason'],
      },
      cause: error,
    });
  }

  const summary: SizingSummary = { ...base, notional: new D(qty).mul(price).toFixed(), qty };
  if (margin !== undefined) summary.margin = margin.toFixed();
  if (pct !== undefined) summary.pct = pct;
  return summary;
}

/**
 * Refuses an entry whose notional (qty × reference price) is above the account's
 * `maxPositionNotional` (quote units, a decimal string); undefined = no cap.
 */
export function admitNotional(sizing: SizingSummary, maxPositionNotional: string | undefined): void {
  if (maxPositionNotional === undefined) return;
  if (new D(sizing.notional).lte(maxPositionNotional)) return;
  throw ExecutorErrors.create('MAX_NOTIONAL_EXCEEDED', {
    message: `The entry's notional ${new D(sizing.notional).toDecimalPlaces(2).toFixed()} is above the account's maximum position notional ${maxPositionNotional}: lower the size or the leverage, or raise the limit`,
    details: { notional: sizing.notional, maxPositionNotional },
  });
}
