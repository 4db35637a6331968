import type { AppError } from '@tradingbot/core';
import { ServerErrors } from './errors.ts';

/**
 * Text PostgreSQL cannot hold, and JSON too deep to handle: a NUL character (text and jsonb
 * refuse U+0000), an unpaired UTF-16 surrogate (jsonb refuses `\ud800`; UTF-8 has no encoding for
 * it) and nesting deeper than `MAX_JSON_DEPTH`. Every request's body, query and path parameters
 * are checked before validation (`app.ts`), so such input is a 400 with a stable code instead of a
 * database error; the webhook checks its alert itself, after authentication, so that an
 * authenticated alert is recorded (as escaped text) before it is refused.
 */

/** Deeper than any request this API takes; far below what would exhaust a recursive walk. */
export const MAX_JSON_DEPTH = 64;

// A NUL, a high surrogate not followed by a low one, or a low surrogate not preceded by a high one.
const UNSAFE_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export type UnsafeInput = { problem: 'characters' | 'depth'; field: string };

/** Whether a string holds a NUL or an unpaired surrogate. */
export function hasUnsafeText(text: string): boolean {
  return UNSAFE_TEXT.test(text);
}

/**
 * The first string (value or key) PostgreSQL cannot store, or the first place nested deeper than
 * `maxDepth`, in a parsed JSON value; null when it is safe. Iterative, so depth itself cannot
 * overflow the stack.
 */
export function findUnsafeInput(value: unknown, maxDepth = MAX_JSON_DEPTH): UnsafeInput | null {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { value: current, path, depth } = stack.pop()!;
    if (typeof current === 'string') {
      if (hasUnsafeText(current)) return { problem: 'characters', field: path };
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= maxDepth) return { problem: 'depth', field: path };
    for (const [key, child] of Object.entries(current)) {
      const childPath = path ? `${path}.${key}` : key;
      if (hasUnsafeText(key)) return { problem: 'characters', field: childPath };
      stack.push({ value: child, path: childPath, depth: depth + 1 });
    }
  }
  return null;
}

/** The 400 for an unsafe input; `where` names the part of the request (body, query, params). */
export function unsafeInputError(found: UnsafeInput, where: string): AppError {
  const field = found.field ? `${where}.${safeFieldName(found.field)}` : where;
  return found.problem === 'depth'
    ? ServerErrors.create('JSON_TOO_DEEP', {
        message: `${field}: JSON nested deeper than ${MAX_JSON_DEPTH} levels is not accepted`,
        details: { field, max_depth: MAX_JSON_DEPTH },
      })
    : ServerErrors.create('INVALID_CHARACTERS', {
        message: `${field}: contains a NUL character or an unpaired UTF-16 surrogate, which is not accepted`,
        details: { field },
      });
}

/** A field name fit to echo back: its own unsafe characters shown as escapes. */
function safeFieldName(field: string): string {
  return JSON.stringify(field).slice(1, -1).slice(0, 200);
}

/** Throws the 400 when any part of a request is unsafe. */
export function assertSafeRequest(parts: Record<string, unknown>): void {
  for (const [where, value] of Object.entries(parts)) {
    const found = findUnsafeInput(value);
    if (found) throw unsafeInputError(found, where);
  }
}
