'use client';

import { useI18n, type I18n } from '@/lib/i18n';
import type { Bot } from '@/lib/types';

/** running / warming up / stopped / error, and for an error the reason the server gave. */
export function BotStatus({ bot }: { bot: Bot }) {
  const { t } = useI18n();
  const tone =
    bot.status === 'running'
      ? 'active'
      : bot.status === 'error'
        ? 'status-failed'
        : bot.status === 'warming_up'
          ? 'testnet'
          : 'inactive';
  return (
    <span className="bot-status">
      <span className={`badge ${tone}`} data-testid="bot-status">
        {t(`bot.status.${bot.status}`)}
      </span>
      {bot.status === 'error' && bot.status_reason ? (
        <small className="error-text" data-testid="bot-status-reason">
          {' '}
          {bot.status_reason}
        </small>
      ) : null}
    </span>
  );
}

/** The bot's round trips: closed, won, still open. */
export function tradesText(t: I18n['t'], bot: Bot): string {
  return t('bot.tradesText', {
    closed: bot.pnl.closed_trades,
    wins: bot.pnl.wins,
    open: bot.pnl.open_trades,
  });
}
