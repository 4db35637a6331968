import { z } from 'zod';
import type { RouteContext } from '../app.ts';

export function registerHealthRoutes({ app, deps }: RouteContext): void {
  app.get(
    '/api/v1/health',
    {
      schema: {
        tags: ['health'],
        response: { 200: z.object({ status: z.literal('ok'), database: z.enum(['pglite', 'postgres']) }) },
      },
    },
    async () => {
      await deps.database.query('SELECT 1');
      return { status: 'ok' as const, database: deps.database.kind };
    },
  );
}
