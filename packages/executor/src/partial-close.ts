import { ExchangeDecimal as D, roundQtyDown, type Instrument } from '@tradingbot/exchange';
import { ExecutorErrors } from './errors.ts';

/**
 * How much of a held position a close with `close_pct` sends (docs/backtest-semantics.md, "Partial
 * close"): `held × pct / 100` rounded DOWN to the instrument's step, or undefined for the whole
 * position — when `pct` is absent or 100, or when the part would leave less than the minimum order
 * quantity behind (a remainder no order could close later). A part below the minimum order
 * quantity is refused: nothing is sent.
 */
export function partialCloseQty(
  instrument: Instrument,
  held: string,
  pct: number | undefined,
): string | undefined {
  if (pct === undefined || pct >= 100) return undefined;
  const part = roundQtyDown(instrument, new D(held).mul(pct).div(100).toFixed());
  const minQty = new D(instrument.minQty).gt(0) ? new D(instrument.minQty) : new D(instrument.stepSize);
  if (new D(part).lt(minQty)) {
    throw ExecutorErrors.create('INVALID_SIGNAL', {
      message: `close_pct ${pct} % of the ${held} held is ${part}, below the minimum order quantity ${instrument.minQty}; no order was sent`,
      details: { field: 'close_pct', held, part, minQty: instrument.minQty },
    });
  }
  if (new D(held).minus(part).lt(minQty)) return undefined;
  return part;
}
