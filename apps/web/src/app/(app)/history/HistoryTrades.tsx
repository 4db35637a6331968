'use client';

import Link from 'next/link';
import { useI18n } from '@/lib/i18n';
import type { HistoryTrade } from '@/lib/types';
import { reasonKey, tone } from './history-format';

/** The round trips, one row each (a labelled card per trade on a phone), newest first. */
export function HistoryTrades({ trades, showAccount }: { trades: HistoryTrade[]; showAccount: boolean }) {
  const { t, num, dateTime } = useI18n();
  const reason = (value: string | null) => {
    const key = reasonKey(value);
    return key ? t(key) : (value ?? '—');
  };
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={t('hist.trades')}>
      <table className="phone-cards" data-testid="history-trades">
        <thead>
          <tr>
            {showAccount ? <th scope="col">{t('hist.account')}</th> : null}
            <th scope="col">{t('hist.symbol')}</th>
            <th scope="col">{t('hist.side')}</th>
            <th scope="col">{t('hist.qty')}</th>
            <th scope="col">{t('hist.entry')}</th>
            <th scope="col">{t('hist.exit')}</th>
            <th scope="col">{t('hist.exitReason')}</th>
            <th scope="col">{t('hist.fees')}</th>
            <th scope="col">{t('hist.netPnl')}</th>
            <th scope="col">
              <span className="sr-only">{t('dash.chart')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {trades.map((trade) => (
            <tr key={`${trade.account_id}-${trade.symbol}-${trade.entry_time}`}>
              {showAccount ? (
                <td data-label={t('hist.account')}>{trade.account_label || trade.exchange}</td>
              ) : null}
              <td data-label={t('hist.symbol')}>{trade.symbol}</td>
              <td data-label={t('hist.side')}>{trade.side === 'long' ? t('lab.long') : t('lab.short')}</td>
              <td data-label={t('hist.qty')}>{num(trade.qty, 8)}</td>
              <td data-label={t('hist.entry')}>
                {num(trade.entry_price, 8)} · {dateTime(trade.entry_time)}
              </td>
              <td data-label={t('hist.exit')}>
                {trade.status === 'open'
                  ? t('hist.open')
                  : `${num(trade.exit_price, 8)} · ${dateTime(trade.exit_time)}`}
              </td>
              <td data-label={t('hist.exitReason')}>
                {trade.status === 'open' ? '' : reason(trade.exit_reason)}
              </td>
              <td data-label={t('hist.fees')}>{num(trade.fees, 8)}</td>
              <td data-label={t('hist.netPnl')} className={tone(trade.net_pnl)}>
                {num(trade.net_pnl, 8)}
              </td>
              <td>
                <Link
                  href={`/history/${encodeURIComponent(trade.account_id)}/${encodeURIComponent(trade.symbol)}`}
                  aria-label={t('dash.chartOf', { symbol: trade.symbol })}
                >
                  {t('dash.chart')}
                </Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
