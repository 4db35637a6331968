import { z } from 'zod';
import { OBJECTIVE_NAMES, STRATEGIES, type Objective } from '@tradingbot/engine';
import { LIVE_VENUE_IDS } from '@tradingbot/core';
import type { RouteContext } from '../app.ts';
import {
  jobJson,
  klineSources,
  LAB_LIMITS,
  OptimizationJobs,
  runLabBacktest,
  strategyJson,
} from '../services/lab.ts';
import { ErrorResponse } from './auth.schema.ts';
import { bearerSecurity, currentUser, requireUser } from './guard.ts';

const Localized = z.object({ en: z.string(), ko: z.string() });

const StrategyResponse = z.object({
  id: z.string(),
  name: Localized,
  description: Localized,
  rules: z.object({ longEntry: Localized, longExit: Localized, shortEntry: Localized, shortExit: Localized }),
  params: z.array(
    z.object({
      name: z.string(),
      type: z.enum(['int', 'float']),
      default: z.number(),
      min: z.number(),
      max: z.number(),
      step: z.number(),
      label: Localized,
    }),
  ),
  constraints: z.array(
    z.object({ kind: z.string(), smaller: z.string(), larger: z.string(), message: Localized }),
  ),
  plots: z.array(z.object({ title: z.string(), color: z.string(), overlay: z.boolean() })),
});

const timeframe = z
  .string()
  .regex(/^\d+[mhdw]$/, 'a timeframe such as 15m, 1h, 4h or 1d')
  .max(8);

const Data = z.discriminatedUnion('source', [
  z.strictObject({
    source: z.literal('sample'),
    timeframe: timeframe.optional(),
    bars: z
      .number()
      .int()
      .min(100)
      .max(24 * 365 * 2)
      .optional(),
  }),
  z.strictObject({
    source: z.literal('csv'),
    csv: z.string().min(1).max(LAB_LIMITS.csvChars, `at most ${LAB_LIMITS.csvChars} characters of CSV`),
    name: z.string().max(200).optional(),
    timeframe: timeframe.optional(),
  }),
  z.strictObject({
    source: z.literal('exchange'),
    exchange: z.enum(LIVE_VENUE_IDS),
    symbol: z
      .string()
      .trim()
      .min(3)
      .max(32)
      .regex(/^[A-Za-z0-9-]+$/, 'a symbol such as BTCUSDT'),
    timeframe,
    from: z.union([
      z.number().int().positive(),
      z.iso.datetime({ offset: true }).transform((v) => Date.parse(v)),
    ]),
    to: z
      .union([z.number().int().positive(), z.iso.datetime({ offset: true }).transform((v) => Date.parse(v))])
      .optional(),
  }),
]);

const Options = z
  .strictObject({
    initial_capital: z.number().positive().max(1e12),
    size_pct: z.number().positive().max(100),
    leverage: z.number().min(1).max(125),
    commission_pct: z.number().min(0).max(10),
    slippage_ticks: z.number().int().min(0).max(1000),
    direction: z.enum(['both', 'long', 'short']),
    stop_loss_pct: z.number().positive().max(100),
    take_profit_pct: z.number().positive().max(1000),
    stop_loss_atr: z.number().positive().max(100),
    take_profit_atr: z.number().positive().max(100),
    fill_on_close: z.boolean(),
  })
  .partial();

const Params = z.record(z.string().max(64), z.number());

const BacktestBody = z.strictObject({
  strategy: z.string().min(1).max(32),
  params: Params.default({}),
  options: Options.optional(),
  data: Data.default({ source: 'sample' }),
});

const TradeJson = z.object({
  side: z.enum(['long', 'short']),
  entry_time: z.number(),
  entry_price: z.number(),
  exit_time: z.number(),
  exit_price: z.number(),
  qty: z.number(),
  fees: z.number(),
  pnl: z.number(),
  pnl_pct: z.number(),
  exit_reason: z.string(),
  bars_held: z.number(),
});

const DataInfo = z.object({
  source: z.string(),
  bars: z.number().int(),
  from: z.number(),
  to: z.number(),
  timeframe_ms: z.number().nullable(),
});

const nullableColumn = z.array(z.number().nullable());

const BacktestResponse = z.object({
  strategy: z.string(),
  params: z.record(z.string(), z.number()),
  data: DataInfo,
  metrics: z.record(z.string(), z.unknown()),
  trades: z.array(TradeJson),
  open_trade: TradeJson.nullable(),
  candles: z.object({
    time: z.array(z.number()),
    open: nullableColumn,
    high: nullableColumn,
    low: nullableColumn,
    close: nullableColumn,
  }),
  indicators: z.array(
    z.object({ title: z.string(), color: z.string(), overlay: z.boolean(), values: nullableColumn }),
  ),
  equity: nullableColumn,
  drawdown: nullableColumn,
});

const Range = z.strictObject({
  min: z.number().optional(),
  max: z.number().optional(),
  step: z.number().positive().optional(),
});

const OptimizationBody = z.strictObject({
  strategy: z.string().min(1).max(32),
  options: Options.optional(),
  data: Data.default({ source: 'sample' }),
  objective: z.enum(OBJECTIVE_NAMES as [Objective, ...Objective[]]).default('sharpe'),
  method: z.enum(['grid', 'random', 'auto']).default('auto'),
  trials: z.number().int().min(1).max(LAB_LIMITS.trials).default(200),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31)
    .default(1),
  min_trades: z.number().int().min(0).max(10_000).default(5),
  walk_forward: z.number().int().min(0).max(20).default(3),
  in_sample_ratio: z.number().min(0.5).max(20).default(3),
  space: z.record(z.string().max(64), z.union([z.number(), Range])).optional(),
});

const Job = z.object({
  id: z.string(),
  strategy: z.string(),
  status: z.enum(['running', 'done', 'failed']),
  progress: z.object({ done: z.number().int(), total: z.number().int() }),
  created_at: z.string(),
  finished_at: z.string().nullable(),
  result: z.record(z.string(), z.unknown()).nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});

/** Body limit of the lab routes: uploaded CSV text is larger than every other request. */
const LAB_BODY_LIMIT = LAB_LIMITS.csvChars * 2 + 64 * 1024;

/**
 * The strategy lab: the strategy declarations, backtests with chart series, and optimization jobs
 * with progress and walk-forward (in-sample vs out-of-sample) results. Everything needs a session;
 * optimization jobs belong to the user who started them.
 */
export function registerLabRoutes(context: RouteContext, jobs?: OptimizationJobs): OptimizationJobs {
  const { app, deps } = context;
  const sources = klineSources(deps.config.baseUrls);
  const optimizations = jobs ?? new OptimizationJobs({ sources });
  // Authentication runs before body validation: an anonymous caller learns nothing about the schema.
  const authenticate = requireUser(context);

  app.get(
    '/api/v1/strategies',
    {
      preValidation: authenticate,
      schema: {
        tags: ['strategy lab'],
        security: bearerSecurity,
        response: { 200: z.object({ strategies: z.array(StrategyResponse) }), 401: ErrorResponse },
      },
    },
    async () => ({ strategies: STRATEGIES.map(strategyJson) }),
  );

  app.post(
    '/api/v1/backtests',
    {
      preValidation: authenticate,
      bodyLimit: LAB_BODY_LIMIT,
      schema: {
        tags: ['strategy lab'],
        security: bearerSecurity,
        body: BacktestBody,
        response: { 200: BacktestResponse, 400: ErrorResponse, 401: ErrorResponse, 413: ErrorResponse },
      },
    },
    async (request) => runLabBacktest(request.body, sources),
  );

  app.post(
    '/api/v1/optimizations',
    {
      preValidation: authenticate,
      bodyLimit: LAB_BODY_LIMIT,
      schema: {
        tags: ['strategy lab'],
        security: bearerSecurity,
        body: OptimizationBody,
        response: {
          202: Job,
          400: ErrorResponse,
          401: ErrorResponse,
          409: ErrorResponse,
          413: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const job = await optimizations.start(currentUser(request).user.id, request.body);
      void reply.status(202);
      return jobJson(job);
    },
  );

  app.get(
    '/api/v1/optimizations/:id',
    {
      preValidation: authenticate,
      schema: {
        tags: ['strategy lab'],
        security: bearerSecurity,
        params: z.strictObject({ id: z.string().min(1).max(64) }),
        response: { 200: Job, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => jobJson(optimizations.get(currentUser(request).user.id, request.params.id)),
  );

  app.addHook('onClose', async () => optimizations.drain());
  return optimizations;
}
