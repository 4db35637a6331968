import type { RouteContext } from '../route-context.ts';
import { listSignals, signalDetail } from '../services/signals.ts';
import { ErrorResponse } from './error.schema.ts';
import { bearerSecurity, currentUser, requireUser } from './guard.ts';
import { SignalDetail, SignalList, SignalListQuery, SignalParams } from './signals.schema.ts';

/** What a user reads about their own signals and the orders they placed. */
export function registerSignalRoutes(context: RouteContext): void {
  const { app, deps } = context;
  const base = { preHandler: requireUser(context) };
  const tags = ['signals'];

  app.get(
    '/api/v1/signals',
    {
      ...base,
      schema: {
        tags,
        security: bearerSecurity,
        querystring: SignalListQuery,
        response: { 200: SignalList, 400: ErrorResponse },
      },
    },
    async (request) => listSignals(deps.database, currentUser(request).user.id, request.query),
  );

  app.get(
    '/api/v1/signals/:id',
    {
      ...base,
      schema: {
        tags,
        security: bearerSecurity,
        params: SignalParams,
        response: { 200: SignalDetail, 404: ErrorResponse },
      },
    },
    async (request) => signalDetail(deps.database, currentUser(request).user.id, request.params.id),
  );
}
