import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { z } from 'zod';
import { AppError } from '@tradingbot/core';
import { ServerErrors } from '../errors.ts';
import { getStrategy } from '@tradingbot/engine';
import {
  fetchData,
  backtestOptions,
  type DataInput,
  type KlineSources,
  type LabBacktestSummary,
  type OptimizationInput,
  type OptimizationResultJson,
  type OptionsInput,
} from './lab.ts';
import { checkLabRequest, movableBytes } from './lab-request.ts';
import type { LabTask, LabTaskResult, NeedsDownload } from './lab-worker-main.ts';
import { BacktestBody, OptimizationBody } from '../routes/lab.schema.ts';
import { LabRunBody } from '../routes/lab-runs.schema.ts';

/** Piscina's refusals when every thread is busy and its queue is full (or there is none). */
const POOL_FULL = new Set(['Task queue is at limit', 'No task queue available and all Workers are busy']);

/**
 * The nice value of the lab's worker threads (Linux keeps one per thread; each worker sets its own
 * in `lab-worker.js`): backtests use what CPU the event loop leaves, so webhooks are not kept
 * waiting on a small machine while the lab works.
 */
export const LAB_THREAD_NICE = 10;

export type LabPoolOptions = {
  /** Lab tasks running at once, one worker thread each (`LAB_WORKERS`). */
  workers: number;
  /** Tasks waiting for a thread beyond which a request is refused with LAB_BUSY (`LAB_QUEUE`). */
  queue: number;
};

/**
 * The strategy lab's CPU work — candle parsing, backtests with their chart series, optimizations —
 * on a pool of worker threads (piscina), so the event loop stays free for webhooks and the API.
 * At most `workers` tasks run at once; up to `queue` more wait; beyond that a request is refused
 * with LAB_BUSY (503) rather than queued without bound.
 */
export class LabPool {
  private readonly pool: Piscina<LabTask, LabTaskResult>;

  constructor(options: LabPoolOptions) {
    this.pool = new Piscina({
      filename: new URL('./lab-worker.js', import.meta.url).href,
      minThreads: 0,
      maxThreads: options.workers,
      maxQueue: options.queue,
      concurrentTasksPerWorker: 1,
      idleTimeout: 60_000,
    });
  }

  private async run(
    task: LabTask,
    options: { transferList?: Array<MessagePort | ArrayBuffer>; signal?: AbortSignal } = {},
  ) {
    let answer: LabTaskResult;
    try {
      answer = await this.pool.run(task, options as Parameters<Piscina['run']>[1]);
    } catch (error) {
      if (error instanceof Error && POOL_FULL.has(error.message)) {
        throw ServerErrors.create('LAB_BUSY', {
          details: { running: this.pool.threads.length, queued: this.pool.queueSize },
        });
      }
      throw error;
    }
    if (answer instanceof Uint8Array) return Buffer.from(answer.buffer, answer.byteOffset, answer.byteLength);
    if (answer.ok) return answer.value;
    const { code, status, message, details } = answer.error;
    throw new AppError(code, status, message, details ? { details } : {});
  }

  /** A backtest's response body (JSON, UTF-8), built on a worker thread. */
  async backtest(
    input: {
      strategy: string;
      params: Record<string, number>;
      options?: OptionsInput | undefined;
      data: DataInput;
    },
    sources?: KlineSources,
  ): Promise<Buffer> {
    getStrategy(input.strategy);
    backtestOptions(input.options);
    const data = await fetchData(input.data, sources);
    return (await this.run({ kind: 'backtest', input: { ...input, data } as never })) as Buffer;
  }

  /**
   * A backtest request's raw JSON body (as the lab routes receive it) → its response body: parsed,
   * validated and run on a worker thread; an exchange range is downloaded here in between. Without a
   * body (null) there is nothing to parse: it is checked here and refused as the schema says.
   */
  async backtestRequest(body: unknown, sources?: KlineSources): Promise<Buffer> {
    if (!Buffer.isBuffer(body)) return this.backtest(checkLabRequest(body, BacktestBody), sources);
    const bytes = movableBytes(body);
    const answer = await this.run({ kind: 'backtest-request', body: bytes }, { transferList: [bytes] });
    if (Buffer.isBuffer(answer)) return answer;
    return this.backtest((answer as NeedsDownload).download, sources);
  }

  /** An optimization request's raw JSON body → the validated request (defaults filled in), read on a worker thread. */
  async optimizationRequest(body: unknown): Promise<z.output<typeof OptimizationBody>> {
    if (!Buffer.isBuffer(body)) return checkLabRequest(body, OptimizationBody);
    const bytes = movableBytes(body);
    return (await this.run(
      { kind: 'optimization-request', body: bytes },
      { transferList: [bytes] },
    )) as z.output<typeof OptimizationBody>;
  }

  /** A save-run request's raw JSON body → the validated request, read on a worker thread. */
  async labRunRequest(body: unknown): Promise<z.output<typeof LabRunBody>> {
    if (!Buffer.isBuffer(body)) return checkLabRequest(body, LabRunBody);
    const bytes = movableBytes(body);
    return (await this.run({ kind: 'lab-run-request', body: bytes }, { transferList: [bytes] })) as z.output<
      typeof LabRunBody
    >;
  }

  /** A backtest's parameters, data span and metrics (no chart series), on a worker thread; the data is already downloaded. */
  async summarize(input: {
    strategy: string;
    params: Record<string, number>;
    options?: OptionsInput | undefined;
    data: Exclude<DataInput, { source: 'exchange' }>;
  }): Promise<LabBacktestSummary> {
    return (await this.run({ kind: 'summarize', input: input as never })) as LabBacktestSummary;
  }

  /** Parses and checks a request's data (size, format) on a worker thread. */
  async checkData(data: DataInput): Promise<{ bars: number }> {
    return (await this.run({ kind: 'check-data', data })) as { bars: number };
  }

  /** One optimization on a worker thread, reporting progress; `signal` aborts it (shutdown). */
  async optimize(
    input: OptimizationInput,
    onProgress: (done: number, total: number) => void,
    signal?: AbortSignal,
  ): Promise<OptimizationResultJson> {
    const channel = new MessageChannel();
    channel.port1.on('message', (message: { done: number; total: number }) =>
      onProgress(message.done, message.total),
    );
    try {
      return (await this.run(
        { kind: 'optimize', input, progress: channel.port2 },
        { transferList: [channel.port2 as never], ...(signal ? { signal } : {}) },
      )) as OptimizationResultJson;
    } finally {
      channel.port1.close();
    }
  }

  async close(): Promise<void> {
    await this.pool.close({ force: true });
  }
}
