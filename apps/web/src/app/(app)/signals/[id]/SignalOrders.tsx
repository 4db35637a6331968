'use client';

import { Json } from '@/components/ui';
import { useI18n } from '@/lib/i18n';
import { term } from '@/lib/messages';
import type { Order } from '@/lib/types';

/** The orders the signal placed, each with the request sent to the exchange and its answer. */
export function SignalOrders({ orders }: { orders: Order[] }) {
  const { t } = useI18n();
  return (
    <section className="card" aria-labelledby="orders">
      <h2 id="orders">{t('sig.orders')}</h2>
      {orders.length === 0 ? <p className="empty">{t('sig.noOrders')}</p> : null}
      {orders.map((order) => (
        <OrderCard key={order.id} order={order} />
      ))}
    </section>
  );
}

function OrderCard({ order }: { order: Order }) {
  const { t, num, locale } = useI18n();
  return (
    <article className="order" data-testid="order">
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
  );
}
