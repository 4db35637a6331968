'use client';

import { useId, useState, type FormEvent } from 'react';
import { CopyButton, ErrorMessage } from '@/components/ui';
import { ApiError, useApi } from '@/lib/api';
import { useI18n } from '@/lib/i18n';
import type { MessageKey } from '@/lib/messages';
import type { ChannelKind, NotificationChannelCreated, NotifyEventKind } from '@/lib/types';
import { EventChoices, chosenEvents } from './EventChoices';

type NewKind = Exclude<ChannelKind, 'telegram'>;

/** Adds a Discord, email or outgoing-webhook channel; a generated signing secret is shown once. */
export function NewChannelForm({
  availableKinds,
  eventKinds,
  onCreated,
}: {
  availableKinds: readonly ChannelKind[];
  eventKinds: readonly NotifyEventKind[];
  onCreated: () => void;
}) {
  const { t, locale } = useI18n();
  const id = useId();
  const api = useApi();
  const kinds = availableKinds.filter((kind): kind is NewKind => kind !== 'telegram');
  const [kind, setKind] = useState<NewKind>(kinds[0] ?? 'discord');
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const [secret, setSecret] = useState<string>();

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const value = (name: string) => String(form.get(name) ?? '').trim();
    setError(undefined);
    setSecret(undefined);
    setBusy(true);
    try {
      const created = await api<NotificationChannelCreated>('/api/v1/notifications/channels', {
        method: 'POST',
        body: {
          kind,
          name: value('name') || t(`ntf.kind.${kind}` as MessageKey),
          locale: value('locale') || locale,
          events: chosenEvents(form),
          ...(kind === 'email' ? { address: value('address') } : { webhook_url: value('url') }),
          ...(kind === 'webhook' && value('signing_secret')
            ? { signing_secret: value('signing_secret') }
            : {}),
        },
      });
      formElement.reset();
      if (created.signing_secret) setSecret(created.signing_secret);
      onCreated();
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError('INTERNAL', String(e), 0));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('ntf.add')}</h2>
      <p className="muted">{t('ntf.telegramHint')}</p>
      <form onSubmit={onSubmit} noValidate>
        <div className="field">
          <label htmlFor={`${id}-kind`}>{t('ntf.kind')}</label>
          <select id={`${id}-kind`} value={kind} onChange={(e) => setKind(e.target.value as NewKind)}>
            {kinds.map((k) => (
              <option key={k} value={k}>
                {t(`ntf.kind.${k}` as MessageKey)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-name`}>{t('ntf.name')}</label>
          <input id={`${id}-name`} name="name" maxLength={60} />
        </div>
        <TargetFields kind={kind} id={id} />
        <div className="field">
          <label htmlFor={`${id}-locale`}>{t('ntf.locale')}</label>
          <select id={`${id}-locale`} name="locale" defaultValue={locale}>
            <option value="en">English</option>
            <option value="ko">한국어</option>
          </select>
        </div>
        <EventChoices idPrefix={`${id}-new`} kinds={eventKinds} chosen={eventKinds} />
        <ErrorMessage error={error} />
        <button type="submit" disabled={busy || kinds.length === 0}>
          {t('ntf.add')}
        </button>
      </form>
      {secret ? (
        <div role="status" className="notice">
          <p>{t('ntf.secretOnce')}</p>
          <code>{secret}</code> <CopyButton text={secret} />
        </div>
      ) : null}
    </section>
  );
}

/** Where a new channel sends: an email address, or a URL (and an outgoing webhook's optional signing secret). */
function TargetFields({ kind, id }: { kind: NewKind; id: string }) {
  const { t } = useI18n();
  return (
    <>
      {kind === 'email' ? (
        <div className="field">
          <label htmlFor={`${id}-address`}>{t('ntf.address')}</label>
          <input id={`${id}-address`} name="address" type="email" autoComplete="email" required />
        </div>
      ) : (
        <div className="field">
          <label htmlFor={`${id}-url`}>
            {kind === 'discord' ? t('ntf.discordUrl') : t('ntf.webhookUrl')}
          </label>
          <input id={`${id}-url`} name="url" type="url" required aria-describedby={`${id}-url-hint`} />
          <small id={`${id}-url-hint`} className="muted">
            {kind === 'discord' ? t('ntf.discordHint') : t('ntf.webhookHint')}
          </small>
        </div>
      )}
      {kind === 'webhook' ? (
        <div className="field">
          <label htmlFor={`${id}-secret`}>{t('ntf.signingSecret')}</label>
          <input
            id={`${id}-secret`}
            name="signing_secret"
            type="password"
            autoComplete="off"
            minLength={16}
          />
        </div>
      ) : null}
    </>
  );
}
