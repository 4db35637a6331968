'use client';

import Link from 'next/link';
import { useI18n } from '@/lib/i18n';
import type { Signal } from '@/lib/types';
import { StatusBadge } from './ui';

export function SignalTable({ signals }: { signals: Signal[] }) {
  const { t, dateTime } = useI18n();
  return (
    <div className="table-wrap">
      <table>
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
              <td>{dateTime(signal.received_at)}</td>
              <td>
                <StatusBadge status={signal.status} />
              </td>
              <td>{String(signal.payload.action ?? '—')}</td>
              <td>{String(signal.payload.symbol ?? '—')}</td>
              <td>{signal.error_message ?? ''}</td>
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
