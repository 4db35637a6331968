'use client';

import Link from 'next/link';
import { useParams } from 'next/navigation';
import { ErrorMessage, Loading } from '@/components/ui';
import { useResource } from '@/lib/api';
import { useI18n } from '@/lib/i18n';
import type { SignalDetail } from '@/lib/types';
import { SignalOrders } from './SignalOrders';
import { SignalSummary } from './SignalSummary';

export default function SignalPage() {
  const { t } = useI18n();
  const { id } = useParams<{ id: string }>();
  const signal = useResource<SignalDetail>(`/api/v1/signals/${encodeURIComponent(id)}`);
  const s = signal.data;
  return (
    <div className="page">
      <p>
        <Link href="/signals">← {t('sig.back')}</Link>
      </p>
      <h1>{t('sig.detail', { id: id.slice(0, 8) })}</h1>
      {signal.loading && !s ? <Loading /> : null}
      <ErrorMessage error={signal.error} onRetry={signal.reload} />
      {s ? (
        <>
          <SignalSummary signal={s} />
          <SignalOrders orders={s.orders} />
        </>
      ) : null}
    </div>
  );
}
