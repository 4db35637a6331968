import type { OrderRole } from '@tradingbot/core';
import type { ExecutionResult } from '@tradingbot/executor';
import type { RefusedAlertSummary } from './services/refused-alerts.ts';

/**
 * The server's event seams: what happened to signals, orders and positions, for whoever wants to
 * know (XP, metrics, notifiers) without the signal pipeline calling them. Listeners subscribe once,
 * at app start (`listeners/index.ts`), on the app's one bus (`app.events`).
 */

/** A signal row reached its final status: executed or failed by the worker, or refused at the webhook. */
export type SignalFinished = {
  signalId: string;
  accountId: string;
  userId: string;
  /** The account's venue. */
  exchange: string;
  status: 'executed' | 'failed' | 'rejected';
  /** The execution result (absent for a signal refused at the webhook). */
  result?: ExecutionResult;
  /** The result's or the refusal's error code, when there is one. */
  code?: string;
  message: string;
  /** The orders this execution recorded (placed, found on the venue, or failed), in order. */
  orders: readonly OrderRecorded[];
  /** Time spent executing on the venue, when the executor ran (not for refusals). */
  executionMs?: number;
  /** True when the signal was resumed after an interrupted execution. */
  resumed: boolean;
};

/** One row of `orders` written or updated (a resumed signal meets its orders again). */
export type OrderRecorded = {
  signalId: string;
  accountId: string;
  userId: string;
  role: OrderRole;
  clientOrderId: string;
  venueOrderId: string | null;
  symbol: string;
  side: string;
  type: string;
  qty: string | null;
  price: string | null;
  /** The venue's order status, or the record's (`failed`) when the venue gave no order. */
  status: string;
  /** `placed` now, `existing` (found on the venue by its client id), or `failed`. */
  outcome: 'placed' | 'existing' | 'failed';
  error: { code: string; message: string } | null;
};

/** A venue answered a call with an error (counted per venue and code). */
export type ExchangeErrorOccurred = {
  accountId: string;
  venue: string;
  code: string;
  /** The venue's own code (`-2019`, `51008`), '' when it gave none. */
  venueCode: string;
};

/**
 * An execution on the venue recorded in `fills` for the first time (the account mirror): our orders,
 * triggered stops and take-profits, liquidations, ADL, and fills of orders placed outside this server.
 * Emitted once per venue trade id, however often the venue repeats it.
 */
export type FillReceived = {
  accountId: string;
  userId: string;
  /** The account's venue. */
  exchange: string;
  venueSymbol: string;
  venueTradeId: string;
  venueOrderId: string;
  clientOrderId: string;
  side: 'buy' | 'sell';
  positionSide: 'long' | 'short' | 'net';
  /** Base units of this execution. */
  qty: string;
  price: string;
  /** Fee paid (positive) in `feeAsset`. */
  fee: string;
  feeAsset: string;
  /** Realised PnL as the venue reports it, before the fee. */
  realizedPnl: string;
  /** Why: an entry or close by a signal, a triggered stop-loss / take-profit, liquidation, ADL, or an order placed outside this server. */
  reason: 'signal' | 'stop_loss' | 'take_profit' | 'trailing' | 'liquidation' | 'adl' | 'manual' | 'external';
  /** The signal whose order this was, when it was ours. */
  signalId: string | null;
  /** Venue time of the execution (ms). */
  at: number;
};

/** A position's size or entry changed on the venue (the account mirror's `positions` row after the change). */
export type PositionChanged = {
  accountId: string;
  userId: string;
  exchange: string;
  venueSymbol: string;
  side: 'long' | 'short' | 'net';
  /** Signed base quantity after the change; '0' when closed. */
  qty: string;
  entryPrice: string;
  /** True for a position this server did not open (never touched unless the user says so). */
  external: boolean;
  at: number;
};

/** An open position has no resting stop-loss on the venue (cancelled, rejected, or closed by hand), and what was done. */
export type ProtectionMissing = {
  accountId: string;
  userId: string;
  exchange: string;
  venueSymbol: string;
  side: 'long' | 'short' | 'net';
  qty: string;
  /** The account's protection policy and its outcome. */
  action: 'reprotected' | 'closed' | 'alerted' | 'failed';
  /** What went wrong when `action` is `failed`. */
  error?: { code: string; message: string };
  at: number;
};

/** An account's private venue stream went down (events may be missed until it is up and re-synced). */
export type StreamDown = {
  accountId: string;
  userId: string;
  exchange: string;
  reason: string;
  at: number;
};

/** An account's private venue stream is up again and re-synced from REST. */
export type StreamUp = {
  accountId: string;
  userId: string;
  exchange: string;
  /** How long it was down (ms), 0 on the first connect. */
  downMs: number;
  at: number;
};

/**
 * An alert named an existing account but did not carry its secret, so it was refused before
 * authentication and never recorded as a signal (notifications tell the account's owner, throttled
 * per account; `refused_alerts` counts it for the signals log, listeners/refused-alerts.ts).
 */
export type AlertRefused = {
  accountId: string;
  userId: string;
  exchange: string;
  code: 'INVALID_WEBHOOK_SECRET';
  at: number;
  /** The client address of the request. */
  sourceIp?: string;
  /** What the alert said, without its secret (`refusedAlertSummary`). */
  summary?: RefusedAlertSummary;
};

/**
 * An account's realized loss today (UTC: realized PnL − fees + funding, from `fills`) reached its
 * daily loss limit: new entries are paused until `pausedUntil` (the next UTC midnight) or until the
 * user resumes. Emitted once per account per day (the process that set the pause).
 */
export type DailyLossReached = {
  accountId: string;
  userId: string;
  exchange: string;
  /** The UTC day, YYYY-MM-DD. */
  day: string;
  /** The limit and today's net PnL (negative), decimal strings in USDT. */
  limit: string;
  netPnl: string;
  pausedUntil: number;
};

/** Every event of the server: name → payload. */
export type ServerEvents = {
  'signal.finished': SignalFinished;
  'order.recorded': OrderRecorded;
  'exchange.error': ExchangeErrorOccurred;
  'fill.received': FillReceived;
  'position.changed': PositionChanged;
  'protection.missing': ProtectionMissing;
  'stream.down': StreamDown;
  'stream.up': StreamUp;
  'alert.refused': AlertRefused;
  'account.daily_loss_reached': DailyLossReached;
};

export type Listener<P> = (payload: Readonly<P>) => void | Promise<void>;

export type EventLog = { error(obj: object, msg: string): void };

/**
 * A typed, in-process event bus. `emit` calls the event's listeners in subscription order and
 * returns at once: a listener that throws (or whose promise rejects) is logged and never reaches
 * the emitter or the other listeners, and async listeners run on without being awaited. `idle()`
 * waits for the listeners still running (shutdown, tests).
 */
export class EventBus<Events extends object = ServerEvents> {
  readonly #listeners = new Map<keyof Events, Set<Listener<never>>>();
  readonly #running = new Set<Promise<void>>();

  constructor(private readonly log?: EventLog) {}

  /** Subscribes; returns the unsubscribe function. */
  on<E extends keyof Events>(event: E, listener: Listener<Events[E]>): () => void {
    let set = this.#listeners.get(event);
    if (set === undefined) this.#listeners.set(event, (set = new Set()));
    set.add(listener as Listener<never>);
    return () => this.off(event, listener);
  }

  off<E extends keyof Events>(event: E, listener: Listener<Events[E]>): void {
    this.#listeners.get(event)?.delete(listener as Listener<never>);
  }

  emit<E extends keyof Events>(event: E, payload: Events[E]): void {
    for (const listener of [...(this.#listeners.get(event) ?? [])]) {
      try {
        const outcome = (listener as Listener<Events[E]>)(payload);
        if (outcome instanceof Promise) this.#track(event, outcome);
      } catch (error) {
        this.#failed(event, error);
      }
    }
  }

  /** Resolves when every listener started so far has settled. */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
  }

  #track(event: keyof Events, outcome: Promise<void>): void {
    const running = outcome.catch((error: unknown) => this.#failed(event, error));
    this.#running.add(running);
    void running.finally(() => this.#running.delete(running));
  }

  #failed(event: keyof Events, error: unknown): void {
    this.log?.error({ err: error, event: String(event) }, 'event listener failed');
  }
}

export type ServerEventBus = EventBus<ServerEvents>;
