import type { FastifyRequest } from 'fastify';
import type { RouteContext } from '../route-context.ts';
import {
  accountBalance,
  accountPositions,
  deleteAccount,
  listAccounts,
  registerAccount,
  rotateWebhookSecret,
  setMarketData,
  testAccount,
  toggleAccount,
  type AccountsDeps,
} from '../services/accounts.ts';
import { accountPnl } from '../services/pnl.ts';
import { requireFreshTotp } from '../services/totp.ts';
import {
  AccountDeleted,
  AccountList,
  AccountParams,
  AccountPnl,
  AccountToggled,
  Balance,
  ConnectionTest,
  PositionList,
  RegisterAccountBody,
  RegisteredAccount,
  SetMarketDataBody,
  Account,
  WebhookSecretRotated,
} from './accounts.schema.ts';
import { ErrorResponse } from './error.schema.ts';
import { bearerSecurity, currentUser, requireUser } from './guard.ts';

/** What the account routes share: the app, the services' dependencies, the guard and the tags. */
type AccountRoutes = {
  app: RouteContext['app'];
  deps: RouteContext['deps'];
  accounts: AccountsDeps;
  base: { preHandler: ReturnType<typeof requireUser> };
  tags: string[];
  errors: { 400: typeof ErrorResponse; 401: typeof ErrorResponse; 404: typeof ErrorResponse };
  /** With 2FA on, a fresh code in the `X-TOTP-Code` header (TOTP_REQUIRED / TOTP_INVALID, 403). */
  freshTotp: (request: FastifyRequest) => Promise<void>;
};

/** The header is read by `freshTotp`, not declared in the schema (the API's fields are snake_case). */
const TOTP_HEADER_NOTE =
  'With two-factor authentication on, send a current code (or a recovery code) in the `X-TOTP-Code` header; without it the answer is 403 TOTP_REQUIRED, with a wrong or used one 403 TOTP_INVALID.';

/**
 * The exchange accounts (`/api/v1/accounts-secure/*`), owner-scoped throughout: registration and
 * management, a connection test, the venue's live balance and positions, and realized PnL.
 */
export function registerAccountRoutes(context: RouteContext): void {
  const { app, deps } = context;
  const routes: AccountRoutes = {
    app,
    deps,
    accounts: {
      database: deps.database,
      keyRing: deps.config.keyRing,
      connectExchange: deps.connectExchange,
      maxAccountsPerUser: deps.config.maxAccountsPerUser,
    },
    base: { preHandler: requireUser(context) },
    tags: ['accounts'],
    errors: { 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse },
    freshTotp: async (request) => {
      const code = request.headers['x-totp-code'];
      await requireFreshTotp(
        deps.auth,
        currentUser(request).user,
        typeof code === 'string' ? code : undefined,
      );
    },
  };
  registerAccountManagementRoutes(routes);
  registerAccountCredentialRoutes(routes);
  registerAccountReadRoutes(routes);
}

/** Register, list, delete and switch an account on or off. */
function registerAccountManagementRoutes({
  app,
  accounts,
  base,
  tags,
  errors,
  freshTotp,
}: AccountRoutes): void {
  app.post(
    '/api/v1/accounts-secure/register',
    {
      ...base,
      schema: {
        tags,
        security: bearerSecurity,
        body: RegisterAccountBody,
        // 409 ACCOUNT_LIMIT_REACHED: the user holds MAX_ACCOUNTS_PER_USER accounts already
        // 200, not 201: the design's example answers registration with 200 OK (test/design-contract.test.ts).
        response: { 200: RegisteredAccount, ...errors, 409: ErrorResponse },
      },
    },
    async (request) => registerAccount(accounts, currentUser(request).user.id, request.body),
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
        description: TOTP_HEADER_NOTE,
        response: { 200: AccountDeleted, ...errors, 403: ErrorResponse },
      },
    },
    async (request) => {
      await freshTotp(request);
      await deleteAccount(accounts, currentUser(request).user.id, request.params.id);
      return { success: true as const, message: 'Account deleted successfully' };
    },
  );

  app.put(
    '/api/v1/accounts-secure/:id/market-data',
    {
      ...base,
      schema: {
        tags,
        security: bearerSecurity,
        params: AccountParams,
        body: SetMarketDataBody,
        description:
          'A paper account’s price source: `synthetic` (offline, not market data) or the public market data of `binance` or `okx`. Its balance, positions and orders stay. 400 for a live account.',
        response: { 200: Account, ...errors },
      },
    },
    async (request) =>
      setMarketData(accounts, currentUser(request).user.id, request.params.id, request.body.market_data),
  );

  app.post(
    '/api/v1/accounts-secure/:id/toggle',
    {
      ...base,
      schema: {
        tags,
        security: bearerSecurity,
        params: AccountParams,
        response: { 200: AccountToggled, ...errors },
      },
    },
    async (request) => ({
      success: true as const,
      account_id: request.params.id,
      is_active: await toggleAccount(accounts, currentUser(request).user.id, request.params.id),
    }),
  );
}

/** The account's credentials: test its exchange API key, rotate its webhook secret. */
function registerAccountCredentialRoutes({
  app,
  accounts,
  base,
  tags,
  errors,
  freshTotp,
}: AccountRoutes): void {
  app.post(
    '/api/v1/accounts-secure/:id/test',
    {
      ...base,
      config: { rateLimit: { max: 10, timeWindow: '1 minute' } },
      schema: {
        tags,
        security: bearerSecurity,
        params: AccountParams,
        response: { 200: ConnectionTest, ...errors },
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
        description: TOTP_HEADER_NOTE,
        response: { 200: WebhookSecretRotated, ...errors, 403: ErrorResponse },
      },
    },
    async (request) => {
      await freshTotp(request);
      return {
        account_id: request.params.id,
        webhook_secret: await rotateWebhookSecret(accounts, currentUser(request).user.id, request.params.id),
      };
    },
  );
}

/** What the account holds: the venue's live positions and balance, and realized PnL. */
function registerAccountReadRoutes({ app, deps, accounts, base, tags }: AccountRoutes): void {
  app.get(
    '/api/v1/accounts-secure/:id/positions',
    {
      ...base,
      schema: {
        tags,
        security: bearerSecurity,
        params: AccountParams,
        response: { 200: PositionList, 404: ErrorResponse },
      },
    },
    async (request) => accountPositions(accounts, currentUser(request).user.id, request.params.id),
  );

  app.get(
    '/api/v1/accounts-secure/:id/balance',
    {
      ...base,
      schema: {
        tags,
        security: bearerSecurity,
        params: AccountParams,
        response: { 200: Balance, 404: ErrorResponse },
      },
    },
    async (request) => accountBalance(accounts, currentUser(request).user.id, request.params.id),
  );

  /**
   * Realized PnL of the account's orders as this server recorded their fills; exchange-side fills
   * it never saw (a stop-loss that triggered at the exchange, manual trades) are not in it.
   */
  app.get(
    '/api/v1/accounts-secure/:id/pnl',
    {
      ...base,
      schema: {
        tags,
        security: bearerSecurity,
        params: AccountParams,
        response: { 200: AccountPnl, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => accountPnl(deps.database, currentUser(request).user.id, request.params.id),
  );
}
