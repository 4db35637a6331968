import type { RouteContext } from '../route-context.ts';
import { positionChart, restingOrders } from '../services/account-chart.ts';
import { historyReturns, historyTrades } from '../services/trade-history.ts';
import { ErrorResponse } from './error.schema.ts';
import { bearerSecurity, currentUser, requireUser } from './guard.ts';
import {
  ChartParams,
  HistoryReturns,
  HistoryReturnsQuery,
  HistoryTrade,
  HistoryTradeList,
  HistoryTradesQuery,
  PnlPeriod,
  PositionChart,
  PositionChartQuery,
  RestingOrderList,
  RestingOrdersQuery,
} from './history.schema.ts';
import { columnsOf, sendCsv } from './mirror.ts';

/**
 * Trade history and performance across the caller's accounts (`/api/v1/history/*`), and what the
 * position chart shows of one account (`/accounts-secure/{id}/open-orders|chart`). Owner-scoped.
 */
export function registerHistoryRoutes(context: RouteContext): void {
  const { app, deps } = context;
  const base = { preHandler: requireUser(context) };
  const tags = ['history'];
  const errors = { 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse };
  const accounts = {
    database: deps.database,
    keyRing: deps.config.keyRing,
    connectExchange: deps.connectExchange,
  };

  app.get(
    '/api/v1/history/trades',
    {
      ...base,
      schema: {
        tags,
        security: bearerSecurity,
        querystring: HistoryTradesQuery,
        response: { 200: HistoryTradeList, ...errors },
      },
    },
    async (request, reply) => {
      const { format, account_id, status, ...page } = request.query;
      const result = await historyTrades(
        deps.database,
        currentUser(request).user.id,
        { accountId: account_id, status },
        page,
      );
      if (format === 'csv') return sendCsv(reply, 'trades', result.trades, columnsOf(HistoryTrade));
      return result;
    },
  );

  app.get(
    '/api/v1/history/returns',
    {
      ...base,
      schema: {
        tags,
        security: bearerSecurity,
        querystring: HistoryReturnsQuery,
        response: { 200: HistoryReturns, ...errors },
      },
    },
    async (request, reply) => {
      const { format, account_id, period } = request.query;
      const result = await historyReturns(
        deps.database,
        currentUser(request).user.id,
        { accountId: account_id },
        period,
      );
      if (format === 'csv') return sendCsv(reply, `returns-${period}`, result.periods, columnsOf(PnlPeriod));
      return result;
    },
  );

  app.get(
    '/api/v1/accounts-secure/:id/open-orders',
    {
      ...base,
      schema: {
        tags,
        security: bearerSecurity,
        params: ChartParams,
        querystring: RestingOrdersQuery,
        response: { 200: RestingOrderList, ...errors },
      },
    },
    async (request) =>
      restingOrders(accounts, currentUser(request).user.id, request.params.id, request.query.symbol),
  );

  app.get(
    '/api/v1/accounts-secure/:id/chart',
    {
      ...base,
      schema: {
        tags,
        security: bearerSecurity,
        params: ChartParams,
        querystring: PositionChartQuery,
        response: { 200: PositionChart, ...errors },
      },
    },
    async (request) =>
      positionChart(accounts, currentUser(request).user.id, request.params.id, request.query),
  );
}
