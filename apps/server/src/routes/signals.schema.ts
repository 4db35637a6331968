import { z } from 'zod';
import { nameSchemas } from './schema-registry.ts';

export const SignalListQuery = z.strictObject({
  account_id: z.string().min(1).max(64).optional(),
  status: z.enum(['received', 'executing', 'executed', 'failed', 'rejected']).optional(),
  before: z.string().datetime().optional(),
  /** Only signals received at or after this time (the UI's "from date" filter). */
  after: z.string().datetime().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const SignalParams = z.strictObject({ id: z.string().min(1).max(64) });

/** A recorded alert: `payload` is the alert as received (without its secret), `result` the execution's. */
export const Signal = z.object({
  id: z.string(),
  account_id: z.string(),
  status: z.string(),
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
export const SignalDetail = Signal.extend({ orders: z.array(Order) });

nameSchemas({ Signal, Order, SignalList, SignalDetail });
