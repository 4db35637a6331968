import type { AppError } from '@tradingbot/core';
import { describe, expect, it } from 'vitest';
import { ExchangeErrors } from '../../src/errors.ts';
import { SignedHttp, type BaseRequestSpec, type WireRequest } from '../../src/venue/signed-http.ts';

/**
 * A tiny venue on the shared protocol: `GET /time` answers `{ time }`, a signed request carries
 * `?ts=<server time>`, and an error answer is `{ error: <ExchangeErrors code>, notSent? }`.
 */
class TinyVenueHttp extends SignedHttp<BaseRequestSpec> {
  request(spec: BaseRequestSpec): Promise<unknown> {
    return this.send(spec);
  }

  protected async readServerTime(): Promise<number> {
    const body = (await this.send({ method: 'GET', path: '/time', signed: false, safe: true })) as {
      time: number;
    };
    return body.time;
  }

  protected encode(spec: BaseRequestSpec): WireRequest {
    return { target: spec.signed ? `${spec.path}?ts=${this.serverNow()}` : spec.path, headers: {} };
  }

  protected decode(_spec: BaseRequestSpec, response: Response, text: string): unknown {
    const body = JSON.parse(text) as { error?: string; notSent?: boolean };
    if (response.ok) return body;
    throw ExchangeErrors.create(body.error as 'EXCHANGE_ERROR', {
      message: String(body.error),
      ...(body.notSent === true ? { details: { notSent: true } } : {}),
    });
  }
}

type Answer = { status: number; body: unknown } | Error;

function tinyVenue(answers: Answer[], options: { serverAhead?: number; maxRetries?: number } = {}) {
  let now = 1_000_000;
  const sent: string[] = [];
  const sleeps: number[] = [];
  const fetch = (async (url: string | URL | Request) => {
    sent.push(String(url).replace('http://tiny.test', ''));
    // Each round trip takes 100 ms of local time.
    now += 100;
    if (String(url).endsWith('/time')) {
      return new Response(JSON.stringify({ time: now - 50 + (options.serverAhead ?? 0) }));
    }
    const answer = answers.shift() ?? { status: 200, body: {} };
    if (answer instanceof Error) throw answer;
    return new Response(JSON.stringify(answer.body), { status: answer.status });
  }) as typeof globalThis.fetch;
  const http = new TinyVenueHttp(
    { id: 'tiny', name: 'Tiny' },
    {
      baseUrl: 'http://tiny.test/',
      timeoutMs: 1000,
      fetch,
      now: () => now,
      sleep: async (ms) => void sleeps.push(ms),
      random: () => 0,
      maxRetries: options.maxRetries ?? 3,
    },
  );
  return { http, sent, sleeps };
}

const fail = (error: string, extra: Record<string, unknown> = {}): Answer => ({
  status: 500,
  body: { error, ...extra },
});

describe('SignedHttp', () => {
  it('syncs the clock before the first signed request, at the round trip midpoint', async () => {
    const v = tinyVenue([{ status: 200, body: { ok: true } }], { serverAhead: 4000 });
    expect(await v.http.request({ method: 'GET', path: '/a', signed: true, safe: true })).toEqual({
      ok: true,
    });
    expect(v.http.timeOffsetMs).toBe(4000);
    expect(v.sent).toEqual(['/time', `/a?ts=${1_000_100 + 4000}`]);
  });

  it('a clock rejection of a signed request re-syncs and resends exactly once', async () => {
    const v = tinyVenue([
      fail('EXCHANGE_TIMESTAMP_REJECTED'),
      fail('EXCHANGE_TIMESTAMP_REJECTED'),
      { status: 200, body: {} },
    ]);
    const error = await v.http
      .request({ method: 'POST', path: '/order', signed: true, safe: false })
      .catch((e: unknown) => e);
    expect(ExchangeErrors.is(error, 'EXCHANGE_TIMESTAMP_REJECTED')).toBe(true);
    expect(v.sent.filter((p) => p === '/time')).toHaveLength(2);
    expect(v.sent.filter((p) => p.startsWith('/order'))).toHaveLength(2);
  });

  it('retries a safe request after transient failures with jittered exponential backoff', async () => {
    const v = tinyVenue([fail('EXCHANGE_UNAVAILABLE'), fail('EXCHANGE_TIMEOUT'), { status: 200, body: {} }]);
    await v.http.request({ method: 'GET', path: '/a', signed: false, safe: true });
    expect(v.sent).toHaveLength(3);
    // random() = 0 → half of 250·2^attempt.
    expect(v.sleeps).toEqual([125, 250]);
  });

  it('gives up after maxRetries', async () => {
    const v = tinyVenue(
      [fail('EXCHANGE_UNAVAILABLE'), fail('EXCHANGE_UNAVAILABLE'), { status: 200, body: {} }],
      {
        maxRetries: 1,
      },
    );
    const error = await v.http
      .request({ method: 'GET', path: '/a', signed: false, safe: true })
      .catch((e: unknown) => e);
    expect(ExchangeErrors.is(error, 'EXCHANGE_UNAVAILABLE')).toBe(true);
    expect(v.sent).toHaveLength(2);
  });

  it('an unsafe request is not resent after a 5xx, but is when it was never sent', async () => {
    const unsafe = tinyVenue([fail('EXCHANGE_UNAVAILABLE'), { status: 200, body: {} }]);
    const error = await unsafe.http
      .request({ method: 'POST', path: '/order', signed: false, safe: false })
      .catch((e: unknown) => e);
    expect(ExchangeErrors.is(error, 'EXCHANGE_UNAVAILABLE')).toBe(true);
    expect(unsafe.sent).toHaveLength(1);

    const unsent = tinyVenue([fail('EXCHANGE_UNAVAILABLE', { notSent: true }), { status: 200, body: {} }]);
    await unsent.http.request({ method: 'POST', path: '/order', signed: false, safe: false });
    expect(unsent.sent).toHaveLength(2);
  });

  it('an unknown outcome is retried for a safe request only', async () => {
    const safe = tinyVenue([fail('EXCHANGE_RESULT_UNKNOWN'), { status: 200, body: {} }]);
    await safe.http.request({ method: 'GET', path: '/a', signed: false, safe: true });
    expect(safe.sent).toHaveLength(2);
    const unsafe = tinyVenue([fail('EXCHANGE_RESULT_UNKNOWN'), { status: 200, body: {} }]);
    const error = await unsafe.http
      .request({ method: 'POST', path: '/a', signed: false, safe: false })
      .catch((e: unknown) => e as AppError);
    expect(ExchangeErrors.is(error, 'EXCHANGE_RESULT_UNKNOWN')).toBe(true);
    expect(unsafe.sent).toHaveLength(1);
  });

  it('maps network failures: a timeout, a refused connection (not sent), a dropped one', async () => {
    const timeout = Object.assign(new Error('timed out'), { name: 'TimeoutError' });
    const refused = Object.assign(new Error('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    const reset = Object.assign(new Error('fetch failed'), { cause: { code: 'ECONNRESET' } });
    const v = tinyVenue([timeout, refused, reset], { maxRetries: 0 });
    const spec = { method: 'POST', path: '/order', signed: false, safe: false };
    const errors: AppError[] = [];
    for (let i = 0; i < 3; i++)
      errors.push((await v.http.request(spec).catch((e: unknown) => e)) as AppError);
    expect(errors.map((e) => e.code)).toEqual([
      'EXCHANGE_TIMEOUT',
      'EXCHANGE_UNAVAILABLE',
      'EXCHANGE_UNAVAILABLE',
    ]);
    expect(errors[0]?.message).toBe('Tiny did not answer POST /order within 1000 ms');
    expect(errors[1]?.details).toMatchObject({ venue: 'tiny', networkCode: 'ECONNREFUSED', notSent: true });
    expect(errors[2]?.details).toMatchObject({ venue: 'tiny', networkCode: 'ECONNRESET' });
    expect(errors[2]?.details?.notSent).toBeUndefined();
  });
});
