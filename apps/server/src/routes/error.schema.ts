import { z } from 'zod';
import type { AppError } from '@tradingbot/core';
import { nameSchemas } from './schema-registry.ts';

/**
 * Every error answer: `{ detail, error: { code, message, details? } }`. `error` carries our stable
 * code (errors.ts) and is what the web UI reads; `detail` is the one-line message clients written
 * against the original FastAPI design read (`{"detail": …}`, README "Troubleshooting").
 */
export const ErrorResponse = z.object({
  detail: z.string(),
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});

export type ErrorBody = z.infer<typeof ErrorResponse>;

/**
 * Where the design's troubleshooting table names the message a client sees, and it differs from
 * ours: an expired or revoked session reads "User not found" there (our code says which it was).
 */
const DESIGN_DETAILS: Readonly<Partial<Record<string, string>>> = Object.freeze({
  USER_NOT_FOUND: 'User not found',
  SESSION_EXPIRED: 'User not found',
});

/** The body of an error answer; every error reply is built here. */
export function errorBody(error: AppError): ErrorBody {
  const ours = error.toJSON();
  return { detail: DESIGN_DETAILS[error.code] ?? ours.message, error: ours };
}

nameSchemas({ ErrorResponse });
