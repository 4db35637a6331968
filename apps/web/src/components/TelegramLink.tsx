'use client';

import { useEffect, useState } from 'react';
import { ApiError, useApi, useResource } from '@/lib/api';
import { useI18n } from '@/lib/i18n';
import type { TelegramLinkCode, TelegramStatus } from '@/lib/types';
import { CopyButton, ErrorMessage, Loading } from './ui';

const STATUS = '/api/v1/notifications/telegram';

/**
 * Linking the user's Telegram chat (issue 19): a one-time code from the API, sent to the bot from
 * the chat (the deep link does it in one tap). The chat id is never typed here: the bot learns it
 * from the chat that sends the code. While a code is shown the status is checked every few seconds.
 */
export function TelegramLink() {
  const { t, locale, dateTime } = useI18n();
  const api = useApi();
  const [code, setCode] = useState<TelegramLinkCode>();
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const status = useResource<TelegramStatus>(STATUS, code ? 3000 : undefined);
  const linked = status.data?.linked === true;

  useEffect(() => {
    if (linked) setCode(undefined);
  }, [linked]);

  const act = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError('INTERNAL', String(e), 0));
    } finally {
      setBusy(false);
    }
  };

  const body = () => {
    if (!status.data)
      return status.error ? <ErrorMessage error={status.error} onRetry={status.reload} /> : <Loading />;
    if (!status.data.bot_configured && !linked) return <p className="muted">{t('tg.notConfigured')}</p>;
    if (linked) {
      return (
        <div className="row">
          <p>{t('tg.linked', { who: status.data.username ? `@${status.data.username}` : '' })}</p>
          <button
            type="button"
            className="secondary"
            disabled={busy}
            onClick={() =>
              act(async () => {
                await api(`${STATUS}/link`, { method: 'DELETE' });
                status.reload();
              })
            }
          >
            {t('tg.unlink')}
          </button>
        </div>
      );
    }
    if (code) {
      return (
        <div>
          <p>
            <a href={code.deep_link} target="_blank" rel="noreferrer">
              {t('tg.openBot', { bot: code.bot_username })}
            </a>
          </p>
          <p>{t('tg.sendCode', { bot: code.bot_username })}</p>
          <div className="secret-row">
            <code data-testid="telegram-code">{code.code}</code>
            <CopyButton text={code.code} />
          </div>
          <p className="muted">{t('tg.expires', { time: dateTime(code.expires_at) })}</p>
          <p role="status" className="muted">
            {t('tg.waiting')}{' '}
            <button type="button" className="link" onClick={status.reload}>
              {t('tg.check')}
            </button>
          </p>
        </div>
      );
    }
    return (
      <div>
        <p className="muted">{t('tg.notLinked')}</p>
        <button
          type="button"
          disabled={busy}
          onClick={() =>
            act(async () =>
              setCode(await api<TelegramLinkCode>(`${STATUS}/link`, { method: 'POST', body: { locale } })),
            )
          }
        >
          {t('tg.link')}
        </button>
      </div>
    );
  };

  return (
    <section className="card" aria-labelledby="telegram-title">
      <h2 id="telegram-title">{t('tg.title')}</h2>
      {body()}
      <ErrorMessage error={error} />
    </section>
  );
}
