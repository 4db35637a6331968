import type { Database } from '@tradingbot/db';
import type { ServerEventBus } from '../events.ts';
import { recordRefusedAlert } from '../services/refused-alerts.ts';

/** Alerts refused before authentication → `refused_alerts`, for the owner's signals log (after the answer). */
export function registerRefusedAlertsListener(events: ServerEventBus, database: Database): void {
  events.on('alert.refused', (event) => recordRefusedAlert(database, event));
}
