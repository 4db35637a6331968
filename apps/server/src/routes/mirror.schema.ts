import { z } from 'zod';
import { FILL_REASONS, PROTECTION_POLICIES } from '@tradingbot/db';
import { nameSchemas } from './schema-registry.ts';

export const MirrorParams = z.strictObject({ id: z.string().min(1).max(64) });

/** Paging and format of the account history reads; `format=csv` answers text/csv of the same rows. */
export const MirrorQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  format: z.enum(['json', 'csv']).default('json'),
});

const FillReason = z.enum(FILL_REASONS);

/** One execution on the venue as the account mirror recorded it (venue figures, decimal strings). */
export const AccountFill = z.object({
  id: z.string(),
  venue_trade_id: z.string(),
  venue_order_id: z.string(),
  client_order_id: z.string(),
  signal_id: z.string().nullable(),
  symbol: z.string(),
  side: z.enum(['buy', 'sell']),
  position_side: z.enum(['long', 'short', 'net']),
  qty: z.string(),
  price: z.string(),
  fee: z.string(),
  fee_asset: z.string(),
  realized_pnl: z.string(),
  liquidity: z.enum(['maker', 'taker']),
  reason: FillReason,
  time: z.string(),
});

/** A round trip: entry to flat. PnL is the venue's realized PnL net of fees and funding. */
export const AccountTrade = z.object({
  symbol: z.string(),
  side: z.enum(['long', 'short']),
  status: z.enum(['open', 'closed']),
  qty: z.string(),
  entry_price: z.string(),
  exit_price: z.string().nullable(),
  entry_time: z.string(),
  exit_time: z.string().nullable(),
  entry_reason: z.string(),
  exit_reason: z.string().nullable(),
  realized_pnl: z.string(),
  fees: z.string(),
  funding: z.string(),
  net_pnl: z.string(),
  fills: z.number().int(),
});

/** One UTC day of the account's PnL. */
export const EquityDay = z.object({
  date: z.string(),
  realized_pnl: z.string(),
  fees: z.string(),
  funding: z.string(),
  net_pnl: z.string(),
  cumulative_net_pnl: z.string(),
  fills: z.number().int(),
});

export const AccountFillList = z.object({ fills: z.array(AccountFill), total: z.number().int() });
export const AccountTradeList = z.object({ trades: z.array(AccountTrade), total: z.number().int() });
export const EquitySeries = z.object({ days: z.array(EquityDay), total: z.number().int() });

/** What the mirror does when an open position this server opened has lost its stop-loss. */
export const ProtectionPolicyBody = z.strictObject({ protection_policy: z.enum(PROTECTION_POLICIES) });

/** The account's stream as the mirror last saw it, and its protection policy. */
export const AccountStreamStatus = z.object({
  account_id: z.string(),
  protection_policy: z.enum(PROTECTION_POLICIES),
  stream: z.enum(['connecting', 'up', 'down', 'none']),
  status_reason: z.string().nullable(),
  since: z.string().nullable(),
  last_event_at: z.string().nullable(),
});

nameSchemas({
  AccountStreamStatus,
  AccountFill,
  AccountTrade,
  EquityDay,
  AccountFillList,
  AccountTradeList,
  EquitySeries,
});
