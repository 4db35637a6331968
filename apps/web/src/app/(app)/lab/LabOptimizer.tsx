'use client';

import { useEffect, type Dispatch, type FormEvent } from 'react';
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
  dispatch,
}: {
  strategy: StrategyDecl;
  data: DataBody;
  options: OptionsBody;
  optimizer: LabOptimizerState;
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

  const start = async (event: FormEvent) => {
    event.preventDefault();
    if (data === null || !isWholeIn(trials, 1, 2000) || !isWholeIn(windows, 0, 20)) return;
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
        canStart={!running && data !== null}
        onSubmit={start}
        dispatch={dispatch}
      />
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
}: {
  optimizer: LabOptimizerState;
  canStart: boolean;
  onSubmit: (event: FormEvent) => void;
  dispatch: Dispatch<LabAction>;
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
          {job.result.walk_forward ? (
            <WalkForwardTable walkForward={job.result.walk_forward} paramsText={paramsText} />
          ) : null}
        </>
      ) : null}
    </div>
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
  const summary = (m: SummaryMetrics) =>
    `${num(m.net_profit_pct, 2)} % · ${t('lab.m.sharpe')} ${num(m.sharpe, 2)} · ${t('lab.m.totalTrades')} ${num(m.total_trades, 0)}`;
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
    </>
  );
}
