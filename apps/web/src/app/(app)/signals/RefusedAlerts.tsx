'use client';

import { Empty, ErrorMessage, Loading } from '@/components/ui';
import { useResource } from '@/lib/api';
import { useI18n } from '@/lib/i18n';
import type { RefusedAlert, RefusedAlertList } from '@/lib/types';

/** What the refused alert said (action, symbol, alert id), never its secret. */
const alertText = (summary: RefusedAlert['summary']) =>
  [summary.action, summary.symbol, summary.id ? `#${summary.id}` : undefined].filter(Boolean).join(' · ') ||
  '—';

/** A table of alerts refused before authentication (wrong or missing secret), counted per minute. */
export function RefusedAlertTable({ refused }: { refused: RefusedAlert[] }) {
  const { t, dateTime } = useI18n();
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={t('sig.refused.title')}>
      <table className="phone-cards">
        <thead>
          <tr>
            <th scope="col">{t('sig.refused.last')}</th>
            <th scope="col">{t('sig.account')}</th>
            <th scope="col">{t('sig.refused.reason')}</th>
            <th scope="col">{t('sig.refused.count')}</th>
            <th scope="col">{t('sig.refused.alert')}</th>
            <th scope="col">{t('sig.sourceIp')}</th>
            <th scope="col">{t('sig.refused.first')}</th>
          </tr>
        </thead>
        <tbody>
          {refused.map((row) => (
            <tr key={row.id}>
              <td data-label={t('sig.refused.last')}>{dateTime(row.last_seen)}</td>
              <td data-label={t('sig.account')}>{row.account_label || row.account_id.slice(0, 8)}</td>
              <td data-label={t('sig.refused.reason')} className="neg">
                {row.summary.secret_present ? t('sig.refused.wrongSecret') : t('sig.refused.missingSecret')}
              </td>
              <td data-label={t('sig.refused.count')}>{row.count}</td>
              <td data-label={t('sig.refused.alert')}>{alertText(row.summary)}</td>
              <td data-label={t('sig.sourceIp')}>{row.source_ip ?? '—'}</td>
              <td data-label={t('sig.refused.first')}>{dateTime(row.first_seen)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The refused alerts of the page's account and date filters (`query`: account_id, after, before). */
export function RefusedAlerts({ query }: { query: string }) {
  const { t } = useI18n();
  const refused = useResource<RefusedAlertList>(`/api/v1/signals/refused?${query}`, 10000);
  return (
    <section className="card" aria-labelledby="refused-title">
      <h2 id="refused-title">{t('sig.refused.title')}</h2>
      <p className="muted">{t('sig.refused.intro')}</p>
      {refused.loading && !refused.data ? <Loading /> : null}
      <ErrorMessage error={refused.error} onRetry={refused.reload} />
      {refused.data && refused.data.refused.length === 0 ? <Empty>{t('sig.refused.empty')}</Empty> : null}
      {refused.data && refused.data.refused.length > 0 ? (
        <RefusedAlertTable refused={refused.data.refused} />
      ) : null}
    </section>
  );
}
