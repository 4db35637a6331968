import type { FastifyError } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { syntheticCandles, writeCandlesCsv } from '@tradingbot/engine';
import { toAppError } from '../src/app.ts';
import { errorBody } from '../src/routes/error.schema.ts';
import { BacktestBody, OptimizationBody } from '../src/routes/lab.schema.ts';
import { LabRunBody } from '../src/routes/lab-runs.schema.ts';
import { movableBytes } from '../src/services/lab-request.ts';
import { signUp, testApp, type TestApp } from './helpers.ts';

// The lab's POST bodies are parsed and validated on a lab worker thread (routes/lab.ts,
// services/lab-request.ts). A bad body must get exactly the answer the main thread's parser and
// validator give: the references below are another route's answer to the same bytes (Fastify's JSON
// parser and the input-safety hook), and Fastify's zod validation error turned into our error body
// by `toAppError`, as it was before the move.

let t: TestApp;
let alice: Awaited<ReturnType<typeof signUp>>;
const LAB_ROUTES = ['/api/v1/backtests', '/api/v1/optimizations', '/api/v1/lab/runs'] as const;
const LAB_SCHEMAS = {
  '/api/v1/backtests': BacktestBody,
  '/api/v1/optimizations': OptimizationBody,
  '/api/v1/lab/runs': LabRunBody,
} as const;

beforeAll(async () => {
  t = await testApp();
  alice = await signUp(t.app, 'alice-lab-raw@example.com');
});
afterAll(async () => {
  await t.close();
});

const json = { 'content-type': 'application/json' };

function postLab(url: string, payload: string | Buffer, headers: Record<string, string> = alice.auth) {
  return t.app.inject({ method: 'POST', url, headers: { ...json, ...headers }, payload });
}

/** The same bytes sent to sign-in, whose body Fastify parses and the input-safety hook checks on the main thread. */
function postMainThread(payload: string) {
  return t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: json, payload });
}

/** The error body the route answered when Fastify validated the body with its zod schema. */
function validatedOnMainThread(schema: z.ZodType, body: unknown) {
  const result = validatorCompiler({ schema, method: 'POST', url: 'x', httpPart: 'body' })(body) as {
    error?: unknown[];
  };
  expect(result.error, 'the reference validation fails').toBeDefined();
  const error = Object.assign(new Error('validation'), {
    validation: result.error,
    validationContext: 'body',
  }) as unknown as FastifyError;
  return errorBody(toAppError(error));
}

const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

describe('lab request bodies read on a worker thread', () => {
  it('answers malformed JSON, __proto__ and constructor.prototype keys with INVALID_JSON, as the main thread does', async () => {
    const bodies = [
      '{"strategy": "ema_cross",',
      'not json',
      '{"strategy":"ema_cross","__proto__":{"polluted":true}}',
      '{"strategy":"ema_cross","params":{"constructor":{"prototype":{"polluted":true}}}}',
    ];
    for (const body of bodies) {
      const reference = await postMainThread(body);
      expect(reference.statusCode, body).toBe(400);
      expect(reference.json().error.code).toBe('INVALID_JSON');
      for (const url of LAB_ROUTES) {
        const response = await postLab(url, body);
        expect(response.statusCode, `${url} ${body}`).toBe(400);
        expect(response.json(), `${url} ${body}`).toEqual(reference.json());
      }
    }
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('refuses NUL characters and lone surrogates with INVALID_CHARACTERS naming the field', async () => {
    const bodies = [
      JSON.stringify({ strategy: 'ema\u0000cross' }),
      '{"strategy":"ema_cross","params":{"fast\\ud800":9}}',
    ];
    const fields = ['body.strategy', 'body.params.fast\\ud800'];
    for (const [k, body] of bodies.entries()) {
      const reference = await postMainThread(body);
      for (const url of LAB_ROUTES) {
        const response = await postLab(url, body);
        expect(response.statusCode, `${url} ${body}`).toBe(400);
        expect(response.json().error.code).toBe('INVALID_CHARACTERS');
        expect(response.json().error.details.field).toBe(fields[k]);
        expect(response.json(), `${url} ${body}`).toEqual(reference.json());
      }
    }
  });

  it('refuses JSON nested too deep with JSON_TOO_DEEP, shallow or thousands of levels', async () => {
    for (const depth of [70, 5_000]) {
      const body = `{"strategy":"ema_cross","params":${nested(depth)}}`;
      const reference = await postMainThread(body);
      expect(reference.json().error.code).toBe('JSON_TOO_DEEP');
      for (const url of LAB_ROUTES) {
        const response = await postLab(url, body);
        expect(response.statusCode, `${url} depth ${depth}`).toBe(400);
        expect(response.json(), `${url} depth ${depth}`).toEqual(reference.json());
      }
    }
  });

  it('answers schema violations with VALIDATION_FAILED and the field path, as Fastify’s zod validation did', async () => {
    const cases: Array<[url: string, schema: z.ZodType, body: unknown, field: string]> = [
      [
        '/api/v1/backtests',
        BacktestBody,
        { strategy: 'ema_cross', options: { leverage: 500 } },
        'options.leverage',
      ],
      ['/api/v1/backtests', BacktestBody, { strategy: 'ema_cross', data: { source: 'ftp' } }, 'data.source'],
      ['/api/v1/backtests', BacktestBody, { strategy: 'ema_cross', extra: 1 }, 'extra'],
      ['/api/v1/backtests', BacktestBody, [1, 2], ''],
      ['/api/v1/optimizations', OptimizationBody, { strategy: 'ema_cross', trials: 1_000_000 }, 'trials'],
      ['/api/v1/optimizations', OptimizationBody, { strategy: 'ema_cross', space: { a: 'x' } }, 'space.a'],
      ['/api/v1/lab/runs', LabRunBody, { strategy: 'ema_cross' }, 'name'],
      [
        '/api/v1/lab/runs',
        LabRunBody,
        { name: 'x', strategy: 'ema_cross', options: { leverage: 500 } },
        'options.leverage',
      ],
    ];
    for (const [url, schema, body, field] of cases) {
      const response = await postLab(url, JSON.stringify(body));
      expect(response.statusCode, `${url} ${JSON.stringify(body)}`).toBe(400);
      const answer = response.json();
      expect(answer.error.code).toBe('VALIDATION_FAILED');
      expect(answer.error.details.issues[0].field).toBe(field);
      expect(answer.error.message.startsWith(`body${field ? `.${field}` : ''}: `)).toBe(true);
      expect(answer).toEqual(validatedOnMainThread(schema, body));
    }
  });

  it('checks the session before reading the body, and takes JSON only', async () => {
    for (const url of LAB_ROUTES) {
      const anonymous = await postLab(url, '{"strategy":', {});
      expect(anonymous.statusCode).toBe(401);
      expect(anonymous.json().error.code).toBe('UNAUTHENTICATED');
      const text = await t.app.inject({
        method: 'POST',
        url,
        headers: { ...alice.auth, 'content-type': 'text/plain' },
        payload: '{"strategy":"ema_cross"}',
      });
      expect(text.statusCode).toBe(415);
      expect(text.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      const none = await t.app.inject({ method: 'POST', url, headers: alice.auth });
      expect(none.statusCode).toBe(400);
      const schema = LAB_SCHEMAS[url];
      expect(none.json()).toEqual(validatedOnMainThread(schema, null));
      // An empty body sent as JSON is no body (issue 23), not INVALID_JSON: the schema says what is missing.
      const empty = await postLab(url, '');
      expect(empty.statusCode).toBe(400);
      expect(empty.json()).toEqual(validatedOnMainThread(schema, undefined));
    }
  });

  it('stores the validated optimization request (defaults filled in) with its job', async () => {
    const bob = await signUp(t.app, 'bob-lab-raw@example.com');
    const started = await postLab(
      '/api/v1/optimizations',
      JSON.stringify({
        strategy: 'ema_cross',
        trials: 2,
        walk_forward: 0,
        data: { source: 'sample', bars: 500 },
      }),
      bob.auth,
    );
    expect(started.statusCode, started.body).toBe(202);
    const { id } = started.json() as { id: string };
    const [row] = await t.database.query<{ input: unknown }>('SELECT input FROM lab_jobs WHERE id = $1', [
      id,
    ]);
    expect(row?.input).toEqual({
      strategy: 'ema_cross',
      data: { source: 'sample', bars: 500 },
      objective: 'sharpe',
      method: 'auto',
      trials: 2,
      seed: 1,
      min_trades: 5,
      walk_forward: 0,
      in_sample_ratio: 3,
    });
    for (let k = 0; k < 300; k++) {
      const job = (
        await t.app.inject({ method: 'GET', url: `/api/v1/optimizations/${id}`, headers: bob.auth })
      ).json();
      if (job.status !== 'queued' && job.status !== 'running') {
        expect(job.status).toBe('done');
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('the optimization did not finish');
  });

  it('moves a large body’s own memory to the worker, and copies a small one out of the shared pool', () => {
    // Fastify concatenates a body into a fresh buffer (Buffer.concat), as here.
    const large = Buffer.concat([Buffer.alloc(100_000, 1)]);
    expect(movableBytes(large)).toBe(large.buffer);
    const small = Buffer.concat([Buffer.from('{"strategy":"ema_cross"}')]);
    expect(small.buffer.byteLength).toBeGreaterThan(small.byteLength); // a slice of Node's pool
    const copy = movableBytes(small);
    expect(copy).not.toBe(small.buffer);
    expect(Buffer.from(copy).toString()).toBe('{"strategy":"ema_cross"}');
  });

  it('reads a 3 MB backtest body on a worker thread: the main thread never parses it, and stays live', async () => {
    // 50,000 hourly candles as CSV text (~2.8 MB of JSON), answered as daily candles: a large body
    // and a small answer, so what the main thread does is the request, not the response.
    const csv = writeCandlesCsv(
      syntheticCandles({ bars: 50_000, timeframe: '1h', seed: 7, startTime: Date.UTC(2019, 0, 1) }),
    );
    const body = Buffer.from(
      JSON.stringify({
        strategy: 'supertrend',
        data: { source: 'csv', csv, name: 'big.csv', timeframe: '1d' },
      }),
    );
    expect(body.byteLength).toBeGreaterThan(2_500_000);
    const warm = await postLab('/api/v1/backtests', body); // the worker's first run loads its modules
    expect(warm.statusCode, warm.body.slice(0, 300)).toBe(200);
    expect(warm.json().data.timeframe_ms).toBe(86_400_000);

    // The main thread never parses the body: every JSON.parse on it (Fastify's parser and
    // secure-json-parse call the global one) is seen while the request is read and run, and none
    // is given the 3 MB text; a liveness check is answered meanwhile. (What a parse on the event loop
    // would cost it is measured by `npm run bench:lab-load`, not here: a timing is no unit test.)
    const parse = JSON.parse;
    let longest = 0;
    JSON.parse = ((text: string, reviver?: Parameters<typeof JSON.parse>[1]) => {
      longest = Math.max(longest, String(text).length);
      return parse(text, reviver);
    }) as typeof JSON.parse;
    const order: string[] = [];
    let answered: Awaited<ReturnType<typeof postLab>>;
    try {
      const backtest = postLab('/api/v1/backtests', body).then((response) => {
        order.push('backtest');
        return response;
      });
      const live = await t.app.inject({ method: 'GET', url: '/api/v1/health/live' });
      order.push('live');
      expect(live.statusCode).toBe(200);
      answered = await backtest;
    } finally {
      JSON.parse = parse;
    }
    expect(answered.statusCode).toBe(200);
    expect(order).toEqual(['live', 'backtest']);
    expect(longest, 'the longest text JSON.parse was given on the main thread').toBeLessThan(100_000);
  });
});
