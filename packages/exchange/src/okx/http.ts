import type { AppError } from '@tradingbot/core';
import { ExchangeErrors } from '../errors.ts';
import { isRecord } from '../venue/http-common.ts';
import {
  SignedHttp,
  type BaseRequestSpec,
  type SignedHttpOptions,
  type WireRequest,
} from '../venue/signed-http.ts';
import { OKX_VENUE, okxError } from './errors.ts';
import { encodeQuery, okxSign, okxTimestamp, type Query } from './signing.ts';

export type OkxHttpMethod = 'GET' | 'POST';

export type OkxHttpOptions = SignedHttpOptions & {
  apiKey: string;
  apiSecret: string;
  passphrase: string;
  /**
   * Demo trading: every request carries `x-simulated-trading: 1`
   * (https://www.okx.com/docs-v5/en/#overview-demo-trading-services).
   */
  demo: boolean;
};

export type OkxRequestSpec = BaseRequestSpec & {
  method: OkxHttpMethod;
  query?: Query;
  /** JSON body of a POST (an object, or an array for batch endpoints such as cancel-algos). */
  body?: unknown;
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

/**
 * The `{code, msg, data}` envelope every OKX v5 answer has
 * (https://www.okx.com/docs-v5/en/#overview-rest-authentication-making-requests).
 */
export type OkxEnvelope<T> = { code: string; msg: string; data: T[] };

const TIME_PATH = '/api/v5/public/time';

/**
 * The HTTP layer of the OKX client, on the shared `SignedHttp` protocol (clock sync, timeouts,
 * retries with backoff, network errors). What is OKX's own: Base64 HMAC-SHA256 signing with the
 * passphrase and ISO-ms timestamp headers, `expTime`, 429 / 50011 back-off, one re-sync and resend
 * on 50102 or 50037, and the envelope: a request succeeds only when `code` is "0" and no item
 * carries a non-zero `sCode`. Every failure leaves here as an `ExchangeErrors` AppError keeping
 * OKX's code and message.
 */
export class OkxHttp extends SignedHttp<OkxRequestSpec> {
  private readonly apiKey: string;
  private readonly apiSecret: string;
  private readonly passphrase: string;
  private readonly demo: boolean;

  constructor(options: OkxHttpOptions) {
    super(OKX_VENUE, options);
    this.apiKey = options.apiKey;
    this.apiSecret = options.apiSecret;
    this.passphrase = options.passphrase;
    this.demo = options.demo;
  }

  /**
   * Sends one logical request and returns the envelope's `data`. A 50102 (timestamp expired)
   * triggers exactly one time re-sync and resend (the venue refused the request before executing
   * it). 429 / 50011 are waited out and resent whatever the method, since a rate-limited request was
   * not executed; other transient failures are retried only when `safe`.
   */
  request<T>(spec: OkxRequestSpec): Promise<T[]> {
    return this.send(spec) as Promise<T[]>;
  }

  protected async readServerTime(): Promise<number> {
    const data = await this.request<{ ts: string }>({
      method: 'GET',
      path: TIME_PATH,
      signed: false,
      safe: true,
    });
    const ts = Number(data[0]?.ts);
    if (!Number.isFinite(ts)) {
      throw ExchangeErrors.create('EXCHANGE_ERROR', {
        message: 'OKX /api/v5/public/time returned no ts',
        details: { venue: 'okx', data },
      });
    }
    return ts;
  }

  /** 50102 (timestamp) or 50037 (expTime passed): refused unexecuted; our clock may be off. */
  protected override isClockRejection(error: AppError, spec: OkxRequestSpec): boolean {
    return super.isClockRejection(error, spec) || error.details?.venueCode === '50037';
  }

  protected override retryWaitMs(error: AppError, spec: OkxRequestSpec, attempt: number): number | undefined {
    // OKX counts in 2-second windows and sends no Retry-After: wait at least 1 s (capped by maxDelayMs).
    if (error.code === 'EXCHANGE_RATE_LIMITED')
      return Math.max(this.backoffMs(attempt), Math.min(1000, this.options.maxDelayMs));
    return super.retryWaitMs(error, spec, attempt);
  }

  protected encode(spec: OkxRequestSpec): WireRequest {
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
    if (this.demo) headers['x-simulated-trading'] = '1';
    if (spec.signed) {
      const timestamp = okxTimestamp(this.serverNow());
      headers['OK-ACCESS-KEY'] = this.apiKey;
      headers['OK-ACCESS-SIGN'] = okxSign(this.apiSecret, timestamp, spec.method, requestPath, body);
      headers['OK-ACCESS-TIMESTAMP'] = timestamp;
      headers['OK-ACCESS-PASSPHRASE'] = this.passphrase;
    }
    return { target: requestPath, headers, ...(spec.method === 'POST' ? { body } : {}) };
  }

  protected decode(spec: OkxRequestSpec, response: Response, text: string): unknown[] {
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
    // Per-item failures decide: code "1"/"2" with data[{sCode, sMsg}].
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
