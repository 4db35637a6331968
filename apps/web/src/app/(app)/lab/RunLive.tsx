'use client';

import { useRouter } from 'next/navigation';
import { useId, useState, type FormEvent } from 'react';
import { ErrorMessage, FieldError, Loading } from '@/components/ui';
import { ApiError, useApi, useResource } from '@/lib/api';
import { useFieldErrors } from '@/lib/field-errors';
import { useI18n } from '@/lib/i18n';
import type { Account, AccountList, BacktestResult, Bot } from '@/lib/types';

const FIELDS = ['account_id', 'symbol', 'timeframe', 'params', 'plan'] as const;
type Field = (typeof FIELDS)[number];
const OVERRIDES = {
  timeframe: { custom: 'bot.err.timeframe' },
  symbol: { custom: 'bot.err.symbol' },
} as const;

/** What the lab ran, as the bot takes it: the strategy, its parameters and the run's trade plan. */
export type LiveSource = {
  result: BacktestResult;
  /** The run's options (`optionsBody`), the trade plan the bot follows. */
  plan: Record<string, unknown> | undefined;
  /** The candles' symbol when the lab downloaded them (a sample or CSV has none: the user says). */
  symbol: string | undefined;
  /** The timeframe the backtest ran on (15m, 4h, …). */
  timeframe: string;
};

/**
 * The bot's plan from the lab's options: size, leverage, direction and both exits (ATR multiples
 * or percent, none stated as `*_atr: 0`). A trailing stop, a partial close, partial take-profits
 * and the break-even move are not applied by bots yet (`ignored`).
 */
export function botPlan(options: Record<string, unknown> | undefined) {
  const o = options ?? {};
  const plan: Record<string, number | string> = {};
  const copy: [string, string][] = [
    ['size_pct', 'size_pct'],
    ['leverage', 'leverage'],
    ['direction', 'direction'],
    ['stop_loss_atr', 'sl_atr'],
    ['stop_loss_pct', 'sl_pct'],
    ['take_profit_atr', 'tp_atr'],
    ['take_profit_pct', 'tp_pct'],
  ];
  for (const [from, to] of copy) {
    const value = o[from];
    if (typeof value === 'number' || typeof value === 'string') plan[to] = value;
  }
  const trailing = Number(o.trailing_atr ?? 0) > 0 || Number(o.trailing_pct ?? 0) > 0;
  const partial = o.close_pct !== undefined && Number(o.close_pct) < 100;
  const ladder = o.tp1_qty_pct !== undefined || o.break_even === true;
  return { plan, ignored: trailing || partial || ladder };
}

/** Whether orders on this account move real money: a live venue's mainnet account. */
const realMoney = (account: Account | undefined) =>
  account !== undefined && account.exchange !== 'paper' && !account.testnet;

/**
 * "Run live": a bot from the lab's strategy, parameters, trade plan, symbol and timeframe on an
 * account the user picks, started at once; a live venue's account asks first that the user knows
 * it places real orders. Then the bot's page.
 */
export function RunLive({ source }: { source: LiveSource }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  if (!open)
    return (
      <button type="button" className="secondary" onClick={() => setOpen(true)}>
        {t('lab.runLive')}
      </button>
    );
  return <RunLiveDialog source={source} onClose={() => setOpen(false)} />;
}

/** The dialog's state: accounts (active ones), the one picked, the symbol, the confirmation, and the submission. */
function useRunLive(id: string, source: LiveSource) {
  const api = useApi();
  const router = useRouter();
  const accounts = useResource<AccountList>('/api/v1/accounts-secure/list');
  const errors = useFieldErrors<Field>(id, FIELDS, OVERRIDES);
  const [accountId, setAccountId] = useState('');
  const [symbol, setSymbol] = useState(source.symbol ?? 'BTCUSDT');
  const [understood, setUnderstood] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const list = accounts.data?.accounts.filter((a) => a.is_active) ?? [];
  const account = list.find((a) => a.id === accountId) ?? list[0];
  const { plan, ignored } = botPlan(source.plan);
  const mustConfirm = account !== undefined && account.exchange !== 'paper';
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    if (errors.requireFilled({ account_id: account?.id ?? '', symbol }, ['account_id', 'symbol'])) return;
    setBusy(true);
    try {
      const bot = await api<Bot>('/api/v1/bots', {
        method: 'POST',
        body: {
          account_id: account!.id,
          strategy: source.result.strategy,
          params: source.result.params,
          symbol: symbol.trim(),
          timeframe: source.timeframe,
          plan,
          start: true,
        },
      });
      router.push(`/bots/${bot.id}`);
    } catch (e) {
      if (!errors.fromError(e)) setError(e instanceof ApiError ? e : new ApiError('INTERNAL', String(e), 0));
      setBusy(false);
    }
  };
  const pick = (next: string) => {
    errors.clear('account_id');
    setUnderstood(false);
    setAccountId(next);
  };
  const type = (next: string) => {
    errors.clear('symbol');
    setSymbol(next);
  };
  return {
    accounts,
    errors,
    list,
    account,
    symbol,
    understood,
    setUnderstood,
    busy,
    error,
    ignored,
    mustConfirm,
    submit,
    pick,
    type,
  };
}

function RunLiveDialog({ source, onClose }: { source: LiveSource; onClose: () => void }) {
  const id = useId();
  const { t } = useI18n();
  const form = useRunLive(id, source);
  const { accounts, list, account, busy, error, mustConfirm, understood, submit } = form;
  return (
    <form
      role="dialog"
      aria-labelledby={`${id}-title`}
      className="card form-grid"
      onSubmit={submit}
      noValidate
    >
      <h3 id={`${id}-title`}>{t('lab.runLiveTitle')}</h3>
      <p className="muted small">
        {t('lab.runLiveWhat', { strategy: source.result.strategy, timeframe: source.timeframe })}
      </p>
      {accounts.loading ? <Loading /> : null}
      <ErrorMessage error={accounts.error} onRetry={accounts.reload} />
      {accounts.data && list.length === 0 ? <p className="muted">{t('bot.needAccount')}</p> : null}
      {list.length > 0 ? <LiveFields id={id} form={form} /> : null}
      <ErrorMessage error={error} />
      <div>
        <button type="submit" disabled={busy || account === undefined || (mustConfirm && !understood)}>
          {busy ? t('bot.submitting') : t('lab.runLiveStart')}
        </button>{' '}
        <button type="button" className="secondary" onClick={onClose} disabled={busy}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

/** The account, the symbol, what the bot leaves out of the lab's plan, and the real-money confirmation. */
function LiveFields({ id, form }: { id: string; form: ReturnType<typeof useRunLive> }) {
  const { t } = useI18n();
  const { errors, list, account, symbol, understood, setUnderstood, ignored, mustConfirm, pick, type } = form;
  return (
    <>
      <div className="field">
        <label htmlFor={`${id}-account_id`}>{t('bot.account')}</label>
        <select
          id={`${id}-account_id`}
          value={account?.id ?? ''}
          onChange={(e) => pick(e.target.value)}
          {...errors.inputProps('account_id')}
        >
          {list.map((a) => (
            <option key={a.id} value={a.id}>
              {(a.label || t(`acc.exchange.${a.exchange}`)) +
                (a.exchange === 'paper'
                  ? ''
                  : ` · ${t(a.testnet ? 'acc.testnetBadge' : 'acc.mainnetBadge')}`)}
            </option>
          ))}
        </select>
        <FieldError formId={id} field="account_id" error={errors.errors.account_id} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-symbol`}>{t('bot.symbol')}</label>
        <input
          id={`${id}-symbol`}
          value={symbol}
          maxLength={32}
          onChange={(e) => type(e.target.value)}
          {...errors.inputProps('symbol')}
        />
        <FieldError formId={id} field="symbol" error={errors.errors.symbol} />
        <FieldError formId={id} field="timeframe" error={errors.errors.timeframe} />
      </div>
      {ignored ? <p className="notice">{t('lab.runLiveIgnored')}</p> : null}
      {mustConfirm ? (
        <div className="field checkbox">
          <input
            id={`${id}-understood`}
            type="checkbox"
            checked={understood}
            onChange={(e) => setUnderstood(e.target.checked)}
          />
          <label htmlFor={`${id}-understood`}>
            {t(realMoney(account) ? 'lab.runLiveRealMoney' : 'lab.runLiveTestnet', {
              exchange: t(`acc.exchange.${account!.exchange}`),
            })}
          </label>
        </div>
      ) : (
        <p className="muted small">{t('lab.runLivePaper')}</p>
      )}
    </>
  );
}
