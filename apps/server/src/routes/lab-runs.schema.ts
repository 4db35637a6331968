import { z } from 'zod';
import { BacktestBody, BacktestMetrics, DataInfo, Options } from './lab.schema.ts';
import { nameSchemas } from './schema-registry.ts';

/** Save a backtest: its request (as `POST /backtests` takes it) and a name. */
export const LabRunBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  ...BacktestBody.shape,
});

export const LabRunParams = z.strictObject({ id: z.uuid() });

/**
 * The data a saved run ran on, as the user chose it: the sample (timeframe, bars), a CSV file
 * (name, timeframe; its text only when one run is read), or an exchange range (`to` fixed at saving),
 * each with the funding history and bar magnifier it asked for.
 */
export const LabRunData = z.object({
  source: z.enum(['sample', 'csv', 'exchange']),
  timeframe: z.string().optional(),
  bars: z.number().int().optional(),
  name: z.string().optional(),
  csv: z.string().optional(),
  exchange: z.string().optional(),
  symbol: z.string().optional(),
  from: z.number().optional(),
  to: z.number().optional(),
  /** Funding: the exchange's history downloaded (`funding`), or an uploaded funding CSV (its name; its text when one run is read). */
  funding: z.boolean().optional(),
  funding_name: z.string().optional(),
  funding_csv: z.string().optional(),
  /** The bar magnifier: a lower timeframe downloaded, or an uploaded file (its name; its text when one run is read). */
  bar_magnifier_timeframe: z.string().optional(),
  bar_magnifier_name: z.string().optional(),
  bar_magnifier_csv: z.string().optional(),
});

/** A saved backtest: its settings, the data's span and the metrics it had when saved. */
export const LabRun = z.object({
  id: z.string(),
  name: z.string(),
  strategy: z.string(),
  params: z.record(z.string(), z.number()),
  options: Options,
  data: LabRunData,
  data_info: DataInfo,
  metrics: BacktestMetrics,
  created_at: z.string(),
});

export const LabRunList = z.object({ runs: z.array(LabRun) });

export const LabRunDeleted = z.object({ success: z.literal(true) });

nameSchemas({ LabRunData, LabRun, LabRunList, LabRunDeleted });
