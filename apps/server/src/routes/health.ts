import type { RouteContext } from '../route-context.ts';
import { checkHealth, checkReadiness } from '../services/health.ts';
import type { WebhookPipeline } from '../services/webhook.ts';
import { ErrorResponse } from './error.schema.ts';
import { Health, HealthLive, HealthReady } from './health.schema.ts';

/**
 * `/api/v1/health` (the database takes a write), `/api/v1/health/ready` (database, key ring and
 * signal worker; 503 while shutting down) and `/api/v1/health/live` (the process answers).
 */
export function registerHealthRoutes({ app, deps }: RouteContext, webhook: WebhookPipeline): void {
  const tags = ['health'];
  app.get(
    '/api/v1/health',
    { schema: { tags, response: { 200: Health, 503: ErrorResponse } } },
    async (request) => checkHealth(deps.database, request.log),
  );
  app.get(
    '/api/v1/health/ready',
    { schema: { tags, response: { 200: HealthReady, 503: HealthReady } } },
    async (request, reply) => {
      const readiness = await checkReadiness({
        database: deps.database,
        keyRing: deps.config.keyRing,
        webhook,
        log: request.log,
      });
      return reply.status(readiness.ready ? 200 : 503).send(readiness.body);
    },
  );
  app.get('/api/v1/health/live', { schema: { tags, response: { 200: HealthLive } } }, async () => ({
    status: 'ok' as const,
  }));
}
