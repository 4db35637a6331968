import type { Database } from '@tradingbot/db';
import type { Registry } from 'prom-client';
import type { ServerEventBus } from '../events.ts';
import type { ConnectExchange, ExchangeFactory } from '../exchange-factory.ts';
import type { NotifyConfig } from '../config.ts';
import type { NotificationOutbox } from '../services/notify/outbox.ts';
import { registerDailyLossListener } from './daily-loss.ts';
import { registerMetricsListeners } from './metrics.ts';
import { registerNotifyListener } from './notify.ts';
import { registerPaperStateListener } from './paper-state.ts';
import { registerRefusedAlertsListener } from './refused-alerts.ts';
import { registerXpListener } from './xp.ts';

/**
 * Subscribes the server's own listeners; called once at app start, before the signal worker starts.
 * Returns what to call at shutdown (timers some listeners hold).
 */
export function registerListeners(
  events: ServerEventBus,
  deps: {
    database: Database;
    registry: Registry;
    connectExchange: ConnectExchange;
    notify: { config: NotifyConfig; outbox: NotificationOutbox };
  },
): () => void {
  registerMetricsListeners(events, deps.registry);
  const factory = deps.connectExchange as Partial<ExchangeFactory>;
  if (factory.persist !== undefined) registerPaperStateListener(events, { persist: factory.persist });
  registerXpListener(events, deps.database);
  registerRefusedAlertsListener(events, deps.database);
  registerDailyLossListener(events, { database: deps.database });
  return registerNotifyListener(events, { database: deps.database, ...deps.notify });
}
