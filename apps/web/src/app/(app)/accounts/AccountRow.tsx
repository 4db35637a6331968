'use client';

import { useState } from 'react';
import { keyReason } from '@/components/AccountForm';
import { MarketDataBadge } from '@/components/MarketDataBadge';
import { ErrorMessage } from '@/components/ui';
import { ApiError, useApi } from '@/lib/api';
import { useI18n } from '@/lib/i18n';
import type { Account, ConnectionTest, WebhookSecretRotated } from '@/lib/types';
import { AccountControls } from './AccountControls';
import { AccountSettingsPanel } from './AccountSettingsPanel';

type Confirming = 'delete' | 'rotate' | null;

/** One registered account: what it is, and its actions (toggle, test, rotate the secret, delete). */
export function AccountRow({
  account,
  onChanged,
  onDeleted,
  onRotated,
}: {
  account: Account;
  onChanged: () => void;
  onDeleted: () => void;
  onRotated: (secret: string) => void;
}) {
  const { t } = useI18n();
  const api = useApi();
  const [confirming, setConfirming] = useState<Confirming>(null);
  const [test, setTest] = useState<{ ok: boolean; text: string } | null>(null);
  const { busy, error, run } = useAction();

  const toggle = () =>
    run(async () => {
      await api(`/api/v1/accounts-secure/${account.id}/toggle`, { method: 'POST' });
      onChanged();
    });
  const testConnection = () =>
    run(async () => {
      setTest({ ok: true, text: t('acc.testing') });
      const answer = await api<ConnectionTest>(`/api/v1/accounts-secure/${account.id}/test`, {
        method: 'POST',
      });
      setTest(
        answer.ok && answer.balance
          ? {
              ok: true,
              text: t('acc.testOk', {
                total: answer.balance.total,
                asset: answer.balance.asset,
                available: answer.balance.available,
              }),
            }
          : {
              ok: false,
              text: t('acc.testFailed', {
                message: answer.error?.reason
                  ? keyReason(t, answer.error.reason)
                  : (answer.error?.message ?? ''),
              }),
            },
      );
    }).catch(() => setTest(null));
  // With two-factor authentication on, both need a fresh code (X-TOTP-Code).
  const confirm = (totpCode: string) =>
    run(async () => {
      const headers: Record<string, string> = totpCode.trim() ? { 'x-totp-code': totpCode.trim() } : {};
      if (confirming === 'delete') {
        await api(`/api/v1/accounts-secure/${account.id}`, { method: 'DELETE', headers });
        onDeleted();
      } else {
        const answer = await api<WebhookSecretRotated>(
          `/api/v1/accounts-secure/${account.id}/webhook-secret/rotate`,
          { method: 'POST', headers },
        );
        onRotated(answer.webhook_secret);
        onChanged();
      }
      setConfirming(null);
    });

  return (
    <li className="account-row" data-testid={`account-${account.id}`}>
      <AccountSummary account={account} />
      <div className="actions">
        <button type="button" className="secondary" disabled={busy} onClick={toggle}>
          {account.is_active ? t('acc.deactivate') : t('acc.activate')}
        </button>
        <button type="button" className="secondary" disabled={busy} onClick={testConnection}>
          {t('acc.test')}
        </button>
        <button type="button" className="secondary" disabled={busy} onClick={() => setConfirming('rotate')}>
          {t('acc.rotate')}
        </button>
        <button type="button" className="danger" disabled={busy} onClick={() => setConfirming('delete')}>
          {t('acc.delete')}
        </button>
      </div>
      <TestOutcome test={test} />
      {confirming ? (
        <ConfirmDialog
          accountId={account.id}
          confirming={confirming}
          busy={busy}
          onConfirm={confirm}
          onCancel={() => setConfirming(null)}
        />
      ) : null}
      <ErrorMessage error={error} />
      <details className="account-settings-details">
        <summary>{t('acc.settings')}</summary>
        <AccountSettingsPanel accountId={account.id} />
        <AccountControls accountId={account.id} />
      </details>
    </li>
  );
}

/** A connection test's outcome: a status while it runs or when it passed, an error when it failed. */
function TestOutcome({ test }: { test: { ok: boolean; text: string } | null }) {
  if (!test) return null;
  return test.ok ? (
    <p role="status" className="notice">
      {test.text}
    </p>
  ) : (
    <p role="alert" className="error">
      {test.text}
    </p>
  );
}

/** Runs one action at a time: `busy` while it runs, its failure kept as an `ApiError` to show. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError('INTERNAL', String(e), 0));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run };
}

/** The account's name and badges (venue, testnet or mainnet, active), its id, secret hint and creation time. */
function AccountSummary({ account }: { account: Account }) {
  const { t, dateTime } = useI18n();
  const title = account.label || t(`acc.exchange.${account.exchange}`);
  return (
    <>
      <div className="account-main">
        <strong>{title}</strong>
        {account.exchange === 'paper' ? (
          <span className="badge paper">{t('acc.paperBadge')}</span>
        ) : (
          <span className="badge">{account.exchange.toUpperCase()}</span>
        )}
        {account.market_data ? <MarketDataBadge source={account.market_data} /> : null}
        {account.exchange === 'paper' ? null : (
          <span className={`badge ${account.testnet ? 'testnet' : 'mainnet'}`}>
            {account.testnet ? t('acc.testnetBadge') : t('acc.mainnetBadge')}
          </span>
        )}
        <span className={`badge ${account.is_active ? 'active' : 'inactive'}`}>
          {account.is_active ? t('acc.active') : t('acc.inactive')}
        </span>
      </div>
      <dl className="account-meta">
        <div>
          <dt>{t('acc.accountId')}</dt>
          <dd>
            <code>{account.id}</code>
          </dd>
        </div>
        <div>
          <dt>{t('acc.secretHint')}</dt>
          <dd>
            <code>…{account.webhook_secret_hint}</code>
          </dd>
        </div>
        <div>
          <dt>{t('acc.created')}</dt>
          <dd>{dateTime(account.created_at)}</dd>
        </div>
      </dl>
    </>
  );
}

/** "Really delete / rotate?" with the confirming button focused first (an account's, or a group's `texts`). */
export function ConfirmDialog({
  accountId,
  confirming,
  busy,
  onConfirm,
  onCancel,
  texts,
}: {
  accountId: string;
  confirming: 'delete' | 'rotate';
  busy: boolean;
  onConfirm: (totpCode: string) => void;
  onCancel: () => void;
  texts?: { question: string; button: string };
}) {
  const { t } = useI18n();
  const [totpCode, setTotpCode] = useState('');
  return (
    <div role="alertdialog" aria-labelledby={`confirm-${accountId}`} className="confirm">
      <p id={`confirm-${accountId}`}>
        {texts?.question ?? (confirming === 'delete' ? t('acc.confirmDelete') : t('acc.confirmRotate'))}
      </p>
      <div className="field">
        <label htmlFor={`totp-${accountId}`}>{t('acc.totpCode')}</label>
        <input
          id={`totp-${accountId}`}
          autoComplete="one-time-code"
          inputMode="numeric"
          maxLength={40}
          value={totpCode}
          onChange={(event) => setTotpCode(event.target.value)}
        />
      </div>
      <button
        type="button"
        className={confirming === 'delete' ? 'danger' : undefined}
        autoFocus
        disabled={busy}
        onClick={() => onConfirm(totpCode)}
      >
        {texts?.button ??
          (confirming === 'delete' ? t('acc.confirmDeleteButton') : t('acc.confirmRotateButton'))}
      </button>
      <button type="button" className="secondary" onClick={onCancel}>
        {t('common.cancel')}
      </button>
    </div>
  );
}
