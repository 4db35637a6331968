import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { getStrategy } from '@tradingbot/engine';
import type { Database } from '@tradingbot/db';
import { ServerErrors } from '../errors.ts';
import type { LabRun, LabRunBody } from '../routes/lab-runs.schema.ts';
import {
  backtestOptions,
  fetchData,
  LAB_LIMITS,
  type DataInput,
  type KlineSources,
  type LabBacktestSummary,
  type OptionsInput,
} from './lab.ts';
import type { LabPool } from './lab-pool.ts';

type LabRunInput = z.output<typeof LabRunBody>;
type LabRunJson = z.input<typeof LabRun>;
type ResolvedData = Exclude<DataInput, { source: 'exchange' }>;
/** The data as the user chose it, without CSV text (that is kept once, in the `data` column). */
type DataSettings = Record<string, unknown> & { source: DataInput['source'] };
type Settings = { params: Record<string, number>; options: OptionsInput; data: DataSettings };

type RunRow = {
  id: string;
  name: string;
  strategy: string;
  settings: Settings;
  data_info: LabBacktestSummary['data_info'];
  metrics: LabBacktestSummary['metrics'];
  created_at: Date | string;
};

const RUN_COLUMNS = 'id, name, strategy, settings, data_info, metrics, created_at';

/** The texts of an uploaded run's files, kept in the `data` column and answered when one run is read. */
type CsvTexts = Pick<Extract<ResolvedData, { source: 'csv' }>, 'csv' | 'funding_csv' | 'bar_magnifier_csv'>;

function runJson(row: RunRow, texts?: CsvTexts): LabRunJson {
  const data = texts === undefined ? row.settings.data : { ...row.settings.data, ...texts };
  return {
    id: row.id,
    name: row.name,
    strategy: row.strategy,
    params: row.settings.params,
    options: row.settings.options,
    data: data as LabRunJson['data'],
    data_info: row.data_info,
    metrics: row.metrics,
    created_at: new Date(row.created_at).toISOString(),
  };
}

/**
 * Saved strategy-lab backtests, owner-scoped (another user's run is as unknown as none). A run
 * keeps its settings and the candles it ran on — an exchange range is downloaded once, at saving,
 * with its end fixed — so opening it recomputes the same result on a lab worker, and its metrics
 * as they were when saved.
 */
export class LabRuns {
  constructor(
    private readonly deps: {
      database: Database;
      pool: LabPool;
      sources?: KlineSources;
      now?: () => number;
    },
  ) {}

  private now() {
    return this.deps.now?.() ?? Date.now();
  }

  /** Saves a request's raw JSON body (as the route receives it), parsed and validated on a lab worker. */
  async saveRequest(ownerId: string, body: unknown): Promise<LabRunJson> {
    return this.save(ownerId, await this.deps.pool.labRunRequest(body));
  }

  /** Checks, backtests (for the metrics) and stores one run; refused beyond `LAB_LIMITS.savedRuns`. */
  async save(ownerId: string, input: LabRunInput): Promise<LabRunJson> {
    const { database } = this.deps;
    const [count] = await database.query<{ runs: number | string }>(
      'SELECT count(*) AS runs FROM lab_runs WHERE owner_id = $1',
      [ownerId],
    );
    if (Number(count?.runs ?? 0) >= LAB_LIMITS.savedRuns)
      throw ServerErrors.create('LAB_RUNS_FULL', { details: { max: LAB_LIMITS.savedRuns } });
    const declaration = getStrategy(input.strategy);
    backtestOptions(input.options);
    const { settingsData, resolved } = await this.resolveData(input.data);
    const summary = await this.deps.pool.summarize({
      strategy: declaration.id,
      params: input.params,
      options: input.options,
      data: resolved,
    });
    const settings: Settings = { params: summary.params, options: input.options ?? {}, data: settingsData };
    const [row] = await database.query<RunRow>(
      `INSERT INTO lab_runs (id, owner_id, name, strategy, settings, data, data_info, metrics, created_at)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7::jsonb, $8::jsonb, $9) RETURNING ${RUN_COLUMNS}`,
      [
        randomUUID(),
        ownerId,
        input.name,
        declaration.id,
        JSON.stringify(settings),
        JSON.stringify(resolved),
        JSON.stringify(summary.data_info),
        JSON.stringify(summary.metrics),
        new Date(this.now()),
      ],
    );
    return runJson(row!);
  }

  /**
   * The data to store twice over: as the user chose it (shown in the list, restored to the form)
   * and as the backtest reads it (CSV text; an exchange range downloaded now, its end fixed).
   */
  private async resolveData(
    data: DataInput,
  ): Promise<{ settingsData: DataSettings; resolved: ResolvedData }> {
    if (data.source === 'exchange') {
      const pinned = { ...data, to: data.to ?? this.now() };
      return { settingsData: pinned, resolved: await fetchData(pinned, this.deps.sources) };
    }
    if (data.source === 'csv') {
      const { csv: _text, funding_csv: _funding, bar_magnifier_csv: _lower, ...described } = data;
      return { settingsData: described, resolved: data };
    }
    return { settingsData: data, resolved: data };
  }

  /** The caller's runs, newest first (without CSV text). */
  async list(ownerId: string): Promise<{ runs: LabRunJson[] }> {
    const rows = await this.deps.database.query<RunRow>(
      `SELECT ${RUN_COLUMNS} FROM lab_runs WHERE owner_id = $1 ORDER BY created_at DESC, id`,
      [ownerId],
    );
    return { runs: rows.map((row) => runJson(row)) };
  }

  private async row(ownerId: string, id: string): Promise<RunRow & { data: ResolvedData }> {
    const [row] = await this.deps.database.query<RunRow & { data: ResolvedData }>(
      `SELECT ${RUN_COLUMNS}, data FROM lab_runs WHERE id = $1 AND owner_id = $2`,
      [id, ownerId],
    );
    if (row === undefined) throw ServerErrors.create('LAB_RUN_NOT_FOUND');
    return row;
  }

  /** One of the caller's runs, with its CSV text when it ran on an uploaded file (to restore the form). */
  async get(ownerId: string, id: string): Promise<LabRunJson> {
    const row = await this.row(ownerId, id);
    if (row.settings.data.source !== 'csv' || row.data.source !== 'csv') return runJson(row);
    const { csv, funding_csv, bar_magnifier_csv } = row.data;
    return runJson(row, {
      csv,
      ...(funding_csv === undefined ? {} : { funding_csv }),
      ...(bar_magnifier_csv === undefined ? {} : { bar_magnifier_csv }),
    });
  }

  /** A run's full result (chart series, trades), recomputed on a lab worker from what was saved: the response body. */
  async result(ownerId: string, id: string): Promise<Buffer> {
    const row = await this.row(ownerId, id);
    return this.deps.pool.backtest({
      strategy: row.strategy,
      params: row.settings.params,
      options: row.settings.options,
      data: row.data,
    });
  }

  async delete(ownerId: string, id: string): Promise<void> {
    const rows = await this.deps.database.query<{ id: string }>(
      'DELETE FROM lab_runs WHERE id = $1 AND owner_id = $2 RETURNING id',
      [id, ownerId],
    );
    if (rows.length === 0) throw ServerErrors.create('LAB_RUN_NOT_FOUND');
  }
}
