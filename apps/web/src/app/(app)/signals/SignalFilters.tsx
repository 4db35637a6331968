'use client';

import { useState, type FormEvent } from 'react';
import { useI18n } from '@/lib/i18n';
import type { AccountList } from '@/lib/types';

const OUTCOMES = ['received', 'executing', 'executed', 'nothing_to_do', 'failed', 'rejected'] as const;

/** Midnight at the start of a yyyy-mm-dd day in the browser's time zone, as ISO. */
const dayStart = (day: string, plusDays = 0) => {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y!, m! - 1, d! + plusDays).toISOString();
};

export type SignalQuery = { scope: URLSearchParams; signals: URLSearchParams };

/**
 * The signals log's filters: account, outcome, symbol and date range. `onApply` gets the query of
 * the signals list and the scope (account and dates) that the refused alerts share.
 */
export function SignalFilters({
  accounts,
  onApply,
}: {
  accounts: AccountList | undefined;
  onApply: (query: SignalQuery) => void;
}) {
  const { t } = useI18n();
  const [draft, setDraft] = useState({ account: '', outcome: '', symbol: '', from: '', to: '' });
  const apply = (event: FormEvent) => {
    event.preventDefault();
    const scope = new URLSearchParams();
    if (draft.account) scope.set('account_id', draft.account);
    if (draft.from) scope.set('after', dayStart(draft.from));
    if (draft.to) scope.set('before', dayStart(draft.to, 1));
    const signals = new URLSearchParams(scope);
    if (draft.outcome) signals.set('outcome', draft.outcome);
    if (draft.symbol.trim()) signals.set('symbol', draft.symbol.trim());
    onApply({ scope, signals });
  };
  const field = (name: keyof typeof draft) => ({
    id: `f-${name}`,
    value: draft[name],
    onChange: (e: { target: { value: string } }) => setDraft({ ...draft, [name]: e.target.value }),
  });
  return (
    <form className="card filters" onSubmit={apply} aria-label={t('sig.filters')}>
      <div className="field">
        <label htmlFor="f-account">{t('sig.account')}</label>
        <select {...field('account')}>
          <option value="">{t('sig.allAccounts')}</option>
          {accounts?.accounts.map((a) => (
            <option key={a.id} value={a.id}>
              {(a.label || a.exchange) + ' · ' + a.id.slice(0, 8)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="f-outcome">{t('sig.status')}</label>
        <select {...field('outcome')}>
          <option value="">{t('sig.allOutcomes')}</option>
          {OUTCOMES.map((s) => (
            <option key={s} value={s}>
              {t(`status.${s}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="f-symbol">{t('sig.symbolFilter')}</label>
        <input {...field('symbol')} type="text" maxLength={40} autoComplete="off" />
      </div>
      <div className="field">
        <label htmlFor="f-from">{t('sig.from')}</label>
        <input {...field('from')} type="date" />
      </div>
      <div className="field">
        <label htmlFor="f-to">{t('sig.to')}</label>
        <input {...field('to')} type="date" />
      </div>
      <div className="field">
        <button type="submit">{t('sig.apply')}</button>
      </div>
    </form>
  );
}
