import type { FastifyRequest } from 'fastify';
import type { RouteContext } from '../route-context.ts';
import { AccountGroups } from '../services/account-groups.ts';
import { requireFreshTotp } from '../services/totp.ts';
import {
  AccountGroup,
  AccountGroupDeleted,
  AccountGroupList,
  AccountGroupParams,
  AccountGroupSecretRotated,
  CreateAccountGroupBody,
  CreatedAccountGroup,
  UpdateAccountGroupBody,
} from './account-groups.schema.ts';
import { ErrorResponse } from './error.schema.ts';
import { bearerSecurity, currentUser, requireUser } from './guard.ts';

const TOTP_NOTE =
  'With two-factor authentication on, send a current code in the `X-TOTP-Code` header (403 TOTP_REQUIRED / TOTP_INVALID otherwise), as for an account.';

/**
 * Account groups (`/api/v1/account-groups`): one alert with `group_id` and the group's secret runs
 * on every member account. Owner-scoped: another user's group is 404 ACCOUNT_GROUP_NOT_FOUND,
 * another user's account as a member 400 ACCOUNT_GROUP_MEMBER_UNKNOWN (field `account_ids.N`).
 */
export function registerAccountGroupRoutes(context: RouteContext): void {
  const routes: GroupRoutes = {
    context,
    groups: new AccountGroups(context.deps.database),
    base: { preHandler: requireUser(context) },
  };
  registerGroupManagementRoutes(routes);
  registerGroupSecretRoutes(routes);
}

type GroupRoutes = {
  context: RouteContext;
  groups: AccountGroups;
  base: { preHandler: ReturnType<typeof requireUser> };
};

const tags = ['account groups'];
const errors = { 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse };
const path = '/api/v1/account-groups';
const userOf = (request: FastifyRequest) => currentUser(request).user.id;

/** Create, list, read, rename / re-member. */
function registerGroupManagementRoutes({ context: { app }, groups, base }: GroupRoutes): void {
  app.post(
    path,
    {
      ...base,
      schema: {
        tags,
        security: bearerSecurity,
        body: CreateAccountGroupBody,
        description: 'Creates a group; its webhook secret is in this answer only.',
        response: { 201: CreatedAccountGroup, ...errors, 409: ErrorResponse },
      },
    },
    async (request, reply) => reply.status(201).send(await groups.create(userOf(request), request.body)),
  );

  app.get(
    path,
    {
      ...base,
      schema: { tags, security: bearerSecurity, response: { 200: AccountGroupList, 401: ErrorResponse } },
    },
    async (request) => {
      const list = await groups.list(userOf(request));
      return { groups: list, total: list.length };
    },
  );

  app.get(
    `${path}/:id`,
    {
      ...base,
      schema: {
        tags,
        security: bearerSecurity,
        params: AccountGroupParams,
        response: { 200: AccountGroup, ...errors },
      },
    },
    async (request) => groups.get(userOf(request), request.params.id),
  );

  app.patch(
    `${path}/:id`,
    {
      ...base,
      schema: {
        tags,
        security: bearerSecurity,
        params: AccountGroupParams,
        body: UpdateAccountGroupBody,
        description: 'Renames the group and/or replaces its member accounts.',
        response: { 200: AccountGroup, ...errors },
      },
    },
    async (request) => groups.update(userOf(request), request.params.id, request.body),
  );
}

/** Rotate the group's webhook secret, delete the group (both with a fresh TOTP code when 2FA is on). */
function registerGroupSecretRoutes({ context: { app, deps }, groups, base }: GroupRoutes): void {
  const freshTotp = async (request: FastifyRequest) => {
    const code = request.headers['x-totp-code'];
    await requireFreshTotp(deps.auth, currentUser(request).user, typeof code === 'string' ? code : undefined);
  };

  app.post(
    `${path}/:id/webhook-secret/rotate`,
    {
      ...base,
      schema: {
        tags,
        security: bearerSecurity,
        params: AccountGroupParams,
        description: TOTP_NOTE,
        response: { 200: AccountGroupSecretRotated, ...errors, 403: ErrorResponse },
      },
    },
    async (request) => {
      await freshTotp(request);
      return {
        group_id: request.params.id,
        webhook_secret: await groups.rotateSecret(userOf(request), request.params.id),
      };
    },
  );

  app.delete(
    `${path}/:id`,
    {
      ...base,
      schema: {
        tags,
        security: bearerSecurity,
        params: AccountGroupParams,
        description: TOTP_NOTE,
        response: { 200: AccountGroupDeleted, ...errors, 403: ErrorResponse },
      },
    },
    async (request) => {
      await freshTotp(request);
      await groups.delete(userOf(request), request.params.id);
      return { success: true as const };
    },
  );
}
