import type { StreamOptions } from './types.ts';

/** A stream's subscribers of one kind (events or statuses). */
export type Listeners<T> = Set<(value: T) => void>;

/** Calls every listener; a listener's failure never stops the stream (AccountStream / MarketStream contract). */
export function emit<T>(listeners: Listeners<T>, value: T): void {
  for (const listener of [...listeners]) {
    try {
      listener(value);
    } catch {
      // A listener's failure never stops the stream.
    }
  }
}

/** `onProblem` once per problem code, never throwing into the socket handler. */
export function problemReporter(options: StreamOptions): (code: string, message: string) => void {
  const seen = new Set<string>();
  return (code, message) => {
    if (seen.has(code)) return;
    seen.add(code);
    try {
      options.onProblem?.({ code, message });
    } catch {
      // never throws
    }
  };
}
