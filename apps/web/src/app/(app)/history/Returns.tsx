'use client';

import { useState } from 'react';
import { Empty, ErrorMessage } from '@/components/ui';
import { useResource } from '@/lib/api';
import { useI18n } from '@/lib/i18n';
import type { HistoryReturns, PnlPeriod } from '@/lib/types';
import { tone } from './history-format';

/** Returns per day or month (a switch), with their CSV; `scope` is the page's account query (or ""). */
export function ReturnsSection({
  scope,
  onDownload,
}: {
  scope: string;
  onDownload: (path: string, filename: string) => void;
}) {
  const { t } = useI18n();
  const [period, setPeriod] = useState<'day' | 'month'>('day');
  const returns = useResource<HistoryReturns>(`/api/v1/history/returns?${scope}period=${period}`);
  return (
    <section aria-labelledby="hist-returns" className="card">
      <h2 id="hist-returns">{t('hist.returns')}</h2>
      <div className="filters">
        <fieldset className="segmented">
          <legend className="sr-only">{t('hist.period')}</legend>
          {(['day', 'month'] as const).map((p) => (
            <label key={p}>
              <input type="radio" name="period" checked={period === p} onChange={() => setPeriod(p)} />
              {p === 'day' ? t('hist.daily') : t('hist.monthly')}
            </label>
          ))}
        </fieldset>
        <button
          type="button"
          className="secondary"
          onClick={() =>
            onDownload(`/api/v1/history/returns?${scope}period=${period}&format=csv`, `returns-${period}.csv`)
          }
        >
          {t('hist.downloadReturns')}
        </button>
      </div>
      <p className="muted small">{t('hist.amountsNote')}</p>
      {returns.data?.periods.some((p) => p.return_pct === null) ? (
        <p className="muted small" data-testid="returns-unknown">
          {t('hist.returnUnknown')}
        </p>
      ) : null}
      <ErrorMessage error={returns.error} onRetry={returns.reload} />
      {returns.data && returns.data.periods.length === 0 ? <Empty>{t('hist.noFills')}</Empty> : null}
      {returns.data && returns.data.periods.length > 0 ? (
        <Returns periods={returns.data.periods} period={returns.data.period} />
      ) : null}
    </section>
  );
}

/** PnL per day or month with its return in percent ("—" while unknown), newest first (labelled cards on a phone). */
export function Returns({ periods, period }: { periods: PnlPeriod[]; period: 'day' | 'month' }) {
  const { t, num } = useI18n();
  const pct = (value: string | null) => (value === null ? '—' : `${num(value, 2)} %`);
  const dateLabel = period === 'day' ? t('hist.date') : t('hist.month');
  return (
    <div className="table-wrap tall" tabIndex={0} role="region" aria-label={t('hist.returns')}>
      <table className="phone-cards" data-testid="returns">
        <thead>
          <tr>
            <th scope="col">{dateLabel}</th>
            <th scope="col">{t('hist.realized')}</th>
            <th scope="col">{t('hist.fees')}</th>
            <th scope="col">{t('hist.funding')}</th>
            <th scope="col">{t('hist.netPnl')}</th>
            <th scope="col">{t('hist.cumulativeColumn')}</th>
            <th scope="col">{t('hist.returnPct')}</th>
            <th scope="col">{t('hist.cumulativeReturnPct')}</th>
            <th scope="col">{t('hist.fills')}</th>
          </tr>
        </thead>
        <tbody>
          {[...periods].reverse().map((p) => (
            <tr key={p.date}>
              <td data-label={dateLabel}>{p.date}</td>
              <td data-label={t('hist.realized')}>{num(p.realized_pnl, 4)}</td>
              <td data-label={t('hist.fees')}>{num(p.fees, 4)}</td>
              <td data-label={t('hist.funding')}>{num(p.funding, 4)}</td>
              <td data-label={t('hist.netPnl')} className={tone(p.net_pnl)}>
                {num(p.net_pnl, 4)}
              </td>
              <td data-label={t('hist.cumulativeColumn')} className={tone(p.cumulative_net_pnl)}>
                {num(p.cumulative_net_pnl, 4)}
              </td>
              <td
                data-label={t('hist.returnPct')}
                className={p.return_pct === null ? 'muted' : tone(p.return_pct)}
              >
                {pct(p.return_pct)}
              </td>
              <td
                data-label={t('hist.cumulativeReturnPct')}
                className={p.cumulative_return_pct === null ? 'muted' : tone(p.cumulative_return_pct)}
              >
                {pct(p.cumulative_return_pct)}
              </td>
              <td data-label={t('hist.fills')}>{num(p.fills, 0)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
