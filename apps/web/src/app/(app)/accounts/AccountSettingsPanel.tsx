'use client';

import { useEffect, useState, type FormEvent } from 'react';
import { ErrorMessage, FieldError } from '@/components/ui';
import { ApiError, useApi } from '@/lib/api';
import { useFieldErrors } from '@/lib/field-errors';
import { useI18n } from '@/lib/i18n';
import type { MessageKey } from '@/lib/messages';
import type { AccountSettings } from '@/lib/types';

/** The form's fields, named as the API's so its field errors land next to them. */
const FIELDS = [
  'default_size.value',
  'default_leverage',
  'margin_mode',
  'stop_loss.multiplier',
  'stop_loss.percent',
  'take_profit.multiplier',
  'take_profit.percent',
  'max_leverage',
  'max_position_notional',
  'max_open_positions',
  'daily_loss_limit',
  'protection_policy',
] as const;
type Field = (typeof FIELDS)[number];

type Exit = AccountSettings['stop_loss'];
type Draft = {
  sizeKind: 'pct' | 'usdt';
  size: string;
  leverage: string;
  marginMode: 'cross' | 'isolated';
  slType: Exit['type'];
  sl: string;
  tpType: Exit['type'];
  tp: string;
  maxLeverage: string;
  maxNotional: string;
  maxPositions: string;
  dailyLoss: string;
  policy: AccountSettings['protection_policy'];
};

const exitValue = (exit: Exit) =>
  exit.type === 'atr' ? String(exit.multiplier) : exit.type === 'percent' ? String(exit.percent) : '';

function draftOf(s: AccountSettings): Draft {
  return {
    sizeKind: s.default_size.kind,
    size: String(s.default_size.value),
    leverage: String(s.default_leverage),
    marginMode: s.margin_mode,
    slType: s.stop_loss.type,
    sl: exitValue(s.stop_loss),
    tpType: s.take_profit.type,
    tp: exitValue(s.take_profit),
    maxLeverage: s.max_leverage === null ? '' : String(s.max_leverage),
    maxNotional: s.max_position_notional ?? '',
    maxPositions: s.max_open_positions === null ? '' : String(s.max_open_positions),
    dailyLoss: s.daily_loss_limit ?? '',
    policy: s.protection_policy,
  };
}

/** A number as typed, or the text itself so the API names what is wrong with it. */
const numberOr = (text: string): number => (text.trim() === '' ? NaN : Number(text.trim()));
const exitBody = (type: Exit['type'], value: string) =>
  type === 'none'
    ? { type }
    : type === 'atr'
      ? { type, multiplier: numberOr(value) }
      : { type, percent: numberOr(value) };

function bodyOf(d: Draft) {
  const optional = (text: string, asNumber: boolean) =>
    text.trim() === '' ? null : asNumber ? numberOr(text) : text.trim();
  return {
    default_size:
      d.sizeKind === 'pct'
        ? { kind: 'pct', value: numberOr(d.size) }
        : { kind: 'usdt', value: d.size.trim() },
    default_leverage: numberOr(d.leverage),
    margin_mode: d.marginMode,
    stop_loss: exitBody(d.slType, d.sl),
    take_profit: exitBody(d.tpType, d.tp),
    max_leverage: optional(d.maxLeverage, true),
    max_position_notional: optional(d.maxNotional, false),
    max_open_positions: optional(d.maxPositions, true),
    daily_loss_limit: optional(d.dailyLoss, false),
    protection_policy: d.policy,
  };
}

/**
 * The account's trading settings (`GET/PUT /accounts-secure/{id}/settings`): default size, leverage
 * and margin mode, the default stop-loss / take-profit (the trade plan), the caps, the daily loss
 * limit and what to do with a position found without its stop. Field errors beside their fields.
 */
// eslint-disable-next-line max-lines-per-function -- one form: its fields, their errors and the save
export function AccountSettingsPanel({ accountId }: { accountId: string }) {
  const { t } = useI18n();
  const api = useApi();
  const formId = `settings-${accountId}`;
  const errors = useFieldErrors<Field>(formId, FIELDS);
  const [draft, setDraft] = useState<Draft>();
  const [saved, setSaved] = useState<AccountSettings>();
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api<AccountSettings>(`/api/v1/accounts-secure/${accountId}/settings`)
      .then((settings) => {
        setSaved(settings);
        setDraft(draftOf(settings));
      })
      .catch((e: unknown) => setError(e instanceof ApiError ? e : undefined));
  }, [api, accountId]);

  if (!draft) return <ErrorMessage error={error} />;
  const change =
    (key: keyof Draft, ...fields: Field[]) =>
    (value: string) => {
      for (const field of fields) errors.clear(field);
      setDraft({ ...draft, [key]: value });
    };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const answer = await api<AccountSettings>(`/api/v1/accounts-secure/${accountId}/settings`, {
        method: 'PUT',
        body: bodyOf(draft),
      });
      setSaved(answer);
      setDraft(draftOf(answer));
      errors.clear();
    } catch (e) {
      if (!errors.fromError(e)) setError(e instanceof ApiError ? e : undefined);
    } finally {
      setBusy(false);
    }
  };

  const field = (
    name: Field,
    label: MessageKey,
    value: string,
    onChange: (v: string) => void,
    hint?: MessageKey,
  ) => (
    <div className="field">
      <label htmlFor={`${formId}-${name}`}>{t(label)}</label>
      <input
        id={`${formId}-${name}`}
        inputMode="decimal"
        value={value}
        onChange={(event) => onChange(event.target.value)}
        {...errors.inputProps(name)}
      />
      {hint ? <small>{t(hint)}</small> : null}
      <FieldError formId={formId} field={name} error={errors.errors[name]} />
    </div>
  );
  const exitField = (which: 'stop_loss' | 'take_profit') => {
    const type = which === 'stop_loss' ? draft.slType : draft.tpType;
    const value = which === 'stop_loss' ? draft.sl : draft.tp;
    const typeKey = which === 'stop_loss' ? 'slType' : 'tpType';
    const valueKey = which === 'stop_loss' ? 'sl' : 'tp';
    const name: Field = type === 'percent' ? `${which}.percent` : `${which}.multiplier`;
    return (
      <fieldset>
        <legend>{t(which === 'stop_loss' ? 'accSet.stopLoss' : 'accSet.takeProfit')}</legend>
        <select
          aria-label={t(which === 'stop_loss' ? 'accSet.stopLossType' : 'accSet.takeProfitType')}
          value={type}
          onChange={(event) => change(typeKey, `${which}.multiplier`, `${which}.percent`)(event.target.value)}
        >
          <option value="atr">{t('accSet.exitAtr')}</option>
          <option value="percent">{t('accSet.exitPercent')}</option>
          <option value="none">{t('accSet.exitNone')}</option>
        </select>
        {type === 'none'
          ? null
          : field(
              name,
              type === 'atr' ? 'accSet.atrMultiple' : 'accSet.percent',
              value,
              change(valueKey, name),
            )}
      </fieldset>
    );
  };

  return (
    <form id={formId} className="account-settings" onSubmit={submit} noValidate>
      <h3>{t('accSet.title')}</h3>
      <PauseNotice settings={saved} />
      <fieldset>
        <legend>{t('accSet.size')}</legend>
        <select
          aria-label={t('accSet.sizeKind')}
          value={draft.sizeKind}
          onChange={(event) => change('sizeKind', 'default_size.value')(event.target.value)}
        >
          <option value="pct">{t('accSet.sizePct')}</option>
          <option value="usdt">{t('accSet.sizeUsdt')}</option>
        </select>
        {field('default_size.value', 'accSet.sizeValue', draft.size, change('size', 'default_size.value'))}
      </fieldset>
      {field('default_leverage', 'accSet.leverage', draft.leverage, change('leverage', 'default_leverage'))}
      <div className="field">
        <label htmlFor={`${formId}-margin_mode`}>{t('accSet.marginMode')}</label>
        <select
          id={`${formId}-margin_mode`}
          value={draft.marginMode}
          onChange={(event) => change('marginMode', 'margin_mode')(event.target.value)}
        >
          <option value="cross">{t('accSet.cross')}</option>
          <option value="isolated">{t('accSet.isolated')}</option>
        </select>
      </div>
      {exitField('stop_loss')}
      {exitField('take_profit')}
      <fieldset>
        <legend>{t('accSet.caps')}</legend>
        {field(
          'max_leverage',
          'accSet.maxLeverage',
          draft.maxLeverage,
          change('maxLeverage', 'max_leverage'),
          'accSet.emptyNoCap',
        )}
        {field(
          'max_position_notional',
          'accSet.maxNotional',
          draft.maxNotional,
          change('maxNotional', 'max_position_notional'),
        )}
        {field(
          'max_open_positions',
          'accSet.maxPositions',
          draft.maxPositions,
          change('maxPositions', 'max_open_positions'),
        )}
        {field(
          'daily_loss_limit',
          'accSet.dailyLoss',
          draft.dailyLoss,
          change('dailyLoss', 'daily_loss_limit'),
          'accSet.dailyLossHint',
        )}
      </fieldset>
      <div className="field">
        <label htmlFor={`${formId}-protection_policy`}>{t('accSet.policy')}</label>
        <select
          id={`${formId}-protection_policy`}
          value={draft.policy}
          onChange={(event) => change('policy', 'protection_policy')(event.target.value)}
        >
          <option value="reprotect">{t('accSet.policyReprotect')}</option>
          <option value="close">{t('accSet.policyClose')}</option>
          <option value="alert">{t('accSet.policyAlert')}</option>
        </select>
      </div>
      <button type="submit" disabled={busy}>
        {t('accSet.save')}
      </button>
      <ErrorMessage error={error} />
    </form>
  );
}

/** Says when new entries are paused, by the user or by the daily loss limit (until when). */
function PauseNotice({ settings }: { settings: AccountSettings | undefined }) {
  const { t, dateTime } = useI18n();
  if (!settings) return null;
  return (
    <p className="notice" role="status">
      {t('accSet.todayPnl', { pnl: settings.today_net_pnl })}
      {settings.entries_paused ? ` · ${t('accSet.pausedByUser')}` : ''}
      {settings.loss_paused_until
        ? ` · ${t('accSet.pausedByLoss', { until: dateTime(settings.loss_paused_until) })}`
        : ''}
    </p>
  );
}
