/**
 * What a venue tells us as it happens, in the exchange-neutral units of `types.ts` (base-asset
 * quantities, decimal strings). Every venue's private stream (Binance user-data stream, OKX private
 * WebSocket, the paper venue in-process) is parsed into these events at its edge; the server's
 * account mirror consumes only these. Events may arrive twice or out of order (a reconnect replays,
 * a REST re-sync overlaps the stream): consumers key fills by `venueTradeId` and order states by
 * `venueOrderId` + `updateTime`, so a repeat is harmless.
 */

import type { Balance, Order, OrderSide, Position, PositionSide } from '../types.ts';

/** Why a fill happened, as far as the venue says. */
export type FillCause =
  /** An order we or the user placed executed (market or limit). */
  | 'order'
  /** A conditional order (stop-loss / take-profit / trailing) triggered and executed. */
  | 'trigger'
  | 'liquidation'
  /** Auto-deleveraging: the venue closed part of the position against a liquidated counterparty. */
  | 'adl';

/** One execution on the venue. */
export type VenueFill = {
  /** The venue's trade id, unique per venue account (the key that makes a repeated fill harmless). */
  venueTradeId: string;
  venueOrderId: string;
  clientOrderId: string;
  venueSymbol: string;
  side: OrderSide;
  positionSide: PositionSide;
  /** Base units of this execution (not cumulative). */
  qty: string;
  price: string;
  /** Fee paid as a positive amount (a rebate is negative). */
  fee: string;
  feeAsset: string;
  /** Realised PnL as the venue reports it for this execution, before its fee. */
  realizedPnl: string;
  liquidity: 'maker' | 'taker';
  cause: FillCause;
  /** For `trigger`: which kind of conditional order, when the venue says. */
  trigger?: 'stop_loss' | 'take_profit' | 'trailing';
  /** Venue time of the execution (ms). */
  time: number;
};

/** A funding payment (positive = received, negative = paid). */
export type FundingPayment = {
  /** The venue's id for the ledger entry (Binance tranId, OKX billId), unique per account. */
  venueEntryId: string;
  venueSymbol: string;
  amount: string;
  asset: string;
  time: number;
};

/** One event of an account's private stream. `time` is the venue's event time (Binance `E`, OKX `uTime`/`pTime`). */
export type AccountEvent =
  /** An order (regular or algo) changed state; `order.status` is its state after the change. */
  | { kind: 'order'; time: number; order: Order; updateTime: number }
  | { kind: 'fill'; time: number; fill: VenueFill }
  /** Positions that changed, each as it is now (qty "0" = closed). */
  | { kind: 'positions'; time: number; positions: Position[]; reason?: string }
  /** Balances that changed, each as it is now. `reason` is the venue's code (Binance `m`, OKX `eventType`). */
  | { kind: 'balances'; time: number; balances: Balance[]; reason?: string }
  | { kind: 'funding'; time: number; payment: FundingPayment }
  /** The venue warns that margin is short (Binance MARGIN_CALL, OKX account-level risk). */
  | { kind: 'margin_call'; time: number; venueSymbol?: string; detail: string };

/**
 * Whether the stream can be trusted. `down` after any gap (socket closed, listenKey expired, missed
 * ping): events may have been missed, so a consumer re-syncs from REST (`AccountHistory`) when it
 * is `up` again before trusting it.
 */
export type StreamStatus =
  | { state: 'connecting'; time: number }
  | { state: 'up'; time: number }
  | { state: 'down'; time: number; reason: string };

/** A venue account's private stream. One per account; reconnects itself with jittered backoff. */
export interface AccountStream {
  /** Connects (and logs in / creates the listenKey); resolves when the first `up` status has been emitted. */
  start(): Promise<void>;
  /** Closes the socket and stops reconnecting. */
  close(): Promise<void>;
  /** Subscribes; returns the unsubscribe function. Listener errors are caught and never stop the stream. */
  onEvent(listener: (event: AccountEvent) => void): () => void;
  onStatus(listener: (status: StreamStatus) => void): () => void;
  readonly status: StreamStatus;
}

/** A public market event: the mark price, or a kline (closed ones drive strategies). */
export type MarketEvent =
  | { kind: 'mark'; venueSymbol: string; price: string; time: number }
  | {
      kind: 'kline';
      venueSymbol: string;
      timeframe: string;
      openTime: number;
      open: string;
      high: string;
      low: string;
      close: string;
      /** Base units. */
      volume: string;
      closed: boolean;
      time: number;
    };

export type MarketSubscription =
  { kind: 'mark'; venueSymbol: string } | { kind: 'kline'; venueSymbol: string; timeframe: string };

/** A venue's public streams (Binance market streams, OKX public + business endpoints). */
export interface MarketStream {
  start(): Promise<void>;
  close(): Promise<void>;
  subscribe(subscription: MarketSubscription): Promise<void>;
  unsubscribe(subscription: MarketSubscription): Promise<void>;
  onEvent(listener: (event: MarketEvent) => void): () => void;
  onStatus(listener: (status: StreamStatus) => void): () => void;
  readonly status: StreamStatus;
}

/** REST reads that fill a stream's gaps: what happened since the last event seen. */
export interface AccountHistory {
  /** Executions since `since` (ms, inclusive), oldest first; `venueSymbol` narrows when given. */
  fillsSince(query: { since: number; venueSymbol?: string; limit?: number }): Promise<VenueFill[]>;
  /** Funding payments since `since` (ms, inclusive), oldest first. */
  fundingSince(query: { since: number; venueSymbol?: string; limit?: number }): Promise<FundingPayment[]>;
}

/** A venue that streams: its client (`Exchange`) also opens these. */
export interface StreamingVenue extends AccountHistory {
  accountStream(options?: StreamOptions): AccountStream;
  marketStream(options?: StreamOptions): MarketStream;
}

export type StreamOptions = {
  /** Reconnect backoff: first delay and cap (ms); jittered. Defaults 500 ms / 30 s. */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** Called once per distinct problem (malformed frame, unknown event type): never throws. */
  onProblem?: (problem: { code: string; message: string }) => void;
};

/** Whether an exchange client streams (venues gain streaming one at a time). */
export function isStreamingVenue(exchange: object): exchange is StreamingVenue {
  const candidate = exchange as Partial<StreamingVenue>;
  return (
    typeof candidate.accountStream === 'function' &&
    typeof candidate.marketStream === 'function' &&
    typeof candidate.fillsSince === 'function' &&
    typeof candidate.fundingSince === 'function'
  );
}
