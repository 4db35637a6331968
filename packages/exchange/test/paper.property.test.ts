import DecimalJs from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExchangeErrors } from '../src/errors.ts';
import { PaperExchange, type PaperRejectReason } from '../src/paper/paper-exchange.ts';

/*
 * Invariants of the paper venue under random trading, checked against an independent
 * reconstruction: for any sequence of fills, equity at the final price is
 *   initial − Σ fees + Σ signedQty_i × (finalPrice − fillPrice_i),
 * whatever the averaging, partial closes and flips in between. Fees are Σ qty_i × price_i × 0.0004.
 */

// 60 significant digits: the reconstruction itself must not round.
const Decimal = DecimalJs.clone({ precision: 60 });

const action = fc.oneof(
  fc.record({
    kind: fc.constant('trade' as const),
    side: fc.constantFrom('buy' as const, 'sell' as const),
    qtyLots: fc.integer({ min: 3, max: 50 }), // × 0.001 BTC; ≥ 0.003 keeps every order above 100 USDT at ≥ 40000
  }),
  fc.record({ kind: fc.constant('price' as const), priceTicks: fc.integer({ min: 400_000, max: 600_000 }) }), // × 0.1
);

describe('paper venue accounting invariants', () => {
  // Cross at 125× never reaches maintenance with 1,000,000 USDT; isolated at 1× has no long
  // liquidation price and a short one far above 60000.
  it.each([
    ['cross', 125],
    ['isolated', 1],
  ] as const)(
    'equity = initial − fees + Σ signedQty × (final − fill price), one-way, %s',
    (marginMode, leverage) => {
      fc.assert(
        fc.property(fc.array(action, { minLength: 1, maxLength: 40 }), (actions) => {
          const initial = new Decimal('1000000');
          const p = new PaperExchange({
            balances: { USDT: initial.toString() },
            prices: { BTCUSDT: 50_000 },
            defaultMarginMode: marginMode,
          });
          p.setLeverageSync('BTCUSDT', leverage);
          let price = new Decimal(50_000);
          let fees = new Decimal(0);
          let pnl = new Decimal(0); // Σ signedQty_i × (final − p_i) = final × Σ q_i − Σ q_i p_i
          let netQty = new Decimal(0);
          let cost = new Decimal(0);
          for (const a of actions) {
            if (a.kind === 'price') {
              price = new Decimal(a.priceTicks).div(10);
              p.setPrice('BTCUSDT', price.toString());
              continue;
            }
            const qty = new Decimal(a.qtyLots).div(1000);
            p.submitOrder({ venueSymbol: 'BTCUSDT', side: a.side, type: 'market', qty: qty.toString() });
            const signed = a.side === 'buy' ? qty : qty.neg();
            netQty = netQty.plus(signed);
            cost = cost.plus(signed.mul(price));
            fees = fees.plus(qty.mul(price).mul('0.0004'));
          }
          pnl = netQty.mul(price).minus(cost);
          const state = p.accountState();
          const usdt = state.balances.find((b) => b.asset === 'USDT');
          expect(new Decimal(usdt?.equity ?? 'NaN').eq(initial.minus(fees).plus(pnl))).toBe(true);
          const position = state.positions[0];
          expect(new Decimal(position?.qty ?? '0').eq(netQty)).toBe(true);
          // the venue's own bookkeeping: realised + unrealised agrees with the same total
          const realised = p.fills().reduce((sum, f) => sum.plus(f.realizedPnl), new Decimal(0));
          expect(realised.plus(usdt?.unrealizedPnl ?? 'NaN').eq(pnl)).toBe(true);
          expect(p.fills().every((f) => f.reason === 'order')).toBe(true); // no liquidation happened
        }),
        { numRuns: 120 },
      );
    },
  );

  it('every rejection carries a details.reason a simulator can map', () => {
    const reasons = new Set<PaperRejectReason>();
    const p = new PaperExchange({ prices: { BTCUSDT: 50_000 }, balances: { USDT: 1_000 } });
    const attempts: (() => unknown)[] = [
      () => p.submitOrder({ venueSymbol: 'NOPE', side: 'buy', type: 'market', qty: '1' }),
      () => p.submitOrder({ venueSymbol: 'BTCUSDT', side: 'buy', type: 'market', qty: '0.0015' }),
      () => p.submitOrder({ venueSymbol: 'BTCUSDT', side: 'buy', type: 'market', qty: '0.001' }),
      () => p.submitOrder({ venueSymbol: 'BTCUSDT', side: 'buy', type: 'market', qty: '1' }),
      () => p.submitOrder({ venueSymbol: 'BTCUSDT', side: 'buy', type: 'limit', qty: '0.01', price: '1.05' }),
      () => p.submitOrder({ venueSymbol: 'BTCUSDT', side: 'buy', type: 'limit', qty: '0.01' }),
      () =>
        p.submitOrder({
          venueSymbol: 'BTCUSDT',
          side: 'sell',
          type: 'market',
          qty: '0.01',
          reduceOnly: true,
        }),
      () =>
        p.submitOrder({
          venueSymbol: 'BTCUSDT',
          side: 'buy',
          type: 'market',
          qty: '0.01',
          positionSide: 'long',
        }),
      () =>
        p.submitOrder({
          venueSymbol: 'BTCUSDT',
          side: 'sell',
          type: 'stop_market',
          triggerPrice: '51000',
          qty: '0.01',
        }),
      () => p.cancel('BTCUSDT', { venueOrderId: '42' }),
      () => p.setLeverageSync('BTCUSDT', 500),
    ];
    for (const attempt of attempts) {
      try {
        attempt();
        throw new Error('expected a rejection');
      } catch (error) {
        expect(ExchangeErrors.is(error)).toBe(true);
        const reason = (error as { details?: { reason?: PaperRejectReason } }).details?.reason;
        expect(reason).toBeTypeOf('string');
        reasons.add(reason as PaperRejectReason);
      }
    }
    expect([...reasons].sort()).toEqual(
      [
        'unknown_symbol',
        'qty_precision',
        'min_notional',
        'insufficient_margin',
        'price_precision',
        'missing_price',
        'reduce_only_no_position',
        'position_side_mismatch_one_way',
        'would_immediately_trigger',
        'unknown_order',
        'leverage_out_of_range',
      ].sort(),
    );
  });
});
