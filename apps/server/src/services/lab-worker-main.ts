import type { MessagePort } from 'node:worker_threads';
import { move } from 'piscina';
import { z } from 'zod';
import { isAppError } from '@tradingbot/core';
import { BacktestResult } from '../routes/lab.schema.ts';
import {
  checkLabData,
  runLabBacktest,
  runLabOptimization,
  type DataInput,
  type OptimizationInput,
  type OptionsInput,
} from './lab.ts';

/** What the server hands a lab worker; the data is never an exchange range (downloaded before). */
export type LabTask =
  | {
      kind: 'backtest';
      input: { strategy: string; params: Record<string, number>; options?: OptionsInput; data: DataInput };
    }
  | { kind: 'check-data'; data: DataInput }
  | { kind: 'optimize'; input: OptimizationInput; progress?: MessagePort };

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

async function run(task: LabTask): Promise<unknown> {
  switch (task.kind) {
    case 'backtest': {
      // The response body is built here, exactly as the route's serializer would (encode through the
      // response schema, then JSON), as UTF-8 bytes: the main thread only sends them.
      const result = await runLabBacktest(task.input);
      return Buffer.from(JSON.stringify(z.encode(BacktestResult, result as z.output<typeof BacktestResult>)));
    }
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
