import { z } from 'zod';
import { nameSchemas } from './schema-registry.ts';

/** Every error answer: `{ error: { code, message, details? } }` with a stable code (errors.ts). */
export const ErrorResponse = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});

nameSchemas({ ErrorResponse });
