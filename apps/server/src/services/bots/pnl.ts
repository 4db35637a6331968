import { asc, eq, inArray } from 'drizzle-orm';
import { botDecisions, fills, type Database, type FillRow } from '@tradingbot/db';
import { ExchangeDecimal, parseDecimal } from '@tradingbot/exchange';
import { roundTrips } from '../account-history.ts';

/**
 * What a bot has traded: the round trips of the fills its own signals made (their stop-loss and
 * take-profit fills carry the entry signal's id, so they count too), as the trade history counts
 * them (`account-history.ts`). Other trades on the same account (alerts, manual closes, other
 * bots) are not the bot's. Funding is left out: the venue pays it per account and symbol, not per bot.
 */
export type BotPnl = {
  /** The venue's realized PnL over the bot's fills (quote asset, USDT). */
  realized_pnl: string;
  fees: string;
  /** Realized PnL less fees. */
  net_pnl: string;
  /** Round trips closed, and still open (0 or 1 for a bot on one symbol). */
  closed_trades: number;
  open_trades: number;
  /** Closed round trips with a positive net PnL. */
  wins: number;
};

type Decimal = InstanceType<typeof ExchangeDecimal>;
const dec = (value: string): Decimal => parseDecimal(value) ?? new ExchangeDecimal(0);
const text = (value: Decimal) => value.toDecimalPlaces(8).toFixed();

/** A bot without fills. */
export const NO_PNL: BotPnl = Object.freeze({
  realized_pnl: '0',
  fees: '0',
  net_pnl: '0',
  closed_trades: 0,
  open_trades: 0,
  wins: 0,
});

/** The PnL of the fills of one bot (oldest first). */
export function pnlOfFills(rows: readonly FillRow[]): BotPnl {
  const trades = roundTrips(rows, []);
  let realized = new ExchangeDecimal(0);
  let fees = new ExchangeDecimal(0);
  let wins = 0;
  let closed = 0;
  for (const trade of trades) {
    realized = realized.plus(dec(trade.realized_pnl));
    fees = fees.plus(dec(trade.fees));
    if (trade.status !== 'closed') continue;
    closed += 1;
    if (dec(trade.net_pnl).gt(0)) wins += 1;
  }
  return {
    realized_pnl: text(realized),
    fees: text(fees),
    net_pnl: text(realized.minus(fees)),
    closed_trades: closed,
    open_trades: trades.length - closed,
    wins,
  };
}

/** Each bot's PnL (bots without fills are absent: `NO_PNL`), in one query over their decisions' signals. */
export async function botsPnl(database: Database, botIds: readonly string[]): Promise<Map<string, BotPnl>> {
  const out = new Map<string, BotPnl>();
  if (botIds.length === 0) return out;
  const rows = await database.db
    .select({ botId: botDecisions.botId, fill: fills })
    .from(botDecisions)
    .innerJoin(fills, eq(fills.signalId, botDecisions.signalId))
    .where(inArray(botDecisions.botId, [...botIds]))
    .orderBy(asc(fills.venueTime), asc(fills.id));
  const byBot = new Map<string, FillRow[]>();
  for (const { botId, fill } of rows) {
    let list = byBot.get(botId);
    if (!list) byBot.set(botId, (list = []));
    list.push(fill);
  }
  for (const [botId, list] of byBot) out.set(botId, pnlOfFills(list));
  return out;
}
