import { z } from 'zod';
import { SIGNAL_OUTCOMES } from '../services/signals.ts';
import { nameSchemas } from './schema-registry.ts';

const dateRange = {
  before: z.string().datetime().optional(),
  /** Only rows at or after this time (the UI's "from date" filter). */
  after: z.string().datetime().optional(),
};

export const SignalListQuery = z.strictObject({
  account_id: z.string().min(1).max(64).optional(),
  status: z.enum(['received', 'executing', 'executed', 'failed', 'rejected']).optional(),
  /** What became of the signal: `executed` leaves out the ones that had nothing to do. */
  outcome: z.enum(SIGNAL_OUTCOMES).optional(),
  /** Part of the symbol, as sent (`BINANCE:BTCUSDT.P`) or as executed (`BTCUSDT`); case-insensitive. */
  symbol: z.string().trim().min(1).max(40).optional(),
  ...dateRange,
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  /** `csv` answers text/csv of the same rows (formula-safe cells). */
  format: z.enum(['json', 'csv']).default('json'),
});

export const RefusedAlertQuery = z.strictObject({
  account_id: z.string().min(1).max(64).optional(),
  ...dateRange,
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export const SignalParams = z.strictObject({ id: z.string().min(1).max(64) });

/** A recorded alert: `payload` is the alert as received (without its secret), `result` the execution's. */
export const Signal = z.object({
  id: z.string(),
  account_id: z.string(),
  /** The account's name (its label; '' when it has none, null when the account is gone). */
  account_label: z.string().nullable(),
  status: z.string(),
  /** `status`, except an execution that sent no order (no position to close, already in position) is `nothing_to_do`. */
  outcome: z.enum(SIGNAL_OUTCOMES),
  action: z.string().nullable(),
  /** The symbol as executed, else as sent. */
  symbol: z.string().nullable(),
  /** Base quantity traded: the entry's, else what was closed (decimal string), null when nothing was filled. */
  qty: z.string().nullable(),
  /** Average fill price of that quantity. */
  price: z.string().nullable(),
  /** Realized PnL of the signal's fills as the venue reports it (before fees), null until a fill is recorded. */
  realized_pnl: z.string().nullable(),
  received_at: z.string(),
  finished_at: z.string().nullable(),
  source_ip: z.string().nullable(),
  payload: z.record(z.string(), z.unknown()),
  result: z.unknown(),
  error_code: z.string().nullable(),
  error_message: z.string().nullable(),
});

/** An order a signal placed; `request`, `response` and `error` are stored as the venue call saw them. */
export const Order = z.object({
  id: z.string(),
  role: z.string(),
  symbol: z.string(),
  side: z.string(),
  type: z.string(),
  qty: z.string().nullable(),
  price: z.string().nullable(),
  status: z.string(),
  client_order_id: z.string(),
  venue_order_id: z.string().nullable(),
  request: z.unknown(),
  response: z.unknown(),
  error: z.unknown(),
  created_at: z.string(),
});

export const SignalList = z.object({ signals: z.array(Signal), total: z.number().int() });

/**
 * Alerts refused before authentication (wrong or missing secret) against one of the caller's
 * accounts, counted per account, reason and minute. `summary` is what the alert said, never its secret.
 */
export const RefusedAlert = z.object({
  id: z.string(),
  account_id: z.string(),
  account_label: z.string(),
  reason: z.string(),
  count: z.number().int(),
  first_seen: z.string(),
  last_seen: z.string(),
  source_ip: z.string().nullable(),
  summary: z.object({
    action: z.string().optional(),
    symbol: z.string().optional(),
    exchange: z.string().optional(),
    id: z.string().optional(),
    fields: z.array(z.string()),
    secret_present: z.boolean(),
  }),
});
export const RefusedAlertList = z.object({ refused: z.array(RefusedAlert), total: z.number().int() });
export const SignalDetail = Signal.extend({ orders: z.array(Order) });

nameSchemas({ Signal, Order, SignalList, SignalDetail, RefusedAlert, RefusedAlertList });
