import type { VenueId } from '@tradingbot/core';
import type { Exchange } from '@tradingbot/exchange';
import {
  InMemoryLeverageCache,
  toSignal,
  type AccountSettings,
  type AuditEvent,
  type ExecutionContext,
  type OrderRecord,
  type Signal,
  type SignalPayload,
} from '../src/index.ts';

export const HOUR = 3_600_000;
/** 2026-11-23T10:00:00Z: the first hand-made candle opens here. */
export const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);

/**
 * Five hand-made closed 1h candles and their true ranges:
 *   c1 O100 H110 L95  C105  TR = H−L                              = 15
 *   c2 O105 H112 L101 C108  TR = max(11, |112−105|, |101−105|)     = 11
 *   c3 O108 H109 L100 C102  TR = max(9, |109−108|, |100−108|)      = 9
 *   c4 O102 H104 L90  C95   TR = max(14, |104−102|, |90−102|)      = 14
 *   c5 O95  H99  L93  C98   TR = max(6, |99−95|, |93−95|)          = 6
 * Wilder ATR(3) (TradingView ta.atr: RMA seeded with the SMA of the first 3 TRs):
 *   ATR3 = (15+11+9)/3 = 35/3;  ATR4 = (2·35/3 + 14)/3 = 112/9;  ATR5 = (2·112/9 + 6)/3 = 278/27 ≈ 10.296296
 */
export const CANDLES = [
  { open: 100, high: 110, low: 95, close: 105 },
  { open: 105, high: 112, low: 101, close: 108 },
  { open: 108, high: 109, low: 100, close: 102 },
  { open: 102, high: 104, low: 90, close: 95 },
  { open: 95, high: 99, low: 93, close: 98 },
] as const;
export const ATR3 = 278 / 27;

/** Records every call to the exchange, and lets a test make chosen calls fail (fault injection). */
export type CallLog = { method: string; args: unknown[] }[];
export type Faults = Partial<Record<keyof Exchange, ((args: unknown[]) => unknown)[]>>;

/**
 * Wraps a real exchange: every call is logged, and the queued faults of a method are thrown for
 * its next calls (one per call; a fault returning undefined passes that call through) before the
 * real method is used again. Nothing else is changed.
 */
export function instrument<E extends Exchange>(
  exchange: E,
  faults: Faults = {},
): { exchange: E; calls: CallLog } {
  const calls: CallLog = [];
  const proxy = new Proxy(exchange, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push({ method: String(prop), args });
        const queue = faults[prop as keyof Exchange];
        const fault = queue?.shift();
        const thrown = fault?.(args);
        // A fault that returns undefined lets that call through (to fail only a later call).
        if (thrown !== undefined) return Promise.reject(thrown);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { exchange: proxy, calls };
}

export type Harness = {
  context: ExecutionContext;
  records: OrderRecord[];
  audits: AuditEvent[];
};

export function harness(
  exchange: Exchange,
  settings: Partial<AccountSettings> = {},
  options: { accountId?: string; accountExchange?: VenueId; now?: () => number } = {},
): Harness {
  const records: OrderRecord[] = [];
  const audits: AuditEvent[] = [];
  const context: ExecutionContext = {
    exchange,
    account: {
      id: options.accountId ?? 'acc-1',
      exchange: options.accountExchange ?? 'binance',
      settings: { defaultLeverage: 5, atrPeriod: 3, atrTimeframe: '1h', ...settings },
    },
    leverageCache: new InMemoryLeverageCache(),
    recordOrder: async (record) => {
      records.push(record);
    },
    audit: async (event) => {
      audits.push(event);
    },
    now: options.now ?? (() => Date.now()),
  };
  return { context, records, audits };
}

let counter = 0;
/** A signal from a payload, with a unique id unless the payload brings one. */
export function signal(
  payload: Partial<SignalPayload> & { action: string },
  receivedAt = Date.now(),
): Signal {
  return toSignal(
    {
      account_id: 'acc-1',
      exchange: 'binance',
      symbol: 'SOLUSDT',
      secret: 'x',
      id: `alert-${++counter}`,
      ...payload,
    } as SignalPayload,
    { receivedAt },
  );
}
