import type { Database } from '@tradingbot/db';
import type { Registry } from 'prom-client';
import type { ServerEventBus } from '../events.ts';
import { registerMetricsListeners } from './metrics.ts';
import { registerXpListener } from './xp.ts';

/** Subscribes the server's own listeners; called once at app start, before the signal worker starts. */
export function registerListeners(
  events: ServerEventBus,
  deps: { database: Database; registry: Registry },
): void {
  registerMetricsListeners(events, deps.registry);
  registerXpListener(events, deps.database);
}
