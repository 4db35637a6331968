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

/**
 * The account registration form: exchange select (every venue of `VENUE_IDS`), API key, secret as a
 * password field, passphrase only for venues that need one (OKX), "use testnet (recommended)"
 * checked by default.
 */
export function AccountForm({ onSubmit }: { onSubmit: (input: AccountInput) => Promise<RegisteredAccount> }) {
  const { t } = useI18n();
  const id = useId();
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

  const fieldError = (name: string) =>
    missing.includes(name) ? (
      <small id={`${id}-${name}-error`} className="field-error">
        {t('acc.required')}
      </small>
    ) : null;
  const described = (name: string) => (missing.includes(name) ? `${id}-${name}-error` : undefined);

  return (
    <form
      method="post"
      onSubmit={submit}
      noValidate
      className="card form-grid"
      aria-labelledby={`${id}-title`}
    >
      <h2 id={`${id}-title`}>{t('acc.addTitle')}</h2>
      <div className="field">
        <label htmlFor={`${id}-exchange`}>{t('acc.exchange')}</label>
        <select
          id={`${id}-exchange`}
          value={exchange}
          onChange={(e) => setExchange(e.target.value as AccountInput['exchange'])}
        >
          {VENUE_IDS.map((venue) => (
            <option key={venue} value={venue}>
              {t(`acc.exchange.${venue}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-key`}>{t('acc.apiKey')}</label>
        <input
          id={`${id}-key`}
          type="text"
          autoComplete="off"
          spellCheck={false}
          required
          aria-invalid={missing.includes('api_key') || undefined}
          aria-describedby={described('api_key')}
          value={apiKey}
          onChange={(e) => setApiKey(e.target.value)}
        />
        {fieldError('api_key')}
      </div>
      <div className="field">
        <label htmlFor={`${id}-secret`}>{t('acc.apiSecret')}</label>
        <input
          id={`${id}-secret`}
          type="password"
          autoComplete="new-password"
          spellCheck={false}
          required
          aria-invalid={missing.includes('api_secret') || undefined}
          aria-describedby={described('api_secret')}
          value={apiSecret}
          onChange={(e) => setApiSecret(e.target.value)}
        />
        {fieldError('api_secret')}
      </div>
      {needsPassphrase ? (
        <div className="field">
          <label htmlFor={`${id}-passphrase`}>{t('acc.passphrase')}</label>
          <input
            id={`${id}-passphrase`}
            type="password"
            autoComplete="new-password"
            required
            aria-invalid={missing.includes('passphrase') || undefined}
            aria-describedby={described('passphrase')}
            value={passphrase}
            onChange={(e) => setPassphrase(e.target.value)}
          />
          {fieldError('passphrase')}
        </div>
      ) : null}
      <div className="field">
        <label htmlFor={`${id}-label`}>{t('acc.label')}</label>
        <input id={`${id}-label`} value={label} onChange={(e) => setLabel(e.target.value)} maxLength={64} />
      </div>
      <div className="field checkbox">
        <input
          id={`${id}-testnet`}
          type="checkbox"
          checked={testnet}
          onChange={(e) => setTestnet(e.target.checked)}
          aria-describedby={`${id}-testnet-hint`}
        />
        <label htmlFor={`${id}-testnet`}>{t('acc.testnet')}</label>
        <small id={`${id}-testnet-hint`} className={testnet ? 'muted' : 'warn-text'}>
          {testnet ? t('acc.testnetHint') : t('acc.mainnetWarning')}
        </small>
      </div>
      <ErrorMessage error={error} />
      <div>
        <button type="submit" disabled={busy}>
          {busy ? t('acc.submitting') : t('acc.submit')}
        </button>
      </div>
    </form>
  );
}
