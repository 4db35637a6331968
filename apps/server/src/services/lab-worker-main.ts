import type { MessagePort } from 'node:worker_threads';
import { move } from 'piscina';
import { z } from 'zod';
import { isAppError } from '@tradingbot/core';
import { BacktestBody, BacktestResult, OptimizationBody } from '../routes/lab.schema.ts';
import { LabRunBody } from '../routes/lab-runs.schema.ts';
import { parseLabRequest } from './lab-request.ts';
import {
  checkLabData,
  runLabBacktest,
  runLabOptimization,
  summarizeLabBacktest,
  type DataInput,
  type OptimizationInput,
  type OptionsInput,
} from './lab.ts';

/** What the server hands a lab worker; the data is never an exchange range (downloaded before). */
export type LabTask =
  | {
      kind: 'backtest';
      input: BacktestTaskInput;
    }
  | { kind: 'check-data'; data: DataInput }
  // A saved run's parameters, data span and metrics (its data resolved: no exchange range).
  | { kind: 'summarize'; input: BacktestTaskInput }
  | { kind: 'optimize'; input: OptimizationInput; progress?: MessagePort }
  // A request's raw JSON body (moved here, not copied): parsed and validated on this thread.
  | { kind: 'backtest-request'; body: ArrayBuffer }
  | { kind: 'optimization-request'; body: ArrayBuffer }
  | { kind: 'lab-run-request'; body: ArrayBuffer };

type BacktestTaskInput = {
  strategy: string;
  params: Record<string, number>;
  options?: OptionsInput;
  data: DataInput;
};

type BacktestInput = BacktestTaskInput;

/** A valid backtest request whose candles the main thread downloads first (network I/O stays there). */
export type NeedsDownload = { download: z.output<typeof BacktestBody> };

/** An error crosses the thread boundary as plain data; the pool turns it back into an AppError. */
export type LabTaskError = {
  code: string;
  status: number;
  message: string;
  details?: Record<string, unknown>;
};
/** A backtest's body comes back as bytes, moved (not copied) to the main thread. */
export type LabTaskResult = { ok: true; value: unknown } | { ok: false; error: LabTaskError } | Uint8Array;

/** Progress messages at most this often (the job row is updated from them). */
const PROGRESS_EVERY_MS = 250;

/**
 * The response body is built here, exactly as the route's serializer would (encode through the
 * response schema, then JSON), as UTF-8 bytes: the main thread only sends them.
 */
async function backtestBody(input: BacktestInput): Promise<Buffer> {
  const result = await runLabBacktest(input);
  return Buffer.from(JSON.stringify(z.encode(BacktestResult, result as z.output<typeof BacktestResult>)));
}

async function run(task: LabTask): Promise<unknown> {
  switch (task.kind) {
    case 'backtest':
      return backtestBody(task.input);
    case 'backtest-request': {
      const input = parseLabRequest(new Uint8Array(task.body), BacktestBody);
      if (input.data.source === 'exchange') return { download: input } satisfies NeedsDownload;
      return backtestBody(input as BacktestInput);
    }
    case 'optimization-request':
      // The validated request (defaults filled in) goes back: the job stores it before running it.
      return parseLabRequest(new Uint8Array(task.body), OptimizationBody);
    case 'lab-run-request':
      // Validated here (a CSV upload may be megabytes); saved on the main thread.
      return parseLabRequest(new Uint8Array(task.body), LabRunBody);
    case 'summarize':
      return summarizeLabBacktest(task.input);
    case 'check-data':
      return checkLabData(task.data);
    case 'optimize': {
      let last = 0;
      const port = task.progress;
      try {
        return await runLabOptimization(task.input, (done, total) => {
          const now = Date.now();
          if (done === total || now - last >= PROGRESS_EVERY_MS) {
            last = now;
            port?.postMessage({ done, total });
          }
        });
      } finally {
        port?.close();
      }
    }
  }
}

/** One lab task on this worker thread. */
export async function runLabTask(task: LabTask): Promise<LabTaskResult> {
  try {
    const value = await run(task);
    if (value instanceof Uint8Array) return move(value) as Uint8Array;
    return { ok: true, value };
  } catch (error) {
    if (!isAppError(error)) throw error;
    return {
      ok: false,
      error: {
        code: error.code,
        status: error.status,
        message: error.message,
        ...(error.details ? { details: error.details } : {}),
      },
    };
  }
}
