'use client';

import { useState } from 'react';
import { AccountForm, type AccountInput } from '@/components/AccountForm';
import { SecretPanel } from '@/components/SecretPanel';
import { Empty, ErrorMessage, Loading } from '@/components/ui';
import { ApiError, useApi, useResource } from '@/lib/api';
import { useI18n } from '@/lib/i18n';
import type {
  Account,
  AccountList,
  ConnectionTest,
  RegisteredAccount,
  WebhookSecretRotated,
} from '@/lib/types';

export default function AccountsPage() {
  const { t } = useI18n();
  const api = useApi();
  const list = useResource<AccountList>('/api/v1/accounts-secure/list');
  const [issued, setIssued] = useState<{ accountId: string; secret: string } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const register = async (input: AccountInput) => {
    const created = await api<RegisteredAccount>('/api/v1/accounts-secure/register', {
      method: 'POST',
      body: input,
    });
    setIssued({ accountId: created.id, secret: created.webhook_secret });
    setNotice(null);
    list.reload();
    return created;
  };

  return (
    <div className="page">
      <h1>{t('acc.title')}</h1>
      {issued ? (
        <SecretPanel accountId={issued.accountId} secret={issued.secret} onDone={() => setIssued(null)} />
      ) : null}
      <AccountForm onSubmit={register} />
      <section className="card" aria-labelledby="acc-list">
        <h2 id="acc-list">{t('acc.list')}</h2>
        {notice ? (
          <p role="status" className="notice">
            {notice}
          </p>
        ) : null}
        {list.loading && !list.data ? <Loading /> : null}
        <ErrorMessage error={list.error} onRetry={list.reload} />
        {list.data && list.data.accounts.length === 0 ? <Empty>{t('acc.empty')}</Empty> : null}
        {list.data && list.data.accounts.length > 0 ? (
          <ul className="account-list">
            {list.data.accounts.map((account) => (
              <AccountRow
                key={account.id}
                account={account}
                onChanged={list.reload}
                onDeleted={() => {
                  setNotice(t('acc.deleted'));
                  list.reload();
                }}
                onRotated={(secret) => setIssued({ accountId: account.id, secret })}
              />
            ))}
          </ul>
        ) : null}
      </section>
    </div>
  );
}

function AccountRow({
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
  const { t, dateTime } = useI18n();
  const api = useApi();
  const [confirming, setConfirming] = useState<'delete' | 'rotate' | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const [test, setTest] = useState<string | null>(null);
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
  const title = account.label || t(`acc.exchange.${account.exchange}`);
  return (
    <li className="account-row" data-testid={`account-${account.id}`}>
      <div className="account-main">
        <strong>{title}</strong>
        <span className="badge">{account.exchange.toUpperCase()}</span>
        <span className={`badge ${account.testnet ? 'testnet' : 'mainnet'}`}>
          {account.testnet ? t('acc.testnetBadge') : t('acc.mainnetBadge')}
        </span>
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
      <div className="actions">
        <button
          type="button"
          className="secondary"
          disabled={busy}
          onClick={() =>
            run(async () => {
              await api(`/api/v1/accounts-secure/${account.id}/toggle`, { method: 'POST' });
              onChanged();
            })
          }
        >
          {account.is_active ? t('acc.deactivate') : t('acc.activate')}
        </button>
        <button
          type="button"
          className="secondary"
          disabled={busy}
          onClick={() =>
            run(async () => {
              setTest(t('acc.testing'));
              const answer = await api<ConnectionTest>(`/api/v1/accounts-secure/${account.id}/test`, {
                method: 'POST',
              });
              setTest(
                answer.ok && answer.balance
                  ? t('acc.testOk', {
                      total: answer.balance.total,
                      asset: answer.balance.asset,
                      available: answer.balance.available,
                    })
                  : t('acc.testFailed', { message: answer.error?.message ?? '' }),
              );
            }).catch(() => setTest(null))
          }
        >
          {t('acc.test')}
        </button>
        <button type="button" className="secondary" disabled={busy} onClick={() => setConfirming('rotate')}>
          {t('acc.rotate')}
        </button>
        <button type="button" className="danger" disabled={busy} onClick={() => setConfirming('delete')}>
          {t('acc.delete')}
        </button>
      </div>
      {test ? (
        <p role="status" className="notice">
          {test}
        </p>
      ) : null}
      {confirming ? (
        <div role="alertdialog" aria-labelledby={`confirm-${account.id}`} className="confirm">
          <p id={`confirm-${account.id}`}>
            {confirming === 'delete' ? t('acc.confirmDelete') : t('acc.confirmRotate')}
          </p>
          <button
            type="button"
            className={confirming === 'delete' ? 'danger' : undefined}
            autoFocus
            disabled={busy}
            onClick={() =>
              run(async () => {
                if (confirming === 'delete') {
                  await api(`/api/v1/accounts-secure/${account.id}`, { method: 'DELETE' });
                  onDeleted();
                } else {
                  const answer = await api<WebhookSecretRotated>(
                    `/api/v1/accounts-secure/${account.id}/webhook-secret/rotate`,
                    { method: 'POST' },
                  );
                  onRotated(answer.webhook_secret);
                  onChanged();
                }
                setConfirming(null);
              })
            }
          >
            {confirming === 'delete' ? t('acc.confirmDeleteButton') : t('acc.confirmRotateButton')}
          </button>
          <button type="button" className="secondary" onClick={() => setConfirming(null)}>
            {t('common.cancel')}
          </button>
        </div>
      ) : null}
      <ErrorMessage error={error} />
    </li>
  );
}
