'use client';

import { useState } from 'react';
import { AccountForm, type AccountInput } from '@/components/AccountForm';
import { SecretPanel } from '@/components/SecretPanel';
import { Empty, ErrorMessage, Loading } from '@/components/ui';
import { useApi, useResource } from '@/lib/api';
import { useI18n } from '@/lib/i18n';
import type { AccountList, RegisteredAccount } from '@/lib/types';
import { AccountGroupsSection } from './AccountGroups';
import { AccountRow } from './AccountRow';

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
      {list.data ? <AccountGroupsSection accounts={list.data.accounts} /> : null}
    </div>
  );
}
