'use client';

import { useMemo, useState } from 'react';
import { CurveChart } from '@/components/Charts';
import { Empty, ErrorMessage, Loading } from '@/components/ui';
import { useCsvDownload, useResource } from '@/lib/api';
import { useI18n } from '@/lib/i18n';
import type { AccountList, HistoryReturns, HistoryTradeList, TradeSummary } from '@/lib/types';
import { HistoryTrades } from './HistoryTrades';
import { periodStart, tone } from './history-format';
import { ReturnsSection } from './Returns';

/** Closed trades and PnL over time, for all the user's accounts or one, from the fills the venues reported. */
export default function HistoryPage() {
  const { t, date } = useI18n();
  const accounts = useResource<AccountList>('/api/v1/accounts-secure/list');
  const [accountId, setAccountId] = useState('');
  const scope = accountId ? `account_id=${encodeURIComponent(accountId)}&` : '';
  const trades = useResource<HistoryTradeList>(`/api/v1/history/trades?${scope}limit=500`);
  const daily = useResource<HistoryReturns>(`/api/v1/history/returns?${scope}period=day`);
  const download = useCsvDownload();
  const [downloadError, setDownloadError] = useState<Error>();
  const save = (path: string, filename: string) => {
    setDownloadError(undefined);
    download(path, filename).catch((e: unknown) => setDownloadError(e as Error));
  };
  const curve = useMemo(() => {
    const days = daily.data?.periods ?? [];
    return {
      times: days.map((d) => periodStart(d.date)),
      values: days.map((d) => Number(d.cumulative_net_pnl)),
      from: days[0]?.date,
      to: days.at(-1)?.date,
    };
  }, [daily.data]);
  return (
    <div className="page">
      <h1>{t('hist.title')}</h1>
      <p className="muted">{t('hist.source')}</p>
      <div className="filters">
        <div className="field">
          <label htmlFor="history-account">{t('hist.account')}</label>
          <select id="history-account" value={accountId} onChange={(e) => setAccountId(e.target.value)}>
            <option value="">{t('hist.allAccounts')}</option>
            {accounts.data?.accounts.map((a) => (
              <option key={a.id} value={a.id}>
                {a.label || t(`acc.exchange.${a.exchange}`)}
              </option>
            ))}
          </select>
        </div>
        <button
          type="button"
          className="secondary"
          onClick={() => save(`/api/v1/history/trades?${scope}limit=1000&format=csv`, 'trades.csv')}
        >
          {t('hist.downloadTrades')}
        </button>
      </div>
      <ErrorMessage error={downloadError} />

      <section aria-labelledby="hist-summary">
        <h2 id="hist-summary">{t('hist.summary')}</h2>
        <ErrorMessage error={daily.error} onRetry={daily.reload} />
        {daily.loading && !daily.data ? <Loading /> : null}
        {daily.data ? <Summary summary={daily.data.summary} /> : null}
      </section>

      <section aria-labelledby="hist-curve" className="card">
        <h2 id="hist-curve">{t('hist.cumulative')}</h2>
        {daily.data && curve.times.length === 0 ? <Empty>{t('hist.noFills')}</Empty> : null}
        {curve.times.length > 0 ? (
          <CurveChart
            times={curve.times}
            values={curve.values}
            tone="equity"
            daily
            label={t('hist.cumulativeLabel', { from: date(curve.from), to: date(curve.to) })}
          />
        ) : null}
      </section>

      <ReturnsSection scope={scope} onDownload={save} />

      <section aria-labelledby="hist-trades" className="card">
        <h2 id="hist-trades">{t('hist.trades')}</h2>
        <ErrorMessage error={trades.error} onRetry={trades.reload} />
        {trades.loading && !trades.data ? <Loading /> : null}
        {trades.data && trades.data.trades.length === 0 ? <Empty>{t('hist.noTrades')}</Empty> : null}
        {trades.data && trades.data.trades.length > 0 ? (
          <HistoryTrades trades={trades.data.trades} showAccount={!accountId} />
        ) : null}
      </section>
    </div>
  );
}

function Summary({ summary }: { summary: TradeSummary }) {
  const { t, num } = useI18n();
  const stats: [string, string, string?][] = [
    [
      t('hist.closedTrades'),
      `${num(summary.closed_trades, 0)} (${t('hist.openTrades')} ${num(summary.open_trades, 0)})`,
    ],
    [t('hist.winRate'), summary.win_rate_pct === null ? '—' : `${num(summary.win_rate_pct, 2)} %`],
    [t('hist.netPnl'), num(summary.net_pnl, 4), tone(summary.net_pnl)],
    [t('hist.fees'), num(summary.fees, 4)],
    [t('hist.funding'), num(summary.funding, 4)],
    [t('hist.profitFactor'), num(summary.profit_factor, 2)],
    [t('hist.best'), num(summary.best_trade, 4)],
    [t('hist.worst'), num(summary.worst_trade, 4)],
  ];
  return (
    <dl className="stats" data-testid="history-summary">
      {stats.map(([label, value, cls]) => (
        <div className="stat" key={label}>
          <dt className="stat-label">{label}</dt>
          <dd className={`stat-value ${cls ?? ''}`}>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
