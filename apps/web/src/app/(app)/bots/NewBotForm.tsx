'use client';

import { useId, useState, type FormEvent } from 'react';
import { ErrorMessage, FieldError } from '@/components/ui';
import { ApiError, useApi, useResource } from '@/lib/api';
import { useFieldErrors } from '@/lib/field-errors';
import { useI18n } from '@/lib/i18n';
import type { Account, Bot, StrategyDecl } from '@/lib/types';

const FIELDS = ['account_id', 'name', 'strategy', 'symbol', 'timeframe', 'params'] as const;
type Field = (typeof FIELDS)[number];
const TIMEFRAMES = ['1m', '5m', '15m', '1h', '4h', '1d'] as const;
/** The server's `custom` issues of a bot definition, in the user's words. */
const OVERRIDES = {
  strategy: { custom: 'bot.err.strategy' },
  timeframe: { custom: 'bot.err.timeframe' },
  symbol: { custom: 'bot.err.symbol' },
} as const;

/** The form's fields, defaults (first account, first strategy), field errors and submission. */
function useNewBotForm(id: string, accounts: Account[], onCreated: (bot: Bot) => void) {
  const { t, locale } = useI18n();
  const api = useApi();
  const strategies = useResource<{ strategies: StrategyDecl[] }>('/api/v1/strategies');
  const errors = useFieldErrors<Field>(id, FIELDS, OVERRIDES);
  const [fields, setFields] = useState({
    account_id: '',
    name: '',
    strategy: '',
    symbol: 'BTCUSDT',
    timeframe: '1h',
  });
  const [start, setStart] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const [created, setCreated] = useState(false);
  const account = fields.account_id || accounts[0]?.id || '';
  const strategy = fields.strategy || strategies.data?.strategies[0]?.id || '';
  const set = (field: Exclude<Field, 'params'>) => (value: string) => {
    errors.clear(field);
    setCreated(false);
    setFields((f) => ({ ...f, [field]: value }));
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    if (
      errors.requireFilled({ account_id: account, strategy, symbol: fields.symbol.trim() }, [
        'account_id',
        'strategy',
        'symbol',
      ])
    )
      return;
    setBusy(true);
    try {
      const bot = await api<Bot>('/api/v1/bots', {
        method: 'POST',
        body: {
          account_id: account,
          strategy,
          symbol: fields.symbol.trim(),
          timeframe: fields.timeframe,
          ...(fields.name.trim() ? { name: fields.name.trim() } : {}),
          start,
        },
      });
      setCreated(true);
      onCreated(bot);
    } catch (e) {
      if (!errors.fromError(e)) setError(e instanceof ApiError ? e : new ApiError('INTERNAL', String(e), 0));
    } finally {
      setBusy(false);
    }
  };
  return {
    t,
    locale,
    api,
    strategies,
    errors,
    fields,
    start,
    setStart,
    busy,
    error,
    created,
    account,
    strategy,
    set,
    submit,
  };
}

/**
 * A new bot: account, strategy (its declared defaults; the lab's "Run live" carries tuned
 * parameters), symbol and timeframe. The API's field errors (unknown strategy, a timeframe the
 * venue lacks, …) are worded next to their fields.
 */
export function NewBotForm({ accounts, onCreated }: { accounts: Account[]; onCreated: (bot: Bot) => void }) {
  const id = useId();
  const form = useNewBotForm(id, accounts, onCreated);
  const { t, start, setStart, busy, error, created, strategy, submit } = form;
  if (accounts.length === 0) return <p className="card muted">{t('bot.needAccount')}</p>;
  return (
    <form className="card form-grid" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('bot.create')}</h2>
      <AccountStrategyFields id={id} form={form} accounts={accounts} />
      <MarketFields id={id} form={form} />
      <div className="field checkbox">
        <input
          id={`${id}-start`}
          type="checkbox"
          checked={start}
          onChange={(e) => setStart(e.target.checked)}
        />
        <label htmlFor={`${id}-start`}>{t('bot.startNow')}</label>
      </div>
      <ErrorMessage error={error} />
      {created ? (
        <p role="status" className="notice">
          {t('bot.created')}
        </p>
      ) : null}
      <div>
        <button type="submit" disabled={busy || !strategy}>
          {busy ? t('bot.submitting') : t('bot.submit')}
        </button>
      </div>
    </form>
  );
}

type Form = ReturnType<typeof useNewBotForm>;

/** Which account trades, and which strategy (a parameter the API refused is said under it). */
function AccountStrategyFields({ id, form, accounts }: { id: string; form: Form; accounts: Account[] }) {
  const { t, locale, strategies, errors, account, strategy, set } = form;
  return (
    <>
      <div className="field">
        <label htmlFor={`${id}-account_id`}>{t('bot.account')}</label>
        <select
          id={`${id}-account_id`}
          value={account}
          onChange={(e) => set('account_id')(e.target.value)}
          {...errors.inputProps('account_id')}
        >
          {accounts.map((a) => (
            <option key={a.id} value={a.id}>
              {(a.label || t(`acc.exchange.${a.exchange}`)) + ' · ' + a.id.slice(0, 8)}
            </option>
          ))}
        </select>
        <FieldError formId={id} field="account_id" error={errors.errors.account_id} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-strategy`}>{t('bot.strategy')}</label>
        <select
          id={`${id}-strategy`}
          value={strategy}
          onChange={(e) => set('strategy')(e.target.value)}
          {...errors.inputProps('strategy', errors.errors.params ? `${id}-params-error` : undefined)}
        >
          {strategies.data?.strategies.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name[locale]}
            </option>
          ))}
        </select>
        <FieldError formId={id} field="strategy" error={errors.errors.strategy} />
        {errors.errors.params ? (
          <small id={`${id}-params-error`} className="field-error">
            {errors.errors.params}
          </small>
        ) : null}
      </div>
    </>
  );
}

/** The symbol, timeframe and an optional name. */
function MarketFields({ id, form }: { id: string; form: Form }) {
  const { t, errors, fields, set } = form;
  return (
    <>
      <div className="field">
        <label htmlFor={`${id}-symbol`}>{t('bot.symbol')}</label>
        <input
          id={`${id}-symbol`}
          value={fields.symbol}
          onChange={(e) => set('symbol')(e.target.value)}
          maxLength={32}
          {...errors.inputProps('symbol')}
        />
        <FieldError formId={id} field="symbol" error={errors.errors.symbol} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-timeframe`}>{t('bot.timeframe')}</label>
        <select
          id={`${id}-timeframe`}
          value={fields.timeframe}
          onChange={(e) => set('timeframe')(e.target.value)}
          {...errors.inputProps('timeframe')}
        >
          {TIMEFRAMES.map((tf) => (
            <option key={tf} value={tf}>
              {tf}
            </option>
          ))}
        </select>
        <FieldError formId={id} field="timeframe" error={errors.errors.timeframe} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-name`}>{t('bot.botName')}</label>
        <input
          id={`${id}-name`}
          value={fields.name}
          onChange={(e) => set('name')(e.target.value)}
          maxLength={100}
          {...errors.inputProps('name')}
        />
        <FieldError formId={id} field="name" error={errors.errors.name} />
      </div>
    </>
  );
}
