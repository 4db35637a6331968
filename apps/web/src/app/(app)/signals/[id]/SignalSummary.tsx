'use client';

import { accountName } from '@/components/SignalTable';
import { Json, StatusBadge } from '@/components/ui';
import { useI18n } from '@/lib/i18n';
import type { SignalDetail } from '@/lib/types';

/** The result's message ("No open long position to close"), when it has one. */
const resultMessage = (result: unknown) => {
  const message = (result as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : '';
};

/** The signal itself: outcome, times, account, what it traded, source, error, and the payload and result as JSON. */
export function SignalSummary({ signal: s }: { signal: SignalDetail }) {
  const { t, dateTime, num } = useI18n();
  return (
    <section className="card">
      <dl className="kv">
        <div>
          <dt>{t('sig.status')}</dt>
          <dd>
            <StatusBadge status={s.outcome} />
            {s.outcome === 'nothing_to_do' ? (
              <p className="muted">{t('sig.nothingToDo', { message: resultMessage(s.result) })}</p>
            ) : null}
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
            {accountName(s)} <code>{s.account_id}</code>
          </dd>
        </div>
        <div>
          <dt>{t('sig.qty')}</dt>
          <dd>{num(s.qty, 8)}</dd>
        </div>
        <div>
          <dt>{t('sig.price')}</dt>
          <dd>{num(s.price, 8)}</dd>
        </div>
        <div>
          <dt>{t('sig.pnl')}</dt>
          <dd>{num(s.realized_pnl, 2)}</dd>
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
