import type { AppError } from '@tradingbot/core';
import { ExchangeErrors } from '../errors.ts';
import { isRecord } from '../venue/http-common.ts';
import {
  SignedHttp,
  type BaseRequestSpec,
  type SignedHttpOptions,
  type WireRequest,
} from '../venue/signed-http.ts';
import { BINANCE_VENUE, binanceError } from './errors.ts';
import { appendSignature, binanceSigner, encodeParams, type BinanceSigner, type Params } from './signing.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export type BinanceHttpOptions = SignedHttpOptions & {
  apiKey: string;
  /** An HMAC secret, or the PEM private key of an Ed25519 API key. */
  apiSecret: string;
  recvWindow: number;
  /** REQUEST_WEIGHT per minute; replaced by exchangeInfo's `rateLimits` once read. */
  weightLimit?: number;
  /** Share of the weight limit above which requests wait for the next minute. */
  weightThreshold?: number;
};

export type RequestSpec = BaseRequestSpec & {
  method: HttpMethod;
  params?: Params;
};

const TIME_PATH = '/fapi/v1/time';

/**
 * The HTTP layer of the Binance client, on the shared `SignedHttp` protocol (clock sync, timeouts,
 * retries with backoff, network errors). What is Binance's own: the HMAC query signature with
 * `recvWindow` and `timestamp`, request-weight awareness, 429 back-off after `Retry-After` and the
 * 418 ban. Every failure leaves here as an `ExchangeErrors` AppError.
 */
export class BinanceHttp extends SignedHttp<RequestSpec> {
  readonly recvWindow: number;
  private readonly apiKey: string;
  /** HMAC-SHA256 or Ed25519, by the secret's shape. */
  private readonly signer: BinanceSigner | undefined;
  private readonly weightThreshold: number;
  private usedWeight = 0;
  private usedWeightAt = 0;
  private bannedUntil = 0;
  private weightLimit: number;

  constructor(options: BinanceHttpOptions) {
    super(BINANCE_VENUE, options);
    this.recvWindow = options.recvWindow;
    this.apiKey = options.apiKey;
    this.signer = options.apiSecret === '' ? undefined : signerOf(options.apiSecret);
    this.weightLimit = options.weightLimit ?? 2400;
    this.weightThreshold = options.weightThreshold ?? 0.9;
  }

  get lastUsedWeight(): number {
    return this.usedWeight;
  }

  setWeightLimit(limit: number): void {
    if (Number.isFinite(limit) && limit > 0) this.weightLimit = limit;
  }

  /**
   * Sends one logical request. Signed requests get `recvWindow`, `timestamp` and a trailing
   * `signature`; a -1021 triggers exactly one time re-sync and resend (the venue refused the request
   * before executing it). 429s are waited out (`Retry-After`) and resent whatever the method, since a
   * rate-limited request was not executed; other transient failures are retried only when `safe`.
   */
  request<T>(spec: RequestSpec): Promise<T> {
    return this.send(spec) as Promise<T>;
  }

  protected async readServerTime(): Promise<number> {
    const body = await this.request<{ serverTime: number }>({
      method: 'GET',
      path: TIME_PATH,
      signed: false,
      safe: true,
    });
    if (typeof body.serverTime !== 'number') {
      throw ExchangeErrors.create('EXCHANGE_ERROR', {
        message: 'Binance /fapi/v1/time returned no serverTime',
        details: { venue: 'binance', body },
      });
    }
    return body.serverTime;
  }

  protected override retryWaitMs(error: AppError, spec: RequestSpec, attempt: number): number | undefined {
    const details = error.details ?? {};
    if (error.code === 'EXCHANGE_RATE_LIMITED' && details.httpStatus === 429) {
      const retryAfterMs = typeof details.retryAfterMs === 'number' ? details.retryAfterMs : 0;
      return Math.max(retryAfterMs, this.backoffMs(attempt));
    }
    // A 418 ban lasts minutes: fail at once (checkBan refuses to send meanwhile).
    if (error.code === 'EXCHANGE_RATE_LIMITED' && details.httpStatus === 418) return undefined;
    return super.retryWaitMs(error, spec, attempt);
  }

  protected override async beforeSend(spec: RequestSpec): Promise<void> {
    this.checkBan(spec.path);
    await this.throttle(spec.path);
  }

  protected encode(spec: RequestSpec): WireRequest {
    let encoded = encodeParams(spec.params ?? {});
    if (spec.signed) {
      const stamp = encodeParams({ recvWindow: this.recvWindow, timestamp: Math.round(this.serverNow()) });
      encoded = appendSignature(encoded === '' ? stamp : `${encoded}&${stamp}`, this.signer ?? '');
    }
    const inBody = spec.method === 'POST' || spec.method === 'PUT';
    const headers: Record<string, string> = {};
    if (this.apiKey !== '') headers['X-MBX-APIKEY'] = this.apiKey;
    if (inBody) headers['Content-Type'] = 'application/x-www-form-urlencoded';
    return {
      target: `${spec.path}${!inBody && encoded !== '' ? `?${encoded}` : ''}`,
      headers,
      ...(inBody ? { body: encoded } : {}),
    };
  }

  protected decode(spec: RequestSpec, response: Response, text: string): unknown {
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
      this.weightThreshold,
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

/** The account's signer; a secret that looks like a PEM key but is none is refused as bad credentials. */
function signerOf(secret: string): BinanceSigner {
  try {
    return binanceSigner(secret);
  } catch (error) {
    throw ExchangeErrors.create('EXCHANGE_AUTH_FAILED', {
      message: `the Binance secret is not a usable Ed25519 private key: ${error instanceof Error ? error.message : String(error)}`,
      details: { venue: 'binance', venueMessage: 'malformed Ed25519 private key' },
    });
  }
}
