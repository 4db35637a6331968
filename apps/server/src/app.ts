import Fastify, { type FastifyError, type FastifyInstance, type FastifyBaseLogger } from 'fastify';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import {
  createJsonSchemaTransform,
  createJsonSchemaTransformObject,
  hasZodFastifySchemaValidationErrors,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { DestinationStream } from 'pino';
import { isAppError } from '@tradingbot/core';
import type { Database } from '@tradingbot/db';
import type { Config } from './config.ts';
import { ServerErrors } from './errors.ts';
import { createExchangeFactory, type ConnectExchange, type ExchangeFactory } from './exchange-factory.ts';
import { databasePaperStateStore } from './services/paper-state.ts';
import { registerAuthRoutes } from './routes/auth.ts';
import { registerAccountRoutes } from './routes/accounts.ts';
import { registerExportPineRoutes } from './routes/export-pine.ts';
import { registerHealthRoutes } from './routes/health.ts';
import { registerWebhookRoutes } from './routes/webhook.ts';
import { registerSignalRoutes } from './routes/signals.ts';
import { registerLabRoutes } from './routes/lab.ts';
import { apiSchemas, withoutUnusedSchemas } from './routes/schema-registry.ts';
import type { App, RouteContext } from './route-context.ts';
import { mountWebApp, type WebOptions } from './web.ts';
import { EventBus, type ServerEventBus } from './events.ts';
import { registerListeners } from './listeners/index.ts';
import { WebhookPipeline, type WebhookDeps } from './services/webhook.ts';

export type AppDeps = {
  config: Config;
  database: Database;
  connectExchange?: ConnectExchange;
  /** Where JSON log lines go (tests capture them); default stdout. */
  logStream?: DestinationStream;
  /** Clock for tokens and lockouts (tests). */
  now?: () => Date;
  accessTokenTtlSeconds?: number;
  /** Signal worker settings beyond the configured lease (tests: faster sweeps, shorter limits). */
  worker?: WebhookDeps['worker'];
  /** How long the webhook waits for an execution before answering 202 (default 2.5 s). */
  answerWithinMs?: number;
  /** Serve the built web app (apps/web) from this server: one origin for UI, API and webhook. */
  web?: WebOptions;
};

export type { App, RouteContext, RouteDeps } from './route-context.ts';

/** Request fields never written to a log line. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-mbx-apikey"]',
  '*.api_key',
  '*.api_secret',
  '*.passphrase',
  '*.password',
  '*.secret',
  '*.token',
  '*.session_token',
  '*.access_token',
  '*.webhook_secret',
];

export const BODY_LIMIT_BYTES = 64 * 1024;

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, database } = deps;
  const app = createFastify(deps);
  setErrorHandlers(app);
  const registry = registerMetrics(app);
  await registerPlugins(app, config);
  const context = routeContext(app, deps);
  // ---- Events: one bus; XP, metrics and future notifiers subscribe here (listeners/). ----
  const events: ServerEventBus = new EventBus({ error: (obj, msg) => app.log.error(obj, msg) });
  registerListeners(events, { database, registry, connectExchange: context.deps.connectExchange });
  app.decorate('events', events);
  const webhook = createWebhookPipeline(app, deps, context, { registry, events });
  app.decorate('webhook', webhook);
  app.addHook('onReady', async () => webhook.start());
  await registerRoutes(app, context, webhook);
  if (deps.web) await mountWebApp(app, config, deps.web);
  // Executions still running in the background, and their listeners, finish before the database closes.
  app.addHook('onClose', async () => {
    await webhook.drain();
    await events.idle();
    // Paper accounts' venue states, stored before the database closes.
    const connect = context.deps.connectExchange as Partial<ExchangeFactory>;
    await connect.close?.();
  });
  return app;
}

/** The Fastify instance: JSON logs without secrets, the body limit, zod validation and serialization. */
function createFastify(deps: AppDeps): App {
  const { config } = deps;
  const app = Fastify({
    logger: {
      level: config.logLevel,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      ...(deps.logStream ? { stream: deps.logStream } : {}),
    },
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: config.trustProxy,
    return503OnClosing: true,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  return app;
}

/** One error shape: `{ error: { code, message, details? } }` with stable codes. */
function setErrorHandlers(app: App): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const appError = toAppError(error, request.routeOptions.bodyLimit);
    if (appError.status >= 500) request.log.error({ err: error }, 'request failed');
    void reply.status(appError.status).send({ error: appError.toJSON() });
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({
      error: ServerErrors.create('NOT_FOUND', {
        message: `No route ${request.method} ${request.url.split('?')[0]}`,
      }).toJSON(),
    });
  });
}

/**
 * Request count and latency per route, served on /metrics: a registry per app, so tests and several
 * apps stay apart.
 */
function registerMetrics(app: App): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by route and status',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by route',
    labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  app.decorate('metrics', registry);
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    latency.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    void reply.header('content-type', registry.contentType);
    return registry.metrics();
  });
  return registry;
}

/** Security headers, CORS, the rate limit, and the OpenAPI document with its UI at /docs. */
async function registerPlugins(app: App, config: Config): Promise<void> {
  // The API serves JSON (and the docs UI, which needs inline scripts): CSP is left to the web app.
  await app.register(helmet, { contentSecurityPolicy: false });
  await app.register(cors, { origin: config.webOrigin ?? false, credentials: true });
  await app.register(rateLimit, {
    // Per client address (behind a proxy: TRUST_PROXY, or every user shares the proxy's address).
    // The web UI polls balances and positions, so this is a flood guard, not a per-user quota;
    // logins have their own lockout.
    max: config.apiRateLimit,
    timeWindow: '1 minute',
    errorResponseBuilder: (_request, context) =>
      ServerErrors.create('RATE_LIMITED', {
        details: { retry_after_seconds: Math.ceil(context.ttl / 1000) },
      }),
  });
  const namedSchemas = createJsonSchemaTransformObject({ schemaRegistry: apiSchemas });
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'TradingBot AI API',
        version: '0.1.0',
        description: 'Accounts, authentication, Pine export and the TradingView webhook.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    transform: createJsonSchemaTransform({ schemaRegistry: apiSchemas }),
    transformObject: (document) => withoutUnusedSchemas(namedSchemas(document)),
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
}

/** What the route modules get: the app and their services' dependencies. */
function routeContext(app: App, deps: AppDeps): RouteContext {
  const { config, database } = deps;
  return {
    app,
    deps: {
      config,
      database,
      connectExchange: deps.connectExchange ?? defaultExchangeFactory(app, deps),
      auth: {
        database,
        secretKey: config.secretKey,
        ...(deps.now ? { now: deps.now } : {}),
        ...(deps.accessTokenTtlSeconds ? { accessTokenTtlSeconds: deps.accessTokenTtlSeconds } : {}),
      },
    },
  };
}

/** Venue clients per account; paper accounts' states stored in the database (paper_venue_state). */
function defaultExchangeFactory(app: App, deps: AppDeps): ExchangeFactory {
  const { config, database } = deps;
  return createExchangeFactory({
    baseUrls: config.baseUrls,
    requestTimeoutMs: config.venueRequestTimeoutMs,
    paperState: databasePaperStateStore(database),
    idleMs: config.venueIdleMs,
    maxVenues: config.venueCacheMax,
    log: { warn: (obj, msg) => app.log.warn(obj, msg) },
  });
}

/** The webhook pipeline and its signal worker, logging through the app's logger. */
function createWebhookPipeline(
  app: App,
  deps: AppDeps,
  context: RouteContext,
  { registry, events }: { registry: Registry; events: ServerEventBus },
): WebhookPipeline {
  const { config, database } = deps;
  return new WebhookPipeline({
    database,
    keyRing: config.keyRing,
    connectExchange: context.deps.connectExchange,
    registry,
    events,
    ...(deps.now ? { now: () => deps.now!().getTime() } : {}),
    ...(deps.answerWithinMs !== undefined ? { answerWithinMs: deps.answerWithinMs } : {}),
    worker: {
      leaseMs: config.signalLeaseMs,
      venueDeadlineMs: config.signalVenueDeadlineMs,
      log: {
        warn: (obj, msg) => app.log.warn(obj, msg),
        error: (obj, msg) => app.log.error(obj, msg),
      },
      ...deps.worker,
    },
  });
}

/** Every API route module, in one encapsulated plugin. */
async function registerRoutes(app: App, context: RouteContext, webhook: WebhookPipeline): Promise<void> {
  await app.register(async (scoped) => {
    const scopedContext = { ...context, app: scoped.withTypeProvider<ZodTypeProvider>() };
    registerHealthRoutes(scopedContext);
    registerAuthRoutes(scopedContext);
    registerAccountRoutes(scopedContext);
    registerExportPineRoutes(scopedContext);
    registerWebhookRoutes(scopedContext, webhook);
    registerSignalRoutes(scopedContext);
    registerLabRoutes(scopedContext);
  });
}

/** Any error a route or Fastify raises, as our error (`bodyLimit`: the route's, for a 413). */
export function toAppError(error: FastifyError, bodyLimit: number = BODY_LIMIT_BYTES) {
  if (isAppError(error)) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const issues = error.validation.map((issue) => ({
      field:
        issue.instancePath.replace(/^\//, '').replace(/\//g, '.') || String(issue.params?.['keys'] ?? ''),
      message: issue.message,
    }));
    const first = issues[0];
    return ServerErrors.create('VALIDATION_FAILED', {
      message: first
        ? `${error.validationContext ?? 'body'}${first.field ? `.${first.field}` : ''}: ${first.message}`
        : 'The request is invalid',
      details: { issues },
    });
  }
  const status = error.statusCode ?? 500;
  if (status === 413)
    return ServerErrors.create('PAYLOAD_TOO_LARGE', {
      message: `The request body is larger than ${bodyLimit} bytes`,
    });
  if (status === 415) return ServerErrors.create('UNSUPPORTED_MEDIA_TYPE', { message: error.message });
  if (status === 429) return ServerErrors.create('RATE_LIMITED');
  if (error instanceof SyntaxError || /JSON/.test(error.code ?? ''))
    return ServerErrors.create('INVALID_JSON', {
      message: `The request body is not valid JSON: ${error.message}`,
    });
  if (status >= 400 && status < 500)
    return ServerErrors.create('VALIDATION_FAILED', { message: error.message });
  return ServerErrors.create('INTERNAL');
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Registry;
    webhook: WebhookPipeline;
    events: ServerEventBus;
  }
}

export type { FastifyBaseLogger };
