import type { FastifySchemaValidationError } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import sjson from 'secure-json-parse';
import type { z } from 'zod';
import type { AppError } from '@tradingbot/core';
import { ServerErrors } from '../errors.ts';
import { validationFailed } from '../validation-issues.ts';
import { findUnsafeInput, unsafeInputError } from '../input-safety.ts';

/**
 * A lab request body read on a lab worker thread: the route hands over the raw bytes (a 3 MB CSV
 * upload took the event loop ~30 ms to decode and parse), and here they are decoded, parsed and
 * checked with the rules and answers the rest of the API gets on the main thread — Fastify's JSON
 * parser (secure-json-parse refusing `__proto__` and `constructor.prototype`), the NUL, surrogate and
 * depth check of `input-safety.ts`, then the route's zod schema through the same validator — so a bad
 * request gets the same code, status and body wherever it was read.
 */

// Fastify's own message for an unparsable JSON body (fastify/lib/errors.js), as `toAppError` (app.ts)
// words it.
const NOT_JSON = "Body is not valid JSON but content-type is set to 'application/json'";

function invalidJson(reason: string): AppError {
  return ServerErrors.create('INVALID_JSON', { message: `The request body is not valid JSON: ${reason}` });
}

/** An already parsed body (or none) checked as the API checks every body: unsafe text and depth, then the schema. */
export function checkLabRequest<S extends z.ZodType>(body: unknown, schema: S): z.output<S> {
  const unsafe = findUnsafeInput(body);
  if (unsafe) throw unsafeInputError(unsafe, 'body');
  const validate = validatorCompiler({ schema, method: 'POST', url: 'lab', httpPart: 'body' });
  const result = validate(body) as { value?: unknown; error?: FastifySchemaValidationError[] };
  if (result.error) throw validationFailed(result.error);
  return result.value as z.output<S>;
}

/** The raw JSON bytes of a lab request, decoded (UTF-8, as Fastify does), parsed safely and checked. */
export function parseLabRequest<S extends z.ZodType>(bytes: Uint8Array, schema: S): z.output<S> {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  // An empty body under `Content-Type: application/json` is no body, as on the main thread (app.ts
  // `acceptEmptyJsonBodies`): the schema then says what is missing.
  if (text.length === 0) return checkLabRequest(undefined, schema);
  let body: unknown;
  try {
    body = sjson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch {
    throw invalidJson(NOT_JSON);
  }
  return checkLabRequest(body, schema);
}

/**
 * The request body's memory to move to a worker thread without a copy: Fastify concatenates a body
 * into a fresh buffer, which owns its memory when larger than Node's pool slices (4 KiB); a small
 * body shares the pool and is copied.
 */
export function movableBytes(body: Buffer): ArrayBuffer {
  const owned =
    body.buffer instanceof ArrayBuffer && body.byteOffset === 0 && body.byteLength === body.buffer.byteLength;
  return owned ? (body.buffer as ArrayBuffer) : new Uint8Array(body).buffer;
}
