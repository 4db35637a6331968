'use client';

import { useEffect, type Dispatch, type FormEvent, type ReactNode } from 'react';
import { ErrorMessage } from '@/components/ui';
import { ApiError, useApi } from '@/lib/api';
import { useI18n } from '@/lib/i18n';
import type { OptimizationJob, StrategyDecl, SummaryMetrics } from '@/lib/types';
import {
  OBJECTIVES,
  type DataBody,
  type LabAction,
  type LabOptimizerState,
  type Objective,
  type OptionsBody,
} from './lab-state';
import { isWholeIn, NumberField } from './NumberField';
import { heatmapOf, LabHeatmap } from './LabHeatmap';
import { rangeProblems, spaceBody, type RangeDraft } from './search-space';

type Ranking = NonNullable<OptimizationJob['result']>['ranking'];
type WalkForward = NonNullable<NonNullable<OptimizationJob['result']>['walk_forward']>;

/**
 * Searches the strategy's parameters on the form's data and options (optionally walk-forward), polls
 * the job while it runs, and offers each ranked parameter set back to the form.
 */
export function LabOptimizer({
  strategy,
  data,
  options,
  optimizer,
  fixedValues,
  dispatch,
}: {
  strategy: StrategyDecl;
  data: DataBody;
  options: OptionsBody;
  optimizer: LabOptimizerState;
  /** The form's parameter values: what a parameter not searched is fixed at. */
  fixedValues: Record<string, number>;
  dispatch: Dispatch<LabAction>;
}) {
  const { t } = useI18n();
  const api = useApi();
  const { job, objective, trials, windows } = optimizer;
  useEffect(() => {
    // Queued (waiting for a lab worker, or for a server after a restart) or running: keep polling.
    if (!job || (job.status !== 'running' && job.status !== 'queued')) return;
    const timer = setTimeout(async () => {
      try {
        dispatch({
          type: 'optimizationPolled',
          job: await api<OptimizationJob>(`/api/v1/optimizations/${job.id}`),
        });
      } catch (e) {
        dispatch({ type: 'optimizationPollFailed', error: e as ApiError });
      }
    }, 500);
    return () => clearTimeout(timer);
  }, [job, api, dispatch]);

  const search = spaceBody(strategy, optimizer.ranges, fixedValues);
  const start = async (event: FormEvent) => {
    event.preventDefault();
    if (data === null || search === null || !isWholeIn(trials, 1, 2000) || !isWholeIn(windows, 0, 20)) return;
    dispatch({ type: 'optimizationRequested' });
    try {
      const accepted = await api<OptimizationJob>('/api/v1/optimizations', {
        method: 'POST',
        body: {
          strategy: strategy.id,
          data,
          options,
          objective,
          trials: Number(trials),
          walk_forward: Number(windows),
          space: search.space,
        },
      });
      dispatch({ type: 'optimizationAccepted', job: accepted });
    } catch (e) {
      dispatch({ type: 'optimizationRefused', error: e as ApiError });
    }
  };
  const running = job?.status === 'running' || job?.status === 'queued';
  return (
    <section className="card" aria-labelledby="opt-title">
      <h2 id="opt-title">{t('lab.optimize')}</h2>
      <p className="muted small">{t('lab.optimizeHint')}</p>
      <OptimizerForm
        optimizer={optimizer}
        canStart={!running && data !== null && search !== null}
        onSubmit={start}
        dispatch={dispatch}
      >
        <SearchRanges
          strategy={strategy}
          ranges={optimizer.ranges}
          fixedValues={fixedValues}
          points={search?.points ?? null}
          trials={trials}
          dispatch={dispatch}
        />
      </OptimizerForm>
      <ErrorMessage error={optimizer.error} />
      {job ? <OptimizationJobView job={job} trials={trials} strategy={strategy} dispatch={dispatch} /> : null}
    </section>
  );
}

function OptimizerForm({
  optimizer,
  canStart,
  onSubmit,
  dispatch,
  children,
}: {
  optimizer: LabOptimizerState;
  canStart: boolean;
  onSubmit: (event: FormEvent) => void;
  dispatch: Dispatch<LabAction>;
  children: ReactNode;
}) {
  const { t } = useI18n();
  const { objective, trials, windows } = optimizer;
  // Refused as typed, never silently rounded or raised (0 sets used to run 1).
  const trialsError = isWholeIn(trials, 1, 2000) ? undefined : t('form.wholeRange', { min: 1, max: 2000 });
  const windowsError = isWholeIn(windows, 0, 20) ? undefined : t('form.wholeRange', { min: 0, max: 20 });
  return (
    <form onSubmit={onSubmit} className="form-grid" noValidate>
      <div className="field">
        <label htmlFor="opt-objective">{t('lab.objective')}</label>
        <select
          id="opt-objective"
          value={objective}
          onChange={(e) => dispatch({ type: 'objectiveChosen', objective: e.target.value as Objective })}
        >
          {OBJECTIVES.map((o) => (
            <option key={o} value={o}>
              {t(`lab.objective.${o}`)}
            </option>
          ))}
        </select>
      </div>
      <NumberField
        id="opt-trials"
        label={t('lab.trials')}
        min={1}
        max={2000}
        step={10}
        value={trials}
        error={trialsError}
        onChange={(e) => dispatch({ type: 'trialsEdited', trials: e.target.value })}
      />
      <NumberField
        id="opt-wf"
        label={t('lab.walkForward')}
        min={0}
        max={20}
        step={1}
        value={windows}
        error={windowsError}
        onChange={(e) => dispatch({ type: 'windowsEdited', windows: e.target.value })}
      />
      {children}
      <div className="field">
        <button type="submit" disabled={!canStart || trialsError !== undefined || windowsError !== undefined}>
          {t('lab.startOptimize')}
        </button>
      </div>
    </form>
  );
}

function OptimizationJobView({
  job,
  trials,
  strategy,
  dispatch,
}: {
  job: OptimizationJob;
  trials: string;
  strategy: StrategyDecl;
  dispatch: Dispatch<LabAction>;
}) {
  const { t, num } = useI18n();
  const paramsText = useParamsText(strategy);
  const use = (params: Record<string, number>) => {
    dispatch({ type: 'rankedParamsUsed', params });
    window.scrollTo({ top: 0, behavior: 'smooth' });
  };
  return (
    <div aria-live="polite">
      {job.status === 'running' || job.status === 'queued' ? (
        <>
          <label htmlFor="opt-progress">
            {t('lab.optimizing', {
              done: num(job.progress.done, 0),
              total: num(job.progress.total || Number(trials), 0),
            })}
          </label>
          <progress
            id="opt-progress"
            aria-label={t('lab.optimizeProgress')}
            max={job.progress.total || 1}
            value={job.progress.done}
          />
        </>
      ) : null}
      {job.status === 'failed' && job.error ? (
        <ErrorMessage error={new ApiError(job.error.code, job.error.message, 0)} />
      ) : null}
      {job.result ? (
        <>
          <p role="status">
            {t('lab.optimizeDone', {
              count: num(job.result.candidates, 0),
              method: job.result.method === 'grid' ? t('method.grid') : t('method.random'),
            })}
          </p>
          <h3>{t('lab.ranking')}</h3>
          <RankingTable ranking={job.result.ranking} paramsText={paramsText} onUse={use} />
          <Heatmap result={job.result} strategy={strategy} />
          {job.result.walk_forward ? (
            <WalkForwardTable walkForward={job.result.walk_forward} paramsText={paramsText} />
          ) : null}
        </>
      ) : null}
    </div>
  );
}

/** The heatmap when exactly two parameters were searched; otherwise nothing. */
function Heatmap({
  result,
  strategy,
}: {
  result: NonNullable<OptimizationJob['result']>;
  strategy: StrategyDecl;
}) {
  const { t } = useI18n();
  const heatmap = heatmapOf(result);
  if (!heatmap) return null;
  return (
    <LabHeatmap
      heatmap={heatmap}
      strategy={strategy}
      objectiveLabel={t(`lab.objective.${result.objective}` as Parameters<typeof t>[0])}
    />
  );
}

/** Per parameter: searched over From..To by Step, or fixed at the form's value; and the grid's size. */
function SearchRanges({
  strategy,
  ranges,
  fixedValues,
  points,
  trials,
  dispatch,
}: {
  strategy: StrategyDecl;
  ranges: Record<string, RangeDraft>;
  fixedValues: Record<string, number>;
  points: number | null;
  trials: string;
  dispatch: Dispatch<LabAction>;
}) {
  const { t, num, locale } = useI18n();
  const problemText = {
    outOfRange: (p: StrategyDecl['params'][number]) => t('lab.outOfRange', { min: p.min, max: p.max }),
    notInteger: () => t('lab.notInteger'),
    order: () => t('lab.rangeOrder'),
    positive: () => t('lab.rangePositive'),
  };
  return (
    <fieldset className="search-ranges">
      <legend>{t('lab.searchSpace')}</legend>
      <p className="muted small">{t('lab.searchHint')}</p>
      {strategy.params.map((param) => {
        const range = ranges[param.name];
        if (!range) return null;
        const problems = rangeProblems(param, range);
        const edit = (patch: Partial<RangeDraft>) =>
          dispatch({ type: 'rangeEdited', name: param.name, range: { ...range, ...patch } });
        const id = `range-${param.name}`;
        return (
          <div key={param.name} className="range-row">
            <label className="checkbox">
              <input
                type="checkbox"
                checked={range.vary}
                onChange={(e) => edit({ vary: e.target.checked })}
              />{' '}
              {t('lab.vary', { name: param.label[locale] })}
            </label>
            {range.vary ? (
              <>
                {(['min', 'max', 'step'] as const).map((key) => {
                  const problem = problems[key];
                  return (
                    <NumberField
                      key={key}
                      id={`${id}-${key}`}
                      label={`${param.label[locale]}: ${t(key === 'min' ? 'lab.from' : key === 'max' ? 'lab.to' : 'lab.step')}`}
                      value={range[key]}
                      error={problem ? problemText[problem](param) : undefined}
                      onChange={(e) => edit({ [key]: e.target.value })}
                    />
                  );
                })}
              </>
            ) : (
              <span className="muted small">
                {t('lab.fixedAt', { value: num(fixedValues[param.name], 4) })}
              </span>
            )}
          </div>
        );
      })}
      {points !== null ? (
        <p className="muted small" data-testid="grid-size">
          {isWholeIn(trials, 1, 2000) && points > Number(trials)
            ? t('lab.gridSampled', { points: num(points, 0), trials: num(Number(trials), 0) })
            : t('lab.gridAll', { points: num(points, 0) })}
        </p>
      ) : null}
    </fieldset>
  );
}

/** "Fast EMA length 12, Slow EMA length 26": a parameter set in the strategy's own labels. */
function useParamsText(strategy: StrategyDecl) {
  const { num, locale } = useI18n();
  return (params: Record<string, number>) =>
    strategy.params.map((p) => `${p.label[locale]} ${num(params[p.name], 4)}`).join(', ');
}

function RankingTable({
  ranking,
  paramsText,
  onUse,
}: {
  ranking: Ranking;
  paramsText: (params: Record<string, number>) => string;
  onUse: (params: Record<string, number>) => void;
}) {
  const { t, num } = useI18n();
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={t('lab.ranking')}>
      <table data-testid="ranking">
        <thead>
          <tr>
            <th scope="col">{t('lab.rank')}</th>
            <th scope="col">{t('lab.params')}</th>
            <th scope="col">{t('lab.m.score')}</th>
            <th scope="col">{t('lab.m.netProfitPct')}</th>
            <th scope="col">{t('lab.m.maxDrawdownPct')}</th>
            <th scope="col">{t('lab.m.totalTrades')}</th>
            <th scope="col">{t('lab.m.winRate')}</th>
            <th scope="col">
              <span className="sr-only">{t('lab.useParams')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {ranking.slice(0, 20).map((r, k) => (
            <tr key={k}>
              <td>{k + 1}</td>
              <td>{paramsText(r.params)}</td>
              <td>{num(r.metrics.score, 3)}</td>
              <td>{num(r.metrics.net_profit_pct, 2)}</td>
              <td>{num(r.metrics.max_drawdown_pct, 2)}</td>
              <td>{num(r.metrics.total_trades, 0)}</td>
              <td>{num(r.metrics.win_rate, 1)}</td>
              <td>
                <button type="button" className="link" onClick={() => onUse(r.params)}>
                  {t('lab.useParams')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function WalkForwardTable({
  walkForward,
  paramsText,
}: {
  walkForward: WalkForward;
  paramsText: (params: Record<string, number>) => string;
}) {
  const { t, num, date } = useI18n();
  // A window without trades says so: "0 % · 0 trades" read as breaking even.
  const summary = (m: SummaryMetrics) =>
    m.total_trades === 0
      ? t('lab.wfNoTrades')
      : `${num(m.net_profit_pct, 2)} % · ${t('lab.m.sharpe')} ${num(m.sharpe, 2)} · ${t('lab.m.totalTrades')} ${num(m.total_trades, 0)}`;
  return (
    <>
      <h3>{t('lab.walkForwardTable')}</h3>
      <div className="table-wrap" tabIndex={0} role="region" aria-label={t('lab.walkForwardTable')}>
        <table data-testid="walk-forward">
          <thead>
            <tr>
              <th scope="col">{t('lab.window')}</th>
              <th scope="col">{t('lab.best')}</th>
              <th scope="col">{t('lab.inSample')}</th>
              <th scope="col">{t('lab.outOfSample')}</th>
            </tr>
          </thead>
          <tbody>
            {walkForward.windows.map((w, k) => (
              <tr key={k}>
                <td>{k + 1}</td>
                <td>{paramsText(w.best)}</td>
                <td>
                  <div className="small muted">
                    {date(w.in_sample.from)} – {date(w.in_sample.to)}
                  </div>
                  {summary(w.in_sample_metrics)}
                </td>
                <td>
                  <div className="small muted">
                    {date(w.out_of_sample.from)} – {date(w.out_of_sample.to)}
                  </div>
                  {summary(w.out_of_sample_metrics)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p>{t('lab.efficiency', { value: num(walkForward.efficiency, 2) })}</p>
      <p className="muted small" data-testid="walk-forward-explained">
        {t('lab.wfExplain')}
      </p>
    </>
  );
}
