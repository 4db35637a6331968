'use client';

import Link from 'next/link';
import { useParams } from 'next/navigation';
import { ErrorMessage, Json, Loading, StatusBadge } from '@/components/ui';
import { useResource } from '@/lib/api';
import { useI18n } from '@/lib/i18n';
import { term } from '@/lib/messages';
import type { SignalDetail } from '@/lib/types';

export default function SignalPage() {
  const { t, dateTime, num, locale } = useI18n();
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
          <section className="card">
            <dl className="kv">
              <div>
                <dt>{t('sig.status')}</dt>
                <dd>
                  <StatusBadge status={s.status} />
                </dd>
              </div>
              <div>
                <dt>{t('sig.time')}</dt>
                <dd>{dateTime(s.received_at)}</dd>
              </div>
              <div>
                <dt>{t('sig.finished')}</dt>
                <dd>{dateTime(s.finished_at)}</dd>
              </div>
              <div>
                <dt>{t('sig.account')}</dt>
                <dd>
                  <code>{s.account_id}</code>
                </dd>
              </div>
              <div>
                <dt>{t('sig.sourceIp')}</dt>
                <dd>{s.source_ip ?? '—'}</dd>
              </div>
              {s.error_message ? (
                <div>
                  <dt>{t('sig.error')}</dt>
                  <dd className="neg">
                    {s.error_message} {s.error_code ? <code>{s.error_code}</code> : null}
                  </dd>
                </div>
              ) : null}
            </dl>
            <h2>{t('sig.payload')}</h2>
            <Json value={s.payload} />
            {s.result ? (
              <>
                <h2>{t('sig.result')}</h2>
                <Json value={s.result} />
              </>
            ) : null}
          </section>
          <section className="card" aria-labelledby="orders">
            <h2 id="orders">{t('sig.orders')}</h2>
            {s.orders.length === 0 ? <p className="empty">{t('sig.noOrders')}</p> : null}
            {s.orders.map((order) => (
              <article key={order.id} className="order" data-testid="order">
                <dl className="kv">
                  <div>
                    <dt>{t('sig.role')}</dt>
                    <dd>{term(locale, order.role)}</dd>
                  </div>
                  <div>
                    <dt>{t('sig.symbol')}</dt>
                    <dd>{order.symbol}</dd>
                  </div>
                  <div>
                    <dt>{t('dash.side')}</dt>
                    <dd>{term(locale, order.side)}</dd>
                  </div>
                  <div>
                    <dt>{t('sig.type')}</dt>
                    <dd>{term(locale, order.type)}</dd>
                  </div>
                  <div>
                    <dt>{t('dash.qty')}</dt>
                    <dd>{num(order.qty, 8)}</dd>
                  </div>
                  <div>
                    <dt>{t('sig.price')}</dt>
                    <dd>{num(order.price, 8)}</dd>
                  </div>
                  <div>
                    <dt>{t('sig.status')}</dt>
                    <dd>{term(locale, order.status)}</dd>
                  </div>
                </dl>
                <details>
                  <summary>{t('sig.request')}</summary>
                  <Json value={order.request} />
                </details>
                <details open>
                  <summary>{t('sig.response')}</summary>
                  <Json value={order.response ?? order.error} />
                </details>
              </article>
            ))}
          </section>
        </>
      ) : null}
    </div>
  );
}
