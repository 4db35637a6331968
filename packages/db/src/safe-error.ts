/**
 * Database errors without the values they were about. Drizzle's query error carries every
 * parameter of the failed statement (`params`, and again in its message and stack: password hashes,
 * encrypted credentials, webhook-secret hashes), and a driver's error `detail` repeats the row's
 * values (`Key (email)=(…) already exists`). What a log keeps: the statement, the SQLSTATE code,
 * the constraint, table and column, and the stack.
 */
const VALUE_FIELDS = ['params', 'detail', 'where', 'internalQuery'] as const;

type ErrorLike = Error & { cause?: unknown; query?: unknown; params?: unknown } & Record<string, unknown>;

const isError = (value: unknown): value is ErrorLike => value instanceof Error;

function carriesValues(error: ErrorLike): boolean {
  return VALUE_FIELDS.some((field) => error[field] !== undefined);
}

/**
 * The same error (the same class, so loggers name it alike) with no query parameter or row value
 * anywhere along its `cause` chain; the error itself when there is nothing to take out.
 */
export function withoutQueryValues<T>(error: T, depth = 0): T {
  if (!isError(error) || depth > 8) return error;
  const cause = error.cause === undefined ? undefined : withoutQueryValues(error.cause, depth + 1);
  if (!carriesValues(error) && cause === error.cause) return error;
  const copy = Object.create(Object.getPrototypeOf(error) as object) as ErrorLike;
  for (const key of Object.keys(error)) {
    if (!(VALUE_FIELDS as readonly string[]).includes(key)) copy[key] = error[key];
  }
  const isQueryError = typeof error.query === 'string' && error.params !== undefined;
  const message = isQueryError ? `Failed query: ${String(error.query)}` : error.message;
  Object.defineProperty(copy, 'message', { value: message, writable: true, configurable: true });
  const frames = (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  Object.defineProperty(copy, 'stack', {
    value: [`${error.name}: ${message}`, ...frames].join('\n'),
    writable: true,
    configurable: true,
  });
  if (cause !== undefined) {
    Object.defineProperty(copy, 'cause', { value: cause, writable: true, configurable: true });
  }
  return copy as T;
}
