/**
 * What the outbox stores for each message: the facts of one event, already stripped of anything
 * secret (account ids masked, no keys, no webhook secrets), rendered into words only when sent, in
 * the channel's language (`render.ts`).
 */

/** The event kinds a channel may choose (its preferences); `test` and `digest` are always sent. */
export const NOTIFY_EVENT_KINDS = [
  'signal_executed',
  'signal_failed',
  'alert_refused',
  'trade_closed',
  'protection_missing',
  'stream_down',
  'daily_loss_reached',
  'daily_summary',
] as const;
export type NotifyEventKind = (typeof NOTIFY_EVENT_KINDS)[number];

/** What a new channel receives when it names no events: all but the optional daily summary. */
export const DEFAULT_NOTIFY_EVENTS: readonly NotifyEventKind[] = NOTIFY_EVENT_KINDS.filter(
  (kind) => kind !== 'daily_summary',
);

/** How an account appears in a message: its label and its id masked (never the full id). */
export type AccountRef = { label: string; masked: string };

export type NotifyFacts =
  | {
      type: 'signal_executed';
      signalId: string;
      account: AccountRef;
      exchange: string;
      action: string;
      symbol: string;
      qty?: string;
      price?: string;
      leverage?: number;
      stopLoss?: string;
      takeProfit?: string;
      warning?: string;
    }
  | {
      type: 'signal_failed';
      signalId: string;
      account: AccountRef;
      exchange: string;
      status: 'failed' | 'rejected';
      code: string;
      message: string;
      symbol?: string;
      action?: string;
    }
  | { type: 'alert_refused'; account: AccountRef; code: string; signalId?: string }
  | {
      type: 'trade_closed';
      account: AccountRef;
      exchange: string;
      reason: 'stop_loss' | 'take_profit' | 'trailing' | 'liquidation';
      symbol: string;
      side: string;
      qty: string;
      price: string;
      pnl: string;
      signalId: string | null;
    }
  | {
      type: 'protection_missing';
      account: AccountRef;
      exchange: string;
      symbol: string;
      side: string;
      qty: string;
      action: 'reprotected' | 'closed' | 'alerted' | 'failed';
      errorCode?: string;
    }
  | { type: 'stream_down'; account: AccountRef; exchange: string; downSince: number }
  | {
      type: 'daily_loss_reached';
      account: AccountRef;
      exchange: string;
      /** USDT, decimal strings: the limit and the day's net PnL (negative). */
      limit: string;
      netPnl: string;
      pausedUntil: number;
    }
  | {
      type: 'daily_summary';
      /** The UTC day summed up, YYYY-MM-DD. */
      day: string;
      accounts: Array<{
        account: AccountRef;
        exchange: string;
        /** Net PnL of the day (realized − fees + funding), USDT. */
        netPnl: string;
        /** Fills that realized PnL that day (closing fills). */
        trades: number;
        /** Open positions as the account mirror last saw them. */
        openPositions: Array<{ symbol: string; side: string; qty: string; unrealizedPnl: string }>;
      }>;
    }
  | { type: 'test'; channelName: string };

/** `abcd…wxyz`-style: enough to tell accounts apart, not enough to send an alert for one. */
export function maskId(id: string): string {
  if (id.length <= 6) return '…' + id.slice(-2);
  return `…${id.slice(-4)}`;
}
