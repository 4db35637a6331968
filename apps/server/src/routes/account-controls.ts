import type { RouteContext } from '../route-context.ts';
import { getSettings, putSettings, runManualAction, setEntriesPaused } from '../services/account-controls.ts';
import type { SignalQueuePort } from '../services/notify/telegram/manual-signals.ts';
import {
  AccountSettings,
  AccountSettingsBody,
  CancelOrdersBody,
  ClosePositionBody,
  ControlParams,
  ManualActionAnswer,
  PauseAnswer,
} from './account-controls.schema.ts';
import { ErrorResponse } from './error.schema.ts';
import { bearerSecurity, currentUser, requireUser } from './guard.ts';

/**
 * An account's settings (`GET/PUT /accounts-secure/{id}/settings`) and its manual controls: close a
 * position, flatten the account, cancel open orders (each queued as a `source: "manual"` signal
 * behind the account's alerts, audited `signal.manual`), pause and resume new entries. Owner-scoped.
 */
export function registerAccountControlRoutes(context: RouteContext, queue: SignalQueuePort): void {
  const { app, deps } = context;
  const { database } = deps;
  const base = { preHandler: requireUser(context) };
  const tags = ['accounts'];
  const common = { tags, security: bearerSecurity, params: ControlParams };
  const errors = { 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse };
  const manual = { 200: ManualActionAnswer, ...errors };
  const userOf = (request: Parameters<typeof currentUser>[0]) => currentUser(request).user.id;

  app.get(
    '/api/v1/accounts-secure/:id/settings',
    { ...base, schema: { ...common, response: { 200: AccountSettings, ...errors } } },
    async (request) => getSettings(database, userOf(request), request.params.id),
  );

  app.put(
    '/api/v1/accounts-secure/:id/settings',
    {
      ...base,
      schema: { ...common, body: AccountSettingsBody, response: { 200: AccountSettings, ...errors } },
    },
    async (request) => putSettings(database, userOf(request), request.params.id, request.body),
  );

  app.post(
    '/api/v1/accounts-secure/:id/close',
    { ...base, schema: { ...common, body: ClosePositionBody, response: manual } },
    async (request) => {
      const { symbol, side } = request.body;
      const action = side === 'long' ? 'close_long' : side === 'short' ? 'close_short' : 'close_all';
      return runManualAction({ database, queue }, userOf(request), request.params.id, {
        action,
        symbol,
        command: 'close',
      });
    },
  );

  app.post(
    '/api/v1/accounts-secure/:id/flatten',
    { ...base, schema: { ...common, response: manual } },
    async (request) =>
      runManualAction({ database, queue }, userOf(request), request.params.id, {
        action: 'close_all',
        scope: 'account',
        command: 'flatten',
      }),
  );

  app.post(
    '/api/v1/accounts-secure/:id/cancel-orders',
    { ...base, schema: { ...common, body: CancelOrdersBody, response: manual } },
    async (request) => {
      const { symbol } = request.body;
      return runManualAction({ database, queue }, userOf(request), request.params.id, {
        action: 'cancel_orders',
        ...(symbol !== undefined ? { symbol } : { scope: 'account' as const }),
        command: 'cancel_orders',
      });
    },
  );

  for (const [path, paused] of [
    ['pause', true],
    ['resume', false],
  ] as const) {
    app.post(
      `/api/v1/accounts-secure/:id/${path}`,
      { ...base, schema: { ...common, response: { 200: PauseAnswer, ...errors } } },
      async (request) => setEntriesPaused(database, userOf(request), request.params.id, paused, 'manual'),
    );
  }
}
