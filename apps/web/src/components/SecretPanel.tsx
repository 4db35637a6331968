'use client';

import { useEffect, useRef, useState } from 'react';
import { useI18n } from '@/lib/i18n';
import { CopyButton } from './ui';

/**
 * A webhook secret the server just issued (registration or rotation). The server stores only its
 * hash, so this is the one time it can be shown; it stays masked until the user asks to reveal it.
 */
export function SecretPanel({
  accountId,
  secret,
  onDone,
  title,
  idLabel,
}: {
  accountId: string;
  secret: string;
  onDone: () => void;
  /** For an account group's secret: its own heading and id label. */
  title?: string;
  idLabel?: string;
}) {
  const { t } = useI18n();
  const [revealed, setRevealed] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  // A new account (or secret) moves the focus here, so the next Tab reaches Reveal and Copy
  // instead of starting again at the top of the page.
  useEffect(() => {
    heading.current?.focus();
  }, [accountId, secret]);
  return (
    <section className="card secret-panel" aria-labelledby="secret-title" role="region">
      <h2 id="secret-title" ref={heading} tabIndex={-1}>
        {title ?? t('acc.secretTitle', { id: accountId })}
      </h2>
      <p>{t('acc.secretOnce')}</p>
      <p>
        <span className="muted">{idLabel ?? t('acc.accountId')}: </span>
        <code data-testid="new-account-id">{accountId}</code>
      </p>
      <div className="secret-row">
        {revealed ? (
          <code className="secret" data-testid="webhook-secret">
            {secret}
          </code>
        ) : (
          <span className="muted">{t('acc.secretHidden')}</span>
        )}
        <button
          type="button"
          className="secondary"
          onClick={() => setRevealed((r) => !r)}
          aria-pressed={revealed}
        >
          {revealed ? t('common.hide') : t('common.reveal')}
        </button>
        <CopyButton text={secret} />
      </div>
      <button type="button" onClick={onDone}>
        {t('acc.secretDone')}
      </button>
    </section>
  );
}
