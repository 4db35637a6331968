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
import { stdSerializers, type DestinationStream } from 'pino';
import pinoPretty from 'pino-pretty';
import { isAppError } from '@tradingbot/core';
import { databaseErrorFacts, withoutQueryValues, type Database } from '@tradingbot/db';
import type { Config } from './config.ts';
import { ServerErrors } from './errors.ts';
import { validationFailed } from './validation-issues.ts';
import { errorBody } from './routes/error.schema.ts';
import { createExchangeFactory, type ConnectExchange, type ExchangeFactory } from './exchange-factory.ts';
import { VenueGates } from './services/venue-gate.ts';
import { databasePaperStateStore } from './services/paper-state.ts';
import { registerAuthRoutes } from './routes/auth.ts';
import { registerAccountControlRoutes } from './routes/account-controls.ts';
import { scheduleDailySummaries } from './services/notify/daily-summary.ts';
import { registerAccountRoutes } from './routes/accounts.ts';
import { registerAccountGroupRoutes } from './routes/account-groups.ts';
import { registerExportPineRoutes } from './routes/export-pine.ts';
import { registerHealthRoutes } from './routes/health.ts';
import { registerWebhookRoutes } from './routes/webhook.ts';
import { registerSignalRoutes } from './routes/signals.ts';
import { registerLabRoutes, type LabQueueOptions } from './routes/lab.ts';
import { apiSchemas, withoutUnusedSchemas } from './routes/schema-registry.ts';
import type { App, RouteContext, RouteDeps } from './route-context.ts';
import { mountWebApp, type WebOptions } from './web.ts';
import { EventBus, type ServerEventBus } from './events.ts';
import { UserEventHub } from './services/event-stream.ts';
import { registerBreakEvenListener } from './listeners/break-even.ts';
import { registerListeners } from './listeners/index.ts';
import { NotificationOutbox } from './services/notify/outbox.ts';
import { createSenders, type Senders } from './services/notify/senders.ts';
import { registerNotificationRoutes } from './routes/notifications.ts';
import { WebhookPipeline, type WebhookDeps } from './services/webhook.ts';
import { registerBackupSchedule } from './services/backup-schedule.ts';
import { registerTelegramBot, type TelegramWiring } from './services/notify/telegram/index.ts';
import { telegramChannelHooks } from './services/notify/telegram-channel.ts';
import { registerTelegramRoutes } from './routes/telegram.ts';
import { AccountMirror, type AccountMirrorOptions } from './services/account-mirror.ts';
import { WarmStates } from './services/warm-state.ts';
import { registerMirrorRoutes } from './routes/mirror.ts';
import { registerHistoryRoutes } from './routes/history.ts';
import { registerEventRoutes } from './routes/events.ts';
import { registerBotChartRoutes } from './routes/bot-chart.ts';
import { registerBotRoutes } from './routes/bots.ts';
import { BotRunner, type BotRunnerOptions } from './services/bots/runner.ts';
import { assertSafeRequest } from './input-safety.ts';
import { hashToken, timingSafeEqualHex } from './crypto/credentials.ts';

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
  /** The lab's job queue (tests: a pg-boss schema of their own, faster polling). */
  labQueue?: LabQueueOptions;
  /** Telegram bot settings (tests: faster pacing and retries). */
  telegram?: TelegramWiring['overrides'];
  /** Account mirror settings beyond the configuration (tests: faster sweeps, short protection delay). */
  mirror?: Partial<AccountMirrorOptions>;
  /** Bot runner settings beyond the configuration (tests: faster sweeps, the replay's market clock). */
  bots?: Partial<Omit<BotRunnerOptions, 'database' | 'keyRing' | 'connectExchange' | 'queue'>>;
  /** Notification senders beside the built-in ones (`services/notify/senders.ts`). */
  notifySenders?: Senders;
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

/** Content-Security-Policy of every API answer (JSON): nothing may run, load or frame it. */
export const API_CSP_DIRECTIVES = {
  defaultSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"],
};

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, database } = deps;
  const app = createFastify(deps);
  setErrorHandlers(app);
  const registry = registerMetrics(app);
  await registerPlugins(app, config);
  if (config.metricsToken) serveMetricsWithToken(app, registry, config.metricsToken);
  const notifications = createNotifications(app, deps);
  const context = routeContext(app, deps, notifications);
  // ---- Events: one bus; XP, metrics and future notifiers subscribe here (listeners/). ----
  const events: ServerEventBus = new EventBus({ error: (obj, msg) => app.log.error(obj, msg) });
  const stopListeners = registerListeners(events, {
    database,
    registry,
    connectExchange: context.deps.connectExchange,
    notify: { config: config.notify, outbox: notifications.outbox },
  });
  app.decorate('events', events);
  // Browsers' live streams hear their user's events from every process sharing the database.
  const userEvents = new UserEventHub(events, database.broadcast, app.log);
  app.decorate('userEvents', userEvents);
  app.addHook('onReady', async () => userEvents.start());
  app.decorate('notifications', notifications.outbox);
  // The accounts' warm states: fed by the mirror's streams, read by the executor (the entry first).
  const warmStates =
    config.mirror.enabled && config.warmStateMaxAgeMs > 0
      ? new WarmStates({
          maxAgeMs: config.warmStateMaxAgeMs,
          log: { warn: (obj, msg) => app.log.warn(obj, msg) },
        })
      : undefined;
  const webhook = createWebhookPipeline(app, deps, context, { registry, events, warmStates });
  app.decorate('webhook', webhook);
  // The break-even move is a signal of its own, queued when a first take-profit fills.
  registerBreakEvenListener(events, { database, queue: webhook.worker });
  let stopSummaries = () => {};
  // A venue at its rate limit: the worker starts no new signal there until the limit's window ends.
  const stopBackOffs = (context.deps.connectExchange as Partial<ExchangeFactory>).gates?.subscribe((b) =>
    webhook.worker.slots.backOff(b.venue, b.untilMs, b.accountId),
  );
  app.addHook('onReady', async () => {
    webhook.start();
    if (config.notify.dispatch) {
      notifications.outbox.start();
      stopSummaries = scheduleDailySummaries({
        database,
        outbox: notifications.outbox,
        log: { error: (obj, msg) => app.log.error(obj, msg) },
      });
    }
  });
  const mirror = createAccountMirror(app, deps, context, events, warmStates);
  app.decorate('mirror', mirror);
  if (mirror) app.addHook('onReady', async () => mirror.start());
  const botRunner = createBotRunner(deps, context, webhook);
  app.decorate('bots', botRunner);
  if (botRunner) app.addHook('onReady', async () => botRunner.start());
  registerBackupSchedule(app, config, database);
  const telegram = registerTelegramBot(app, {
    config,
    database,
    connectExchange: context.deps.connectExchange,
    queue: webhook.worker,
    // A linked chat becomes the user's telegram notification channel; unlinking removes it.
    hooks: telegramChannelHooks(database, config.keyRing),
    ...(deps.telegram ? { overrides: deps.telegram } : {}),
  });
  // The outbox sends telegram channels' messages through the bot (unless a test gave its own sender).
  if (telegram && !notifications.senders.telegram) notifications.senders.telegram = telegram.sender;
  await registerRoutes(app, context, webhook, deps.labQueue, (accountId) => botRunner?.kick(accountId));
  await app.register(async (scoped) =>
    registerTelegramRoutes({ ...context, app: scoped.withTypeProvider<ZodTypeProvider>() }, telegram),
  );
  if (deps.web) await mountWebApp(app, config, deps.web);
  // Executions still running in the background, and their listeners, finish before the database
  // closes, for up to `shutdownDrainMs`: what is left resumes in the next process (its lease expires).
  app.addHook('onClose', async () => {
    webhook.stopAccepting();
    // Bots and streams end and their leases are let go: another process takes them over at once.
    await botRunner?.stop();
    await mirror?.stop();
    await warmStates?.close();
    if (!(await webhook.drain(deps.config.shutdownDrainMs))) {
      app.log.warn(
        `Signals still executing after ${deps.config.shutdownDrainMs} ms (SHUTDOWN_DRAIN_MS): they resume when a server starts again`,
      );
    }
    await events.idle();
    await userEvents.close();
    stopListeners();
    stopSummaries();
    stopBackOffs?.();
    await notifications.outbox.stop();
    notifications.senders.close();
    // Paper accounts' venue states, stored before the database closes.
    const connect = context.deps.connectExchange as Partial<ExchangeFactory>;
    await connect.close?.();
  });
  return app;
}

/**
 * Where log lines go: JSON (one object a line) as given, or through pino-pretty for a person at a
 * terminal (LOG_FORMAT=pretty, the default in development on a TTY). Pretty printing runs in this
 * thread (`sync`), so a line is written before the next statement, as with JSON.
 */
function logDestination(
  config: Config,
  stream: DestinationStream | undefined,
): DestinationStream | undefined {
  if (config.logFormat !== 'pretty') return stream;
  return pinoPretty({
    sync: true,
    colorize: stream === undefined && process.stdout.isTTY === true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
    ...(stream ? { destination: stream } : {}),
  });
}

/**
 * Errors as pino writes them, minus what a failed statement carried: its parameters and the row
 * values a driver repeats (`withoutQueryValues`), plus the database's SQLSTATE code and constraint
 * (`db`), wherever the error is logged (`err` or `error`).
 */
function errorSerializer(error: Error) {
  if (!(error instanceof Error)) return stdSerializers.err(error); // returns a non-error as it is
  const facts = databaseErrorFacts(error);
  return { ...stdSerializers.err(withoutQueryValues(error)), ...(facts ? { db: facts } : {}) };
}

/**
 * Graceful shutdown: new webhook signals get 503 SHUTTING_DOWN and readiness fails at once, then
 * in-flight requests finish, the signal worker drains (bounded by SHUTDOWN_DRAIN_MS) and the app
 * closes. `server.ts` calls it on SIGTERM / SIGINT.
 */
export async function closeGracefully(app: FastifyInstance): Promise<void> {
  app.webhook.stopAccepting();
  await app.close();
}

/** The Fastify instance: JSON logs without secrets, the body limit, zod validation and serialization. */
function createFastify(deps: AppDeps): App {
  const { config } = deps;
  const stream = logDestination(config, deps.logStream);
  const app = Fastify({
    logger: {
      level: config.logLevel,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: { err: errorSerializer, error: errorSerializer },
      ...(stream ? { stream } : {}),
    },
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: fastifyTrustProxy(config.trustProxy),
    return503OnClosing: true,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  acceptEmptyJsonBodies(app);
  return app;
}

/**
 * Many HTTP clients send `Content-Type: application/json` on every request, a body-less POST or
 * DELETE too: that is no body, not invalid JSON, which Fastify's parser would refuse
 * (FST_ERR_CTP_EMPTY_JSON_BODY). Any other body still goes through Fastify's own parser,
 * prototype-poisoning checks included.
 */
function acceptEmptyJsonBodies(app: App): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = String(body); // parseAs 'string': always a string
    if (text === '') done(null, undefined);
    else parseJson(request, text, done);
  });
}

/**
 * TRUST_PROXY as Fastify's `trustProxy`: the client is the first untrusted hop from the right of
 * X-Forwarded-For (proxy-addr). A hop count is a function trusting the `hops` nearest addresses
 * (the socket peer is hop 0): Fastify 5 reads a bare number as "trust nothing".
 */
function fastifyTrustProxy(
  trust: Config['trustProxy'],
): false | string[] | ((address: string, hop: number) => boolean) {
  if (trust === false) return false;
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  return [...trust];
}

/** One error shape, `errorBody` (routes/error.schema.ts): `{ detail, error: { code, message, details? } }`. */
function setErrorHandlers(app: App): void {
  // NUL, unpaired surrogates and deep nesting in any body, query or path id: a 400 before
  // validation, never a database error (the webhook checks its own body after authentication).
  app.addHook('preValidation', async (request) => {
    const ownBody = request.routeOptions.config?.checksOwnBody === true;
    assertSafeRequest({
      ...(ownBody ? {} : { body: request.body }),
      query: request.query,
      params: request.params,
    });
  });
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const appError = toAppError(error, request.routeOptions.bodyLimit);
    if (appError.status >= 500) request.log.error({ err: error }, 'request failed');
    const retryAfter = appError.details?.retry_after_seconds;
    if (typeof retryAfter === 'number') void reply.header('retry-after', String(retryAfter));
    void reply.status(appError.status).send(errorBody(appError));
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send(
      errorBody(
        ServerErrors.create('NOT_FOUND', {
          message: `No route ${request.method} ${request.url.split('?')[0]}`,
        }),
      ),
    );
  });
}

/**
 * Request count and latency per route for Prometheus: a registry per app, so tests and several
 * apps stay apart. Served on the API's origin only to the bearer of METRICS_TOKEN (rate-limited like
 * the API), and on METRICS_PORT by `startMetricsServer`.
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
  return registry;
}

/** GET /metrics on the API's origin, for `Authorization: Bearer <METRICS_TOKEN>` only. */
function serveMetricsWithToken(app: App, registry: Registry, token: string): void {
  const expected = hashToken(token);
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    const presented = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1] ?? '';
    if (!timingSafeEqualHex(hashToken(presented), expected)) {
      throw ServerErrors.create('UNAUTHENTICATED', {
        message: 'GET /metrics needs its bearer token (METRICS_TOKEN)',
      });
    }
    void reply.header('content-type', registry.contentType);
    return registry.metrics();
  });
}

/** Security headers, CORS, the rate limit, and the OpenAPI document with its UI at /docs. */
async function registerPlugins(app: App, config: Config): Promise<void> {
  // The API serves JSON: a policy that allows nothing to run or load. The docs UI sends its own
  // (swagger-ui's `staticCSP`, hashes of its inline scripts), the web app's pages theirs (web.ts).
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: API_CSP_DIRECTIVES },
  });
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
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
}

/** What the route modules get: the app and their services' dependencies. */
function routeContext(app: App, deps: AppDeps, notify: RouteDeps['notify']): RouteContext {
  const { config, database } = deps;
  return {
    app,
    deps: {
      config,
      database,
      notify,
      connectExchange: deps.connectExchange ?? defaultExchangeFactory(app, deps),
      auth: {
        database,
        secretKey: config.secretKey,
        keyRing: config.keyRing,
        ...(deps.now ? { now: deps.now } : {}),
        ...(deps.accessTokenTtlSeconds ? { accessTokenTtlSeconds: deps.accessTokenTtlSeconds } : {}),
      },
    },
  };
}

/** The notification outbox and the senders it hands messages to (services/notify/). */
function createNotifications(app: App, deps: AppDeps) {
  const { config, database } = deps;
  const senders = createSenders(config.notify, deps.notifySenders);
  const outbox = new NotificationOutbox({
    database,
    config: config.notify,
    keyRing: config.keyRing,
    senders,
    log: { warn: (obj, msg) => app.log.warn(obj, msg), error: (obj, msg) => app.log.error(obj, msg) },
  });
  return { outbox, senders };
}

/** Venue clients per account; paper accounts' states stored in the database (paper_venue_state). */
function defaultExchangeFactory(app: App, deps: AppDeps): ExchangeFactory {
  const { config, database } = deps;
  return createExchangeFactory({
    baseUrls: config.baseUrls,
    publicStreamUrls: config.publicStreamUrls,
    requestTimeoutMs: config.venueRequestTimeoutMs,
    paperState: databasePaperStateStore(database),
    idleMs: config.venueIdleMs,
    maxVenues: config.venueCacheMax,
    gates: new VenueGates({ binanceWeightLimit: config.binanceWeightLimit }),
    log: { warn: (obj, msg) => app.log.warn(obj, msg) },
  });
}

/** The webhook pipeline and its signal worker, logging through the app's logger. */
function createWebhookPipeline(
  app: App,
  deps: AppDeps,
  context: RouteContext,
  {
    registry,
    events,
    warmStates,
  }: { registry: Registry; events: ServerEventBus; warmStates: WarmStates | undefined },
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
      maxStartDelayMs: config.signalMaxStartDelayMs,
      ...(warmStates ? { warmStates } : {}),
      slots: config.signalSlots,
      log: {
        warn: (obj, msg) => app.log.warn(obj, msg),
        error: (obj, msg) => app.log.error(obj, msg),
      },
      ...deps.worker,
    },
  });
}

/** The account mirror (venue streams), when STREAMS_ENABLED. */
function createAccountMirror(
  app: App,
  deps: AppDeps,
  context: RouteContext,
  events: ServerEventBus,
  warmStates: WarmStates | undefined,
): AccountMirror | undefined {
  const { config, database } = deps;
  if (!config.mirror.enabled) return undefined;
  return new AccountMirror({
    database,
    keyRing: config.keyRing,
    connectExchange: context.deps.connectExchange,
    events,
    leaseMs: config.mirror.leaseMs,
    reconcileIntervalMs: config.mirror.reconcileIntervalMs,
    startConcurrency: config.mirror.startConcurrency,
    ...(warmStates ? { warm: warmStates } : {}),
    log: {
      info: (obj, msg) => app.log.info(obj, msg),
      warn: (obj, msg) => app.log.warn(obj, msg),
      error: (obj, msg) => app.log.error(obj, msg),
    },
    ...deps.mirror,
  });
}

/** The bot runner (strategy bots on venue candles), when BOTS_ENABLED; its signals go to the webhook's worker. */
function createBotRunner(
  deps: AppDeps,
  context: RouteContext,
  webhook: WebhookPipeline,
): BotRunner | undefined {
  const { config, database } = deps;
  if (!config.bots.enabled) return undefined;
  return new BotRunner({
    database,
    keyRing: config.keyRing,
    connectExchange: context.deps.connectExchange,
    queue: webhook.worker,
    leaseMs: config.bots.leaseMs,
    maxSignalAgeMs: config.bots.maxSignalAgeMs,
    log: {
      info: (obj, msg) => context.app.log.info(obj, msg),
      warn: (obj, msg) => context.app.log.warn(obj, msg),
      error: (obj, msg) => context.app.log.error(obj, msg),
    },
    ...deps.bots,
  });
}

/** Every API route module, in one encapsulated plugin. */
async function registerRoutes(
  app: App,
  context: RouteContext,
  webhook: WebhookPipeline,
  labQueue: LabQueueOptions = {},
  botsChanged?: (accountId: string) => void,
): Promise<void> {
  await app.register(async (scoped) => {
    const scopedContext = { ...context, app: scoped.withTypeProvider<ZodTypeProvider>() };
    registerHealthRoutes(scopedContext, webhook);
    registerAuthRoutes(scopedContext);
    registerAccountRoutes(scopedContext);
    registerAccountGroupRoutes(scopedContext);
    registerAccountControlRoutes(scopedContext, webhook.worker);
    registerExportPineRoutes(scopedContext);
    registerWebhookRoutes(scopedContext, webhook);
    registerSignalRoutes(scopedContext);
    registerMirrorRoutes(scopedContext);
    registerHistoryRoutes(scopedContext);
    registerEventRoutes(scopedContext);
    registerNotificationRoutes(scopedContext);
    registerBotRoutes(scopedContext, botsChanged);
    registerBotChartRoutes(scopedContext);
    await registerLabRoutes(scopedContext, labQueue);
  });
}

/** Any error a route or Fastify raises, as our error (`bodyLimit`: the route's, for a 413). */
export function toAppError(error: FastifyError, bodyLimit: number = BODY_LIMIT_BYTES) {
  if (isAppError(error)) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    return validationFailed(error.validation, error.validationContext ?? 'body');
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
  interface FastifyContextConfig {
    /** The route checks its body for NUL, surrogates and depth itself (the webhook: after authentication). */
    checksOwnBody?: boolean;
  }
  interface FastifyInstance {
    metrics: Registry;
    webhook: WebhookPipeline;
    events: ServerEventBus;
    /** Each user's live events for `GET /api/v1/events`, this process's and the others'. */
    userEvents: UserEventHub;
    /** The account mirror, when STREAMS_ENABLED. */
    mirror: AccountMirror | undefined;
    /** The strategy bots' runner, when BOTS_ENABLED. */
    bots: BotRunner | undefined;
    notifications: NotificationOutbox;
  }
}

export type { FastifyBaseLogger };
