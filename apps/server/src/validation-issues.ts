import type { FastifySchemaValidationError } from 'fastify';
import type { AppError } from '@tradingbot/core';
import { ServerErrors } from './errors.ts';

/**
 * A schema validation failure as the API answers it (`VALIDATION_FAILED` with one issue per field),
 * the same wherever the body was validated: Fastify's validator on the main thread (`toAppError`,
 * app.ts) or a lab worker (`services/lab-request.ts`).
 */
export function validationFailed(
  errors: readonly FastifySchemaValidationError[],
  context: string = 'body',
): AppError {
  const issues = errors.map((issue) => ({
    field: issue.instancePath.replace(/^\//, '').replace(/\//g, '.') || String(issue.params?.['keys'] ?? ''),
    message: issue.message ?? 'is invalid',
    ...issueFacts(issue.keyword, issue.params),
  }));
  const first = issues[0];
  return ServerErrors.create('VALIDATION_FAILED', {
    message: first
      ? `${context}${first.field ? `.${first.field}` : ''}: ${first.message}`
      : 'The request is invalid',
    details: { issues },
  });
}

/**
 * What a client needs to word a validation issue in its own language: zod's issue code and, for
 * bounds, the limit (`minimum`, `maximum`) and the kind of value it bounds (`origin`: number,
 * string, array), the expected type or string format. Only these plain values go out, never the input.
 */
function issueFacts(
  keyword: string,
  params: Record<string, unknown> | undefined,
): {
  code: string;
  minimum?: number;
  maximum?: number;
  origin?: string;
  expected?: string;
  format?: string;
} {
  const number = (value: unknown) =>
    typeof value === 'number' || typeof value === 'bigint' ? Number(value) : undefined;
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const minimum = number(params?.['minimum']);
  const maximum = number(params?.['maximum']);
  const origin = text(params?.['origin']);
  const expected = text(params?.['expected']);
  const format = text(params?.['format']);
  return {
    code: keyword,
    ...(minimum !== undefined ? { minimum } : {}),
    ...(maximum !== undefined ? { maximum } : {}),
    ...(origin !== undefined ? { origin } : {}),
    ...(expected !== undefined ? { expected } : {}),
    ...(format !== undefined ? { format } : {}),
  };
}
