import type { RouteContext } from '../route-context.ts';
import { checkHealth } from '../services/health.ts';
import { Health } from './health.schema.ts';

export function registerHealthRoutes({ app, deps }: RouteContext): void {
  app.get('/api/v1/health', { schema: { tags: ['health'], response: { 200: Health } } }, async () =>
    checkHealth(deps.database),
  );
}
