import type { RouteContext } from '../route-context.ts';
import { botChart, type BotChartDeps } from '../services/bot-chart.ts';
import { BotChart, BotChartQuery } from './bot-chart.schema.ts';
import { BotParams } from './bots.schema.ts';
import { ErrorResponse } from './error.schema.ts';
import { bearerSecurity, currentUser, requireUser } from './guard.ts';

/** A bot's live chart for the bots page (`GET /api/v1/bots/{id}/chart`), owner-scoped. */
export function registerBotChartRoutes(context: RouteContext): void {
  const { app, deps } = context;
  const service: BotChartDeps = {
    database: deps.database,
    maxSignalAgeMs: deps.config.bots.maxSignalAgeMs,
    keyRing: deps.config.keyRing,
    connectExchange: deps.connectExchange,
  };
  app.get(
    '/api/v1/bots/:id/chart',
    {
      preHandler: requireUser(context),
      schema: {
        tags: ['bots'],
        security: bearerSecurity,
        params: BotParams,
        querystring: BotChartQuery,
        response: { 200: BotChart, 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => botChart(service, currentUser(request).user.id, request.params.id, request.query.bars),
  );
}
