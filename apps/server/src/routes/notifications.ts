import type { RouteContext } from '../route-context.ts';
import {
  createChannel,
  deleteChannel,
  listChannels,
  testChannel,
  updateChannel,
  type NotificationDeps,
} from '../services/notifications.ts';
import { ErrorResponse } from './error.schema.ts';
import { bearerSecurity, currentUser, requireUser } from './guard.ts';
import {
  ChannelCreateBody,
  ChannelParams,
  ChannelUpdateBody,
  NotificationChannel,
  NotificationChannelCreated,
  NotificationChannelDeleted,
  NotificationChannelList,
  NotificationTestResult,
} from './notifications.schema.ts';

/** A user's notification channels: list, create, update, delete, send a test. */
export function registerNotificationRoutes(context: RouteContext): void {
  const { app, deps } = context;
  const base = { preHandler: requireUser(context) };
  const tags = ['notifications'];
  const service: NotificationDeps = {
    database: deps.database,
    config: deps.config.notify,
    keyRing: deps.config.keyRing,
    senders: deps.notify.senders,
  };
  const path = '/api/v1/notifications/channels';
  const byId = { params: ChannelParams };
  const errors = { 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse };

  app.get(
    path,
    {
      ...base,
      schema: {
        tags,
        security: bearerSecurity,
        response: { 200: NotificationChannelList, 401: ErrorResponse },
      },
    },
    async (request) => listChannels(service, currentUser(request).user.id),
  );

  app.post(
    path,
    {
      ...base,
      schema: {
        tags,
        security: bearerSecurity,
        body: ChannelCreateBody,
        response: { 201: NotificationChannelCreated, ...errors, 409: ErrorResponse },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createChannel(service, currentUser(request).user.id, request.body)),
  );

  app.patch(
    `${path}/:id`,
    {
      ...base,
      schema: {
        tags,
        security: bearerSecurity,
        ...byId,
        body: ChannelUpdateBody,
        response: { 200: NotificationChannel, ...errors },
      },
    },
    async (request) => updateChannel(service, currentUser(request).user.id, request.params.id, request.body),
  );

  app.delete(
    `${path}/:id`,
    {
      ...base,
      schema: {
        tags,
        security: bearerSecurity,
        ...byId,
        response: { 200: NotificationChannelDeleted, ...errors },
      },
    },
    async (request) => {
      await deleteChannel(service, currentUser(request).user.id, request.params.id);
      return { success: true as const };
    },
  );

  app.post(
    `${path}/:id/test`,
    {
      ...base,
      schema: {
        tags,
        security: bearerSecurity,
        ...byId,
        response: { 200: NotificationTestResult, ...errors },
      },
    },
    async (request) => testChannel(service, currentUser(request).user.id, request.params.id),
  );
}
