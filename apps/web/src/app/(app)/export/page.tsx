'use client';

import { Empty, ErrorMessage, Loading } from '@/components/ui';
import { useResource } from '@/lib/api';
import { useI18n } from '@/lib/i18n';
import type { AccountGroupList, AccountList, StrategyList } from '@/lib/types';
import { ExportForm } from './ExportForm';
import { ExportResult } from './ExportResult';
import { useExportForm } from './use-export-form';

export default function ExportPage() {
  const { t } = useI18n();
  const strategies = useResource<StrategyList>('/api/v1/strategies');
  const accounts = useResource<AccountList>('/api/v1/accounts-secure/list');
  // A group is a target too (its alerts run on every member); without groups the list is just accounts.
  const groups = useResource<AccountGroupList>('/api/v1/account-groups');
  const form = useExportForm(strategies.data, accounts.data);

  return (
    <div className="page">
      <h1>{t('exp.title')}</h1>
      <p className="muted">{t('exp.intro')}</p>
      {strategies.loading || accounts.loading ? <Loading /> : null}
      <ErrorMessage error={strategies.error ?? accounts.error} />
      {accounts.data && accounts.data.accounts.length === 0 ? <Empty>{t('exp.noAccounts')}</Empty> : null}
      {strategies.data && accounts.data && accounts.data.accounts.length > 0 ? (
        <ExportForm
          accounts={accounts.data.accounts}
          groups={groups.data?.groups ?? []}
          strategies={strategies.data.strategies}
          form={form}
        />
      ) : null}
      {form.result ? <ExportResult result={form.result} strategyId={form.strategyId} /> : null}
    </div>
  );
}
