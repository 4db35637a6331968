'use client';

import { Json, StatusBadge } from '@/components/ui';
import { useI18n } from '@/lib/i18n';
import type { SignalDetail } from '@/lib/types';

/** The signal itself: status, times, account, source, error, and the payload and result as JSON. */
export function SignalSummary({ signal: s }: { signal: SignalDetail }) {
  const { t, dateTime } = useI18n();
  return (
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
  );
}
