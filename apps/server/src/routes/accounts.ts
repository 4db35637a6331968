import type { RouteContext } from '../app.ts';
import {
  deleteAccount,
  listAccounts,
  registerAccount,
  rotateWebhookSecret,
  testAccount,
  toggleAccount,
  type AccountsDeps,
} from '../services/accounts.ts';
import {
  AccountList,
  AccountParams,
  DeleteResponse,
  RegisterAccountBody,
  RegisteredAccount,
  RotateResponse,
  TestResponse,
  ToggleResponse,
} from './accounts.schema.ts';
import { ErrorResponse } from './auth.schema.ts';
import { bearerSecurity, currentUser, requireUser } from './guard.ts';

/** The seed's exchange-account contract (`/api/v1/accounts-secure/*`), owner-scoped throughout. */
export function registerAccountRoutes(context: RouteContext): void {
  const { app, deps } = context;
  const accounts: AccountsDeps = {
    database: deps.database,
    keyRing: deps.config.keyRing,
    connectExchange: deps.connectExchange,
  };
  const base = { preHandler: requireUser(context) };
  const tags = ['accounts'];
  const errors = { 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse };

  app.post(
    '/api/v1/accounts-secure/register',
    {
      ...base,
      schema: {
        tags,
        security: bearerSecurity,
        body: RegisterAccountBody,
        response: { 201: RegisteredAccount, ...errors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await registerAccount(accounts, currentUser(request).user.id, request.body)),
  );

  app.get(
    '/api/v1/accounts-secure/list',
    {
      ...base,
      schema: { tags, security: bearerSecurity, response: { 200: AccountList, 401: ErrorResponse } },
    },
    async (request) => {
      const list = await listAccounts(accounts, currentUser(request).user.id);
      return { accounts: list, total: list.length };
    },
  );

  app.delete(
    '/api/v1/accounts-secure/:id',
    {
      ...base,
      schema: {
        tags,
        security: bearerSecurity,
        params: AccountParams,
        response: { 200: DeleteResponse, ...errors },
      },
    },
    async (request) => {
      await deleteAccount(accounts, currentUser(request).user.id, request.params.id);
      return { success: true as const, message: 'Account deleted successfully' };
    },
  );

  app.post(
    '/api/v1/accounts-secure/:id/toggle',
    {
      ...base,
      schema: {
        tags,
        security: bearerSecurity,
        params: AccountParams,
        response: { 200: ToggleResponse, ...errors },
      },
    },
    async (request) => ({
      success: true as const,
      account_id: request.params.id,
      is_active: await toggleAccount(accounts, currentUser(request).user.id, request.params.id),
    }),
  );

  app.post(
    '/api/v1/accounts-secure/:id/test',
    {
      ...base,
      config: { rateLimit: { max: 10, timeWindow: '1 minute' } },
      schema: {
        tags,
        security: bearerSecurity,
        params: AccountParams,
        response: { 200: TestResponse, ...errors },
      },
    },
    async (request) => testAccount(accounts, currentUser(request).user.id, request.params.id),
  );

  app.post(
    '/api/v1/accounts-secure/:id/webhook-secret/rotate',
    {
      ...base,
      schema: {
        tags,
        security: bearerSecurity,
        params: AccountParams,
        response: { 200: RotateResponse, ...errors },
      },
    },
    async (request) => ({
      account_id: request.params.id,
      webhook_secret: await rotateWebhookSecret(accounts, currentUser(request).user.id, request.params.id),
    }),
  );
}
