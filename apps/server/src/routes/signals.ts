import { and, desc, eq, gte, lt } from 'drizzle-orm';
import { z } from 'zod';
import { orders, signals } from '@tradingbot/db';
import type { RouteContext } from '../app.ts';
import { ServerErrors } from '../errors.ts';
import { decryptCredentials } from '../crypto/credentials.ts';
import { ownAccount } from '../services/accounts.ts';
import { ErrorResponse } from './auth.schema.ts';
import { AccountParams } from './accounts.schema.ts';
import { bearerSecurity, currentUser, requireUser } from './guard.ts';

const ListQuery = z.strictObject({
  account_id: z.string().min(1).max(64).optional(),
  status: z.enum(['received', 'executing', 'executed', 'failed', 'rejected']).optional(),
  before: z.string().datetime().optional(),
  /** Only signals received at or after this time (the UI's "from date" filter). */
  after: z.string().datetime().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const Signal = z.object({
  id: z.string(),
  account_id: z.string(),
  status: z.string(),
  received_at: z.string(),
  finished_at: z.string().nullable(),
  source_ip: z.string().nullable(),
  payload: z.record(z.string(), z.unknown()),
  result: z.unknown(),
  error_code: z.string().nullable(),
  error_message: z.string().nullable(),
});

const Order = z.object({
  id: z.string(),
  role: z.string(),
  symbol: z.string(),
  side: z.string(),
  type: z.string(),
  qty: z.string().nullable(),
  price: z.string().nullable(),
  status: z.string(),
  client_order_id: z.string(),
  venue_order_id: z.string().nullable(),
  request: z.unknown(),
  response: z.unknown(),
  error: z.unknown(),
  created_at: z.string(),
});

type SignalRow = typeof signals.$inferSelect;
const signalJson = (row: SignalRow) => ({
  id: row.id,
  account_id: row.accountId,
  status: row.status,
  received_at: row.receivedAt.toISOString(),
  finished_at: row.finishedAt?.toISOString() ?? null,
  source_ip: row.sourceIp,
  payload: row.payload,
  result: row.result,
  error_code: row.errorCode,
  error_message: row.errorMessage,
});

/** What a user reads about their own signals and accounts: every query is scoped to the caller. */
export function registerSignalRoutes(context: RouteContext): void {
  const { app, deps } = context;
  const base = { preHandler: requireUser(context) };

  app.get(
    '/api/v1/signals',
    {
      ...base,
      schema: {
        tags: ['signals'],
        security: bearerSecurity,
        querystring: ListQuery,
        response: {
          200: z.object({ signals: z.array(Signal), total: z.number().int() }),
          400: ErrorResponse,
        },
      },
    },
    async (request) => {
      const { account_id: accountId, status, before, after, limit } = request.query;
      const rows = await deps.database.db
        .select()
        .from(signals)
        .where(
          and(
            eq(signals.userId, currentUser(request).user.id),
            accountId ? eq(signals.accountId, accountId) : undefined,
            status ? eq(signals.status, status) : undefined,
            before ? lt(signals.receivedAt, new Date(before)) : undefined,
            after ? gte(signals.receivedAt, new Date(after)) : undefined,
          ),
        )
        .orderBy(desc(signals.receivedAt))
        .limit(limit);
      return { signals: rows.map(signalJson), total: rows.length };
    },
  );

  app.get(
    '/api/v1/signals/:id',
    {
      ...base,
      schema: {
        tags: ['signals'],
        security: bearerSecurity,
        params: AccountParams,
        response: { 200: Signal.extend({ orders: z.array(Order) }), 404: ErrorResponse },
      },
    },
    async (request) => {
      const [row] = await deps.database.db
        .select()
        .from(signals)
        .where(and(eq(signals.id, request.params.id), eq(signals.userId, currentUser(request).user.id)));
      if (!row) throw ServerErrors.create('NOT_FOUND', { message: 'Signal not found' });
      const placed = await deps.database.db
        .select()
        .from(orders)
        .where(eq(orders.signalId, row.id))
        .orderBy(orders.createdAt);
      return {
        ...signalJson(row),
        orders: placed.map((o) => ({
          id: o.id,
          role: o.role,
          symbol: o.symbol,
          side: o.side,
          type: o.type,
          qty: o.qty,
          price: o.price,
          status: o.status,
          client_order_id: o.clientOrderId,
          venue_order_id: o.venueOrderId,
          request: o.request,
          response: o.response,
          error: o.error,
          created_at: o.createdAt.toISOString(),
        })),
      };
    },
  );

  const live = async (userId: string, accountId: string) => {
    const account = await ownAccount(deps.database, userId, accountId);
    return deps.connectExchange(account, decryptCredentials(deps.config.keyRing, account.id, account));
  };

  app.get(
    '/api/v1/accounts-secure/:id/positions',
    {
      ...base,
      schema: {
        tags: ['accounts'],
        security: bearerSecurity,
        params: AccountParams,
        response: {
          200: z.object({ account_id: z.string(), positions: z.array(z.record(z.string(), z.unknown())) }),
          404: ErrorResponse,
        },
      },
    },
    async (request) => {
      const exchange = await live(currentUser(request).user.id, request.params.id);
      const positions = await exchange.positions();
      return { account_id: request.params.id, positions: positions.map((p) => ({ ...p })) };
    },
  );

  app.get(
    '/api/v1/accounts-secure/:id/balance',
    {
      ...base,
      schema: {
        tags: ['accounts'],
        security: bearerSecurity,
        params: AccountParams,
        response: {
          200: z.object({
            account_id: z.string(),
            asset: z.string(),
            total: z.string(),
            available: z.string(),
            unrealized_pnl: z.string(),
          }),
          404: ErrorResponse,
        },
      },
    },
    async (request) => {
      const exchange = await live(currentUser(request).user.id, request.params.id);
      const balance = await exchange.balance('USDT');
      return {
        account_id: request.params.id,
        asset: balance.asset,
        total: balance.total,
        available: balance.available,
        unrealized_pnl: balance.unrealizedPnl,
      };
    },
  );
}
