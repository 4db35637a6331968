'use client';

import { useEffect, useMemo, useReducer, useRef, useState, type FormEvent } from 'react';
import { draftValues, validateParams } from '@/components/ParamsForm';
import { ErrorMessage, Loading } from '@/components/ui';
import { useApi, useResource, type ApiError } from '@/lib/api';
import { useI18n } from '@/lib/i18n';
import type { BacktestResult, StrategyDecl } from '@/lib/types';
import { LabCompare } from './LabCompare';
import { LabData } from './LabData';
import { LabOptimizer } from './LabOptimizer';
import { LabResults } from './LabResults';
import { SavedRuns, SaveRunForm } from './LabRuns';
import { LabSettings } from './LabSettings';
import {
  backtestDataBody,
  initialLabState,
  labReducer,
  optionsBody,
  partialTakeProfitProblems,
  realismOf,
} from './lab-state';

/** The symbol of candles downloaded from an exchange (a sample or a CSV names none). */
function downloadedSymbol(data: unknown): string | undefined {
  const d = data as { source?: string; symbol?: unknown } | undefined;
  return d?.source === 'exchange' && typeof d.symbol === 'string' ? d.symbol : undefined;
}

/**
 * The strategy lab: pick a strategy, its parameters and options, and the candles; backtest it and
 * search its parameters. All of the page's state is in `labReducer` (./lab-state.ts).
 */
export default function LabPage() {
  const { t, locale } = useI18n();
  const api = useApi();
  const strategies = useResource<{ strategies: StrategyDecl[] }>('/api/v1/strategies');
  const [state, dispatch] = useReducer(labReducer, null, () => initialLabState(Date.now()));
  const resultsRef = useRef<HTMLElement>(null);
  // Bumped when a run is saved: the saved runs' list loads again.
  const [runsVersion, setRunsVersion] = useState(0);

  const strategy = useMemo(
    () => strategies.data?.strategies.find((s) => s.id === state.strategyId),
    [strategies.data, state.strategyId],
  );
  useEffect(() => {
    if (strategies.data) dispatch({ type: 'strategiesLoaded', strategies: strategies.data.strategies });
  }, [strategies.data]);

  const errors = strategy ? validateParams(strategy, state.draft, t, locale) : {};
  // The data with the funding and bar magnifier the form turned on: backtests and optimizations take both.
  const data = backtestDataBody(state.data);
  const settingsOk = Object.keys(partialTakeProfitProblems(state.settings)).length === 0;
  const canRun = !!strategy && settingsOk && Object.keys(errors).length === 0 && data !== null;
  const { busy, error, result, request: ran } = state.backtest;
  const live = { plan: ran?.options, symbol: downloadedSymbol(ran?.data), realism: realismOf(ran?.data) };

  const run = async (event: FormEvent) => {
    event.preventDefault();
    if (!strategy || !canRun) {
      dispatch({ type: 'backtestRefused', csvMissingMessage: t('lab.csvMissing') });
      return;
    }
    dispatch({ type: 'backtestStarted' });
    const request = {
      strategy: strategy.id,
      params: draftValues(state.draft),
      options: optionsBody(state.settings),
      data,
    };
    try {
      const answer = await api<BacktestResult>('/api/v1/backtests', { method: 'POST', body: request });
      dispatch({ type: 'backtestFinished', result: answer, request });
      setTimeout(() => resultsRef.current?.focus(), 0);
    } catch (e) {
      dispatch({ type: 'backtestFailed', error: e as ApiError });
    }
  };

  return (
    <div className="page">
      <h1>{t('lab.title')}</h1>
      {strategies.loading ? <Loading /> : null}
      <ErrorMessage error={strategies.error} onRetry={strategies.reload} />
      {strategies.data ? (
        <form className="card" onSubmit={run} noValidate>
          <LabSettings
            strategies={strategies.data.strategies}
            strategyId={state.strategyId}
            strategy={strategy}
            draft={state.draft}
            errors={errors}
            settings={state.settings}
            dispatch={dispatch}
          />
          <LabData data={state.data} dispatch={dispatch} />
          <ErrorMessage error={error} />
          <button type="submit" disabled={busy || !canRun}>
            {busy ? t('lab.running') : t('lab.run')}
          </button>
          {busy ? <Loading /> : null}
        </form>
      ) : null}

      {result && strategy ? <LabResults ref={resultsRef} result={result} {...live} /> : null}
      {result && state.backtest.request ? (
        <SaveRunForm
          // A new backtest gets a fresh form (its own suggested name).
          key={JSON.stringify(state.backtest.request.params) + result.data.to}
          request={state.backtest.request}
          strategy={strategy}
          onSaved={() => setRunsVersion((n) => n + 1)}
        />
      ) : null}
      {strategies.data ? (
        <SavedRuns
          strategies={strategies.data.strategies}
          refreshKey={runsVersion}
          dispatch={dispatch}
          onOpened={() => setTimeout(() => resultsRef.current?.focus(), 0)}
        />
      ) : null}
      {state.comparison ? (
        <LabCompare comparison={state.comparison} onClose={() => dispatch({ type: 'comparisonClosed' })} />
      ) : null}

      {strategy ? (
        <LabOptimizer
          strategy={strategy}
          data={data}
          options={optionsBody(state.settings)}
          optimizer={state.optimizer}
          fixedValues={draftValues(state.draft)}
          dispatch={dispatch}
        />
      ) : null}
    </div>
  );
}
