'use client';

import { useState, type FormEvent } from 'react';
import { SignalTable } from '@/components/SignalTable';
import { Empty, ErrorMessage, Loading } from '@/components/ui';
import { useResource } from '@/lib/api';
import { useI18n } from '@/lib/i18n';
import type { AccountList, SignalList } from '@/lib/types';

const STATUSES = ['received', 'executing', 'executed', 'failed', 'rejected'] as const;

/** Midnight at the start of a yyyy-mm-dd day in the browser's time zone, as ISO. */
const dayStart = (day: string, plusDays = 0) => {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y!, m! - 1, d! + plusDays).toISOString();
};

export default function SignalsPage() {
  const { t } = useI18n();
  const accounts = useResource<AccountList>('/api/v1/accounts-secure/list');
  const [draft, setDraft] = useState({ account: '', status: '', from: '', to: '' });
  const [query, setQuery] = useState('limit=100');
  const signals = useResource<SignalList>(`/api/v1/signals?${query}`, 10000);
  const apply = (event: FormEvent) => {
    event.preventDefault();
    const params = new URLSearchParams({ limit: '100' });
    if (draft.account) params.set('account_id', draft.account);
    if (draft.status) params.set('status', draft.status);
    if (draft.from) params.set('after', dayStart(draft.from));
    if (draft.to) params.set('before', dayStart(draft.to, 1));
    setQuery(params.toString());
  };
  return (
    <div className="page">
      <h1>{t('sig.title')}</h1>
      <form className="card filters" onSubmit={apply} aria-label={t('sig.filters')}>
        <div className="field">
          <label htmlFor="f-account">{t('sig.account')}</label>
          <select
            id="f-account"
            value={draft.account}
            onChange={(e) => setDraft({ ...draft, account: e.target.value })}
          >
            <option value="">{t('sig.allAccounts')}</option>
            {accounts.data?.accounts.map((a) => (
              <option key={a.id} value={a.id}>
                {(a.label || a.exchange) + ' · ' + a.id.slice(0, 8)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-status">{t('sig.status')}</label>
          <select
            id="f-status"
            value={draft.status}
            onChange={(e) => setDraft({ ...draft, status: e.target.value })}
          >
            <option value="">{t('sig.allStatuses')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`status.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-from">{t('sig.from')}</label>
          <input
            id="f-from"
            type="date"
            value={draft.from}
            onChange={(e) => setDraft({ ...draft, from: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor="f-to">{t('sig.to')}</label>
          <input
            id="f-to"
            type="date"
            value={draft.to}
            onChange={(e) => setDraft({ ...draft, to: e.target.value })}
          />
        </div>
        <div className="field">
          <button type="submit">{t('sig.apply')}</button>
        </div>
      </form>
      <section className="card">
        {signals.loading && !signals.data ? <Loading /> : null}
        <ErrorMessage error={signals.error} onRetry={signals.reload} />
        {signals.data && signals.data.signals.length === 0 ? <Empty>{t('sig.empty')}</Empty> : null}
        {signals.data && signals.data.signals.length > 0 ? (
          <SignalTable signals={signals.data.signals} />
        ) : null}
      </section>
    </div>
  );
}
