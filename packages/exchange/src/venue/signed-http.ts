import type { AppError } from '@tradingbot/core';
import { ExchangeErrors, RETRYABLE_CODES, type ExchangeErrorCode } from '../errors.ts';
import { venueDeadline } from './deadline.ts';
import { jitteredBackoffMs, networkError } from './http-common.ts';

/** What every venue HTTP layer is built with; the venue adds its credentials and quirks. */
export type SignedHttpOptions = {
  baseUrl: string;
  timeoutMs: number;
  fetch: typeof fetch;
  /** Local clock in epoch ms. */
  now: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Retries of a safe request after a transient failure (timeouts, 5xx); rate limits see `retryWaitMs`. */
  maxRetries?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Re-sync the server-time offset after this long. */
  timeSyncIntervalMs?: number;
};

/** The part of a request the shared protocol reads; each venue's spec adds its parameters. */
export type BaseRequestSpec = {
  method: string;
  /** Path without the query. */
  path: string;
  /** Signed requests carry a timestamp from the server clock (synced before the first one). */
  signed: boolean;
  /**
   * True when repeating the request cannot change the account: reads and cancels. Only safe requests
   * are retried after a timeout or a 5xx; an order POST never is (its caller looks the order up).
   */
  safe: boolean;
};

/** What a venue puts on the wire for one attempt (signed with a fresh timestamp each time). */
export type WireRequest = {
  /** Path and query, appended to the base URL. */
  target: string;
  headers: Record<string, string>;
  body?: string;
};

/**
 * The HTTP protocol every venue shares: server-time offset (measured at the round trip's
 * midpoint, re-synced on a schedule and once when the venue rejects a timestamp), timeouts,
 * retries with jittered exponential backoff for safe requests (and for requests that were never
 * sent), and network failures mapped onto typed errors. A venue subclass supplies the hooks:
 * `readServerTime` (its time endpoint), `encode` (signing and wire format), `decode` (its answer
 * and error codes), and optionally `beforeSend`, `isClockRejection` and `retryWaitMs`.
 */
export abstract class SignedHttp<Spec extends BaseRequestSpec> {
  protected readonly options: Required<SignedHttpOptions>;
  private offsetMs: number | undefined;
  private syncedAt = 0;
  private syncing: Promise<void> | undefined;

  constructor(
    /** For messages and error details. */
    protected readonly venue: { id: string; name: string },
    options: SignedHttpOptions,
  ) {
    this.options = {
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      random: Math.random,
      maxRetries: 3,
      baseDelayMs: 250,
      maxDelayMs: 8_000,
      timeSyncIntervalMs: 30 * 60_000,
      ...options,
      baseUrl: options.baseUrl.replace(/\/+$/, ''),
    };
  }

  /** Server time as this client estimates it (local clock + measured offset). */
  serverNow(): number {
    return this.options.now() + (this.offsetMs ?? 0);
  }

  get timeOffsetMs(): number | undefined {
    return this.offsetMs;
  }

  sleep(ms: number): Promise<void> {
    return this.options.sleep(ms);
  }

  /** Exponential backoff with jitter (`jitteredBackoffMs`) on this client's delays. */
  backoffMs(attempt: number): number {
    return jitteredBackoffMs(attempt, this.options);
  }

  /** Measures the offset between the server clock and ours (midpoint of the round trip). */
  async syncTime(): Promise<void> {
    this.syncing ??= (async () => {
      try {
        const before = this.options.now();
        const serverTime = await this.readServerTime();
        const after = this.options.now();
        this.offsetMs = Math.round(serverTime - (before + after) / 2);
        this.syncedAt = after;
      } finally {
        this.syncing = undefined;
      }
    })();
    return this.syncing;
  }

  /** The venue's clock, read through `send` (public, safe); throws when the answer has none. */
  protected abstract readServerTime(): Promise<number>;

  /** The wire form of one attempt: query, body, headers and signature. */
  protected abstract encode(spec: Spec): WireRequest;

  /** The answer's payload, or the venue's typed error (thrown). */
  protected abstract decode(spec: Spec, response: Response, text: string): unknown;

  /** Runs before each attempt, before the clock sync (local bans, rate-limit pacing). */
  protected async beforeSend(_spec: Spec): Promise<void> {}

  /** True for the venue's "timestamp outside the window" refusals: re-synced and resent once. */
  protected isClockRejection(error: AppError, _spec: Spec): boolean {
    return error.code === 'EXCHANGE_TIMESTAMP_REJECTED';
  }

  /**
   * How long to wait before resending after `error`, or undefined to give up. By default a
   * transient failure is retried when the request is safe or was never sent; a safe request also
   * when its outcome is unknown (a 503 "unknown error"). Venues override this for rate limits.
   */
  protected retryWaitMs(error: AppError, spec: Spec, attempt: number): number | undefined {
    const code = error.code as ExchangeErrorCode;
    const notSent = error.details?.notSent === true;
    const retryable = RETRYABLE_CODES.has(code) || (spec.safe && code === 'EXCHANGE_RESULT_UNKNOWN');
    return retryable && (spec.safe || notSent) ? this.backoffMs(attempt) : undefined;
  }

  /**
   * Sends one logical request: a clock rejection of a signed request triggers exactly one re-sync
   * and resend (the venue refused it before executing it); other failures are resent while
   * `retryWaitMs` allows and `maxRetries` lasts.
   */
  protected async send(spec: Spec): Promise<unknown> {
    let attempt = 0;
    let resynced = false;
    for (;;) {
      try {
        return await this.once(spec);
      } catch (error) {
        const appError = error as AppError;
        if (spec.signed && !resynced && this.isClockRejection(appError, spec)) {
          resynced = true;
          await this.syncTime();
          continue;
        }
        if (attempt >= this.options.maxRetries) throw error;
        const wait = this.retryWaitMs(appError, spec, attempt);
        if (wait === undefined) throw error;
        // Past the work's deadline (or before it ends, after the wait), nothing more is sent.
        const deadline = venueDeadline();
        if (deadline?.aborted) throw error;
        await this.sleep(wait);
        if (deadline?.aborted) throw error;
        attempt++;
      }
    }
  }

  private async once(spec: Spec): Promise<unknown> {
    const deadline = venueDeadline();
    if (deadline?.aborted) {
      throw ExchangeErrors.create('EXCHANGE_TIMEOUT', {
        message: `The deadline of this work passed before ${spec.method} ${spec.path} was sent to ${this.venue.name}`,
        details: {
          venue: this.venue.id,
          path: spec.path,
          method: spec.method,
          notSent: true,
          deadline: true,
        },
      });
    }
    await this.beforeSend(spec);
    if (
      spec.signed &&
      (this.offsetMs === undefined || this.options.now() - this.syncedAt > this.options.timeSyncIntervalMs)
    ) {
      await this.syncTime();
    }
    const wire = this.encode(spec);
    let response: Response;
    let text: string;
    try {
      response = await this.options.fetch(`${this.options.baseUrl}${wire.target}`, {
        method: spec.method,
        headers: wire.headers,
        ...(wire.body !== undefined ? { body: wire.body } : {}),
        signal:
          deadline === undefined
            ? AbortSignal.timeout(this.options.timeoutMs)
            : AbortSignal.any([AbortSignal.timeout(this.options.timeoutMs), deadline]),
      });
      text = await response.text();
    } catch (error) {
      throw networkError(this.venue, spec, error, this.options.timeoutMs);
    }
    return this.decode(spec, response, text);
  }
}
