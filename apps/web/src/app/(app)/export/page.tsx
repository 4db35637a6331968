'use client';

import { useEffect, useMemo, useState, type FormEvent } from 'react';
import {
  defaultDraft,
  draftValues,
  ParamsForm,
  validateParams,
  type ParamDraft,
} from '@/components/ParamsForm';
import { CopyButton, downloadText, Empty, ErrorMessage, Loading } from '@/components/ui';
import type { ApiError } from '@/lib/api';
import { useApi, useResource } from '@/lib/api';
import { useI18n } from '@/lib/i18n';
import type { AccountList, PineExport, StrategyList } from '@/lib/types';

export default function ExportPage() {
  const { t, locale } = useI18n();
  const api = useApi();
  const strategies = useResource<StrategyList>('/api/v1/strategies');
  const accounts = useResource<AccountList>('/api/v1/accounts-secure/list');
  const [strategyId, setStrategyId] = useState('');
  const [accountId, setAccountId] = useState('');
  const [leverage, setLeverage] = useState('1');
  const [draft, setDraft] = useState<ParamDraft>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const [result, setResult] = useState<PineExport | null>(null);

  const strategy = useMemo(
    () => strategies.data?.strategies.find((s) => s.id === strategyId),
    [strategies.data, strategyId],
  );
  useEffect(() => {
    const first = strategies.data?.strategies[0];
    if (!strategyId && first) {
      // Coming from the lab: ?strategy=…&params=… preselects what was backtested.
      const query = new URLSearchParams(window.location.search);
      const wanted = strategies.data?.strategies.find((s) => s.id === query.get('strategy')) ?? first;
      setStrategyId(wanted.id);
      let fromLab: ParamDraft = {};
      try {
        fromLab = Object.fromEntries(
          Object.entries(JSON.parse(query.get('params') ?? '{}') as Record<string, number>).map(([k, v]) => [
            k,
            String(v),
          ]),
        );
      } catch {
        fromLab = {};
      }
      setDraft({ ...defaultDraft(wanted), ...fromLab });
    }
  }, [strategies.data, strategyId]);
  useEffect(() => {
    const first = accounts.data?.accounts[0];
    if (!accountId && first) setAccountId(first.id);
  }, [accounts.data, accountId]);

  const errors = strategy ? validateParams(strategy, draft, t, locale) : {};
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!strategy || Object.keys(errors).length > 0 || !accountId) return;
    setBusy(true);
    setError(undefined);
    try {
      const query = new URLSearchParams({
        strategy: strategy.id,
        account_id: accountId,
        params: JSON.stringify(draftValues(draft)),
        leverage: String(Math.round(Number(leverage) || 1)),
        lang: locale,
      });
      setResult(await api<PineExport>(`/api/v1/simple/export-pine?${query}`));
    } catch (e) {
      setError(e as ApiError);
      setResult(null);
    } finally {
      setBusy(false);
    }
  };
  const alertText = result ? JSON.stringify(result.alert_message_example, null, 2) : '';

  return (
    <div className="page">
      <h1>{t('exp.title')}</h1>
      <p className="muted">{t('exp.intro')}</p>
      {strategies.loading || accounts.loading ? <Loading /> : null}
      <ErrorMessage error={strategies.error ?? accounts.error} />
      {accounts.data && accounts.data.accounts.length === 0 ? <Empty>{t('exp.noAccounts')}</Empty> : null}
      {strategies.data && accounts.data && accounts.data.accounts.length > 0 ? (
        <form className="card" onSubmit={submit} noValidate>
          <div className="form-grid">
            <div className="field">
              <label htmlFor="exp-account">{t('exp.account')}</label>
              <select id="exp-account" value={accountId} onChange={(e) => setAccountId(e.target.value)}>
                {accounts.data.accounts.map((a) => (
                  <option key={a.id} value={a.id}>
                    {(a.label || a.exchange) +
                      ` · ${a.testnet ? t('acc.testnetBadge') : t('acc.mainnetBadge')} · ${a.id.slice(0, 8)}`}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="exp-strategy">{t('lab.strategy')}</label>
              <select
                id="exp-strategy"
                value={strategyId}
                onChange={(e) => {
                  const next = strategies.data!.strategies.find((s) => s.id === e.target.value)!;
                  setStrategyId(next.id);
                  setDraft(defaultDraft(next));
                }}
              >
                {strategies.data.strategies.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name[locale]}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="exp-leverage">{t('exp.leverage')}</label>
              <input
                id="exp-leverage"
                type="number"
                min={1}
                max={125}
                step={1}
                value={leverage}
                onChange={(e) => setLeverage(e.target.value)}
              />
            </div>
          </div>
          {strategy ? (
            <>
              <p className="muted">{strategy.description[locale]}</p>
              <ParamsForm
                strategy={strategy}
                draft={draft}
                onChange={setDraft}
                errors={errors}
                idPrefix="exp"
              />
            </>
          ) : null}
          <ErrorMessage error={error} />
          <button type="submit" disabled={busy || Object.keys(errors).length > 0}>
            {busy ? t('exp.generating') : t('exp.generate')}
          </button>
        </form>
      ) : null}
      {result ? (
        <>
          <section className="card" aria-labelledby="exp-webhook">
            <h2 id="exp-webhook">{t('exp.webhookUrl')}</h2>
            <div className="secret-row">
              <code data-testid="webhook-url">{result.webhook_url}</code>
              <CopyButton text={result.webhook_url} />
            </div>
            <p className="muted small">{t('exp.webhookNote')}</p>
          </section>
          <section className="card" aria-labelledby="exp-alert">
            <h2 id="exp-alert">{t('exp.alert')}</h2>
            <p className="muted small">{t('exp.alertNote')}</p>
            <pre className="json" data-testid="alert-message">
              {alertText}
            </pre>
            <CopyButton text={alertText} />
          </section>
          <section className="card" aria-labelledby="exp-script">
            <h2 id="exp-script">{t('exp.script')}</h2>
            <div className="actions">
              <CopyButton text={result.script} />
              <button
                type="button"
                className="secondary"
                onClick={() => downloadText(`${strategyId}.pine`, result.script)}
              >
                {t('common.download')}
              </button>
            </div>
            <pre className="code-block" data-testid="pine-script" tabIndex={0}>
              {result.script}
            </pre>
          </section>
          <section className="card" aria-labelledby="exp-guide">
            <h2 id="exp-guide">{t('exp.guide')}</h2>
            <pre className="guide" tabIndex={0}>
              {result.guide}
            </pre>
          </section>
        </>
      ) : null}
    </div>
  );
}
