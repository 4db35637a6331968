'use client';

import Link from 'next/link';
import { useI18n } from '@/lib/i18n';
import type { MessageKey } from '@/lib/messages';
import type { Signal } from '@/lib/types';
import { StatusBadge } from './ui';

const ACTION_KEYS: Record<string, MessageKey> = {
  long: 'action.long',
  buy: 'action.long',
  short: 'action.short',
  sell: 'action.short',
  close_all: 'action.close',
  close_long: 'action.closeLong',
  close_short: 'action.closeShort',
  // Queued by the server when a partial take-profit of a break_even entry fills (README, "Trade management").
  move_stop_to_entry: 'action.moveStopToEntry',
};

/** The account's name as the list shows it: its label, else the start of its id. */
export const accountName = (signal: Pick<Signal, 'account_id' | 'account_label'>) =>
  signal.account_label || signal.account_id.slice(0, 8);

/** `-0.5` → negative, anything else positive: the class that colours an amount (none when unknown). */
const pnlTone = (value: string | null) => (value === null ? undefined : Number(value) < 0 ? 'neg' : 'pos');

export function SignalTable({ signals }: { signals: Signal[] }) {
  const { t, dateTime, num } = useI18n();
  const actionLabel = (action: string) => {
    const key = ACTION_KEYS[action.toLowerCase()];
    return key ? t(key) : action || '—';
  };
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={t('sig.title')}>
      <table className="phone-cards">
        <thead>
          <tr>
            <th scope="col">{t('sig.time')}</th>
            <th scope="col">{t('sig.account')}</th>
            <th scope="col">{t('sig.status')}</th>
            <th scope="col">{t('sig.action')}</th>
            <th scope="col">{t('sig.symbol')}</th>
            <th scope="col">{t('sig.qty')}</th>
            <th scope="col">{t('sig.price')}</th>
            <th scope="col">{t('sig.pnl')}</th>
            <th scope="col">{t('sig.error')}</th>
            <th scope="col">
              <span className="sr-only">{t('common.details')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {signals.map((signal) => (
            <tr key={signal.id}>
              <td data-label={t('sig.time')}>{dateTime(signal.received_at)}</td>
              <td data-label={t('sig.account')}>{accountName(signal)}</td>
              <td data-label={t('sig.status')}>
                <StatusBadge status={signal.outcome} />
              </td>
              <td data-label={t('sig.action')}>{actionLabel(signal.action ?? '')}</td>
              <td data-label={t('sig.symbol')}>{signal.symbol ?? '—'}</td>
              <td data-label={t('sig.qty')}>{num(signal.qty, 8)}</td>
              <td data-label={t('sig.price')}>{num(signal.price, 8)}</td>
              <td data-label={t('sig.pnl')} className={pnlTone(signal.realized_pnl)}>
                {num(signal.realized_pnl, 2)}
              </td>
              <td data-label={t('sig.error')}>{signal.error_message ?? ''}</td>
              <td>
                <Link href={`/signals/${signal.id}`}>{t('common.details')}</Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
