'use client';

import { useId, useState, type FormEvent } from 'react';
import { VENUE_FACTS, VENUE_IDS, type VenueId } from '@tradingbot/core/venues';
import { useI18n } from '@/lib/i18n';
import type { ApiError } from '@/lib/api';
import type { RegisteredAccount } from '@/lib/types';
import { ErrorMessage } from './ui';

export type AccountInput = {
  exchange: VenueId;
  api_key: string;
  api_secret: string;
  passphrase?: string;
  testnet: boolean;
  label?: string;
};

type Submit = (input: AccountInput) => Promise<RegisteredAccount>;

/**
 * The account registration form: exchange select (every venue of `VENUE_IDS`), API key, secret as a
 * password field, passphrase only for venues that need one (OKX), "use testnet (recommended)"
 * checked by default.
 */
export function AccountForm({ onSubmit }: { onSubmit: Submit }) {
  const { t } = useI18n();
  const id = useId();
  const form = useAccountForm(onSubmit);
  const { fields, set, missing } = form;

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
          onChange={(e) => set.exchange(e.target.value as AccountInput['exchange'])}
        >
          {VENUE_IDS.map((venue) => (
            <option key={venue} value={venue}>
              {t(`acc.exchange.${venue}`)}
            </option>
          ))}
        </select>
      </div>
      <RequiredField
        inputId={`${id}-key`}
        errorId={`${id}-api_key-error`}
        label={t('acc.apiKey')}
        type="text"
        autoComplete="off"
        spellCheck={false}
        missing={missing.includes('api_key')}
        value={fields.apiKey}
        onChange={set.apiKey}
      />
      <RequiredField
        inputId={`${id}-secret`}
        errorId={`${id}-api_secret-error`}
        label={t('acc.apiSecret')}
        type="password"
        autoComplete="new-password"
        spellCheck={false}
        missing={missing.includes('api_secret')}
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
        <RequiredField
          inputId={`${id}-passphrase`}
          errorId={`${id}-passphrase-error`}
          label={t('acc.passphrase')}
          type="password"
          autoComplete="new-password"
          missing={missing.includes('passphrase')}
          value={fields.passphrase}
          onChange={set.passphrase}
        />
      ) : null}
      <div className="field">
        <label htmlFor={`${id}-label`}>{t('acc.label')}</label>
        <input
          id={`${id}-label`}
          value={fields.label}
          onChange={(e) => set.label(e.target.value)}
          maxLength={64}
        />
      </div>
      <TestnetField id={id} testnet={fields.testnet} onChange={set.testnet} />
      <ErrorMessage error={form.error} />
      <div>
        <button type="submit" disabled={form.busy}>
          {form.busy ? t('acc.submitting') : t('acc.submit')}
        </button>
      </div>
    </form>
  );
}

/** The form's fields, their validation (which required ones are empty) and the submission. */
function useAccountForm(onSubmit: Submit) {
  const [exchange, setExchange] = useState<AccountInput['exchange']>('binance');
  const [apiKey, setApiKey] = useState('');
  const [apiSecret, setApiSecret] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [testnet, setTestnet] = useState(true);
  const [label, setLabel] = useState('');
  const [busy, setBusy] = useState(false);
  const needsPassphrase = VENUE_FACTS[exchange].needsPassphrase;
  const [error, setError] = useState<ApiError | Error>();
  const [missing, setMissing] = useState<string[]>([]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const empty = [
      ...(apiKey.trim() ? [] : ['api_key']),
      ...(apiSecret.trim() ? [] : ['api_secret']),
      ...(needsPassphrase && !passphrase.trim() ? ['passphrase'] : []),
    ];
    setMissing(empty);
    if (empty.length) return;
    setBusy(true);
    setError(undefined);
    try {
      await onSubmit({
        exchange,
        api_key: apiKey.trim(),
        api_secret: apiSecret.trim(),
        ...(needsPassphrase ? { passphrase: passphrase.trim() } : {}),
        testnet,
        ...(label.trim() ? { label: label.trim() } : {}),
      });
      setApiKey('');
      setApiSecret('');
      setPassphrase('');
      setLabel('');
    } catch (e) {
      setError(e as ApiError);
    } finally {
      setBusy(false);
    }
  };

  return {
    fields: { exchange, apiKey, apiSecret, passphrase, testnet, label },
    set: {
      exchange: setExchange,
      apiKey: setApiKey,
      apiSecret: setApiSecret,
      passphrase: setPassphrase,
      testnet: setTestnet,
      label: setLabel,
    },
    needsPassphrase,
    missing,
    busy,
    error,
    submit,
  };
}

/** A required text or password input that says so (and is marked invalid) when submitted empty. */
function RequiredField({
  inputId,
  errorId,
  label,
  type,
  autoComplete,
  spellCheck,
  missing,
  value,
  onChange,
}: {
  inputId: string;
  errorId: string;
  label: string;
  type: 'text' | 'password';
  autoComplete: string;
  spellCheck?: boolean;
  missing: boolean;
  value: string;
  onChange: (value: string) => void;
}) {
  const { t } = useI18n();
  return (
    <div className="field">
      <label htmlFor={inputId}>{label}</label>
      <input
        id={inputId}
        type={type}
        autoComplete={autoComplete}
        spellCheck={spellCheck}
        required
        aria-invalid={missing || undefined}
        aria-describedby={missing ? errorId : undefined}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
      {missing ? (
        <small id={errorId} className="field-error">
          {t('acc.required')}
        </small>
      ) : null}
    </div>
  );
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
