import { ORDER_ROLES, PAPER_MARKET_DATA, VENUE_IDS } from '@tradingbot/core';
import {
  bigint,
  bigserial,
  boolean,
  integer,
  jsonb,
  pgTable,
  smallint,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';

/** What the account mirror does when an open position has lost its stop-loss. */
export const PROTECTION_POLICIES = ['reprotect', 'close', 'alert'] as const;
export type ProtectionPolicy = (typeof PROTECTION_POLICIES)[number];

/** Why a fill happened (the account mirror's classification). */
export const FILL_REASONS = [
  'signal',
  'stop_loss',
  'take_profit',
  'trailing',
  'liquidation',
  'adl',
  'manual',
  'external',
] as const;
export type FillReason = (typeof FILL_REASONS)[number];

/** Drizzle's view of the tables; the SQL in ../migrations is what creates them. */
const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();

export const users = pgTable('users', {
  id: text('id').primaryKey(),
  email: text('email').notNull(),
  name: text('name').notNull().default(''),
  passwordHash: text('password_hash').notNull(),
  createdAt: createdAt(),
  totalXp: integer('total_xp').notNull().default(0),
  level: integer('level').notNull().default(1),
  totalTrades: integer('total_trades').notNull().default(0),
  /** TOTP secret, AES-256-GCM under the key ring; set while two-factor authentication is on. */
  totpSecretEnc: text('totp_secret_enc'),
  /** An enrolment not yet confirmed with a code. */
  totpPendingSecretEnc: text('totp_pending_secret_enc'),
  totpEnabledAt: timestamp('totp_enabled_at', { withTimezone: true, mode: 'date' }),
  /** The last accepted 30-second TOTP step: a code is accepted once. */
  totpLastStep: bigint('totp_last_step', { mode: 'number' }),
});

export const sessions = pgTable('sessions', {
  id: text('id').primaryKey(),
  userId: text('user_id').notNull(),
  tokenHash: text('token_hash').notNull(),
  createdAt: createdAt(),
  expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
  revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
  lastSeenAt: timestamp('last_seen_at', { withTimezone: true, mode: 'date' }),
  userAgent: text('user_agent'),
  ip: text('ip'),
});

/** Exchange accounts (SQL table `api_keys`): credentials only as AES-256-GCM ciphertexts. */
export const accounts = pgTable('api_keys', {
  id: text('id').primaryKey(),
  userId: text('user_id').notNull(),
  /** `VENUE_IDS`; the migrations' CHECK lists the same ids (test/venues.test.ts holds them equal). */
  exchange: text('exchange', { enum: VENUE_IDS }).notNull(),
  label: text('label').notNull().default(''),
  apiKeyEnc: text('api_key_enc').notNull(),
  apiSecretEnc: text('api_secret_enc').notNull(),
  passphraseEnc: text('passphrase_enc'),
  keyId: text('key_id').notNull(),
  testnet: boolean('testnet').notNull().default(true),
  isActive: boolean('is_active').notNull().default(true),
  /** New entries refused (ENTRIES_PAUSED, Telegram /pause); closes still pass. */
  entriesPaused: boolean('entries_paused').notNull().default(false),
  /** Entries refused until then: the daily loss limit was reached (DAILY_LOSS_LIMIT_REACHED, migration 0013). */
  lossPausedUntil: timestamp('loss_paused_until', { withTimezone: true, mode: 'date' }),
  /** The UTC day (YYYY-MM-DD) the user resumed after the limit: that day's losses do not pause again. */
  lossResumedDay: text('loss_resumed_day'),
  webhookSecretHash: text('webhook_secret_hash').notNull(),
  webhookSecretHint: text('webhook_secret_hint').notNull(),
  settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
  /** What the account mirror does with an open position that lost its stop-loss (migration 0007). */
  protectionPolicy: text('protection_policy', { enum: PROTECTION_POLICIES }).notNull().default('reprotect'),
  /**
   * What moves a paper account's prices (`PAPER_MARKET_DATA`; migration 0012): the synthetic feed or
   * a venue's public market data. Live accounts keep `synthetic` and ignore it.
   */
  marketData: text('market_data', { enum: PAPER_MARKET_DATA }).notNull().default('synthetic'),
  createdAt: createdAt(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

/**
 * Account groups (migration 0018): one alert fans out to every member account. The group has its own
 * webhook secret, stored like an account's (sha256 and a hint); members are accounts of the same
 * user (composite foreign keys in the migration), an account may be in several groups.
 */
export const accountGroups = pgTable('account_groups', {
  id: text('id').primaryKey(),
  userId: text('user_id').notNull(),
  name: text('name').notNull(),
  webhookSecretHash: text('webhook_secret_hash').notNull(),
  webhookSecretHint: text('webhook_secret_hint').notNull(),
  createdAt: createdAt(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

/** A group's member accounts (primary key group_id + account_id), in the order the user listed them. */
export const accountGroupMembers = pgTable('account_group_members', {
  groupId: text('group_id').notNull(),
  accountId: text('account_id').notNull(),
  userId: text('user_id').notNull(),
  position: integer('position').notNull().default(0),
});

export const signals = pgTable('signals', {
  id: text('id').primaryKey(),
  accountId: text('account_id').notNull(),
  userId: text('user_id').notNull(),
  idempotencyKey: text('idempotency_key').notNull(),
  payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
  sourceIp: text('source_ip'),
  receivedAt: timestamp('received_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  status: text('status', { enum: ['received', 'executing', 'executed', 'failed', 'rejected'] }).notNull(),
  result: jsonb('result'),
  errorCode: text('error_code'),
  errorMessage: text('error_message'),
  startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }),
  finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
  attempts: integer('attempts').notNull().default(0),
  lockedBy: text('locked_by'),
  lockedUntil: timestamp('locked_until', { withTimezone: true, mode: 'date' }),
});

export const orders = pgTable('orders', {
  id: text('id').primaryKey(),
  signalId: text('signal_id'),
  accountId: text('account_id').notNull(),
  role: text('role', { enum: ORDER_ROLES }).notNull(),
  clientOrderId: text('client_order_id').notNull(),
  venueOrderId: text('venue_order_id'),
  symbol: text('symbol').notNull(),
  side: text('side').notNull(),
  type: text('type').notNull(),
  qty: text('qty'),
  price: text('price'),
  status: text('status').notNull(),
  request: jsonb('request'),
  response: jsonb('response'),
  error: jsonb('error'),
  createdAt: createdAt(),
  /** The venue's update time of the state in `status` (the account mirror; a late event never overwrites a newer one). */
  venueUpdatedAt: timestamp('venue_updated_at', { withTimezone: true, mode: 'date' }),
});

/** Which server process executes an account's signals, until when (see migration 0002). */
export const accountLeases = pgTable('account_leases', {
  accountId: text('account_id').primaryKey(),
  holder: text('holder').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
});

/** A paper account's venue state (`PaperVenueSnapshot` from @tradingbot/exchange), kept across evictions and restarts. */
export const paperVenueState = pgTable('paper_venue_state', {
  accountId: text('account_id').primaryKey(),
  state: jsonb('state').$type<Record<string, unknown>>().notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

export const auditLog = pgTable('audit_log', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  userId: text('user_id'),
  accountId: text('account_id'),
  signalId: text('signal_id'),
  action: text('action').notNull(),
  details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
  createdAt: createdAt(),
});

export const loginAttempts = pgTable('login_attempts', {
  email: text('email').notNull(),
  ip: text('ip').notNull(),
  failures: integer('failures').notNull().default(0),
  lockedUntil: timestamp('locked_until', { withTimezone: true, mode: 'date' }),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

/** One row the health checks rewrite, proving the database takes writes (migration 0006). */
export const healthProbe = pgTable('health_probe', {
  id: smallint('id').primaryKey(),
  checkedAt: timestamp('checked_at', { withTimezone: true, mode: 'date' }).notNull(),
});

export const recoveryCodes = pgTable('recovery_codes', {
  id: text('id').primaryKey(),
  userId: text('user_id').notNull(),
  codeHash: text('code_hash').notNull(),
  usedAt: timestamp('used_at', { withTimezone: true, mode: 'date' }),
  createdAt: createdAt(),
});

/** Failed sign-ins per account from any address; past a free budget each one delays the next attempt. */
export const accountLoginFailures = pgTable('account_login_failures', {
  email: text('email').primaryKey(),
  failures: integer('failures').notNull().default(0),
  nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true, mode: 'date' }),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

/** Devices that signed in before (a token given at sign-in): exempt from the per-account delay. */
export const trustedDevices = pgTable('trusted_devices', {
  id: text('id').primaryKey(),
  userId: text('user_id').notNull(),
  tokenHash: text('token_hash').notNull(),
  createdAt: createdAt(),
  lastUsedAt: timestamp('last_used_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
});

/** A password accepted for a user with two-factor authentication, waiting for the code. */
export const loginChallenges = pgTable('login_challenges', {
  id: text('id').primaryKey(),
  userId: text('user_id').notNull(),
  tokenHash: text('token_hash').notNull(),
  email: text('email').notNull(),
  ip: text('ip').notNull(),
  userAgent: text('user_agent'),
  deviceId: text('device_id'),
  attempts: integer('attempts').notNull().default(0),
  expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true, mode: 'date' }),
});

/** A user's Telegram chat, linked by a one-time code the chat sent to the bot (issue 19). */
export const telegramLinks = pgTable('telegram_links', {
  userId: text('user_id').primaryKey(),
  chatId: text('chat_id').notNull().unique(),
  username: text('username'),
  locale: text('locale', { enum: ['en', 'ko'] })
    .notNull()
    .default('en'),
  createdAt: createdAt(),
});

/** One-time link codes, as sha256, with their expiry; burnt on use. */
export const telegramLinkCodes = pgTable('telegram_link_codes', {
  codeHash: text('code_hash').primaryKey(),
  userId: text('user_id').notNull(),
  locale: text('locale', { enum: ['en', 'ko'] })
    .notNull()
    .default('en'),
  expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true, mode: 'date' }),
  createdAt: createdAt(),
});

export type UserRow = typeof users.$inferSelect;
export type SessionRow = typeof sessions.$inferSelect;
export type AccountRow = typeof accounts.$inferSelect;
export type SignalRow = typeof signals.$inferSelect;
export type AccountGroupRow = typeof accountGroups.$inferSelect;
export type OrderRow = typeof orders.$inferSelect;

/** Strategy-lab optimization jobs (`apps/server/src/services/lab-jobs.ts`); pg-boss queues them on PostgreSQL. */
export const labJobs = pgTable('lab_jobs', {
  id: text('id').primaryKey(),
  ownerId: text('owner_id').notNull(),
  kind: text('kind', { enum: ['optimization'] })
    .notNull()
    .default('optimization'),
  strategy: text('strategy').notNull(),
  status: text('status', { enum: ['queued', 'running', 'done', 'failed'] }).notNull(),
  done: integer('done').notNull().default(0),
  total: integer('total').notNull().default(0),
  input: jsonb('input').notNull(),
  result: jsonb('result'),
  error: jsonb('error').$type<{ code: string; message: string }>(),
  attempts: integer('attempts').notNull().default(0),
  createdAt: createdAt(),
  startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }),
  finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
});

/**
 * Strategy-lab backtests a user saved (migration 0016): what was asked (`settings`: strategy,
 * parameters, options, the data as described to the user) with the candles it ran on (`data`: the
 * built-in sample's description, or the CSV text — an exchange range downloaded once at saving), so
 * the result is recomputed deterministically; `metrics` are the backtest's metrics at saving.
 */
export const labRuns = pgTable('lab_runs', {
  id: text('id').primaryKey(),
  ownerId: text('owner_id').notNull(),
  name: text('name').notNull(),
  strategy: text('strategy').notNull(),
  settings: jsonb('settings').notNull(),
  data: jsonb('data').notNull(),
  dataInfo: jsonb('data_info').notNull(),
  metrics: jsonb('metrics').notNull(),
  createdAt: createdAt(),
});

const venueTime = () => timestamp('venue_time', { withTimezone: true, mode: 'date' }).notNull();

/** Every execution on the venue, once per venue trade id (the account mirror, migration 0007). */
export const fills = pgTable('fills', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  accountId: text('account_id').notNull(),
  venueTradeId: text('venue_trade_id').notNull(),
  venueOrderId: text('venue_order_id').notNull(),
  clientOrderId: text('client_order_id').notNull().default(''),
  signalId: text('signal_id'),
  symbol: text('symbol').notNull(),
  side: text('side', { enum: ['buy', 'sell'] }).notNull(),
  positionSide: text('position_side', { enum: ['long', 'short', 'net'] }).notNull(),
  qty: text('qty').notNull(),
  price: text('price').notNull(),
  fee: text('fee').notNull(),
  feeAsset: text('fee_asset').notNull(),
  realizedPnl: text('realized_pnl').notNull(),
  liquidity: text('liquidity', { enum: ['maker', 'taker'] }).notNull(),
  reason: text('reason', { enum: FILL_REASONS }).notNull(),
  venueTime: venueTime(),
  createdAt: createdAt(),
});

/** The funding ledger, once per venue entry id (positive = received). */
export const fundingPayments = pgTable('funding_payments', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  accountId: text('account_id').notNull(),
  venueEntryId: text('venue_entry_id').notNull(),
  symbol: text('symbol').notNull(),
  amount: text('amount').notNull(),
  asset: text('asset').notNull(),
  venueTime: venueTime(),
  createdAt: createdAt(),
});

/** Positions as the venue holds them now (qty '0' = closed); `external` = not opened by this server. */
export const positions = pgTable('positions', {
  accountId: text('account_id').notNull(),
  symbol: text('symbol').notNull(),
  side: text('side', { enum: ['long', 'short', 'net'] }).notNull(),
  qty: text('qty').notNull(),
  entryPrice: text('entry_price').notNull(),
  markPrice: text('mark_price').notNull().default('0'),
  unrealizedPnl: text('unrealized_pnl').notNull().default('0'),
  leverage: integer('leverage').notNull().default(1),
  external: boolean('external').notNull().default(false),
  openedAt: timestamp('opened_at', { withTimezone: true, mode: 'date' }),
  venueTime: venueTime(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

/** Per account: the stream's lease holder, the last venue event time seen, and the stream's status. */
export const accountStreamState = pgTable('account_stream_state', {
  accountId: text('account_id').primaryKey(),
  holder: text('holder'),
  expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }),
  lastEventAt: timestamp('last_event_at', { withTimezone: true, mode: 'date' }),
  status: text('status', { enum: ['connecting', 'up', 'down'] })
    .notNull()
    .default('down'),
  statusReason: text('status_reason'),
  statusSince: timestamp('status_since', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

/**
 * The wallet balance (excluding unrealised PnL) of an account per UTC day (`YYYY-MM-DD`) and asset:
 * the first and last observation of the day, and the transfers the venue reported that day
 * (deposits positive, withdrawals negative). Key (account_id, asset, day), declared by migration 0020.
 */
export const balanceDays = pgTable('balance_days', {
  accountId: text('account_id').notNull(),
  asset: text('asset').notNull(),
  day: text('day').notNull(),
  openBalance: text('open_balance').notNull(),
  openAt: timestamp('open_at', { withTimezone: true, mode: 'date' }).notNull(),
  closeBalance: text('close_balance').notNull(),
  closeAt: timestamp('close_at', { withTimezone: true, mode: 'date' }).notNull(),
  transfers: text('transfers').notNull().default('0'),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

export type FillRow = typeof fills.$inferSelect;
export type FundingPaymentRow = typeof fundingPayments.$inferSelect;
export type PositionRow = typeof positions.$inferSelect;
export type BalanceDayRow = typeof balanceDays.$inferSelect;

/** Where a user's notifications go (`apps/server/src/services/notify/`); secrets only as ciphertexts. */
export const notificationChannels = pgTable('notification_channels', {
  id: text('id').primaryKey(),
  userId: text('user_id').notNull(),
  kind: text('kind', { enum: ['telegram', 'discord', 'email', 'webhook'] }).notNull(),
  name: text('name').notNull().default(''),
  /** What is not a secret: an email address, a Telegram chat id. */
  address: text('address'),
  /** AES-256-GCM JSON of the secret part of the target (Discord webhook URL; webhook URL + signing secret). */
  secretEnc: text('secret_enc'),
  targetHint: text('target_hint').notNull().default(''),
  enabled: boolean('enabled').notNull().default(true),
  disabledReason: text('disabled_reason'),
  failures: integer('failures').notNull().default(0),
  locale: text('locale', { enum: ['en', 'ko'] })
    .notNull()
    .default('en'),
  events: jsonb('events').$type<string[]>().notNull().default([]),
  createdAt: createdAt(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

/** The notification outbox: one row per message per channel, claimed with a lease by the dispatcher. */
export const notificationOutbox = pgTable('notification_outbox', {
  id: text('id').primaryKey(),
  channelId: text('channel_id').notNull(),
  userId: text('user_id').notNull(),
  event: text('event').notNull(),
  payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
  status: text('status', { enum: ['queued', 'sending', 'sent', 'failed'] })
    .notNull()
    .default('queued'),
  attempts: integer('attempts').notNull().default(0),
  nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  leaseUntil: timestamp('lease_until', { withTimezone: true, mode: 'date' }),
  digestKey: text('digest_key'),
  idempotencyKey: text('idempotency_key').notNull().unique(),
  lastError: text('last_error'),
  createdAt: createdAt(),
  sentAt: timestamp('sent_at', { withTimezone: true, mode: 'date' }),
});

export type NotificationChannelRow = typeof notificationChannels.$inferSelect;
export type NotificationOutboxRow = typeof notificationOutbox.$inferSelect;

/** Which bots may run; `trade_plan` as @tradingbot/core's `TradePlan` (apps/server/src/services/bots/). */
export const BOT_STATES = ['stopped', 'warming_up', 'running', 'error'] as const;
export type BotState = (typeof BOT_STATES)[number];

/**
 * Strategy bots: a strategy the server runs itself on an account's venue candles (migration 0011).
 * `desired_state` is what the user asked (start / stop); `status` what the runner reports.
 * `last_bar_time` is the open time of the last closed bar evaluated: a restart evaluates the bars
 * after it (catch-up rules), never one before it again.
 */
export const bots = pgTable('bots', {
  id: text('id').primaryKey(),
  userId: text('user_id').notNull(),
  accountId: text('account_id').notNull(),
  name: text('name').notNull().default(''),
  strategy: text('strategy').notNull(),
  params: jsonb('params').$type<Record<string, number>>().notNull().default({}),
  symbol: text('symbol').notNull(),
  timeframe: text('timeframe').notNull(),
  plan: jsonb('plan').$type<Record<string, unknown>>().notNull(),
  /** A signal older than this (ms after its bar closed) is recorded as skipped; null = the server's default. */
  maxSignalAgeMs: integer('max_signal_age_ms'),
  desiredState: text('desired_state', { enum: ['running', 'stopped'] })
    .notNull()
    .default('stopped'),
  status: text('status', { enum: BOT_STATES }).notNull().default('stopped'),
  statusReason: text('status_reason'),
  statusSince: timestamp('status_since', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  position: text('position', { enum: ['flat', 'long', 'short'] })
    .notNull()
    .default('flat'),
  lastBarTime: timestamp('last_bar_time', { withTimezone: true, mode: 'date' }),
  createdAt: createdAt(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

/** Which server process runs an account's bots, until when (renewed by its holder; taken over after). */
export const botLeases = pgTable('bot_leases', {
  accountId: text('account_id').primaryKey(),
  holder: text('holder').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
});

/** Each action a bot decided on a closed bar: sent as a signal, or skipped with the reason. */
export const botDecisions = pgTable('bot_decisions', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  botId: text('bot_id').notNull(),
  barTime: timestamp('bar_time', { withTimezone: true, mode: 'date' }).notNull(),
  action: text('action', { enum: ['long', 'short', 'close_long', 'close_short'] }).notNull(),
  outcome: text('outcome', { enum: ['sent', 'skipped'] }).notNull(),
  reason: text('reason'),
  signalId: text('signal_id'),
  createdAt: createdAt(),
});

export type BotRow = typeof bots.$inferSelect;
export type BotDecisionRow = typeof botDecisions.$inferSelect;

/**
 * Alerts refused before authentication against an existing account (migration 0017): one row per
 * account, reason and minute `bucket`, counted; never a secret (`summary`: action, symbol, fields).
 */
export const refusedAlerts = pgTable('refused_alerts', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  accountId: text('account_id').notNull(),
  userId: text('user_id').notNull(),
  reason: text('reason').notNull(),
  bucket: timestamp('bucket', { withTimezone: true, mode: 'date' }).notNull(),
  count: integer('count').notNull().default(1),
  firstSeen: timestamp('first_seen', { withTimezone: true, mode: 'date' }).notNull(),
  lastSeen: timestamp('last_seen', { withTimezone: true, mode: 'date' }).notNull(),
  sourceIp: text('source_ip'),
  summary: jsonb('summary').$type<Record<string, unknown>>().notNull().default({}),
});

export type RefusedAlertRow = typeof refusedAlerts.$inferSelect;
