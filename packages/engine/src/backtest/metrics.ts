import { R_LIQUIDATION, type TradeLog } from './trade-log.ts';
import type { Trade, TradeStats } from './types.ts';

/**
 * Streaming Sharpe and Sortino over calendar-month returns, as TradingView's Strategy Tester
 * defines them: SR = (MR − RFR) / SD with SD the sample standard deviation, and
 * Sortino = (MR − RFR) / sqrt(Σ min(0, r − RFR)² / N), RFR = the monthly risk-free rate.
 * TradingView needs at least 3 periods; below that both are null.
 */
export class MonthlyReturns {
  count = 0;
  private mean = 0;
  private m2 = 0;
  private downside = 0;
  private invalid = false;

  constructor(private readonly rf: number) {}

  /** Adds the month that started at equity `startEq` and ended at `endEq`. */
  add(endEq: number, startEq: number): void {
    if (!(startEq > 0)) {
      // A return on zero or negative equity has no meaning; the ratios become undefined.
      this.invalid = true;
      return;
    }
    const r = endEq / startEq - 1;
    this.count++;
    const d = r - this.mean;
    this.mean += d / this.count;
    this.m2 += d * (r - this.mean);
    const excess = r - this.rf;
    if (excess < 0) this.downside += excess * excess;
  }

  sharpe(): number | null {
    if (this.invalid || this.count < 3) return null;
    const sd = Math.sqrt(this.m2 / (this.count - 1));
    return sd > 0 ? (this.mean - this.rf) / sd : null;
  }

  sortino(): number | null {
    if (this.invalid || this.count < 3) return null;
    const dd = Math.sqrt(this.downside / this.count);
    return dd > 0 ? (this.mean - this.rf) / dd : null;
  }
}

const ratio = (a: number, b: number): number | null => (b !== 0 ? a / b : null);

/**
 * Trade statistics over the closed trades of one side (`null` = both). The open trade only
 * contributes openTrades, openPnl and its entry commission. `TradeLog.fromTrades` turns a trade
 * list into a log.
 */
export function computeTradeStats(
  log: TradeLog,
  side: 'long' | 'short' | null,
  openTrade: Trade | null,
  initialCapital: number,
  maxContractsHeld: number,
): TradeStats {
  const want = side === 'long' ? 1 : side === 'short' ? -1 : 0;
  let total = 0;
  let wins = 0;
  let losses = 0;
  let grossProfit = 0;
  let grossLoss = 0;
  let net = 0;
  let fees = 0;
  let funding = 0;
  let largestWin = 0;
  let largestLoss = 0;
  let bars = 0;
  let winBars = 0;
  let lossBars = 0;
  let winStreak = 0;
  let lossStreak = 0;
  let maxWinStreak = 0;
  let maxLossStreak = 0;
  let liquidations = 0;
  for (let k = 0; k < log.count; k++) {
    if (want !== 0 && log.side[k] !== want) continue;
    const pnl = log.pnl[k]!;
    const held = log.exitBar[k]! - log.entryBar[k]!;
    total++;
    net += pnl;
    fees += log.fees[k]!;
    funding += log.funding[k]!;
    bars += held;
    if (log.reason[k] === R_LIQUIDATION) liquidations++;
    if (pnl > 0) {
      wins++;
      grossProfit += pnl;
      winBars += held;
      if (pnl > largestWin) largestWin = pnl;
      winStreak++;
      lossStreak = 0;
      if (winStreak > maxWinStreak) maxWinStreak = winStreak;
    } else if (pnl < 0) {
      losses++;
      grossLoss -= pnl;
      lossBars += held;
      if (-pnl > largestLoss) largestLoss = -pnl;
      lossStreak++;
      winStreak = 0;
      if (lossStreak > maxLossStreak) maxLossStreak = lossStreak;
    } else {
      winStreak = 0;
      lossStreak = 0;
    }
  }
  const open = openTrade !== null && (side === null || openTrade.side === side) ? openTrade : null;
  const avgWin = ratio(grossProfit, wins);
  const avgLoss = ratio(grossLoss, losses);
  const expectancy = total > 0 ? (wins / total) * (avgWin ?? 0) - (losses / total) * (avgLoss ?? 0) : null;
  return {
    netProfit: net,
    netProfitPct: (net / initialCapital) * 100,
    grossProfit,
    grossLoss,
    profitFactor: ratio(grossProfit, grossLoss),
    totalTrades: total,
    winningTrades: wins,
    losingTrades: losses,
    evenTrades: total - wins - losses,
    winRate: total > 0 ? (wins / total) * 100 : null,
    avgTrade: ratio(net, total),
    avgWin,
    avgLoss,
    winLossRatio: avgWin !== null && avgLoss !== null ? avgWin / avgLoss : null,
    largestWin: wins > 0 ? largestWin : null,
    largestLoss: losses > 0 ? largestLoss : null,
    avgBarsInTrade: ratio(bars, total),
    avgBarsInWinningTrade: ratio(winBars, wins),
    avgBarsInLosingTrade: ratio(lossBars, losses),
    commissionPaid: fees + (open?.fees ?? 0),
    funding: funding + (open?.funding ?? 0),
    expectancy,
    expectancyRatio: expectancy !== null && avgLoss !== null ? expectancy / avgLoss : null,
    maxConsecutiveWins: maxWinStreak,
    maxConsecutiveLosses: maxLossStreak,
    openTrades: open === null ? 0 : 1,
    openPnl: open?.pnl ?? 0,
    liquidations,
    maxContractsHeld,
  };
}
