import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { App, RouteContext } from '../route-context.ts';
import type { LabRuns } from '../services/lab-runs.ts';
import { ErrorResponse } from './error.schema.ts';
import { bearerSecurity, currentUser, type requireUser } from './guard.ts';
import { inSlices, keepRawJsonBodies, validatedOnWorker } from './lab-body.ts';
import { BacktestResult } from './lab.schema.ts';
import { LabRun, LabRunBody, LabRunDeleted, LabRunList, LabRunParams } from './lab-runs.schema.ts';

type RunRouteDeps = {
  authenticate: ReturnType<typeof requireUser>;
  bodyLimit: number;
  runs: LabRuns;
};

/**
 * Saved backtests of the strategy lab: save (`POST`, the backtest request and a name), list, read
 * one (its settings, to restore the form), its result (recomputed on a lab worker), delete. Every
 * run belongs to the user who saved it; anyone else's is 404.
 */
export async function registerLabRunRoutes(context: RouteContext, deps: RunRouteDeps): Promise<void> {
  const { app } = context;
  const { authenticate, runs } = deps;
  const path = '/api/v1/lab/runs';
  const tags = ['strategy lab'];
  const errors = { 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse };

  app.get(
    path,
    {
      preValidation: authenticate,
      schema: { tags, security: bearerSecurity, response: { 200: LabRunList, 401: ErrorResponse } },
    },
    async (request) => runs.list(currentUser(request).user.id),
  );

  app.get(
    `${path}/:id`,
    {
      preValidation: authenticate,
      schema: { tags, security: bearerSecurity, params: LabRunParams, response: { 200: LabRun, ...errors } },
    },
    async (request) => runs.get(currentUser(request).user.id, request.params.id),
  );

  app.get(
    `${path}/:id/result`,
    {
      preValidation: authenticate,
      schema: {
        tags,
        security: bearerSecurity,
        params: LabRunParams,
        response: { 200: BacktestResult, ...errors, 503: ErrorResponse },
      },
    },
    // Built on a lab worker as POST /backtests builds it: bytes, sent in slices.
    async (request, reply) => {
      const body = await runs.result(currentUser(request).user.id, request.params.id);
      return reply
        .type('application/json; charset=utf-8')
        .header('content-length', body.byteLength)
        .send(inSlices(body) as never);
    },
  );

  app.delete(
    `${path}/:id`,
    {
      preValidation: authenticate,
      schema: {
        tags,
        security: bearerSecurity,
        params: LabRunParams,
        response: { 200: LabRunDeleted, ...errors },
      },
    },
    async (request) => {
      await runs.delete(currentUser(request).user.id, request.params.id);
      return { success: true as const };
    },
  );

  // The body may carry megabytes of CSV: read as raw bytes, parsed and validated on a lab worker.
  await app.register(async (plugin) => registerSave(plugin.withTypeProvider<ZodTypeProvider>(), deps));
}

function registerSave(scope: App, { authenticate, bodyLimit, runs }: RunRouteDeps): void {
  keepRawJsonBodies(scope);
  scope.post(
    '/api/v1/lab/runs',
    {
      preValidation: authenticate,
      bodyLimit,
      validatorCompiler: validatedOnWorker,
      config: { checksOwnBody: true },
      schema: {
        tags: ['strategy lab'],
        security: bearerSecurity,
        body: LabRunBody,
        response: {
          201: LabRun,
          400: ErrorResponse,
          401: ErrorResponse,
          409: ErrorResponse,
          413: ErrorResponse,
          502: ErrorResponse,
          503: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const run = await runs.saveRequest(currentUser(request).user.id, request.body);
      return reply.status(201).send(run);
    },
  );
}
