'use client';

import { useId, useState } from 'react';
import { ErrorMessage, Loading } from '@/components/ui';
import { ApiError, endBrowserSession, useApi, useResource } from '@/lib/api';
import { useI18n } from '@/lib/i18n';
import type { SessionList } from '@/lib/types';

/** The signed-in sessions (this one marked): end one, or all of them. */
export function SessionsSection() {
  const { t, dateTime } = useI18n();
  const id = useId();
  const api = useApi();
  const list = useResource<SessionList>('/api/v1/auth/sessions');
  const [error, setError] = useState<ApiError>();
  const revoke = async (sessionId: string) => {
    setError(undefined);
    try {
      await api(`/api/v1/auth/sessions/${encodeURIComponent(sessionId)}`, { method: 'DELETE' });
      list.reload();
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError('INTERNAL', String(e), 0));
    }
  };
  const revokeAll = () =>
    endBrowserSession('/signin?signedOut=1', () =>
      api('/api/v1/auth/logout', { method: 'POST', body: { all: true } }),
    );
  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('sec.sessions')}</h2>
      {list.loading && !list.data ? <Loading /> : null}
      <ErrorMessage error={list.error ?? error} onRetry={list.reload} />
      <ul className="sessions">
        {list.data?.sessions.map((session) => (
          <li key={session.id} data-testid={`session-${session.id}`}>
            <strong>{session.user_agent || t('sec.unknownDevice')}</strong>
            {session.current ? <span className="badge active">{t('sec.sessionCurrent')}</span> : null}
            <dl className="account-meta">
              <div>
                <dt>{t('sec.sessionCreated')}</dt>
                <dd>{dateTime(session.created_at)}</dd>
              </div>
              <div>
                <dt>{t('sec.sessionSeen')}</dt>
                <dd>{session.last_seen_at ? dateTime(session.last_seen_at) : '–'}</dd>
              </div>
              <div>
                <dt>{t('sec.sessionFrom')}</dt>
                <dd>{session.ip ?? '–'}</dd>
              </div>
            </dl>
            {session.current ? null : (
              <button type="button" className="secondary" onClick={() => revoke(session.id)}>
                {t('sec.revoke')}
              </button>
            )}
          </li>
        ))}
      </ul>
      <button type="button" className="danger" onClick={revokeAll}>
        {t('sec.revokeAll')}
      </button>
    </section>
  );
}
