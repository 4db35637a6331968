import { Counter, Histogram, type Registry } from 'prom-client';
import type { ServerEventBus } from '../events.ts';

/** The signal pipeline's Prometheus metrics, fed by events (`/metrics`). */
export function registerMetricsListeners(events: ServerEventBus, registry: Registry): void {
  const executionSeconds = new Histogram({
    name: 'order_execution_seconds',
    help: 'Time to execute a signal on its exchange',
    labelNames: ['exchange', 'success'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const exchangeErrors = new Counter({
    name: 'exchange_errors_total',
    help: 'Errors exchanges answered the executor with, by venue, our code and the venue code',
    labelNames: ['venue', 'code', 'venue_code'],
    registers: [registry],
  });
  events.on('signal.finished', ({ executionMs, exchange, result }) => {
    if (executionMs === undefined || result === undefined) return;
    executionSeconds.observe({ exchange, success: String(result.success) }, executionMs / 1000);
  });
  events.on('exchange.error', ({ venue, code, venueCode }) => {
    exchangeErrors.inc({ venue, code, venue_code: venueCode });
  });
}
