import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { orders } from '@tradingbot/db';
import type { RouteContext } from '../app.ts';
import { ownAccount } from '../services/accounts.ts';
import { ErrorResponse } from './auth.schema.ts';
import { AccountParams } from './accounts.schema.ts';
import { bearerSecurity, currentUser, requireUser } from './guard.ts';

export type Fill = { symbol: string; side: string; qty: number; price: number };

/**
 * Realized PnL of a sequence of fills (oldest first), per symbol on a net position with an average
 * entry price: a fill against the position realizes (price − average entry) × closed quantity, a
 * fill beyond it opens the other side at its price. Fees are not included.
 */
export function realizedFromFills(fills: Fill[]) {
  const book = new Map<string, { qty: number; avg: number }>();
  let realized = 0;
  for (const fill of fills) {
    if (!(fill.qty > 0) || !(fill.price > 0)) continue;
    const delta = fill.side === 'buy' ? fill.qty : -fill.qty;
    const position = book.get(fill.symbol) ?? { qty: 0, avg: 0 };
    if (position.qty === 0 || Math.sign(position.qty) === Math.sign(delta)) {
      const size = Math.abs(position.qty) + Math.abs(delta);
      position.avg = (position.avg * Math.abs(position.qty) + fill.price * Math.abs(delta)) / size;
      position.qty += delta;
    } else {
      const closed = Math.min(Math.abs(delta), Math.abs(position.qty));
      realized += closed * (fill.price - position.avg) * Math.sign(position.qty);
      const after = position.qty + delta;
      if (Math.abs(after) < 1e-12) {
        position.qty = 0;
        position.avg = 0;
      } else if (Math.sign(after) !== Math.sign(position.qty)) {
        position.qty = after;
        position.avg = fill.price;
      } else {
        position.qty = after;
      }
    }
    book.set(fill.symbol, position);
  }
  return {
    realized,
    open: [...book.entries()]
      .filter(([, p]) => p.qty !== 0)
      .map(([symbol, p]) => ({ symbol, qty: p.qty, avg_entry: p.avg })),
  };
}

const num = (value: unknown): number => {
  const n = typeof value === 'string' || typeof value === 'number' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : 0;
};

/**
 * `GET /accounts-secure/{id}/pnl`: realized PnL of the account's orders as this server recorded
 * their fills (the dashboard's "realized PnL"). Exchange-side fills the server never saw (a
 * stop-loss that triggered at the exchange, manual trades) are not in it.
 */
export function registerPnlRoutes(context: RouteContext): void {
  const { app, deps } = context;
  app.get(
    '/api/v1/accounts-secure/:id/pnl',
    {
      preHandler: requireUser(context),
      schema: {
        tags: ['accounts'],
        security: bearerSecurity,
        params: AccountParams,
        response: {
          200: z.object({
            account_id: z.string(),
            realized_pnl: z.number(),
            fills: z.number().int(),
            open: z.array(z.object({ symbol: z.string(), qty: z.number(), avg_entry: z.number() })),
            basis: z.string(),
          }),
          401: ErrorResponse,
          404: ErrorResponse,
        },
      },
    },
    async (request) => {
      const account = await ownAccount(deps.database, currentUser(request).user.id, request.params.id);
      const rows = await deps.database.db
        .select()
        .from(orders)
        .where(eq(orders.accountId, account.id))
        .orderBy(asc(orders.createdAt));
      const fills: Fill[] = rows.flatMap((row) => {
        const response = (row.response ?? {}) as Record<string, unknown>;
        const qty = num(response.filledQty ?? (row.status === 'filled' ? row.qty : 0));
        const price = num(response.avgPrice ?? row.price);
        return qty > 0 && price > 0 ? [{ symbol: row.symbol, side: row.side, qty, price }] : [];
      });
      const { realized, open } = realizedFromFills(fills);
      return {
        account_id: account.id,
        realized_pnl: Math.round(realized * 1e8) / 1e8,
        fills: fills.length,
        open,
        basis:
          'fills of orders this server placed and recorded; fees and exchange-side fills it did not record are not included',
      };
    },
  );
}
