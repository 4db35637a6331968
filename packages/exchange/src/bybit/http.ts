import type { AppError } from '@tradingbot/core';
import { ExchangeErrors } from '../errors.ts';
import { isRecord } from '../venue/http-common.ts';
import {
  SignedHttp,
  type BaseRequestSpec,
  type SignedHttpOptions,
  type WireRequest,
} from '../venue/signed-http.ts';
import { BYBIT_VENUE, bybitError } from './errors.ts';
import { bybitSign, encodeBybitQuery, type BybitQuery } from './signing.ts';

export type BybitHttpMethod = 'GET' | 'POST';

export type BybitHttpOptions = SignedHttpOptions & {
  apiKey: string;
  apiSecret: string;
  /** `X-BAPI-RECV-WINDOW` (ms; Bybit's default 5000). */
  recvWindow: number;
};

export type BybitRequestSpec = BaseRequestSpec & {
  method: BybitHttpMethod;
  query?: BybitQuery;
  /** JSON body of a POST. */
  body?: Record<string, unknown>;
  /** Filled with the `X-BAPI-TIMESTAMP` of the last attempt sent (placements: its expiry). */
  sent?: { timestamp?: number };
};

/** `{retCode, retMsg, result, retExtInfo, time}`: every V5 answer (streams.md §3.3). */
export type BybitEnvelope<T> = { retCode: number; retMsg: string; result: T; time?: number };

const TIME_PATH = '/v5/market/time';

/**
 * The HTTP layer of the Bybit client, on the shared `SignedHttp` protocol (clock sync, timeouts,
 * retries with backoff, network errors). What is Bybit's own: the `X-BAPI-*` headers and the HMAC
 * over `timestamp + apiKey + recvWindow + (query | body)`, the envelope (errors are HTTP 200 with a
 * non-zero `retCode`), 10002 re-sync and resend, and 10006 waited out until
 * `X-Bapi-Limit-Reset-Timestamp`. Every failure leaves here as an `ExchangeErrors` AppError.
 */
export class BybitHttp extends SignedHttp<BybitRequestSpec> {
  readonly recvWindow: number;
  private readonly apiKey: string;
  private readonly apiSecret: string;

  constructor(options: BybitHttpOptions) {
    super(BYBIT_VENUE, options);
    this.apiKey = options.apiKey;
    this.apiSecret = options.apiSecret;
    this.recvWindow = options.recvWindow;
  }

  /** Sends one logical request and returns the envelope's `result`. */
  request<T>(spec: BybitRequestSpec): Promise<T> {
    return this.send(spec) as Promise<T>;
  }

  protected async readServerTime(): Promise<number> {
    const result = await this.request<{ timeSecond?: string; timeNano?: string }>({
      method: 'GET',
      path: TIME_PATH,
      signed: false,
      safe: true,
    });
    const nano = result.timeNano;
    const ms = typeof nano === 'string' && /^\d+$/.test(nano) ? Number(BigInt(nano) / 1_000_000n) : NaN;
    if (!Number.isFinite(ms)) {
      throw ExchangeErrors.create('EXCHANGE_ERROR', {
        message: 'Bybit /v5/market/time returned no timeNano',
        details: { venue: 'bybit', result },
      });
    }
    return ms;
  }

  protected override retryWaitMs(
    error: AppError,
    spec: BybitRequestSpec,
    attempt: number,
  ): number | undefined {
    if (error.code === 'EXCHANGE_RATE_LIMITED') {
      // Not executed: wait for the window to reset, whatever the method.
      const after = typeof error.details?.retryAfterMs === 'number' ? error.details.retryAfterMs : 0;
      return Math.min(Math.max(after, this.backoffMs(attempt)), Math.max(this.options.maxDelayMs, after));
    }
    return super.retryWaitMs(error, spec, attempt);
  }

  protected encode(spec: BybitRequestSpec): WireRequest {
    const query = encodeBybitQuery(spec.query ?? {});
    const body = spec.method === 'POST' ? JSON.stringify(spec.body ?? {}) : '';
    const headers: Record<string, string> = {};
    if (spec.method === 'POST') headers['Content-Type'] = 'application/json';
    if (spec.signed) {
      const timestamp = Math.round(this.serverNow());
      if (spec.sent !== undefined) spec.sent.timestamp = timestamp;
      headers['X-BAPI-API-KEY'] = this.apiKey;
      headers['X-BAPI-TIMESTAMP'] = String(timestamp);
      headers['X-BAPI-RECV-WINDOW'] = String(this.recvWindow);
      headers['X-BAPI-SIGN'] = bybitSign(
        this.apiSecret,
        timestamp,
        this.apiKey,
        this.recvWindow,
        spec.method === 'POST' ? body : query,
      );
    }
    return {
      target: query === '' ? spec.path : `${spec.path}?${query}`,
      headers,
      ...(spec.method === 'POST' ? { body } : {}),
    };
  }

  protected decode(spec: BybitRequestSpec, response: Response, text: string): unknown {
    let parsed: unknown = undefined;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      // Non-JSON bodies (WAF pages, proxies) keep their text for the message.
    }
    const envelope = isRecord(parsed) ? parsed : undefined;
    const retCode = typeof envelope?.retCode === 'number' ? envelope.retCode : undefined;
    const retMsg = typeof envelope?.retMsg === 'string' ? envelope.retMsg : '';
    if (response.ok && retCode === 0) return envelope?.result ?? {};
    if (response.ok && retCode === undefined) {
      throw ExchangeErrors.create('EXCHANGE_ERROR', {
        message: `Bybit answered ${spec.method} ${spec.path} without an envelope: ${text.slice(0, 200)}`,
        details: { venue: 'bybit', path: spec.path, httpStatus: response.status },
      });
    }
    const limit = readLimit(response.headers);
    const retryAfterMs =
      retCode === 10006 || response.status === 429 || response.status === 403
        ? Math.max(0, (limit.resetAt ?? 0) - this.serverNow()) || undefined
        : undefined;
    throw bybitError({
      venueCode: retCode,
      venueMessage: retMsg !== '' ? retMsg : text.slice(0, 200) || response.statusText,
      httpStatus: response.status,
      path: spec.path,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      ...(limit.limit !== undefined ? { limit } : {}),
    });
  }
}

/** `X-Bapi-Limit`, `X-Bapi-Limit-Status` (left) and `X-Bapi-Limit-Reset-Timestamp` (ms). */
function readLimit(headers: Headers): { limit?: number; remaining?: number; resetAt?: number } {
  const num = (name: string): number | undefined => {
    const v = headers.get(name);
    return v !== null && /^\d+$/.test(v.trim()) ? Number(v) : undefined;
  };
  const out: { limit?: number; remaining?: number; resetAt?: number } = {};
  const limit = num('x-bapi-limit');
  const remaining = num('x-bapi-limit-status');
  const resetAt = num('x-bapi-limit-reset-timestamp');
  if (limit !== undefined) out.limit = limit;
  if (remaining !== undefined) out.remaining = remaining;
  if (resetAt !== undefined) out.resetAt = resetAt;
  return out;
}
