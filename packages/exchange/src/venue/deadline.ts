import { AsyncLocalStorage } from 'node:async_hooks';

// A deadline for all the venue requests one piece of work makes (a signal's execution), carried
// through its async calls: past it, a request in flight is aborted and none is sent or retried, so
// a venue that accepts connections and never answers cannot hold an account's queue.

const current = new AsyncLocalStorage<AbortSignal>();

/** Runs `work` with every venue request it makes bounded by `ms` from now (nested: the earlier wins). */
export function withVenueDeadline<T>(ms: number, work: () => Promise<T>): Promise<T> {
  const outer = current.getStore();
  const own = AbortSignal.timeout(ms);
  return current.run(outer === undefined ? own : AbortSignal.any([outer, own]), work);
}

/** The deadline of the work this call belongs to, if any. */
export function venueDeadline(): AbortSignal | undefined {
  return current.getStore();
}
