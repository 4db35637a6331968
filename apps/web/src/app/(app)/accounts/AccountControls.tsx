'use client';

import { useState } from 'react';
import { ErrorMessage } from '@/components/ui';
import { ApiError, useApi } from '@/lib/api';
import { useI18n } from '@/lib/i18n';
import type { ManualActionAnswer, PauseAnswer } from '@/lib/types';

type Confirming = 'flatten' | 'cancel' | 'close' | null;

/**
 * Manual control of one account: close a position, flatten the account (every position closed,
 * every open order cancelled), cancel the open orders, pause / resume new entries. Closes and
 * cancels are queued behind the account's alerts (the server's signal queue), audited as manual.
 */
export function AccountControls({ accountId }: { accountId: string }) {
  const { t } = useI18n();
  const api = useApi();
  const [confirming, setConfirming] = useState<Confirming>(null);
  const [symbol, setSymbol] = useState('');
  const [outcome, setOutcome] = useState<string>();
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);

  const post = async <T,>(path: string, body?: unknown): Promise<T> =>
    api<T>(`/api/v1/accounts-secure/${accountId}/${path}`, {
      method: 'POST',
      ...(body !== undefined ? { body } : {}),
    });
  const run = async (action: () => Promise<string>) => {
    setBusy(true);
    setError(undefined);
    setOutcome(undefined);
    try {
      setOutcome(await action());
      setConfirming(null);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError('INTERNAL', String(e), 0));
    } finally {
      setBusy(false);
    }
  };
  const describe = (answer: ManualActionAnswer) =>
    answer.status === 'queued'
      ? t('ctl.queued')
      : `${answer.status === 'executed' ? '✓' : '✗'} ${String((answer.result as { message?: string } | null)?.message ?? '')}`;
  const confirmed = () =>
    run(async () => {
      if (confirming === 'flatten') return describe(await post<ManualActionAnswer>('flatten'));
      if (confirming === 'cancel') return describe(await post<ManualActionAnswer>('cancel-orders', {}));
      return describe(await post<ManualActionAnswer>('close', { symbol: symbol.trim() }));
    });
  const pause = (paused: boolean) =>
    run(async () => {
      const answer = await post<PauseAnswer>(paused ? 'pause' : 'resume');
      return answer.entries_paused ? t('ctl.pausedNow') : t('ctl.resumedNow');
    });

  return (
    <section className="account-controls" aria-label={t('ctl.title')}>
      <h3>{t('ctl.title')}</h3>
      <div className="actions">
        <input
          aria-label={t('ctl.symbol')}
          placeholder="BTCUSDT"
          value={symbol}
          maxLength={64}
          onChange={(event) => setSymbol(event.target.value)}
        />
        <button
          type="button"
          className="secondary"
          disabled={busy || symbol.trim() === ''}
          onClick={() => setConfirming('close')}
        >
          {t('ctl.close')}
        </button>
        <button type="button" className="danger" disabled={busy} onClick={() => setConfirming('flatten')}>
          {t('ctl.flatten')}
        </button>
        <button type="button" className="secondary" disabled={busy} onClick={() => setConfirming('cancel')}>
          {t('ctl.cancelOrders')}
        </button>
        <button type="button" className="secondary" disabled={busy} onClick={() => pause(true)}>
          {t('ctl.pause')}
        </button>
        <button type="button" className="secondary" disabled={busy} onClick={() => pause(false)}>
          {t('ctl.resume')}
        </button>
      </div>
      {confirming ? (
        <div role="alertdialog" aria-labelledby={`ctl-confirm-${accountId}`} className="confirm">
          <p id={`ctl-confirm-${accountId}`}>
            {confirming === 'flatten'
              ? t('ctl.confirmFlatten')
              : confirming === 'cancel'
                ? t('ctl.confirmCancel')
                : t('ctl.confirmClose', { symbol: symbol.trim() })}
          </p>
          <button type="button" className="danger" autoFocus disabled={busy} onClick={confirmed}>
            {t('ctl.confirm')}
          </button>
          <button type="button" className="secondary" onClick={() => setConfirming(null)}>
            {t('common.cancel')}
          </button>
        </div>
      ) : null}
      {outcome ? (
        <p role="status" className="notice">
          {outcome}
        </p>
      ) : null}
      <ErrorMessage error={error} />
    </section>
  );
}
