import { DrizzleQueryError } from 'drizzle-orm';

/**
 * Database errors without the values they were about. Drizzle's query error carries every
 * parameter of the failed statement (`params`, and again in its message and stack: password hashes,
 * encrypted credentials, webhook-secret hashes); a driver's error repeats them (`params`) and the
 * row's values (`detail`: `Key (email)=(…) already exists`). What a log keeps: the statement, the
 * SQLSTATE code, the constraint, table and column, and the stack.
 */
const VALUE_FIELDS = ['params', 'detail', 'where', 'internalQuery'] as const;

type ErrorLike = Error & { cause?: unknown } & Record<string, unknown>;

const isError = (value: unknown): value is ErrorLike => value instanceof Error;

function carriesValues(error: ErrorLike): boolean {
  return error instanceof DrizzleQueryError || VALUE_FIELDS.some((field) => error[field] !== undefined);
}

function setHidden(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable: false });
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
    if (key !== 'cause' && !(VALUE_FIELDS as readonly string[]).includes(key)) copy[key] = error[key];
  }
  const message = error instanceof DrizzleQueryError ? `Failed query: ${error.query}` : error.message;
  setHidden(copy, 'message', message);
  const frames = (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  setHidden(copy, 'stack', [`${error.name}: ${message}`, ...frames].join('\n'));
  if (cause !== undefined) setHidden(copy, 'cause', cause);
  return copy as T;
}

/** What a log may say about the database's refusal: the first SQLSTATE along the cause chain. */
export type DatabaseErrorFacts = {
  code: string;
  constraint?: string;
  table?: string;
  column?: string;
};

export function databaseErrorFacts(error: unknown): DatabaseErrorFacts | undefined {
  for (let link = error, depth = 0; isError(link) && depth < 8; link = link.cause, depth++) {
    const code = link['code'];
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
      const facts: DatabaseErrorFacts = { code };
      for (const key of ['constraint', 'table', 'column'] as const) {
        const value = link[key];
        if (typeof value === 'string') facts[key] = value;
      }
      return facts;
    }
  }
  return undefined;
}
