'use client';

import { useState, type Dispatch, type FormEvent } from 'react';
import { Empty, ErrorMessage, FieldError, Loading } from '@/components/ui';
import { ApiError, useApi, useResource } from '@/lib/api';
import { useFieldErrors } from '@/lib/field-errors';
import { useI18n } from '@/lib/i18n';
import type { BacktestResult, LabRun, LabRunList, StrategyDecl } from '@/lib/types';
import type { LabAction } from './lab-state';
import { describeRunData, type BacktestRequest } from './saved-runs';

const RUNS = '/api/v1/lab/runs';
const SAVE_FIELDS = ['name'] as const;

/** "EMA Crossover 12/21": a run's suggested name, the strategy and its parameter values. */
function suggestedName(strategy: StrategyDecl | undefined, request: BacktestRequest, locale: 'en' | 'ko') {
  const values = Object.values(request.params).join('/');
  return `${strategy?.name[locale] ?? request.strategy} ${values}`.trim().slice(0, 100);
}

/**
 * Names and saves the backtest just run (its request: the server runs it again for the metrics and
 * keeps its candles). `onSaved` reloads the list.
 */
export function SaveRunForm({
  request,
  strategy,
  onSaved,
}: {
  request: BacktestRequest;
  strategy: StrategyDecl | undefined;
  onSaved: (run: LabRun) => void;
}) {
  const { t, locale } = useI18n();
  const api = useApi();
  const [name, setName] = useState(() => suggestedName(strategy, request, locale));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const [saved, setSaved] = useState<string>();
  const fields = useFieldErrors('save-run', SAVE_FIELDS);
  const save = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(undefined);
    setError(undefined);
    if (!name.trim()) {
      fields.set('name', t('lab.nameMissing'));
      return;
    }
    setBusy(true);
    try {
      const run = await api<LabRun>(RUNS, { method: 'POST', body: { name: name.trim(), ...request } });
      fields.clear();
      setSaved(run.name);
      onSaved(run);
    } catch (e) {
      if (!fields.fromError(e)) setError(e as ApiError);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="card form-grid" onSubmit={save} noValidate aria-labelledby="save-run-title">
      <h3 id="save-run-title">{t('lab.saveTitle')}</h3>
      <div className="field">
        <label htmlFor="save-run-name">{t('lab.runName')}</label>
        <input
          id="save-run-name"
          value={name}
          maxLength={100}
          onChange={(e) => {
            setName(e.target.value);
            fields.clear('name');
          }}
          {...fields.inputProps('name')}
        />
        <FieldError formId="save-run" field="name" error={fields.errors.name} />
      </div>
      <div className="field">
        <button type="submit" disabled={busy}>
          {busy ? t('lab.saving') : t('lab.save')}
        </button>
      </div>
      <ErrorMessage error={error} />
      {saved ? <p role="status">{t('lab.saved', { name: saved })}</p> : null}
    </form>
  );
}

/**
 * The user's saved backtests: open one (its settings back in the form, its result recomputed by
 * the server), delete one, or tick two and compare them.
 */
export function SavedRuns({
  strategies,
  refreshKey,
  dispatch,
  onOpened,
}: {
  strategies: StrategyDecl[];
  refreshKey: number;
  dispatch: Dispatch<LabAction>;
  onOpened: () => void;
}) {
  const { t, locale } = useI18n();
  const api = useApi();
  const runs = useResource<LabRunList>(RUNS, undefined, refreshKey);
  const [selected, setSelected] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const [status, setStatus] = useState<string>();
  const list = runs.data?.runs ?? [];
  const strategyName = (id: string) => strategies.find((s) => s.id === id)?.name[locale] ?? id;

  const act = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    setStatus(undefined);
    try {
      await work();
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError('INTERNAL', String(e), 0));
    } finally {
      setBusy(false);
    }
  };
  const open = (run: LabRun) =>
    act(async () => {
      const strategy = strategies.find((s) => s.id === run.strategy);
      if (!strategy) throw new ApiError('UNKNOWN_STRATEGY', run.strategy, 400);
      const [full, result] = await Promise.all([
        api<LabRun>(`${RUNS}/${run.id}`),
        api<BacktestResult>(`${RUNS}/${run.id}/result`),
      ]);
      dispatch({ type: 'runOpened', run: full, result, strategy });
      setStatus(t('lab.opened', { name: run.name }));
      onOpened();
    });
  const remove = (run: LabRun) =>
    act(async () => {
      await api(`${RUNS}/${run.id}`, { method: 'DELETE' });
      setSelected((ids) => ids.filter((id) => id !== run.id));
      setStatus(t('lab.deleted', { name: run.name }));
      runs.reload();
    });
  const compare = () =>
    act(async () => {
      const pair = selected.map((id) => list.find((run) => run.id === id)!);
      const results = await Promise.all(pair.map((run) => api<BacktestResult>(`${RUNS}/${run.id}/result`)));
      dispatch({
        type: 'comparisonOpened',
        comparison: { runs: [pair[0]!, pair[1]!], results: [results[0]!, results[1]!] },
      });
    });
  // At most two are ticked: ticking a third lets go of the oldest tick.
  const toggle = (id: string, on: boolean) =>
    setSelected((ids) => (on ? [...ids.filter((x) => x !== id), id].slice(-2) : ids.filter((x) => x !== id)));

  return (
    <section className="card" aria-labelledby="runs-title">
      <h2 id="runs-title">{t('lab.runs')}</h2>
      {runs.loading && !runs.data ? <Loading /> : null}
      <ErrorMessage error={runs.error} onRetry={runs.reload} />
      {runs.data && list.length === 0 ? <Empty>{t('lab.runsEmpty')}</Empty> : null}
      {list.length > 0 ? (
        <>
          <p className="muted small">{t('lab.runsHint')}</p>
          <RunsTable
            runs={list}
            selected={selected}
            busy={busy}
            strategyName={strategyName}
            onToggle={toggle}
            onOpen={(run) => void open(run)}
            onDelete={(run) => void remove(run)}
          />
          <button type="button" disabled={busy || selected.length !== 2} onClick={() => void compare()}>
            {t('lab.compare')}
          </button>
        </>
      ) : null}
      {busy ? <Loading /> : null}
      <ErrorMessage error={error} />
      {status ? <p role="status">{status}</p> : null}
    </section>
  );
}

/** The saved runs, one per row: a tick to compare, what it is, its key metrics, open and delete. */
function RunsTable({
  runs,
  selected,
  busy,
  strategyName,
  onToggle,
  onOpen,
  onDelete,
}: {
  runs: LabRun[];
  selected: string[];
  busy: boolean;
  strategyName: (id: string) => string;
  onToggle: (id: string, on: boolean) => void;
  onOpen: (run: LabRun) => void;
  onDelete: (run: LabRun) => void;
}) {
  const { t, num, dateTime } = useI18n();
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={t('lab.runs')}>
      <table data-testid="saved-runs">
        <thead>
          <tr>
            <th scope="col">
              <span className="sr-only">{t('lab.compare')}</span>
            </th>
            <th scope="col">{t('lab.col.name')}</th>
            <th scope="col">{t('lab.col.strategy')}</th>
            <th scope="col">{t('lab.params')}</th>
            <th scope="col">{t('lab.col.data')}</th>
            <th scope="col">{t('lab.m.netProfitPct')}</th>
            <th scope="col">{t('lab.m.maxDrawdownPct')}</th>
            <th scope="col">{t('lab.m.sharpe')}</th>
            <th scope="col">{t('lab.m.totalTrades')}</th>
            <th scope="col">{t('lab.col.saved')}</th>
            <th scope="col">
              <span className="sr-only">{t('lab.open')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.id}>
              <td>
                <input
                  type="checkbox"
                  aria-label={t('lab.selectRun', { name: run.name })}
                  checked={selected.includes(run.id)}
                  onChange={(e) => onToggle(run.id, e.target.checked)}
                />
              </td>
              <td>{run.name}</td>
              <td>{strategyName(run.strategy)}</td>
              <td>{Object.values(run.params).join(' / ')}</td>
              <td>{describeRunData(run.data, t('lab.sample'))}</td>
              <td>{num(run.metrics.net_profit_pct, 2)}</td>
              <td>{num(run.metrics.max_drawdown_pct, 2)}</td>
              <td>{num(run.metrics.sharpe, 2)}</td>
              <td>{num(run.metrics.total_trades, 0)}</td>
              <td>{dateTime(run.created_at)}</td>
              <td className="actions">
                <button
                  type="button"
                  className="link"
                  disabled={busy}
                  aria-label={t('lab.openRun', { name: run.name })}
                  onClick={() => onOpen(run)}
                >
                  {t('lab.open')}
                </button>{' '}
                <button
                  type="button"
                  className="link"
                  disabled={busy}
                  aria-label={t('lab.deleteRun', { name: run.name })}
                  onClick={() => onDelete(run)}
                >
                  {t('lab.delete')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
