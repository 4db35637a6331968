import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Database } from '@tradingbot/db';
import type { Config } from './config.ts';
import type { ConnectExchange } from './exchange-factory.ts';
import type { AuthDeps } from './services/auth.ts';
import type { NotificationOutbox } from './services/notify/outbox.ts';
import type { Senders } from './services/notify/senders.ts';

/**
 * What every route module receives: the app (typed by the zod schemas) and the dependencies of
 * its services. Kept apart from app.ts, which imports every route module.
 */
export type App = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  ZodTypeProvider
>;

export type RouteDeps = {
  config: Config;
  database: Database;
  connectExchange: ConnectExchange;
  auth: AuthDeps;
  /** The notification outbox and senders (`services/notify/`). */
  notify: { outbox: NotificationOutbox; senders: Senders };
};

export type RouteContext = { app: App; deps: RouteDeps };
