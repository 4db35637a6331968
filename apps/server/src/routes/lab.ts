import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { App, RouteContext } from '../route-context.ts';
import { klineSources, LAB_LIMITS, listStrategies, type KlineSources } from '../services/lab.ts';
import { jobJson, LabJobs } from '../services/lab-jobs.ts';
import { LabPool } from '../services/lab-pool.ts';
import { InProcessQueue, PgBossQueue, type JobQueue } from '../services/lab-queue.ts';
import { ErrorResponse } from './error.schema.ts';
import { inSlices, keepRawJsonBodies, validatedOnWorker } from './lab-body.ts';
import { registerLabRunRoutes } from './lab-runs.ts';
import { LabRuns } from '../services/lab-runs.ts';
import { bearerSecurity, currentUser, requireUser } from './guard.ts';
import {
  BacktestBody,
  BacktestResult,
  OptimizationBody,
  OptimizationJob,
  OptimizationParams,
  StrategyList,
} from './lab.schema.ts';

/**
 * Body limit of the lab routes: uploaded CSV text is larger than every other request. It bounds the
 * candles, funding and bar-magnifier files of one request together (each also at most `csvChars`).
 */
const LAB_BODY_LIMIT = LAB_LIMITS.csvChars * 2 + 64 * 1024;

/** Test settings of the lab's job queue. */
export type LabQueueOptions = {
  /** pg-boss's schema on PostgreSQL (default `pgboss`). */
  pgBossSchema?: string;
  /** Seconds between pg-boss's looks for jobs (default 2). */
  pollingIntervalSeconds?: number;
};

/** pg-boss on PostgreSQL (any process sharing the database may run a job), this process on PGlite. */
function labQueue(context: RouteContext, options: LabQueueOptions): JobQueue {
  const { app, deps } = context;
  if (deps.database.kind === 'pglite') return new InProcessQueue({ database: deps.database });
  return new PgBossQueue({
    database: deps.database,
    runJobs: deps.config.lab.runJobs,
    ...(options.pgBossSchema ? { schema: options.pgBossSchema } : {}),
    ...(options.pollingIntervalSeconds ? { pollingIntervalSeconds: options.pollingIntervalSeconds } : {}),
    log: { error: (obj, msg) => app.log.error(obj, msg) },
  });
}

/**
 * The strategy lab: the strategy declarations, backtests with chart series, and optimization jobs
 * with progress and walk-forward (in-sample vs out-of-sample) results. Everything needs a session;
 * optimization jobs belong to the user who started them. Backtests and optimizations run on the
 * lab's worker threads (`LabPool`), never on the event loop.
 */
export async function registerLabRoutes(context: RouteContext, queueOptions: LabQueueOptions = {}) {
  const { app, deps } = context;
  const sources = klineSources(deps.config.baseUrls);
  const pool = new LabPool(deps.config.lab);
  const optimizations = new LabJobs({
    database: deps.database,
    pool,
    queue: labQueue(context, queueOptions),
    sources,
    log: { warn: (obj, msg) => app.log.warn(obj, msg) },
  });
  // Authentication runs before body validation: an anonymous caller learns nothing about the schema.
  const authenticate = requireUser(context);

  app.get(
    '/api/v1/strategies',
    {
      preValidation: authenticate,
      schema: {
        tags: ['strategy lab'],
        security: bearerSecurity,
        response: { 200: StrategyList, 401: ErrorResponse },
      },
    },
    async () => listStrategies(),
  );

  // The POST bodies reach the handlers as raw bytes, parsed and validated on a lab worker thread.
  await app.register(async (plugin) =>
    registerLabPosts(plugin.withTypeProvider<ZodTypeProvider>(), {
      authenticate,
      pool,
      sources,
      optimizations,
    }),
  );

  app.get(
    '/api/v1/optimizations/:id',
    {
      preValidation: authenticate,
      schema: {
        tags: ['strategy lab'],
        security: bearerSecurity,
        params: OptimizationParams,
        response: { 200: OptimizationJob, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => jobJson(await optimizations.get(currentUser(request).user.id, request.params.id)),
  );

  await registerLabRunRoutes(context, {
    authenticate,
    bodyLimit: LAB_BODY_LIMIT,
    runs: new LabRuns({ database: deps.database, pool, sources }),
  });

  await optimizations.start();
  app.addHook('onClose', async () => {
    await optimizations.close();
    await pool.close();
  });
  return optimizations;
}

/**
 * POST /backtests and /optimizations in a scope of their own whose JSON parser keeps the raw body
 * (`keepRawJsonBodies`). The bytes are moved to a lab worker, which parses and validates them
 * (`services/lab-request.ts`); authentication still runs here first.
 */
function registerLabPosts(
  scope: App,
  {
    authenticate,
    pool,
    sources,
    optimizations,
  }: {
    authenticate: ReturnType<typeof requireUser>;
    pool: LabPool;
    sources: KlineSources;
    optimizations: LabJobs;
  },
): void {
  keepRawJsonBodies(scope);

  scope.post(
    '/api/v1/backtests',
    {
      preValidation: authenticate,
      bodyLimit: LAB_BODY_LIMIT,
      validatorCompiler: validatedOnWorker,
      config: { checksOwnBody: true },
      schema: {
        tags: ['strategy lab'],
        security: bearerSecurity,
        body: BacktestBody,
        response: {
          200: BacktestResult,
          400: ErrorResponse,
          401: ErrorResponse,
          413: ErrorResponse,
          503: ErrorResponse,
        },
      },
    },
    // request.body holds the raw bytes (null without a body), whatever the type provider's type says.
    // The worker answers the body as JSON bytes, built through BacktestResult as the serializer would,
    // sent in slices (the type provider's types expect the object).
    async (request, reply) => {
      const body = await pool.backtestRequest(request.body, sources);
      return reply
        .type('application/json; charset=utf-8')
        .header('content-length', body.byteLength)
        .send(inSlices(body) as never);
    },
  );

  scope.post(
    '/api/v1/optimizations',
    {
      preValidation: authenticate,
      bodyLimit: LAB_BODY_LIMIT,
      validatorCompiler: validatedOnWorker,
      config: { checksOwnBody: true },
      schema: {
        tags: ['strategy lab'],
        security: bearerSecurity,
        body: OptimizationBody,
        response: {
          202: OptimizationJob,
          400: ErrorResponse,
          401: ErrorResponse,
          409: ErrorResponse,
          413: ErrorResponse,
          503: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const job = await optimizations.submitRequest(currentUser(request).user.id, () =>
        pool.optimizationRequest(request.body),
      );
      void reply.status(202);
      return jobJson(job);
    },
  );
}
