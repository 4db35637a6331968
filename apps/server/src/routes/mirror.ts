import type { FastifyReply } from 'fastify';
import type { RouteContext } from '../route-context.ts';
import {
  equitySeries,
  listFills,
  listTrades,
  setProtectionPolicy,
  streamStatus,
  toCsv,
} from '../services/account-history.ts';
import { ErrorResponse } from './error.schema.ts';
import { bearerSecurity, currentUser, requireUser } from './guard.ts';
import {
  AccountFill,
  AccountFillList,
  AccountStreamStatus,
  ProtectionPolicyBody,
  AccountTrade,
  AccountTradeList,
  EquityDay,
  EquitySeries,
  MirrorParams,
  MirrorQuery,
} from './mirror.schema.ts';

/** Answers CSV instead of the route's JSON (the schema serializer is bypassed for this reply). */
export function sendCsv(
  reply: FastifyReply,
  name: string,
  rows: ReadonlyArray<Record<string, unknown>>,
  columns: string[],
) {
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}.csv"`)
    .serializer((payload) => payload as string)
    .send(toCsv(rows, columns));
}

export const columnsOf = (schema: { shape: object }) => Object.keys(schema.shape);

/** What the account mirror recorded: fills, round trips and the daily PnL, owner-scoped. */
export function registerMirrorRoutes(context: RouteContext): void {
  const { app, deps } = context;
  const base = { preHandler: requireUser(context) };
  const tags = ['accounts'];
  const common = { tags, security: bearerSecurity, params: MirrorParams, querystring: MirrorQuery };
  const errors = { 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse };

  app.get(
    '/api/v1/accounts-secure/:id/fills',
    { ...base, schema: { ...common, response: { 200: AccountFillList, ...errors } } },
    async (request, reply) => {
      const { format, ...page } = request.query;
      const result = await listFills(deps.database, currentUser(request).user.id, request.params.id, page);
      if (format === 'csv') return sendCsv(reply, 'fills', result.fills, columnsOf(AccountFill));
      return result;
    },
  );

  app.get(
    '/api/v1/accounts-secure/:id/trades',
    { ...base, schema: { ...common, response: { 200: AccountTradeList, ...errors } } },
    async (request, reply) => {
      const { format, ...page } = request.query;
      const result = await listTrades(deps.database, currentUser(request).user.id, request.params.id, page);
      if (format === 'csv') return sendCsv(reply, 'trades', result.trades, columnsOf(AccountTrade));
      return result;
    },
  );

  app.get(
    '/api/v1/accounts-secure/:id/equity',
    { ...base, schema: { ...common, response: { 200: EquitySeries, ...errors } } },
    async (request, reply) => {
      const { format, ...page } = request.query;
      const result = await equitySeries(deps.database, currentUser(request).user.id, request.params.id, page);
      if (format === 'csv') return sendCsv(reply, 'equity', result.days, columnsOf(EquityDay));
      return result;
    },
  );

  app.get(
    '/api/v1/accounts-secure/:id/stream',
    {
      ...base,
      schema: {
        tags,
        security: bearerSecurity,
        params: MirrorParams,
        response: { 200: AccountStreamStatus, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => streamStatus(deps.database, currentUser(request).user.id, request.params.id),
  );

  app.put(
    '/api/v1/accounts-secure/:id/protection-policy',
    {
      ...base,
      schema: {
        tags,
        security: bearerSecurity,
        params: MirrorParams,
        body: ProtectionPolicyBody,
        response: { 200: AccountStreamStatus, 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) =>
      setProtectionPolicy(
        deps.database,
        currentUser(request).user.id,
        request.params.id,
        request.body.protection_policy,
      ),
  );
}
