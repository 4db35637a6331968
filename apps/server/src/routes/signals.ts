import type { RouteContext } from '../route-context.ts';
import { listRefusedAlerts } from '../services/refused-alerts.ts';
import { listSignals, signalDetail, SIGNAL_CSV_COLUMNS } from '../services/signals.ts';
import { ErrorResponse } from './error.schema.ts';
import { bearerSecurity, currentUser, requireUser } from './guard.ts';
import { sendCsv } from './mirror.ts';
import {
  RefusedAlertList,
  RefusedAlertQuery,
  SignalDetail,
  SignalList,
  SignalListQuery,
  SignalParams,
} from './signals.schema.ts';

/** What a user reads about their own signals, the orders they placed, and alerts refused before authentication. */
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
        description: "The caller's signals, newest first; `format=csv` answers the same rows as text/csv.",
        querystring: SignalListQuery,
        response: { 200: SignalList, 400: ErrorResponse },
      },
    },
    async (request, reply) => {
      const { format, ...filter } = request.query;
      const result = await listSignals(deps.database, currentUser(request).user.id, filter);
      if (format === 'csv') return sendCsv(reply, 'signals', result.signals, [...SIGNAL_CSV_COLUMNS]);
      return result;
    },
  );

  app.get(
    '/api/v1/signals/refused',
    {
      ...base,
      schema: {
        tags,
        security: bearerSecurity,
        description:
          "Alerts refused before authentication (wrong or missing webhook secret) against the caller's accounts, counted per account, reason and minute; never the secret.",
        querystring: RefusedAlertQuery,
        response: { 200: RefusedAlertList, 400: ErrorResponse },
      },
    },
    async (request) => listRefusedAlerts(deps.database, currentUser(request).user.id, request.query),
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
