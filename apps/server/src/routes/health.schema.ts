import { z } from 'zod';
import { nameSchemas } from './schema-registry.ts';

export const Health = z.object({ status: z.literal('ok'), database: z.enum(['pglite', 'postgres']) });

nameSchemas({ Health });
