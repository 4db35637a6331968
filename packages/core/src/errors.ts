/**
 * The one error type of the code base. Every failure a user can cause or see carries a stable
 * `code` (documented in the table of the package that raises it), an HTTP status for the server,
 * a message a user understands, and optional structured details. Venue errors keep the venue's own
 * code and message in `details`.
 */
export type ErrorSpec = { readonly status: number; readonly message: string };

export type AppErrorOptions = {
  /** Overrides the table's default message with a more specific one. */
  message?: string;
  /** Machine-readable context (field names, limits, venue code…). Never put a secret here. */
  details?: Record<string, unknown>;
  cause?: unknown;
};

export class AppError extends Error {
  override readonly name = 'AppError';
  readonly code: string;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, status: number, message: string, options: Omit<AppErrorOptions, 'message'> = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = status;
    this.details = options.details;
  }

  toJSON(): { code: string; message: string; details?: Record<string, unknown> } {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/**
 * Declares a package's error table and returns a factory bound to it, so a code that is not in
 * the table cannot be raised:
 *
 *   export const EngineErrors = defineErrors({ UNKNOWN_STRATEGY: { status: 400, message: '…' } });
 *   throw EngineErrors.create('UNKNOWN_STRATEGY', { message: `Unknown strategy "${id}"` });
 */
export function defineErrors<const T extends Record<string, ErrorSpec>>(table: T) {
  return Object.freeze({
    table,
    create(code: keyof T & string, options: AppErrorOptions = {}): AppError {
      const spec = table[code];
      if (spec === undefined) throw new TypeError(`error code ${code} is not in its table`);
      return new AppError(code, spec.status, options.message ?? spec.message, options);
    },
    is(error: unknown, code?: keyof T & string): error is AppError {
      return error instanceof AppError && (code === undefined ? error.code in table : error.code === code);
    },
  });
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
