import { z } from 'zod';
import { nameSchemas } from './schema-registry.ts';

/** The database answered and took a write. */
export const Health = z.object({ status: z.literal('ok'), database: z.enum(['pglite', 'postgres']) });

/** Readiness, with each check's state: 200 when all are ok, else 503 with the same body. */
export const HealthReady = z.object({
  status: z.enum(['ready', 'not_ready']),
  checks: z.object({
    database: z.enum(['ok', 'failed']),
    key_ring: z.enum(['ok', 'failed']),
    worker: z.enum(['ok', 'draining', 'stopped']),
  }),
});

/** Liveness: the process answers (no dependency checked). */
export const HealthLive = z.object({ status: z.literal('ok') });

nameSchemas({ Health, HealthReady, HealthLive });
