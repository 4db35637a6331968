import type { OrderRole } from '@tradingbot/core';
import type { AccountRef, Exchange, ExchangeId, MarginMode, Order, PositionSide } from '@tradingbot/exchange';
import type { WarmStateView } from './warm-state.ts';

/**
 * The executor's ports: everything it needs from the outside world, as small interfaces. It knows
 * nothing of HTTP or the database; the webhook pipeline passes implementations that write the
 * `orders` and `audit_log` tables, tests pass arrays.
 */

/** Per-account trading settings (the account row's settings, parsed by the caller). */
export type AccountSettings = {
  /** Percent of the AVAILABLE balance used as margin for an entry. Default 10. */
  defaultSizePct?: number;
  /** Fixed margin per entry in quote units (a decimal string); wins over `defaultSizePct` when set. */
  defaultSizeUsdt?: string;
  /** Leverage used when the payload sends none. */
  defaultLeverage: number;
  /** Margin mode for new positions. Default `cross`. */
  marginMode?: MarginMode;
  /**
   * Stop-loss distance in ATRs for alerts that state none. Default: the trade plan's (2,
   * `DEFAULT_SL_ATR`); 0 = no automatic stop (then only a payload `sl_atr` / `sl_pct` places one).
   */
  slAtr?: number;
  /** Take-profit distance in ATRs for alerts that state none. Default: the trade plan's (3, `DEFAULT_TP_ATR`); 0 = none. */
  tpAtr?: number;
  /** Stop-loss / take-profit in percent of the entry for alerts that state none (wins over `slAtr` / `tpAtr`). */
  slPct?: number;
  tpPct?: number;
  /** Caps (absent = none): the highest leverage, the largest entry notional (quote, decimal string), open positions. */
  maxLeverage?: number;
  maxPositionNotional?: string;
  maxOpenPositions?: number;
  /** ATR length. Default 14 (`ta.atr(14)`). */
  atrPeriod?: number;
  /** Candle timeframe of the ATR when the payload sends no `timeframe`. Default `1h`. */
  atrTimeframe?: string;
};

/**
 * Remembers the leverage last set per account / symbol / margin mode so it is not re-sent when
 * unchanged. A DB- or Redis-backed implementation can replace the in-memory one.
 */
export interface LeverageCache {
  get(accountId: string, venueSymbol: string, marginMode: MarginMode): Promise<number | undefined>;
  set(accountId: string, venueSymbol: string, marginMode: MarginMode, leverage: number): Promise<void>;
  delete(accountId: string, venueSymbol: string, marginMode: MarginMode): Promise<void>;
}

/**
 * In-process LeverageCache. Entries expire after `ttlMs` (default 1 hour) so a leverage the user
 * changed by hand on the venue is corrected within that time; the executor also forgets an entry
 * whenever a request with it fails.
 */
export class InMemoryLeverageCache implements LeverageCache {
  readonly #entries = new Map<string, { leverage: number; at: number }>();
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(options: { ttlMs?: number; now?: () => number } = {}) {
    this.#ttlMs = options.ttlMs ?? 60 * 60 * 1000;
    this.#now = options.now ?? Date.now;
  }

  static #key(accountId: string, venueSymbol: string, marginMode: MarginMode): string {
    return `${accountId}\u0000${venueSymbol}\u0000${marginMode}`;
  }

  async get(accountId: string, venueSymbol: string, marginMode: MarginMode): Promise<number | undefined> {
    const key = InMemoryLeverageCache.#key(accountId, venueSymbol, marginMode);
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (this.#now() - entry.at >= this.#ttlMs) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.leverage;
  }

  async set(accountId: string, venueSymbol: string, marginMode: MarginMode, leverage: number): Promise<void> {
    this.#entries.set(InMemoryLeverageCache.#key(accountId, venueSymbol, marginMode), {
      leverage,
      at: this.#now(),
    });
  }

  async delete(accountId: string, venueSymbol: string, marginMode: MarginMode): Promise<void> {
    this.#entries.delete(InMemoryLeverageCache.#key(accountId, venueSymbol, marginMode));
  }
}

/**
 * One order the executor sent (or found already on the venue when re-executing a signal), for the
 * `orders` table. `status`:
 * - `placed`: accepted by the venue now; `order` is the venue's answer;
 * - `existing`: found by its idempotency key (a previous run placed it); not sent again;
 * - `failed`: rejected or failed; `error` says why and `order` is absent.
 */
export type OrderRecord = {
  accountId: string;
  exchange: ExchangeId;
  signalKey: string;
  role: OrderRole;
  idempotencyKey: string;
  venueSymbol: string;
  status: 'placed' | 'existing' | 'failed';
  /** What was asked of the venue (decimal strings, base units). */
  request: Record<string, unknown>;
  order?: Order;
  error?: { code: string; message: string; details?: Record<string, unknown> };
  attempt?: number;
  at: number;
};

export type AuditEventType =
  | 'signal_received'
  | 'signal_rejected'
  | 'position_mode'
  | 'positions_read'
  | 'entry_skipped'
  | 'close_skipped'
  | 'orders_canceled'
  | 'cancel_failed'
  | 'leverage_set'
  | 'leverage_skipped'
  | 'leverage_failed'
  | 'sizing_computed'
  | 'sizing_rejected'
  | 'order_found'
  | 'order_placed'
  | 'order_failed'
  | 'protection_computed'
  | 'protection_placed'
  | 'protection_retry'
  | 'protection_failed'
  | 'protection_skipped'
  /** A stop-loss / take-profit sent with the entry: created by the venue at the fill, or missing (then placed separately). */
  | 'protection_attached'
  | 'position_flattened'
  | 'position_reduced'
  | 'port_failed'
  | 'execution_completed'
  | 'execution_failed'
  /** Which path the entry took: `warm` (everything from memory, the entry is the first venue request) or `cold` (REST reads, and why). */
  | 'state_path';

/** One decision of the executor, for the `audit_log` table. Never contains a secret. */
export type AuditEvent = {
  type: AuditEventType;
  accountId: string;
  exchange: ExchangeId;
  signalKey: string;
  venueSymbol: string;
  action: string;
  at: number;
  level: 'info' | 'warn' | 'error';
  message: string;
  data?: Record<string, unknown>;
};

export type Logger = {
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
};

/** Everything one execution needs: the venue client, the account, and the ports. */
export type ExecutionContext = {
  exchange: Exchange;
  /** The account (`AccountRef` of @tradingbot/exchange; its network is the client's business) and its settings. */
  account: Pick<AccountRef, 'id' | 'exchange'> & { settings: AccountSettings };
  leverageCache: LeverageCache;
  /** Persists an order record (the `orders` table). A failure is logged and audited, never fatal. */
  recordOrder(record: OrderRecord): Promise<void>;
  /** Persists an audit event. A failure is logged, never fatal. */
  audit(event: AuditEvent): Promise<void>;
  /** Clock (ms). */
  now(): number;
  logger?: Logger;
  /**
   * The account's warm state (kept true by the venue streams), when this process follows it. Read
   * instead of the venue while it is fresh; stale or missing values are read from REST as before.
   */
  warmState?: WarmStateView;
  /**
   * The signal may have been started before (resumed after a crash or a timeout): every order is
   * looked up by its idempotency key before it is sent. Without it, a warm execution sends its
   * orders without the look-up (their keys are new: derived from a signal that never ran).
   */
  resumed?: boolean;
};

export type { PositionSide };
