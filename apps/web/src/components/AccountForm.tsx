'use client';

import { useId, useState, type FormEvent } from 'react';
import {
  PAPER_MARKET_DATA,
  VENUE_FACTS,
  VENUE_IDS,
  type PaperMarketData,
  type VenueId,
} from '@tradingbot/core/venues';
import { useI18n } from '@/lib/i18n';
import { ApiError } from '@/lib/api';
import type { MessageKey } from '@/lib/messages';
import { useFieldErrors, type FieldErrors, type IssueOverrides } from '@/lib/field-errors';
import type { RegisteredAccount } from '@/lib/types';
import { ErrorMessage, FieldError } from './ui';

export type AccountInput = {
  exchange: VenueId;
  /** Absent for paper accounts: the simulated venue signs nothing. */
  api_key?: string;
  api_secret?: string;
  passphrase?: string;
  testnet?: boolean;
  label?: string;
  /** Ask the venue whether the keys work before saving (always, for live venues). */
  verify_keys?: boolean;
  /** Save even though the venue could not be reached to check them (the user chose to). */
  save_if_unreachable?: boolean;
  /** Paper accounts: what moves its prices (synthetic, or a venue's public market data). */
  market_data?: PaperMarketData;
};

type Submit = (input: AccountInput) => Promise<RegisteredAccount>;

const FIELDS = [
  'exchange',
  'api_key',
  'api_secret',
  'passphrase',
  'label',
  'testnet',
  'market_data',
] as const;
type Field = (typeof FIELDS)[number];

/** The venue's own wording for a key or secret that does not have its shape (the API's `custom` issue). */
function overridesFor(exchange: VenueId): IssueOverrides {
  if (exchange === 'binance')
    return { api_key: { custom: 'acc.err.binanceKey' }, api_secret: { custom: 'acc.err.binanceSecret' } };
  if (exchange === 'okx')
    return {
      api_key: { custom: 'acc.err.okxKey' },
      api_secret: { custom: 'acc.err.okxSecret' },
      passphrase: { custom: 'form.required' },
    };
  return {};
}

/**
 * The account registration form: exchange select (every venue of `VENUE_IDS`), API key, secret as a
 * password field, passphrase only for venues that need one (OKX), "use testnet (recommended)"
 * checked by default. A paper account needs none of these: it trades a simulated venue, and the
 * form says so instead.
 */
export function AccountForm({ onSubmit }: { onSubmit: Submit }) {
  const { t } = useI18n();
  const id = useId();
  const form = useAccountForm(id, onSubmit);
  const { fields, set, errors } = form;

  return (
    <form
      method="post"
      onSubmit={form.submit}
      noValidate
      className="card form-grid"
      aria-labelledby={`${id}-title`}
    >
      <h2 id={`${id}-title`}>{t('acc.addTitle')}</h2>
      <div className="field">
        <label htmlFor={`${id}-exchange`}>{t('acc.exchange')}</label>
        <select
          id={`${id}-exchange`}
          value={fields.exchange}
          onChange={(e) => set.exchange(e.target.value as VenueId)}
          {...errors.inputProps('exchange', form.isPaper ? `${id}-paper-hint` : undefined)}
        >
          {VENUE_IDS.map((venue) => (
            <option key={venue} value={venue}>
              {t(`acc.exchange.${venue}`)}
            </option>
          ))}
        </select>
        <FieldError formId={id} field="exchange" error={errors.errors.exchange} />
      </div>
      {form.isPaper ? (
        <div id={`${id}-paper-hint`} className="notice paper-hint">
          <p>{t('acc.paperExplain')}</p>
          <p className="muted">{t('acc.paperNoKeys')}</p>
        </div>
      ) : (
        <KeyFields id={id} form={form} />
      )}
      <div className="field">
        <label htmlFor={`${id}-label`}>{t('acc.label')}</label>
        <input
          id={`${id}-label`}
          value={fields.label}
          onChange={(e) => set.label(e.target.value)}
          maxLength={64}
          {...errors.inputProps('label')}
        />
        <FieldError formId={id} field="label" error={errors.errors.label} />
      </div>
      {form.isPaper ? <MarketDataField id={id} form={form} /> : null}
      {form.isPaper ? null : <TestnetField id={id} testnet={fields.testnet} onChange={set.testnet} />}
      <RegistrationError error={form.error} onSaveAnyway={form.saveAnyway} busy={form.busy} />
      {form.unchecked ? (
        <p role="status" className="notice warn">
          {t('acc.savedUnchecked')}
        </p>
      ) : null}
      <div>
        <button type="submit" disabled={form.busy}>
          {form.busy ? t('acc.submitting') : t('acc.submit')}
        </button>
      </div>
    </form>
  );
}

/** The API key, secret (with the Binance Ed25519 hint) and, where the venue needs one, the passphrase. */
function KeyFields({ id, form }: { id: string; form: ReturnType<typeof useAccountForm> }) {
  const { t } = useI18n();
  const { fields, set, errors } = form;
  return (
    <>
      <TextField
        formId={id}
        field="api_key"
        errors={errors}
        label={t('acc.apiKey')}
        type="text"
        autoComplete="off"
        spellCheck={false}
        value={fields.apiKey}
        onChange={set.apiKey}
      />
      <TextField
        formId={id}
        field="api_secret"
        errors={errors}
        label={t('acc.apiSecret')}
        type="password"
        autoComplete="new-password"
        spellCheck={false}
        value={fields.apiSecret}
        onChange={set.apiSecret}
      />
      {fields.exchange === 'binance' ? (
        <small id={`${id}-secret-hint`} className="muted">
          {t('acc.apiSecretHint.binance')} <code>openssl genpkey -algorithm ed25519 -out key.pem</code>
          {' · '}
          <code>openssl pkey -in key.pem -pubout</code>
        </small>
      ) : null}
      {form.needsPassphrase ? (
        <TextField
          formId={id}
          field="passphrase"
          errors={errors}
          label={t('acc.passphrase')}
          type="password"
          autoComplete="new-password"
          value={fields.passphrase}
          onChange={set.passphrase}
        />
      ) : null}
    </>
  );
}

/** A paper account's price source: the synthetic feed (offline) or a venue's public market data. */
function MarketDataField({ id, form }: { id: string; form: ReturnType<typeof useAccountForm> }) {
  const { t } = useI18n();
  const { fields, set, errors } = form;
  return (
    <div className="field">
      <label htmlFor={`${id}-market_data`}>{t('acc.marketData')}</label>
      <select
        id={`${id}-market_data`}
        value={fields.marketData}
        onChange={(e) => set.marketData(e.target.value as PaperMarketData)}
        {...errors.inputProps('market_data', `${id}-market-data-hint`)}
      >
        {PAPER_MARKET_DATA.map((source) => (
          <option key={source} value={source}>
            {t(`acc.marketData.${source}`)}
          </option>
        ))}
      </select>
      <small id={`${id}-market-data-hint`} className="muted">
        {t('acc.marketDataHint')}
      </small>
      <FieldError formId={id} field="market_data" error={errors.errors.market_data} />
    </div>
  );
}

/** The form's fields, their validation (required ones empty, the API's issues) and the submission. */
function useAccountForm(formId: string, onSubmit: Submit) {
  const [exchange, setExchange] = useState<VenueId>('binance');
  const [apiKey, setApiKey] = useState('');
  const [apiSecret, setApiSecret] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [testnet, setTestnet] = useState(true);
  const [label, setLabel] = useState('');
  const [marketData, setMarketData] = useState<PaperMarketData>('synthetic');
  const [busy, setBusy] = useState(false);
  const isPaper = !VENUE_FACTS[exchange].live;
  const needsPassphrase = VENUE_FACTS[exchange].needsPassphrase;
  const [error, setError] = useState<ApiError | Error>();
  const errors = useFieldErrors<Field>(formId, FIELDS, overridesFor(exchange));
  const [lastInput, setLastInput] = useState<AccountInput>();
  const [unchecked, setUnchecked] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    const required: Field[] = isPaper
      ? []
      : ['api_key', 'api_secret', ...(needsPassphrase ? (['passphrase'] as const) : [])];
    if (errors.requireFilled({ api_key: apiKey, api_secret: apiSecret, passphrase }, required)) return;
    await send({
      exchange,
      ...(isPaper
        ? { market_data: marketData }
        : {
            api_key: apiKey.trim(),
            api_secret: apiSecret.trim(),
            ...(needsPassphrase ? { passphrase: passphrase.trim() } : {}),
            testnet,
            verify_keys: true,
          }),
      ...(label.trim() ? { label: label.trim() } : {}),
    });
  };

  const send = async (input: AccountInput) => {
    setBusy(true);
    setError(undefined);
    setUnchecked(false);
    try {
      const created = await onSubmit(input);
      setUnchecked(created.keys_check === 'unreachable');
      setLastInput(undefined);
      setApiKey('');
      setApiSecret('');
      setPassphrase('');
      setLabel('');
    } catch (e) {
      if (!errors.fromError(e)) setError(e as ApiError);
      setLastInput(input);
    } finally {
      setBusy(false);
    }
  };

  /** After VENUE_UNREACHABLE, the same registration again, saved without the check. */
  const saveAnyway = () => lastInput && send({ ...lastInput, save_if_unreachable: true });

  /** A changed field loses its error; another exchange is another form, so all errors go. */
  const changed =
    <T,>(field: Field, setter: (value: T) => void) =>
    (value: T) => {
      errors.clear(field);
      setter(value);
    };

  return {
    fields: { exchange, apiKey, apiSecret, passphrase, testnet, label, marketData },
    set: {
      exchange: (value: VenueId) => {
        errors.clear();
        setError(undefined);
        setExchange(value);
      },
      apiKey: changed('api_key', setApiKey),
      apiSecret: changed('api_secret', setApiSecret),
      passphrase: changed('passphrase', setPassphrase),
      testnet: changed('testnet', setTestnet),
      label: changed('label', setLabel),
      marketData: changed('market_data', setMarketData),
    },
    isPaper,
    needsPassphrase,
    errors,
    busy,
    error,
    submit,
    saveAnyway,
    unchecked,
  };
}

/** A text or password input with its label and, once there is one, its error under it. */
function TextField({
  formId,
  field,
  errors,
  label,
  type,
  autoComplete,
  spellCheck,
  value,
  onChange,
}: {
  formId: string;
  field: Field;
  errors: FieldErrors<Field>;
  label: string;
  type: 'text' | 'password';
  autoComplete: string;
  spellCheck?: boolean;
  value: string;
  onChange: (value: string) => void;
}) {
  const inputId = `${formId}-${field}`;
  return (
    <div className="field">
      <label htmlFor={inputId}>{label}</label>
      <input
        id={inputId}
        type={type}
        autoComplete={autoComplete}
        spellCheck={spellCheck}
        required
        value={value}
        onChange={(e) => onChange(e.target.value)}
        {...errors.inputProps(field)}
      />
      <FieldError formId={formId} field={field} error={errors.errors[field]} />
    </div>
  );
}

/**
 * Why the registration failed: a venue's refusal of the keys in words (what to fix), a venue that
 * could not be reached with the choice to save without the check, or any other error.
 */
export function RegistrationError({
  error,
  onSaveAnyway,
  busy,
}: {
  error: ApiError | Error | undefined;
  onSaveAnyway: () => void;
  busy: boolean;
}) {
  const { t } = useI18n();
  if (!(error instanceof ApiError)) return <ErrorMessage error={error} />;
  if (error.code === 'ACCOUNT_KEYS_REJECTED') {
    return (
      <div role="alert" className="error">
        <span>{t('acc.keysRejected', { reason: keyReason(t, error.details?.['reason']) })}</span>
      </div>
    );
  }
  if (error.code === 'VENUE_UNREACHABLE') {
    return (
      <div role="alert" className="error">
        <span>{t('acc.unreachable', { code: String(error.details?.['code'] ?? error.code) })}</span>{' '}
        <button type="button" className="secondary" disabled={busy} onClick={onSaveAnyway}>
          {t('acc.saveAnyway')}
        </button>
      </div>
    );
  }
  return <ErrorMessage error={error} />;
}

const KEY_REASONS = [
  'wrong_key',
  'wrong_secret',
  'wrong_passphrase',
  'ip_not_allowed',
  'no_futures_permission',
  'testnet_mismatch',
  'key_ip_or_permission',
  'rejected',
] as const;

/** A venue's refusal reason (services/account-key-check.ts on the server) in the user's language. */
export function keyReason(
  t: (key: MessageKey, vars?: Record<string, string | number>) => string,
  reason: unknown,
): string {
  const known = KEY_REASONS.find((r) => r === reason) ?? 'rejected';
  return t(`acc.keys.${known}`);
}

/** "Use testnet (recommended)", with a warning under it once unchecked. */
function TestnetField({
  id,
  testnet,
  onChange,
}: {
  id: string;
  testnet: boolean;
  onChange: (on: boolean) => void;
}) {
  const { t } = useI18n();
  return (
    <div className="field checkbox">
      <input
        id={`${id}-testnet`}
        type="checkbox"
        checked={testnet}
        onChange={(e) => onChange(e.target.checked)}
        aria-describedby={`${id}-testnet-hint`}
      />
      <label htmlFor={`${id}-testnet`}>{t('acc.testnet')}</label>
      <small id={`${id}-testnet-hint`} className={testnet ? 'muted' : 'warn-text'}>
        {testnet ? t('acc.testnetHint') : t('acc.mainnetWarning')}
      </small>
    </div>
  );
}
