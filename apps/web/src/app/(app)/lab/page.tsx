'use client';

import Link from 'next/link';
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { LIVE_VENUE_IDS, VENUE_FACTS, type LiveVenueId } from '@tradingbot/core/venues';
import { BacktestChart, CurveChart } from '@/components/Charts';
import {
  defaultDraft,
  draftValues,
  ParamsForm,
  validateParams,
  type ParamDraft,
} from '@/components/ParamsForm';
import { TradesTable } from '@/components/TradesTable';
import { Empty, ErrorMessage, Loading } from '@/components/ui';
import { ApiError, useApi, useResource } from '@/lib/api';
import { useI18n } from '@/lib/i18n';
import type { MessageKey } from '@/lib/messages';
import type { BacktestResult, OptimizationJob, StrategyDecl, SummaryMetrics } from '@/lib/types';

const CSV_MAX = 4 * 1024 * 1024;
const OBJECTIVES = [
  'sharpe',
  'net_profit',
  'sortino',
  'calmar',
  'profit_factor',
  'win_rate',
  'expectancy',
  'profit_drawdown',
] as const;
const METRICS: [string, MessageKey, number][] = [
  ['netProfit', 'lab.m.netProfit', 2],
  ['netProfitPct', 'lab.m.netProfitPct', 2],
  ['grossProfit', 'lab.m.grossProfit', 2],
  ['grossLoss', 'lab.m.grossLoss', 2],
  ['maxDrawdownPct', 'lab.m.maxDrawdownPct', 2],
  ['buyHoldReturnPct', 'lab.m.buyHoldReturnPct', 2],
  ['sharpe', 'lab.m.sharpe', 3],
  ['sortino', 'lab.m.sortino', 3],
  ['profitFactor', 'lab.m.profitFactor', 3],
  ['totalTrades', 'lab.m.totalTrades', 0],
  ['winRate', 'lab.m.winRate', 2],
  ['avgTrade', 'lab.m.avgTrade', 2],
  ['largestWin', 'lab.m.largestWin', 2],
  ['largestLoss', 'lab.m.largestLoss', 2],
  ['commissionPaid', 'lab.m.commissionPaid', 2],
  ['cagrPct', 'lab.m.cagrPct', 2],
  ['expectancy', 'lab.m.expectancy', 2],
  ['liquidations', 'lab.m.liquidations', 0],
];

type DataChoice = 'sample' | 'csv' | 'exchange';
type Settings = {
  capital: string;
  sizePct: string;
  leverage: string;
  commission: string;
  direction: 'both' | 'long' | 'short';
  stopLoss: string;
  takeProfit: string;
};

function optionsBody(s: Settings) {
  return {
    initial_capital: Number(s.capital),
    size_pct: Number(s.sizePct),
    leverage: Number(s.leverage),
    commission_pct: Number(s.commission),
    direction: s.direction,
    ...(s.stopLoss.trim() ? { stop_loss_pct: Number(s.stopLoss) } : {}),
    ...(s.takeProfit.trim() ? { take_profit_pct: Number(s.takeProfit) } : {}),
  };
}

export default function LabPage() {
  const { t, locale, num, date } = useI18n();
  const api = useApi();
  const strategies = useResource<{ strategies: StrategyDecl[] }>('/api/v1/strategies');
  const [strategyId, setStrategyId] = useState('');
  const [draft, setDraft] = useState<ParamDraft>({});
  const [settings, setSettings] = useState<Settings>({
    capital: '10000',
    sizePct: '10',
    leverage: '1',
    commission: '0.04',
    direction: 'both',
    stopLoss: '',
    takeProfit: '',
  });
  const [dataChoice, setDataChoice] = useState<DataChoice>('sample');
  const [timeframe, setTimeframe] = useState('4h');
  const [csv, setCsv] = useState<{ name: string; text: string } | null>(null);
  const [csvError, setCsvError] = useState<string | null>(null);
  const [download, setDownload] = useState(() => ({
    exchange: LIVE_VENUE_IDS[0],
    symbol: 'BTCUSDT',
    timeframe: '1h',
    from: new Date(Date.now() - 90 * 86_400_000).toISOString().slice(0, 10),
    to: '',
  }));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const [result, setResult] = useState<BacktestResult | null>(null);
  const resultsRef = useRef<HTMLElement>(null);

  const strategy = useMemo(
    () => strategies.data?.strategies.find((s) => s.id === strategyId),
    [strategies.data, strategyId],
  );
  useEffect(() => {
    const first = strategies.data?.strategies[0];
    if (!strategyId && first) {
      setStrategyId(first.id);
      setDraft(defaultDraft(first));
    }
  }, [strategies.data, strategyId]);

  const errors = strategy ? validateParams(strategy, draft, t, locale) : {};
  const dataBody = () => {
    const tf = timeframe ? { timeframe } : {};
    if (dataChoice === 'csv') return csv ? { source: 'csv', csv: csv.text, name: csv.name, ...tf } : null;
    if (dataChoice === 'sample') return { source: 'sample', ...tf };
    const from = Date.parse(`${download.from}T00:00:00Z`);
    const to = download.to ? Date.parse(`${download.to}T00:00:00Z`) : undefined;
    if (!download.symbol.trim() || !Number.isFinite(from)) return null;
    return {
      source: 'exchange',
      exchange: download.exchange,
      symbol: download.symbol.trim().toUpperCase(),
      timeframe: download.timeframe,
      from,
      ...(to !== undefined && Number.isFinite(to) ? { to } : {}),
    };
  };
  const data = dataBody();
  const canRun = !!strategy && Object.keys(errors).length === 0 && data !== null;

  const run = async (event: FormEvent) => {
    event.preventDefault();
    if (!strategy || !canRun) {
      if (dataChoice === 'csv' && !csv) setCsvError(t('lab.csvMissing'));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const answer = await api<BacktestResult>('/api/v1/backtests', {
        method: 'POST',
        body: { strategy: strategy.id, params: draftValues(draft), options: optionsBody(settings), data },
      });
      setResult(answer);
      setTimeout(() => resultsRef.current?.focus(), 0);
    } catch (e) {
      setError(e as ApiError);
    } finally {
      setBusy(false);
    }
  };

  const onFile = async (file: File | undefined) => {
    setCsvError(null);
    setCsv(null);
    if (!file) return;
    if (file.size > CSV_MAX) {
      setCsvError(t('lab.csvTooLarge', { max: num(CSV_MAX, 0) }));
      return;
    }
    setCsv({ name: file.name, text: await file.text() });
  };

  const setting = (key: keyof Settings) => ({
    value: settings[key],
    onChange: (e: { target: { value: string } }) => setSettings({ ...settings, [key]: e.target.value }),
  });

  return (
    <div className="page">
      <h1>{t('lab.title')}</h1>
      {strategies.loading ? <Loading /> : null}
      <ErrorMessage error={strategies.error} onRetry={strategies.reload} />
      {strategies.data ? (
        <form className="card" onSubmit={run} noValidate>
          <fieldset>
            <legend>{t('lab.strategy')}</legend>
            <div className="strategy-grid">
              {strategies.data.strategies.map((s) => (
                <label key={s.id} className={`strategy-option${s.id === strategyId ? ' selected' : ''}`}>
                  <input
                    type="radio"
                    name="strategy"
                    value={s.id}
                    checked={s.id === strategyId}
                    onChange={() => {
                      setStrategyId(s.id);
                      setDraft(defaultDraft(s));
                      setResult(null);
                    }}
                  />
                  <span className="strategy-name">{s.name[locale]}</span>
                  <span className="muted small">{s.description[locale]}</span>
                </label>
              ))}
            </div>
          </fieldset>
          {strategy ? (
            <details className="rules">
              <summary>{t('lab.rules')}</summary>
              <dl className="kv">
                {(['longEntry', 'longExit', 'shortEntry', 'shortExit'] as const).map((rule) => (
                  <div key={rule}>
                    <dt>{t(`lab.rule.${rule}`)}</dt>
                    <dd>{strategy.rules[rule][locale]}</dd>
                  </div>
                ))}
              </dl>
            </details>
          ) : null}
          {strategy ? (
            <ParamsForm strategy={strategy} draft={draft} onChange={setDraft} errors={errors} />
          ) : null}
          <fieldset>
            <legend>{t('lab.options')}</legend>
            <div className="form-grid">
              <NumberField
                id="o-capital"
                label={t('lab.capital')}
                min={1}
                step={100}
                {...setting('capital')}
              />
              <NumberField
                id="o-size"
                label={t('lab.sizePct')}
                min={0.1}
                max={100}
                step={1}
                {...setting('sizePct')}
              />
              <NumberField
                id="o-lev"
                label={t('lab.leverage')}
                min={1}
                max={125}
                step={1}
                {...setting('leverage')}
              />
              <NumberField
                id="o-fee"
                label={t('lab.commission')}
                min={0}
                max={10}
                step={0.01}
                {...setting('commission')}
              />
              <div className="field">
                <label htmlFor="o-dir">{t('lab.direction')}</label>
                <select
                  id="o-dir"
                  value={settings.direction}
                  onChange={(e) =>
                    setSettings({ ...settings, direction: e.target.value as Settings['direction'] })
                  }
                >
                  <option value="both">{t('lab.direction.both')}</option>
                  <option value="long">{t('lab.direction.long')}</option>
                  <option value="short">{t('lab.direction.short')}</option>
                </select>
              </div>
              <NumberField
                id="o-sl"
                label={t('lab.stopLoss')}
                min={0.1}
                max={100}
                step={0.5}
                {...setting('stopLoss')}
              />
              <NumberField
                id="o-tp"
                label={t('lab.takeProfit')}
                min={0.1}
                max={1000}
                step={0.5}
                {...setting('takeProfit')}
              />
            </div>
          </fieldset>
          <fieldset>
            <legend>{t('lab.data')}</legend>
            <div className="radio-list">
              {(['sample', 'csv', 'exchange'] as const).map((choice) => (
                <label key={choice}>
                  <input
                    type="radio"
                    name="data"
                    value={choice}
                    checked={dataChoice === choice}
                    onChange={() => {
                      setDataChoice(choice);
                      setTimeframe(choice === 'sample' ? '4h' : '');
                    }}
                  />{' '}
                  {t(`lab.data.${choice}`)}
                </label>
              ))}
            </div>
            {dataChoice === 'csv' ? (
              <div className="field">
                <label htmlFor="csv-file">{t('lab.csvFile')}</label>
                <input
                  id="csv-file"
                  type="file"
                  accept=".csv,text/csv,text/plain"
                  onChange={(e) => void onFile(e.target.files?.[0])}
                />
                {csv ? (
                  <small className="muted">
                    {t('lab.csvLoaded', { name: csv.name, size: num(csv.text.length, 0) })}
                  </small>
                ) : null}
                {csvError ? (
                  <small className="field-error" role="alert">
                    {csvError}
                  </small>
                ) : null}
              </div>
            ) : null}
            {dataChoice === 'exchange' ? (
              <>
                <div className="form-grid">
                  <div className="field">
                    <label htmlFor="dl-exchange">{t('acc.exchange')}</label>
                    <select
                      id="dl-exchange"
                      value={download.exchange}
                      onChange={(e) => setDownload({ ...download, exchange: e.target.value as LiveVenueId })}
                    >
                      {LIVE_VENUE_IDS.map((venue) => (
                        <option key={venue} value={venue}>
                          {VENUE_FACTS[venue].label}
                        </option>
                      ))}
                    </select>
                  </div>
                  <div className="field">
                    <label htmlFor="dl-symbol">{t('dash.symbol')}</label>
                    <input
                      id="dl-symbol"
                      value={download.symbol}
                      autoCapitalize="characters"
                      spellCheck={false}
                      onChange={(e) => setDownload({ ...download, symbol: e.target.value })}
                    />
                  </div>
                  <div className="field">
                    <label htmlFor="dl-tf">{t('lab.timeframe')}</label>
                    <select
                      id="dl-tf"
                      value={download.timeframe}
                      onChange={(e) => setDownload({ ...download, timeframe: e.target.value })}
                    >
                      {['15m', '30m', '1h', '4h', '1d'].map((tf) => (
                        <option key={tf} value={tf}>
                          {tf}
                        </option>
                      ))}
                    </select>
                  </div>
                  <div className="field">
                    <label htmlFor="dl-from">{t('sig.from')}</label>
                    <input
                      id="dl-from"
                      type="date"
                      value={download.from}
                      onChange={(e) => setDownload({ ...download, from: e.target.value })}
                    />
                  </div>
                  <div className="field">
                    <label htmlFor="dl-to">{t('sig.to')}</label>
                    <input
                      id="dl-to"
                      type="date"
                      value={download.to}
                      onChange={(e) => setDownload({ ...download, to: e.target.value })}
                    />
                  </div>
                </div>
                <p className="muted small">{t('lab.data.exchangeNote')}</p>
              </>
            ) : null}
            {dataChoice !== 'exchange' ? (
              <div className="field narrow">
                <label htmlFor="tf">{t('lab.timeframe')}</label>
                <select id="tf" value={timeframe} onChange={(e) => setTimeframe(e.target.value)}>
                  <option value="">{t('lab.timeframe.native')}</option>
                  {['15m', '30m', '1h', '4h', '1d'].map((tf) => (
                    <option key={tf} value={tf}>
                      {tf}
                    </option>
                  ))}
                </select>
              </div>
            ) : null}
          </fieldset>
          <ErrorMessage error={error} />
          <button type="submit" disabled={busy || !canRun}>
            {busy ? t('lab.running') : t('lab.run')}
          </button>
          {busy ? <Loading /> : null}
        </form>
      ) : null}

      {result && strategy ? (
        <section ref={resultsRef} tabIndex={-1} aria-labelledby="bt-results" className="results">
          <h2 id="bt-results">{t('lab.chart')}</h2>
          <p className="muted small">
            {t('lab.dataInfo', {
              bars: num(result.data.bars, 0),
              from: date(result.data.from),
              to: date(result.data.to),
              source: result.data.source,
            })}
          </p>
          <div className="card">
            <BacktestChart result={result} />
          </div>
          <div className="two-col">
            <div className="card">
              <h3>{t('lab.equity')}</h3>
              <CurveChart
                times={result.candles.time}
                values={result.equity}
                color="#1d4ed8"
                label={t('lab.equity')}
              />
            </div>
            <div className="card">
              <h3>{t('lab.drawdown')}</h3>
              <CurveChart
                times={result.candles.time}
                values={result.drawdown}
                color="#b91c1c"
                label={t('lab.drawdown')}
                invert
              />
            </div>
          </div>
          <div className="card">
            <h3>{t('lab.metrics')}</h3>
            <table className="metrics" data-testid="metrics">
              <tbody>
                {METRICS.map(([key, label, digits]) => (
                  <tr key={key}>
                    <th scope="row">{t(label)}</th>
                    <td>{num(result.metrics[key] as number | null, digits)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p>
              <Link
                href={`/export?strategy=${result.strategy}&params=${encodeURIComponent(JSON.stringify(result.params))}`}
              >
                {t('nav.export')} →
              </Link>
            </p>
          </div>
          <div className="card">
            <h3>{t('lab.trades')}</h3>
            {result.trades.length === 0 ? (
              <Empty>{t('lab.noTrades')}</Empty>
            ) : (
              <TradesTable trades={result.trades} filename={`${result.strategy}-trades.csv`} />
            )}
          </div>
        </section>
      ) : null}

      {strategy ? (
        <Optimizer
          strategy={strategy}
          data={data}
          options={optionsBody(settings)}
          onUse={(params) => {
            setDraft(Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])));
            window.scrollTo({ top: 0, behavior: 'smooth' });
          }}
        />
      ) : null}
    </div>
  );
}

function NumberField({
  id,
  label,
  ...input
}: {
  id: string;
  label: string;
  min?: number;
  max?: number;
  step?: number;
  value: string;
  onChange: (e: { target: { value: string } }) => void;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} type="number" inputMode="decimal" {...input} />
    </div>
  );
}

function Optimizer({
  strategy,
  data,
  options,
  onUse,
}: {
  strategy: StrategyDecl;
  data: unknown;
  options: ReturnType<typeof optionsBody>;
  onUse: (params: Record<string, number>) => void;
}) {
  const { t, num, date, locale } = useI18n();
  const api = useApi();
  const [objective, setObjective] = useState<(typeof OBJECTIVES)[number]>('sharpe');
  const [trials, setTrials] = useState('100');
  const [windows, setWindows] = useState('3');
  const [job, setJob] = useState<OptimizationJob | null>(null);
  const [error, setError] = useState<ApiError>();
  useEffect(() => {
    if (!job || job.status !== 'running') return;
    const timer = setTimeout(async () => {
      try {
        setJob(await api<OptimizationJob>(`/api/v1/optimizations/${job.id}`));
      } catch (e) {
        setError(e as ApiError);
        setJob(null);
      }
    }, 500);
    return () => clearTimeout(timer);
  }, [job, api]);
  useEffect(() => setJob(null), [strategy.id]);

  const start = async (event: FormEvent) => {
    event.preventDefault();
    if (data === null) return;
    setError(undefined);
    try {
      setJob(
        await api<OptimizationJob>('/api/v1/optimizations', {
          method: 'POST',
          body: {
            strategy: strategy.id,
            data,
            options,
            objective,
            trials: Math.max(1, Math.round(Number(trials) || 1)),
            walk_forward: Math.max(0, Math.round(Number(windows) || 0)),
          },
        }),
      );
    } catch (e) {
      setError(e as ApiError);
    }
  };
  const running = job?.status === 'running';
  const summary = (m: SummaryMetrics) =>
    `${num(m.netProfitPct, 2)} % · ${t('lab.m.sharpe')} ${num(m.sharpe, 2)} · ${t('lab.m.totalTrades')} ${num(m.totalTrades, 0)}`;
  const paramsText = (params: Record<string, number>) =>
    strategy.params.map((p) => `${p.label[locale]} ${num(params[p.name], 4)}`).join(', ');
  return (
    <section className="card" aria-labelledby="opt-title">
      <h2 id="opt-title">{t('lab.optimize')}</h2>
      <p className="muted small">{t('lab.optimizeHint')}</p>
      <form onSubmit={start} className="form-grid" noValidate>
        <div className="field">
          <label htmlFor="opt-objective">{t('lab.objective')}</label>
          <select
            id="opt-objective"
            value={objective}
            onChange={(e) => setObjective(e.target.value as (typeof OBJECTIVES)[number])}
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
          onChange={(e) => setTrials(e.target.value)}
        />
        <NumberField
          id="opt-wf"
          label={t('lab.walkForward')}
          min={0}
          max={20}
          step={1}
          value={windows}
          onChange={(e) => setWindows(e.target.value)}
        />
        <div className="field">
          <button type="submit" disabled={running || data === null}>
            {t('lab.startOptimize')}
          </button>
        </div>
      </form>
      <ErrorMessage error={error} />
      {job ? (
        <div aria-live="polite">
          {running ? (
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
              <div className="table-wrap">
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
                    {job.result.ranking.slice(0, 20).map((r, k) => (
                      <tr key={k}>
                        <td>{k + 1}</td>
                        <td>{paramsText(r.params)}</td>
                        <td>{num(r.metrics.score, 3)}</td>
                        <td>{num(r.metrics.netProfitPct, 2)}</td>
                        <td>{num(r.metrics.maxDrawdownPct, 2)}</td>
                        <td>{num(r.metrics.totalTrades, 0)}</td>
                        <td>{num(r.metrics.winRate, 1)}</td>
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
              {job.result.walk_forward ? (
                <>
                  <h3>{t('lab.walkForwardTable')}</h3>
                  <div className="table-wrap">
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
                        {job.result.walk_forward.windows.map((w, k) => (
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
                  <p>{t('lab.efficiency', { value: num(job.result.walk_forward.efficiency, 2) })}</p>
                </>
              ) : null}
            </>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
