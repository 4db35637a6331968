import { CliUsageError } from './cli-error.ts';

/** Parses a numeric flag, refusing garbage and values out of range with a message naming the flag. */
export function numberOption(
  flag: string,
  raw: string | undefined,
  limits: { min?: number; max?: number; integer?: boolean } = {},
): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value))
    throw new CliUsageError(`${flag} must be a number (got "${raw}")`);
  if (limits.integer && !Number.isInteger(value))
    throw new CliUsageError(`${flag} must be a whole number (got ${raw})`);
  if (limits.min !== undefined && value < limits.min)
    throw new CliUsageError(`${flag} must be at least ${limits.min} (got ${raw})`);
  if (limits.max !== undefined && value > limits.max)
    throw new CliUsageError(`${flag} must be at most ${limits.max} (got ${raw})`);
  return value;
}

/** Parses a JSON object flag such as --params '{"rsiLength":14}'. */
export function jsonObjectOption(flag: string, raw: string | undefined): Record<string, unknown> {
  if (raw === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new CliUsageError(`${flag} must be a JSON object, e.g. '{"rsiLength":14}' (got ${raw})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new CliUsageError(`${flag} must be a JSON object (got ${raw})`);
  }
  return value as Record<string, unknown>;
}

export function choiceOption<T extends string>(
  flag: string,
  raw: string | undefined,
  choices: readonly T[],
): T | undefined {
  if (raw === undefined) return undefined;
  if (!(choices as readonly string[]).includes(raw)) {
    throw new CliUsageError(`${flag} must be one of ${choices.join(', ')} (got "${raw}")`);
  }
  return raw as T;
}

/** Parses a date flag: ISO-8601 (2024-01-31, 2024-01-31T12:00Z) or epoch milliseconds. */
export function dateOption(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isFinite(value))
    throw new CliUsageError(`${flag} must be a date like 2024-01-31 or epoch milliseconds (got "${raw}")`);
  return value;
}

/** Writes one JSON document to stdout, mapping non-finite numbers (NaN, ±Infinity) to null. */
export function printJson(value: unknown): void {
  process.stdout.write(
    JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)) +
      '\n',
  );
}
