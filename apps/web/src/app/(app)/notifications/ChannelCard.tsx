'use client';

import { useId, useState, type FormEvent } from 'react';
import { ErrorMessage } from '@/components/ui';
import { ApiError, useApi } from '@/lib/api';
import { useI18n } from '@/lib/i18n';
import type { MessageKey } from '@/lib/messages';
import type { NotificationChannel, NotificationTestResult, NotifyEventKind } from '@/lib/types';
import { EventChoices, chosenEvents } from './EventChoices';

const asApiError = (e: unknown) => (e instanceof ApiError ? e : new ApiError('INTERNAL', String(e), 0));

/** One channel: where it goes (masked), its state and disabled reason, its events and language, test and delete. */
export function ChannelCard({
  channel,
  eventKinds,
  onChanged,
}: {
  channel: NotificationChannel;
  eventKinds: readonly NotifyEventKind[];
  onChanged: () => void;
}) {
  const { t } = useI18n();
  const id = useId();
  const api = useApi();
  const [error, setError] = useState<ApiError>();
  const [status, setStatus] = useState<string>();
  const [busy, setBusy] = useState(false);
  const path = `/api/v1/notifications/channels/${encodeURIComponent(channel.id)}`;

  const run = async (work: () => Promise<void>) => {
    setError(undefined);
    setStatus(undefined);
    setBusy(true);
    try {
      await work();
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  };
  const save = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    void run(async () => {
      await api(path, {
        method: 'PATCH',
        body: { events: chosenEvents(form), locale: String(form.get('locale') ?? channel.locale) },
      });
      setStatus(t('ntf.saved'));
      onChanged();
    });
  };
  const sendTest = () =>
    run(async () => {
      const result = await api<NotificationTestResult>(`${path}/test`, { method: 'POST' });
      setStatus(result.ok ? t('ntf.testSent') : t('ntf.testFailed', { reason: result.reason ?? '' }));
    });
  const toggle = () =>
    run(async () => {
      await api(path, { method: 'PATCH', body: { enabled: !channel.enabled } });
      onChanged();
    });
  const remove = () =>
    run(async () => {
      if (!window.confirm(t('ntf.deleteConfirm'))) return;
      await api(path, { method: 'DELETE' });
      onChanged();
    });

  return (
    <section className="card" aria-labelledby={`${id}-title`} data-testid={`channel-${channel.id}`}>
      <ChannelHeader channel={channel} titleId={`${id}-title`} />
      <form onSubmit={save} noValidate>
        <EventChoices idPrefix={id} kinds={eventKinds} chosen={channel.events} />
        <div className="field">
          <label htmlFor={`${id}-locale`}>{t('ntf.locale')}</label>
          <select id={`${id}-locale`} name="locale" defaultValue={channel.locale}>
            <option value="en">English</option>
            <option value="ko">한국어</option>
          </select>
        </div>
        <div className="actions">
          <button type="submit" disabled={busy}>
            {t('ntf.save')}
          </button>
          <button type="button" className="secondary" disabled={busy || !channel.enabled} onClick={sendTest}>
            {t('ntf.sendTest')}
          </button>
          <button type="button" className="secondary" disabled={busy} onClick={toggle}>
            {channel.enabled ? t('ntf.disable') : t('ntf.enable')}
          </button>
          <button type="button" className="danger" disabled={busy} onClick={remove}>
            {t('ntf.delete')}
          </button>
        </div>
      </form>
      {status ? (
        <p role="status" className="notice">
          {status}
        </p>
      ) : null}
      <ErrorMessage error={error} />
    </section>
  );
}

/** The channel's name, kind, state, masked destination and the reason it was turned off. */
function ChannelHeader({ channel, titleId }: { channel: NotificationChannel; titleId: string }) {
  const { t } = useI18n();
  const id = titleId.replace(/-title$/, '');
  return (
    <>
      <h2 id={`${id}-title`}>
        {channel.name} <span className="muted">· {t(`ntf.kind.${channel.kind}` as MessageKey)}</span>{' '}
        <span className={`badge ${channel.enabled ? 'active' : 'inactive'}`}>
          {channel.enabled ? t('ntf.enabled') : t('ntf.disabled')}
        </span>
      </h2>
      <p className="muted">
        {t('ntf.target')}: <code>{channel.target_hint}</code>
      </p>
      {channel.disabled_reason ? (
        <p role="alert" className="error">
          {t('ntf.disabledReason', { reason: channel.disabled_reason })}
        </p>
      ) : null}
    </>
  );
}
