import type { RouteContext } from '../route-context.ts';
import {
  botDetail,
  createBot,
  deleteBot,
  listBots,
  setBotDesiredState,
  type BotsDeps,
} from '../services/bots.ts';
import {
  Bot,
  BotDeleted,
  BotDetail,
  BotList,
  BotListQuery,
  BotParams,
  CreateBotBody,
} from './bots.schema.ts';
import { ErrorResponse } from './error.schema.ts';
import { bearerSecurity, currentUser, requireUser } from './guard.ts';

/**
 * Strategy bots (`/api/v1/bots`), owner-scoped: define, list, read, start, stop and delete.
 * `changed` tells this process's bot runner at once; other processes see it at their next sweep.
 */
export function registerBotRoutes(context: RouteContext, changed?: (accountId: string) => void): void {
  const { app, deps } = context;
  const service: BotsDeps = {
    database: deps.database,
    maxSignalAgeMs: deps.config.bots.maxSignalAgeMs,
    ...(changed ? { changed } : {}),
  };
  const base = { preHandler: requireUser(context) };
  const tags = ['bots'];
  const errors = { 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse };

  app.post(
    '/api/v1/bots',
    {
      ...base,
      schema: {
        tags,
        security: bearerSecurity,
        body: CreateBotBody,
        response: { 201: Bot, ...errors, 409: ErrorResponse },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createBot(service, currentUser(request).user.id, request.body)),
  );

  app.get(
    '/api/v1/bots',
    {
      ...base,
      schema: {
        tags,
        security: bearerSecurity,
        querystring: BotListQuery,
        response: { 200: BotList, ...errors },
      },
    },
    async (request) => listBots(service, currentUser(request).user.id, request.query.account_id),
  );

  app.get(
    '/api/v1/bots/:id',
    {
      ...base,
      schema: { tags, security: bearerSecurity, params: BotParams, response: { 200: BotDetail, ...errors } },
    },
    async (request) => botDetail(service, currentUser(request).user.id, request.params.id),
  );

  for (const [verb, desired] of [
    ['start', 'running'],
    ['stop', 'stopped'],
  ] as const) {
    app.post(
      `/api/v1/bots/:id/${verb}`,
      {
        ...base,
        schema: { tags, security: bearerSecurity, params: BotParams, response: { 200: Bot, ...errors } },
      },
      async (request) =>
        setBotDesiredState(service, currentUser(request).user.id, request.params.id, desired),
    );
  }

  app.delete(
    '/api/v1/bots/:id',
    {
      ...base,
      schema: { tags, security: bearerSecurity, params: BotParams, response: { 200: BotDeleted, ...errors } },
    },
    async (request) => deleteBot(service, currentUser(request).user.id, request.params.id),
  );
}
