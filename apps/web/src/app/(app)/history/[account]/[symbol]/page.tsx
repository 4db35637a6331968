'use client';

import Link from 'next/link';
import { useParams } from 'next/navigation';
import { useState } from 'react';
import { PositionChart } from '@/components/PositionChart';
import { Empty, ErrorMessage, Loading } from '@/components/ui';
import { useResource } from '@/lib/api';
import { useI18n } from '@/lib/i18n';
import type { AccountList, PositionChartData } from '@/lib/types';
import { reasonKey, tone } from '../../history-format';

const TIMEFRAMES = ['1m', '5m', '15m', '1h', '4h', '1d'] as const;

/** One symbol of one account: candles with its entries, exits and resting stop-loss / take-profit. */
export default function PositionChartPage() {
  const { t, num, dateTime } = useI18n();
  const params = useParams<{ account: string; symbol: string }>();
  const accountId = decodeURIComponent(params.account);
  const symbol = decodeURIComponent(params.symbol);
  const [timeframe, setTimeframe] = useState<(typeof TIMEFRAMES)[number]>('1h');
  const accounts = useResource<AccountList>('/api/v1/accounts-secure/list');
  const account = accounts.data?.accounts.find((a) => a.id === accountId);
  const chart = useResource<PositionChartData>(
    `/api/v1/accounts-secure/${encodeURIComponent(accountId)}/chart?symbol=${encodeURIComponent(symbol)}&timeframe=${timeframe}`,
    15_000,
  );
  const data = chart.data;
  const stops = data?.orders.filter((o) => o.kind === 'stop_loss' || o.kind === 'take_profit') ?? [];
  const reason = (value: string) => {
    const key = reasonKey(value);
    return key ? t(key) : value;
  };
  return (
    <div className="page">
      <p>
        <Link href="/history">← {t('hist.back')}</Link>
      </p>
      <h1>
        {t('hist.chartTitle', {
          symbol,
          account: account ? account.label || t(`acc.exchange.${account.exchange}`) : accountId.slice(0, 8),
        })}
      </h1>
      <div className="filters">
        <div className="field">
          <label htmlFor="chart-timeframe">{t('hist.timeframe')}</label>
          <select
            id="chart-timeframe"
            value={timeframe}
            onChange={(e) => setTimeframe(e.target.value as typeof timeframe)}
          >
            {TIMEFRAMES.map((tf) => (
              <option key={tf} value={tf}>
                {tf}
              </option>
            ))}
          </select>
        </div>
      </div>
      {chart.loading && !data ? <Loading /> : null}
      <ErrorMessage error={chart.error} onRetry={chart.reload} />
      {data ? (
        <section className="card" aria-label={t('dash.chartOf', { symbol })}>
          {data.candles.length === 0 ? <Empty>{t('hist.noCandles')}</Empty> : <PositionChart data={data} />}
        </section>
      ) : null}
      {data ? (
        <section className="card" aria-labelledby="chart-orders">
          <h2 id="chart-orders">{t('dash.positions')}</h2>
          {data.positions.length === 0 ? <Empty>{t('dash.noPositions')}</Empty> : null}
          <ul className="protection" data-testid="chart-protection">
            {data.positions.map((p) => (
              <li key={p.side}>
                {Number(p.qty) < 0 ? t('lab.short') : t('lab.long')} {num(Math.abs(Number(p.qty)), 8)} @{' '}
                {num(p.entry_price)} ·{' '}
                <span className={tone(p.unrealized_pnl)}>
                  {t('dash.unrealized')} {num(p.unrealized_pnl)}
                </span>
              </li>
            ))}
            {stops.map((o) => (
              <li key={o.venue_order_id}>
                {o.kind === 'stop_loss' ? t('dash.stopLoss') : t('dash.takeProfit')}:{' '}
                {num(o.trigger_price ?? o.price, 8)}
              </li>
            ))}
          </ul>
          {data.positions.length > 0 && !stops.some((o) => o.kind === 'stop_loss') ? (
            <p role="alert" className="error">
              {t('hist.noProtection')}
            </p>
          ) : null}
          <h2>{t('hist.fills')}</h2>
          {data.fills.length === 0 ? <Empty>{t('hist.noFills')}</Empty> : null}
          <ul>
            {[...data.fills].reverse().map((f, k) => (
              <li key={k}>
                {dateTime(f.time)} · {f.side === 'buy' ? '▲' : '▼'} {num(f.qty, 8)} @ {num(f.price, 8)} ·{' '}
                {reason(f.reason)}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
