import type { VenueId } from '@tradingbot/core/venues';

/** Shapes of the API answers the UI reads (see the server's route schemas). */
export type Account = {
  id: string;
  exchange: VenueId;
  label: string;
  testnet: boolean;
  is_active: boolean;
  created_at: string;
  webhook_secret_hint: string;
};
export type RegisteredAccount = Account & { webhook_secret: string };
export type AccountList = { accounts: Account[]; total: number };

export type Me = {
  id: string;
  email: string;
  name: string;
  created_at: string;
  total_xp: number;
  level: number;
  total_trades: number;
};

export type Balance = {
  account_id: string;
  asset: string;
  total: string;
  available: string;
  unrealized_pnl: string;
};
export type Position = {
  venueSymbol: string;
  side: string;
  qty: string;
  entryPrice: string;
  markPrice: string;
  unrealizedPnl: string;
  leverage: number;
  marginMode?: string;
  liquidationPrice?: string;
};

export type Signal = {
  id: string;
  account_id: string;
  status: string;
  received_at: string;
  finished_at: string | null;
  source_ip: string | null;
  payload: Record<string, unknown>;
  result: unknown;
  error_code: string | null;
  error_message: string | null;
};
export type Order = {
  id: string;
  role: string;
  symbol: string;
  side: string;
  type: string;
  qty: string | null;
  price: string | null;
  status: string;
  client_order_id: string;
  venue_order_id: string | null;
  request: unknown;
  response: unknown;
  error: unknown;
  created_at: string;
};
export type SignalDetail = Signal & { orders: Order[] };

export type Localized = { en: string; ko: string };
export type ParamDecl = {
  name: string;
  type: 'int' | 'float';
  default: number;
  min: number;
  max: number;
  step: number;
  label: Localized;
};
export type StrategyDecl = {
  id: string;
  name: Localized;
  description: Localized;
  rules: { longEntry: Localized; longExit: Localized; shortEntry: Localized; shortExit: Localized };
  params: ParamDecl[];
  constraints: { kind: string; smaller: string; larger: string; message: Localized }[];
  plots: { title: string; color: string; overlay: boolean }[];
};

export type TradeRow = {
  side: 'long' | 'short';
  entry_time: number;
  entry_price: number;
  exit_time: number;
  exit_price: number;
  qty: number;
  fees: number;
  pnl: number;
  pnl_pct: number;
  exit_reason: string;
  bars_held: number;
};

export type BacktestResult = {
  strategy: string;
  params: Record<string, number>;
  data: { source: string; bars: number; from: number; to: number; timeframe_ms: number | null };
  metrics: Record<string, number | null | object>;
  trades: TradeRow[];
  open_trade: TradeRow | null;
  candles: {
    time: number[];
    open: (number | null)[];
    high: (number | null)[];
    low: (number | null)[];
    close: (number | null)[];
  };
  indicators: { title: string; color: string; overlay: boolean; values: (number | null)[] }[];
  equity: (number | null)[];
  drawdown: (number | null)[];
};

export type SummaryMetrics = {
  score: number | null;
  netProfit: number | null;
  netProfitPct: number | null;
  maxDrawdownPct: number | null;
  sharpe: number | null;
  winRate: number | null;
  profitFactor: number | null;
  totalTrades: number | null;
};

export type OptimizationJob = {
  id: string;
  strategy: string;
  status: 'running' | 'done' | 'failed';
  progress: { done: number; total: number };
  result: null | {
    method: string;
    candidates: number;
    ranking: { params: Record<string, number>; metrics: SummaryMetrics }[];
    walk_forward: null | {
      windows: {
        in_sample: { from: number; to: number; bars: number };
        out_of_sample: { from: number; to: number; bars: number };
        best: Record<string, number>;
        in_sample_metrics: SummaryMetrics;
        out_of_sample_metrics: SummaryMetrics;
      }[];
      out_of_sample_net_profit: number | null;
      efficiency: number | null;
    };
  };
  error: null | { code: string; message: string };
};
