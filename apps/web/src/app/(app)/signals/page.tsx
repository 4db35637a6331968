'use client';

import { useState } from 'react';
import { SignalTable } from '@/components/SignalTable';
import { Empty, ErrorMessage, Loading } from '@/components/ui';
import { useCsvDownload, useResource } from '@/lib/api';
import { useI18n } from '@/lib/i18n';
import type { AccountList, SignalList } from '@/lib/types';
import { RefusedAlerts } from './RefusedAlerts';
import { SignalFilters, type SignalQuery } from './SignalFilters';

const LIST_LIMIT = '100';
const CSV_LIMIT = '1000';

export default function SignalsPage() {
  const { t } = useI18n();
  const accounts = useResource<AccountList>('/api/v1/accounts-secure/list');
  const [query, setQuery] = useState<SignalQuery>({
    scope: new URLSearchParams(),
    signals: new URLSearchParams(),
  });
  const withLimit = (params: URLSearchParams, limit: string, extra: Record<string, string> = {}) =>
    new URLSearchParams({ ...Object.fromEntries(params), limit, ...extra }).toString();
  const signals = useResource<SignalList>(`/api/v1/signals?${withLimit(query.signals, LIST_LIMIT)}`, 10000);
  const download = useCsvDownload();
  const [downloadError, setDownloadError] = useState<Error>();
  const save = () => {
    setDownloadError(undefined);
    download(
      `/api/v1/signals?${withLimit(query.signals, CSV_LIMIT, { format: 'csv' })}`,
      'signals.csv',
    ).catch((e: unknown) => setDownloadError(e as Error));
  };
  return (
    <div className="page">
      <h1>{t('sig.title')}</h1>
      <SignalFilters accounts={accounts.data} onApply={setQuery} />
      <section className="card">
        <p>
          <button type="button" className="secondary" onClick={save}>
            {t('sig.download')}
          </button>
        </p>
        <ErrorMessage error={downloadError} />
        {signals.loading && !signals.data ? <Loading /> : null}
        <ErrorMessage error={signals.error} onRetry={signals.reload} />
        {signals.data && signals.data.signals.length === 0 ? <Empty>{t('sig.empty')}</Empty> : null}
        {signals.data && signals.data.signals.length > 0 ? (
          <SignalTable signals={signals.data.signals} />
        ) : null}
      </section>
      <RefusedAlerts query={withLimit(query.scope, LIST_LIMIT)} />
    </div>
  );
}
