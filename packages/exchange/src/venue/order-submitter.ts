import type { AppError } from '@tradingbot/core';
import { ExchangeErrors } from '../errors.ts';

/** The clock and pacing the submitter borrows from the venue's HTTP layer (`SignedHttp`). */
export type SubmitterClock = {
  /** The venue's clock as estimated locally: deadlines are on the server clock. */
  serverNow(): number;
  sleep(ms: number): Promise<void>;
  backoffMs(attempt: number): number;
};

/** One placement as the venue client describes it to the submitter. */
export type Placement<T> = {
  /** The venue client id the placement carries (derived from the idempotency key). */
  clientOrderId: string;
  venueSymbol: string;
  /** What `lookup` searches (e.g. `order`, `algo`), named in EXCHANGE_RESULT_UNKNOWN's details. */
  kind: string;
  /** The request's name in messages when it is not resent (default: `kind`). */
  request?: string;
  /** Sends the placement once (never retried by the HTTP layer) and reads the result. */
  send(): Promise<T>;
  /** The placement with this client id as the venue reports it, or null when it has none. */
  lookup(): Promise<T | null>;
  /**
   * Called after a send whose outcome is uncertain: the server time after which the venue can no
   * longer execute it (recvWindow, expTime…). Until then an absent order may still appear.
   */
  executableUntil(): number;
  /**
   * Whether a placement confirmed absent after `executableUntil` is sent once more. A request the
   * venue gives no expiry must not be: it could still be executed later.
   */
  resendWhenAbsent: boolean;
};

export type OrderSubmitterOptions = {
  venue: { id: string; name: string };
  clock: SubmitterClock;
  /** Failed lookups of an uncertain placement before giving up with EXCHANGE_RESULT_UNKNOWN. */
  lookupAttempts: number;
};

/**
 * The idempotent placement protocol every venue client shares. A placement is never blindly
 * retried: concurrent submits of one client id share the request in flight; a client id this
 * process placed before is looked up instead of sent; an uncertain outcome (timeout, dropped
 * connection, "unknown result") is resolved by looking the order up by its client id until the
 * request can no longer execute, and only when the venue then confirms it absent is it sent again,
 * once (if the venue's request can expire). A duplicate-id rejection returns the existing order.
 */
export class OrderSubmitter {
  /** Client ids this process placed: a second call with the same key looks up instead of sending. */
  private readonly placed = new Set<string>();
  /** Placements in flight, by client id: a concurrent call with the same key waits for the first. */
  private readonly inflight = new Map<string, Promise<unknown>>();

  constructor(private readonly options: OrderSubmitterOptions) {}

  submit<T>(placement: Placement<T>): Promise<T> {
    const cid = placement.clientOrderId;
    const running = this.inflight.get(cid);
    if (running !== undefined) return running as Promise<T>;
    const attempt = this.submitOnce(placement);
    this.inflight.set(cid, attempt);
    return attempt.finally(() => this.inflight.delete(cid));
  }

  private async submitOnce<T>(placement: Placement<T>): Promise<T> {
    const { clock, venue } = this.options;
    const cid = placement.clientOrderId;
    if (this.placed.has(cid)) {
      const existing = await this.resolveUncertain(placement, clock.serverNow());
      if (existing !== null) return existing;
    }
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await placement.send();
        this.placed.add(cid);
        return result;
      } catch (error) {
        if (ExchangeErrors.is(error, 'DUPLICATE_CLIENT_ORDER_ID')) {
          const existing = await placement.lookup();
          if (existing !== null) return existing;
          throw error;
        }
        if (!isUncertain(error)) throw error;
        const existing = await this.resolveUncertain(placement, placement.executableUntil(), error);
        if (existing !== null) {
          this.placed.add(cid);
          return existing;
        }
        if (!placement.resendWhenAbsent || attempt >= 1) {
          throw ExchangeErrors.create('EXCHANGE_UNAVAILABLE', {
            message: placement.resendWhenAbsent
              ? `${venue.name} did not accept order ${cid} after one confirmed-absent resend`
              : `${venue.name} did not answer the ${placement.request ?? placement.kind} request ${cid}, and it is not on the venue; not resent`,
            details: {
              venue: venue.id,
              clientOrderId: cid,
              venueSymbol: placement.venueSymbol,
              confirmedAbsent: true,
              lastError: (error as AppError).toJSON?.(),
            },
            cause: error,
          });
        }
      }
    }
  }

  /**
   * Looks a placement up until it is found (returned) or confirmed absent after `deadline` on the
   * server clock (null). Lookup failures are retried with backoff; when they never succeed the
   * outcome stays unknown and EXCHANGE_RESULT_UNKNOWN is thrown: nothing is resent.
   */
  private async resolveUncertain<T>(
    placement: Placement<T>,
    deadline: number,
    cause?: unknown,
  ): Promise<T | null> {
    const { clock, venue, lookupAttempts } = this.options;
    let failures = 0;
    for (;;) {
      try {
        const found = await placement.lookup();
        if (found !== null) return found;
        const wait = deadline - clock.serverNow();
        if (wait <= 0) return null;
        await clock.sleep(Math.min(wait, 1000));
      } catch (error) {
        failures++;
        if (failures >= lookupAttempts) {
          throw ExchangeErrors.create('EXCHANGE_RESULT_UNKNOWN', {
            message: `Could not confirm whether ${venue.name} placed order ${placement.clientOrderId}; not resending`,
            details: {
              venue: venue.id,
              clientOrderId: placement.clientOrderId,
              venueSymbol: placement.venueSymbol,
              kind: placement.kind,
            },
            cause: cause ?? error,
          });
        }
        await clock.sleep(clock.backoffMs(failures));
      }
    }
  }
}

/** Errors after which a request may or may not have been executed. */
export function isUncertain(error: unknown): boolean {
  if (!ExchangeErrors.is(error)) return false;
  if (error.code === 'EXCHANGE_TIMEOUT' || error.code === 'EXCHANGE_RESULT_UNKNOWN') return true;
  return error.code === 'EXCHANGE_UNAVAILABLE' && error.details?.notSent !== true;
}
