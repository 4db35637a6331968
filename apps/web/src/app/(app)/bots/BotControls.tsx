'use client';

import { useState } from 'react';
import { ErrorMessage } from '@/components/ui';
import { ApiError, useApi } from '@/lib/api';
import { useI18n } from '@/lib/i18n';
import type { Bot } from '@/lib/types';

/**
 * Start or stop a bot, each behind a confirmation that says what happens (a started bot trades
 * from the next closed bar; a stopped one leaves its position and stop-loss on the venue).
 */
export function BotControls({ bot, onChanged }: { bot: Bot; onChanged: (bot: Bot) => void }) {
  const { t } = useI18n();
  const api = useApi();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const action = bot.desired_state === 'running' ? 'stop' : 'start';
  const name = bot.name || `${bot.strategy} ${bot.symbol}`;
  const run = async () => {
    setBusy(true);
    setError(undefined);
    try {
      onChanged(await api<Bot>(`/api/v1/bots/${bot.id}/${action}`, { method: 'POST' }));
      setConfirming(false);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError('INTERNAL', String(e), 0));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="bot-controls">
      {confirming ? (
        <div role="alertdialog" aria-label={t(`bot.${action}`)} className="notice">
          <p>
            {t(action === 'start' ? 'bot.confirmStart' : 'bot.confirmStop', { name, symbol: bot.symbol })}
          </p>
          <button
            type="button"
            className={action === 'stop' ? 'danger' : undefined}
            disabled={busy}
            onClick={run}
            autoFocus
          >
            {t('bot.confirm')}
          </button>{' '}
          <button type="button" className="secondary" disabled={busy} onClick={() => setConfirming(false)}>
            {t('bot.cancel')}
          </button>
        </div>
      ) : (
        <button
          type="button"
          className={action === 'stop' ? 'secondary' : undefined}
          onClick={() => setConfirming(true)}
        >
          {t(`bot.${action}`)}
        </button>
      )}
      <ErrorMessage error={error} />
    </div>
  );
}
