'use client';

import { TelegramLink } from '@/components/TelegramLink';
import { Empty, ErrorMessage, Loading } from '@/components/ui';
import { useResource } from '@/lib/api';
import { useI18n } from '@/lib/i18n';
import type { NotificationChannelList } from '@/lib/types';
import { ChannelCard } from './ChannelCard';
import { NewChannelForm } from './NewChannelForm';

/** Where the user hears about trades, failures and unprotected positions: channels, their events, a test send. */
export default function NotificationsPage() {
  const { t } = useI18n();
  const list = useResource<NotificationChannelList>('/api/v1/notifications/channels');
  return (
    <div className="page">
      <h1>{t('ntf.title')}</h1>
      <p className="muted">{t('ntf.intro')}</p>
      {/* Telegram chats are linked with a one-time code, never a typed chat id; the link creates the channel. */}
      <TelegramLink />
      {list.loading && !list.data ? <Loading /> : null}
      <ErrorMessage error={list.error} onRetry={list.reload} />
      {list.data && list.data.channels.length === 0 ? <Empty>{t('ntf.empty')}</Empty> : null}
      {list.data?.channels.map((channel) => (
        <ChannelCard
          key={channel.id}
          channel={channel}
          eventKinds={list.data!.event_kinds}
          onChanged={list.reload}
        />
      ))}
      {list.data ? (
        <NewChannelForm
          availableKinds={list.data.available_kinds}
          eventKinds={list.data.event_kinds}
          onCreated={list.reload}
        />
      ) : null}
    </div>
  );
}
