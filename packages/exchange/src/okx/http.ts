import type { AppError } from '@tradingbot/core';
import { ExchangeErrors, RETRYABLE_CODES, type ExchangeErrorCode } from '../errors.ts';
import { isRecord, jitteredBackoffMs, networkError } from '../http-common.ts';
import { okxError } from './errors.ts';
import { encodeQuery, okxSign, okxTimestamp, type Query } from './signing.ts';

export type OkxHttpMethod = 'GET' | 'POST';

export type OkxHttpOptions = {
  baseUrl: string;
  apiKey: string;
  apiSecret: string;
  passphrase: string;
  /** Demo trading: every request carries `x-simulated-trading: 1` (exchanges.md §2.1). */
  demo: boolean;
  timeoutMs: number;
  fetch: typeof fetch;
  /** Local clock in epoch ms. */
  now: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Retries of a GET after a transient failure (timeouts, 5xx); 429 / 50011 are waited out for every method. */
  maxRetries?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Re-sync the server-time offset after this long. */
  timeSyncIntervalMs?: number;
};

export type OkxRequestSpec = {
  method: OkxHttpMethod;
  /** Path without the query, e.g. `/api/v5/trade/order`. */
  path: string;
  query?: Query;
  /** JSON body of a POST (an object, or an array for batch endpoints such as cancel-algos). */
  body?: unknown;
  signed: boolean;
  /**
   * True when repeating the request cannot change the account. Only safe requests are retried after
   * a timeout or a 5xx; a POST never is (an order's caller looks the order up by clOrdId).
   */
  safe: boolean;
  /** Extra headers. */
  headers?: Record<string, string>;
  /**
   * Sends `expTime` = server now + this many ms (order placement): OKX discards the request
   * unexecuted once its clock has passed it (50037). Each attempt gets a fresh deadline; the last
   * one sent is written to `sent.expTime`.
   */
  expiresInMs?: number;
  sent?: { expTime?: number };
};

/** The `{code, msg, data}` envelope every OKX v5 answer has (exchanges.md §2.4). */
export type OkxEnvelope<T> = { code: string; msg: string; data: T[] };

const TIME_PATH = '/api/v5/public/time';

/**
 * The HTTP layer of the OKX client: Base64 HMAC-SHA256 signing with the passphrase and ISO-ms
 * timestamp headers, server-time offset (`/api/v5/public/time`), timeouts, exponential backoff with
 * jitter for safe requests, 429 / 50011 back-off, one re-sync and resend on 50102, and the
 * envelope: a request succeeds only when `code` is "0" and no item carries a non-zero `sCode`.
 * Every failure leaves here as an `ExchangeErrors` AppError keeping OKX's code and message.
 */
export class OkxHttp {
  private readonly options: Required<OkxHttpOptions>;
  private offsetMs: number | undefined;
  private syncedAt = 0;
  private syncing: Promise<void> | undefined;

  constructor(options: OkxHttpOptions) {
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
        const data = await this.request<{ ts: string }>({
          method: 'GET',
          path: TIME_PATH,
          signed: false,
          safe: true,
        });
        const after = this.options.now();
        const ts = Number(data[0]?.ts);
        if (!Number.isFinite(ts)) {
          throw ExchangeErrors.create('EXCHANGE_ERROR', {
            message: 'OKX /api/v5/public/time returned no ts',
            details: { venue: 'okx', data },
          });
        }
        this.offsetMs = Math.round(ts - (before + after) / 2);
        this.syncedAt = after;
      } finally {
        this.syncing = undefined;
      }
    })();
    return this.syncing;
  }

  /**
   * Sends one logical request and returns the envelope's `data`. A 50102 (timestamp expired)
   * triggers exactly one time re-sync and resend (the venue refused the request before executing
   * it). 429 / 50011 are waited out and resent whatever the method, since a rate-limited request was
   * not executed; other transient failures are retried only when `safe`.
   */
  async request<T>(spec: OkxRequestSpec): Promise<T[]> {
    let attempt = 0;
    let resynced = false;
    for (;;) {
      try {
        return (await this.once(spec)) as T[];
      } catch (error) {
        const appError = error as AppError;
        const code = appError.code as ExchangeErrorCode;
        const details = appError.details ?? {};
        // 50102 (timestamp) or 50037 (expTime passed): refused unexecuted; our clock may be off.
        if (
          (code === 'EXCHANGE_TIMESTAMP_REJECTED' || details.venueCode === '50037') &&
          spec.signed &&
          !resynced
        ) {
          resynced = true;
          await this.syncTime();
          continue;
        }
        if (attempt >= this.options.maxRetries) throw error;
        if (code === 'EXCHANGE_RATE_LIMITED') {
          // OKX counts in 2-second windows and sends no Retry-After: wait at least 1 s (capped by maxDelayMs).
          await this.sleep(Math.max(this.backoffMs(attempt), Math.min(1000, this.options.maxDelayMs)));
          attempt++;
          continue;
        }
        const notSent = details.notSent === true;
        const retryable = RETRYABLE_CODES.has(code) || (spec.safe && code === 'EXCHANGE_RESULT_UNKNOWN');
        if (retryable && (spec.safe || notSent)) {
          await this.sleep(this.backoffMs(attempt));
          attempt++;
          continue;
        }
        throw error;
      }
    }
  }

  private async once(spec: OkxRequestSpec): Promise<unknown[]> {
    if (
      spec.signed &&
      (this.offsetMs === undefined || this.options.now() - this.syncedAt > this.options.timeSyncIntervalMs)
    ) {
      await this.syncTime();
    }
    const query = encodeQuery(spec.query ?? {});
    const requestPath = query === '' ? spec.path : `${spec.path}?${query}`;
    const body = spec.method === 'POST' ? JSON.stringify(spec.body ?? {}) : '';
    const headers: Record<string, string> = { ...spec.headers };
    if (spec.expiresInMs !== undefined) {
      const expTime = Math.round(this.serverNow() + spec.expiresInMs);
      headers.expTime = String(expTime);
      if (spec.sent !== undefined) spec.sent.expTime = expTime;
    }
    if (spec.method === 'POST') headers['Content-Type'] = 'application/json';
    if (this.options.demo) headers['x-simulated-trading'] = '1';
    if (spec.signed) {
      const timestamp = okxTimestamp(this.serverNow());
      headers['OK-ACCESS-KEY'] = this.options.apiKey;
      headers['OK-ACCESS-SIGN'] = okxSign(this.options.apiSecret, timestamp, spec.method, requestPath, body);
      headers['OK-ACCESS-TIMESTAMP'] = timestamp;
      headers['OK-ACCESS-PASSPHRASE'] = this.options.passphrase;
    }

    let response: Response;
    let text: string;
    try {
      response = await this.options.fetch(`${this.options.baseUrl}${requestPath}`, {
        method: spec.method,
        headers,
        ...(spec.method === 'POST' ? { body } : {}),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw networkError({ id: 'okx', name: 'OKX' }, spec, error, this.options.timeoutMs);
    }

    let parsed: unknown = undefined;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      // Non-JSON bodies (WAF pages, proxies) keep their text for the message.
    }
    const envelope = isRecord(parsed) ? parsed : undefined;
    const code = envelope !== undefined && envelope.code !== undefined ? String(envelope.code) : undefined;
    const msg = typeof envelope?.msg === 'string' ? envelope.msg : '';
    const data = Array.isArray(envelope?.data) ? (envelope.data as unknown[]) : [];
    if (response.ok && code === '0') {
      // Batch endpoints answer "0" only when every item succeeded; a single failing item is an error.
      const failed = data.find(
        (item) => isRecord(item) && item.sCode !== undefined && String(item.sCode) !== '0',
      );
      if (failed === undefined) return data;
    }
    if (response.ok && code === undefined) {
      throw ExchangeErrors.create('EXCHANGE_ERROR', {
        message: `OKX answered ${spec.method} ${spec.path} without an envelope: ${text.slice(0, 200)}`,
        details: { venue: 'okx', path: spec.path, httpStatus: response.status },
      });
    }
    // Per-item failures decide (exchanges.md §2.4): code "1"/"2" with data[{sCode, sMsg}].
    const item = data.find(
      (x): x is Record<string, unknown> => isRecord(x) && x.sCode !== undefined && String(x.sCode) !== '0',
    );
    if (item !== undefined) {
      throw okxError({
        venueCode: String(item.sCode),
        venueMessage: typeof item.sMsg === 'string' ? item.sMsg : '',
        httpStatus: response.status,
        path: spec.path,
        ...(code !== undefined ? { envelopeCode: code, envelopeMessage: msg } : {}),
      });
    }
    throw okxError({
      venueCode: code,
      venueMessage: msg !== '' ? msg : text.slice(0, 200) || response.statusText,
      httpStatus: response.status,
      path: spec.path,
    });
  }
}
