import type { AppError } from '@tradingbot/core';
import { ExchangeErrors, RETRYABLE_CODES, type ExchangeErrorCode } from '../errors.ts';
import { isRecord, jitteredBackoffMs, networkError } from '../http-common.ts';
import { binanceError } from './errors.ts';
import { appendSignature, encodeParams, type Params } from './signing.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export type BinanceHttpOptions = {
  baseUrl: string;
  apiKey: string;
  apiSecret: string;
  recvWindow: number;
  timeoutMs: number;
  fetch: typeof fetch;
  /** Local clock in epoch ms. */
  now: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Retries of a safe request after a transient failure (timeouts, 5xx, 429). */
  maxRetries?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** REQUEST_WEIGHT per minute; replaced by exchangeInfo's `rateLimits` once read. */
  weightLimit?: number;
  /** Share of the weight limit above which requests wait for the next minute. */
  weightThreshold?: number;
  /** Re-sync the server-time offset after this long. */
  timeSyncIntervalMs?: number;
};

export type RequestSpec = {
  method: HttpMethod;
  path: string;
  params?: Params;
  signed: boolean;
  /**
   * True when repeating the request cannot change the account: reads and cancels. Only safe requests
   * are retried after a timeout or a 5xx; an order POST never is (its caller looks the order up).
   */
  safe: boolean;
};

const TIME_PATH = '/fapi/v1/time';

/**
 * The HTTP layer of the Binance client: signing, server-time offset, timeouts, retries with
 * exponential backoff and jitter for safe requests, request-weight awareness, 429 back-off and the
 * 418 ban. Every failure leaves here as an `ExchangeErrors` AppError.
 */
export class BinanceHttp {
  readonly recvWindow: number;
  private readonly options: Required<BinanceHttpOptions>;
  private offsetMs: number | undefined;
  private syncedAt = 0;
  private syncing: Promise<void> | undefined;
  private usedWeight = 0;
  private usedWeightAt = 0;
  private bannedUntil = 0;
  private weightLimit: number;

  constructor(options: BinanceHttpOptions) {
    this.options = {
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      random: Math.random,
      maxRetries: 3,
      baseDelayMs: 250,
      maxDelayMs: 8_000,
      weightLimit: 2400,
      weightThreshold: 0.9,
      timeSyncIntervalMs: 30 * 60_000,
      ...options,
      baseUrl: options.baseUrl.replace(/\/+$/, ''),
    };
    this.recvWindow = options.recvWindow;
    this.weightLimit = this.options.weightLimit;
  }

  /** Server time as this client estimates it (local clock + measured offset). */
  serverNow(): number {
    return this.options.now() + (this.offsetMs ?? 0);
  }

  get timeOffsetMs(): number | undefined {
    return this.offsetMs;
  }

  get lastUsedWeight(): number {
    return this.usedWeight;
  }

  setWeightLimit(limit: number): void {
    if (Number.isFinite(limit) && limit > 0) this.weightLimit = limit;
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
        const body = await this.request<{ serverTime: number }>({
          method: 'GET',
          path: TIME_PATH,
          signed: false,
          safe: true,
        });
        const after = this.options.now();
        if (typeof body.serverTime !== 'number') {
          throw ExchangeErrors.create('EXCHANGE_ERROR', {
            message: 'Binance /fapi/v1/time returned no serverTime',
            details: { venue: 'binance', body },
          });
        }
        this.offsetMs = Math.round(body.serverTime - (before + after) / 2);
        this.syncedAt = after;
      } finally {
        this.syncing = undefined;
      }
    })();
    return this.syncing;
  }

  /**
   * Sends one logical request. Signed requests get `recvWindow`, `timestamp` and a trailing
   * `signature`; a -1021 triggers exactly one time re-sync and resend (the venue refused the request
   * before executing it). 429s are waited out (`Retry-After`) and resent whatever the method, since a
   * rate-limited request was not executed; other transient failures are retried only when `safe`.
   */
  async request<T>(spec: RequestSpec): Promise<T> {
    let attempt = 0;
    let resynced = false;
    for (;;) {
      try {
        return (await this.once(spec)) as T;
      } catch (error) {
        const appError = error as AppError;
        const code = appError.code as ExchangeErrorCode;
        if (code === 'EXCHANGE_TIMESTAMP_REJECTED' && spec.signed && !resynced) {
          resynced = true;
          await this.syncTime();
          continue;
        }
        if (attempt >= this.options.maxRetries) throw error;
        const details = appError.details ?? {};
        if (code === 'EXCHANGE_RATE_LIMITED' && details.httpStatus === 429) {
          const retryAfterMs = typeof details.retryAfterMs === 'number' ? details.retryAfterMs : 0;
          await this.sleep(Math.max(retryAfterMs, this.backoffMs(attempt)));
          attempt++;
          continue;
        }
        const isBan = code === 'EXCHANGE_RATE_LIMITED' && details.httpStatus === 418;
        const notSent = details.notSent === true;
        // A safe request may also be repeated when its outcome is unknown (503 "Unknown error").
        const retryable = RETRYABLE_CODES.has(code) || (spec.safe && code === 'EXCHANGE_RESULT_UNKNOWN');
        if (!isBan && retryable && (spec.safe || notSent)) {
          await this.sleep(this.backoffMs(attempt));
          attempt++;
          continue;
        }
        throw error;
      }
    }
  }

  private async once(spec: RequestSpec): Promise<unknown> {
    this.checkBan(spec.path);
    await this.throttle(spec.path);
    if (
      spec.signed &&
      (this.offsetMs === undefined || this.options.now() - this.syncedAt > this.options.timeSyncIntervalMs)
    ) {
      await this.syncTime();
    }

    let encoded = encodeParams(spec.params ?? {});
    if (spec.signed) {
      const stamp = encodeParams({ recvWindow: this.recvWindow, timestamp: Math.round(this.serverNow()) });
      encoded = appendSignature(encoded === '' ? stamp : `${encoded}&${stamp}`, this.options.apiSecret);
    }
    const inBody = spec.method === 'POST' || spec.method === 'PUT';
    const url = `${this.options.baseUrl}${spec.path}${!inBody && encoded !== '' ? `?${encoded}` : ''}`;
    const headers: Record<string, string> = {};
    if (this.options.apiKey !== '') headers['X-MBX-APIKEY'] = this.options.apiKey;
    if (inBody) headers['Content-Type'] = 'application/x-www-form-urlencoded';

    let response: Response;
    let text: string;
    try {
      response = await this.options.fetch(url, {
        method: spec.method,
        headers,
        ...(inBody ? { body: encoded } : {}),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw networkError({ id: 'binance', name: 'Binance' }, spec, error, this.options.timeoutMs);
    }

    this.readWeight(response.headers);
    let body: unknown = text;
    try {
      body = text === '' ? {} : JSON.parse(text);
    } catch {
      // Non-JSON bodies (WAF pages, proxies) keep their text for the message.
    }
    if (response.ok) return body;

    const venueCode = isRecord(body) && typeof body.code === 'number' ? body.code : undefined;
    const venueMessage =
      isRecord(body) && typeof body.msg === 'string'
        ? body.msg
        : String(text).slice(0, 200) || response.statusText;
    let retryAfterMs: number | undefined;
    const retryAfter = response.headers.get('retry-after');
    if (retryAfter !== null && /^\d+(\.\d+)?$/.test(retryAfter.trim()))
      retryAfterMs = Number(retryAfter) * 1000;
    if (response.status === 418) {
      const until = /banned until (\d{10,})/i.exec(venueMessage);
      const untilMs = until?.[1] !== undefined ? Number(until[1]) : undefined;
      if (retryAfterMs === undefined && untilMs !== undefined)
        retryAfterMs = Math.max(0, untilMs - this.serverNow());
      retryAfterMs ??= 120_000;
      this.bannedUntil = this.options.now() + retryAfterMs;
    }
    throw binanceError({
      venueCode,
      venueMessage,
      httpStatus: response.status,
      path: spec.path,
      retryAfterMs,
    });
  }

  /** While an IP ban (418) lasts nothing is sent: each call fails at once with the time left. */
  private checkBan(path: string): void {
    const left = this.bannedUntil - this.options.now();
    if (left > 0) {
      throw ExchangeErrors.create('EXCHANGE_RATE_LIMITED', {
        message: `Binance banned this IP (HTTP 418); no request is sent for another ${Math.ceil(left / 1000)} s`,
        details: {
          venue: 'binance',
          venueCode: -1003,
          venueMessage: 'IP banned (local ban window)',
          httpStatus: 418,
          path,
          retryAfterMs: left,
          retryAfter: Math.ceil(left / 1000),
          notSent: true,
        },
      });
    }
  }

  /** Waits for the next minute window when the last answer said the weight is near the limit. */
  private async throttle(path: string): Promise<void> {
    if (path === TIME_PATH) return;
    const delay = weightDelayMs(
      this.usedWeight,
      this.weightLimit,
      this.usedWeightAt,
      this.serverNow(),
      this.options.weightThreshold,
    );
    if (delay > 0) {
      await this.sleep(delay);
      this.usedWeight = 0;
    }
  }

  private readWeight(headers: Headers): void {
    const value = headers.get('x-mbx-used-weight-1m');
    if (value === null) return;
    const used = Number(value);
    if (Number.isFinite(used)) {
      this.usedWeight = used;
      this.usedWeightAt = this.serverNow();
    }
  }
}

/**
 * How long to wait before the next request given the last reported `X-MBX-USED-WEIGHT-1M`: nothing
 * below `threshold × limit`, else until the minute window the reading belongs to has rolled over
 * (Binance counts weight per calendar minute).
 */
export function weightDelayMs(
  used: number,
  limit: number,
  readAt: number,
  now: number,
  threshold = 0.9,
): number {
  if (used < threshold * limit) return 0;
  const windowEnd = Math.floor(readAt / 60_000) * 60_000 + 60_000;
  return Math.max(0, windowEnd - now);
}
