import { and, eq } from 'drizzle-orm';
import { accounts } from '@tradingbot/db';
import { backtestStrategy, getStrategy, seriesFromRows } from '@tradingbot/engine';
import { isMarketDataVenue, timeframeMs } from '@tradingbot/exchange';
import { decryptCredentials, type KeyRing } from '../crypto/credentials.ts';
import { ServerErrors } from '../errors.ts';
import type { ConnectExchange } from '../exchange-factory.ts';
import { botDetail, type BotsDeps } from './bots.ts';
import { backtestOptions } from './lab.ts';

export type BotChartDeps = BotsDeps & { keyRing: KeyRing; connectExchange: ConnectExchange };

const column = (values: Float64Array): Array<number | null> =>
  Array.from(values, (v) => (Number.isFinite(v) ? v : null));
const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * A bot's live chart (owner-scoped: another user's bot is BOT_NOT_FOUND): the last `bars` candles
 * of its symbol and timeframe from its account's venue, the strategy's indicators computed over
 * them by the engine (the same plots as the lab), its decisions, the resting stop-loss and
 * take-profit and the open position.
 */
export async function botChart(deps: BotChartDeps, userId: string, botId: string, bars: number) {
  const bot = await botDetail(deps, userId, botId);
  const [account] = await deps.database.db
    .select()
    .from(accounts)
    .where(and(eq(accounts.id, bot.account_id), eq(accounts.userId, userId)));
  if (account === undefined) throw ServerErrors.create('ACCOUNT_NOT_FOUND');
  const exchange = deps.connectExchange(account, decryptCredentials(deps.keyRing, account.id, account));
  const [klines, orders, positions] = await Promise.all([
    exchange.klines({ venueSymbol: bot.symbol, timeframe: bot.timeframe, limit: bars }),
    exchange.openOrders(bot.symbol),
    exchange.positions(bot.symbol),
  ]);
  const candles = seriesFromRows(
    klines.map((k) => ({
      time: k.openTime,
      open: k.open,
      high: k.high,
      low: k.low,
      close: k.close,
      volume: k.volume,
    })),
    `${account.exchange}:${bot.symbol}:${bot.timeframe}`,
  );
  // Indicators only: the strategy's plots over the venue's candles (no trades are read from this run).
  const plots =
    candles.length === 0
      ? []
      : backtestStrategy(getStrategy(bot.strategy), candles, bot.params, backtestOptions({})).evaluated.plots;
  const step = timeframeMs(bot.timeframe);
  const position = positions.find((p) => Number(p.qty) !== 0);
  const status = isMarketDataVenue(exchange) ? exchange.marketData(bot.symbol) : undefined;
  return {
    bot_id: bot.id,
    symbol: bot.symbol,
    timeframe: bot.timeframe,
    candles: {
      time: Array.from(candles.time),
      open: column(candles.open),
      high: column(candles.high),
      low: column(candles.low),
      close: column(candles.close),
    },
    indicators: plots.map((plot) => ({
      title: plot.title,
      color: plot.color,
      overlay: plot.overlay,
      values: column(plot.values),
    })),
    decisions: bot.decisions.map((d) => ({
      time: d.bar_time + step,
      action: d.action,
      outcome: d.outcome,
      reason: d.reason,
    })),
    protection: orders.flatMap((o) =>
      o.triggerPrice !== undefined && (o.type === 'stop_market' || o.type === 'take_profit_market')
        ? [
            {
              kind: o.type === 'stop_market' ? ('stop_loss' as const) : ('take_profit' as const),
              price: o.triggerPrice,
            },
          ]
        : [],
    ),
    position:
      position === undefined
        ? null
        : {
            side: Number(position.qty) > 0 ? ('long' as const) : ('short' as const),
            qty: String(Math.abs(Number(position.qty))),
            entry_price: position.entryPrice,
            mark_price: position.markPrice,
            unrealized_pnl: position.unrealizedPnl,
          },
    ...(status
      ? {
          market_data: {
            source: status.source,
            state: status.state,
            since: iso(status.since),
            ...(status.reason !== undefined ? { reason: status.reason } : {}),
            ...(status.lastPriceAt !== undefined ? { last_price_at: iso(status.lastPriceAt) } : {}),
          },
        }
      : {}),
  };
}
