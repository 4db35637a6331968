import type { RouteContext } from '../route-context.ts';
import {
  jobJson,
  klineSources,
  LAB_LIMITS,
  listStrategies,
  OptimizationJobs,
  runLabBacktest,
} from '../services/lab.ts';
import { ErrorResponse } from './error.schema.ts';
import { bearerSecurity, currentUser, requireUser } from './guard.ts';
import {
  BacktestBody,
  BacktestResult,
  OptimizationBody,
  OptimizationJob,
  OptimizationParams,
  StrategyList,
} from './lab.schema.ts';

/** Body limit of the lab routes: uploaded CSV text is larger than every other request. */
const LAB_BODY_LIMIT = LAB_LIMITS.csvChars * 2 + 64 * 1024;

/**
 * The strategy lab: the strategy declarations, backtests with chart series, and optimization jobs
 * with progress and walk-forward (in-sample vs out-of-sample) results. Everything needs a session;
 * optimization jobs belong to the user who started them.
 */
export function registerLabRoutes(context: RouteContext, jobs?: OptimizationJobs): OptimizationJobs {
  const { app, deps } = context;
  const sources = klineSources(deps.config.baseUrls);
  const optimizations = jobs ?? new OptimizationJobs({ sources });
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

  app.post(
    '/api/v1/backtests',
    {
      preValidation: authenticate,
      bodyLimit: LAB_BODY_LIMIT,
      schema: {
        tags: ['strategy lab'],
        security: bearerSecurity,
        body: BacktestBody,
        response: { 200: BacktestResult, 400: ErrorResponse, 401: ErrorResponse, 413: ErrorResponse },
      },
    },
    async (request) => runLabBacktest(request.body, sources),
  );

  app.post(
    '/api/v1/optimizations',
    {
      preValidation: authenticate,
      bodyLimit: LAB_BODY_LIMIT,
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
        },
      },
    },
    async (request, reply) => {
      const job = await optimizations.start(currentUser(request).user.id, request.body);
      void reply.status(202);
      return jobJson(job);
    },
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
    async (request) => jobJson(optimizations.get(currentUser(request).user.id, request.params.id)),
  );

  app.addHook('onClose', async () => optimizations.drain());
  return optimizations;
}
