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
};

export function SignalTable({ signals }: { signals: Signal[] }) {
  const { t, dateTime } = useI18n();
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
            <th scope="col">{t('sig.status')}</th>
            <th scope="col">{t('sig.action')}</th>
            <th scope="col">{t('sig.symbol')}</th>
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
              <td data-label={t('sig.status')}>
                <StatusBadge status={signal.status} />
              </td>
              <td data-label={t('sig.action')}>{actionLabel(String(signal.payload.action ?? ''))}</td>
              <td data-label={t('sig.symbol')}>{String(signal.payload.symbol ?? '—')}</td>
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
