import Decimal from 'decimal.js';
import { BINANCE_INTERVALS, intervalMs } from './parse.ts';

/**
 * The simulator's market streams from the paper venue's price moves (streams.md §1.4):
 * `<symbol>@markPrice[@1s]` (markPriceUpdate), `<symbol>@ticker` (24hrTicker) and `<symbol>@miniTicker`
 * (24hrMiniTicker) on every move, and
 * `<symbol>@kline_<interval>` bars built from the moves since the bar opened. When a move lands in
 * a later bar, the previous bar is sent once more with `x: true` (closed) before the new one. The
 * paper venue keeps no trade tape: volumes and trade counts are 0.
 */

type Bar = { openTime: number; open: Decimal; high: Decimal; low: Decimal; close: Decimal };

export type MarketPublisher = {
  wants(stream: string): boolean;
  publishMarket(stream: string, frame: Record<string, unknown>): void;
};

export class BinanceMarketFrames {
  private readonly bars = new Map<string, Bar>();
  /** The 24 h window of the ticker: first price seen, high and low (since the simulator started). */
  private readonly day = new Map<string, { open: Decimal; high: Decimal; low: Decimal; since: number }>();

  constructor(
    private readonly out: MarketPublisher,
    private readonly fundingRate: () => string = () => '0.00010000',
  ) {}

  /** One price move of `venueSymbol` at venue time `time`. */
  priceMoved(venueSymbol: string, price: string, time: number): void {
    const lower = venueSymbol.toLowerCase();
    const p = new Decimal(price);
    this.ticker(venueSymbol, lower, p, time);
    const mark = {
      e: 'markPriceUpdate',
      E: time,
      s: venueSymbol,
      p: price,
      i: price,
      P: price,
      r: this.fundingRate(),
      T: Math.floor(time / 28_800_000) * 28_800_000 + 28_800_000,
    };
    for (const name of [`${lower}@markPrice`, `${lower}@markPrice@1s`]) {
      if (this.out.wants(name)) this.out.publishMarket(name, mark);
    }
    for (const interval of BINANCE_INTERVALS) {
      const name = `${lower}@kline_${interval}`;
      const step = intervalMs(interval);
      if (step === undefined) continue;
      const key = `${venueSymbol}:${interval}`;
      const wanted = this.out.wants(name);
      if (!wanted) {
        this.bars.delete(key);
        continue;
      }
      const openTime = Math.floor(time / step) * step;
      let bar = this.bars.get(key);
      if (bar !== undefined && bar.openTime < openTime) {
        this.out.publishMarket(name, this.klineFrame(venueSymbol, interval, step, bar, true, time));
        bar = undefined;
      }
      if (bar === undefined || bar.openTime > openTime) {
        bar = { openTime, open: p, high: p, low: p, close: p };
        this.bars.set(key, bar);
      } else {
        bar.high = Decimal.max(bar.high, p);
        bar.low = Decimal.min(bar.low, p);
        bar.close = p;
      }
      this.out.publishMarket(name, this.klineFrame(venueSymbol, interval, step, bar, false, time));
    }
  }

  private ticker(venueSymbol: string, lower: string, p: Decimal, time: number): void {
    let day = this.day.get(venueSymbol);
    if (day === undefined || time - day.since > 86_400_000) {
      day = { open: p, high: p, low: p, since: time };
      this.day.set(venueSymbol, day);
    }
    day.high = Decimal.max(day.high, p);
    day.low = Decimal.min(day.low, p);
    const mini = `${lower}@miniTicker`;
    if (this.out.wants(mini)) {
      this.out.publishMarket(mini, {
        e: '24hrMiniTicker',
        E: time,
        s: venueSymbol,
        c: p.toFixed(),
        o: day.open.toFixed(),
        h: day.high.toFixed(),
        l: day.low.toFixed(),
        v: '0',
        q: '0',
      });
    }
    const name = `${lower}@ticker`;
    if (!this.out.wants(name)) return;
    const change = p.minus(day.open);
    this.out.publishMarket(name, {
      e: '24hrTicker',
      E: time,
      s: venueSymbol,
      p: change.toFixed(),
      P: day.open.isZero() ? '0' : change.div(day.open).times(100).toFixed(3),
      w: p.toFixed(),
      c: p.toFixed(),
      Q: '0',
      o: day.open.toFixed(),
      h: day.high.toFixed(),
      l: day.low.toFixed(),
      v: '0',
      q: '0',
      O: day.since,
      C: time,
      F: 0,
      L: 0,
      n: 0,
    });
  }

  private klineFrame(
    venueSymbol: string,
    interval: string,
    step: number,
    bar: Bar,
    closed: boolean,
    time: number,
  ): Record<string, unknown> {
    return {
      e: 'kline',
      E: time,
      s: venueSymbol,
      k: {
        t: bar.openTime,
        T: bar.openTime + step - 1,
        s: venueSymbol,
        i: interval,
        f: 0,
        L: 0,
        o: bar.open.toFixed(),
        c: bar.close.toFixed(),
        h: bar.high.toFixed(),
        l: bar.low.toFixed(),
        v: '0',
        n: 0,
        x: closed,
        q: '0',
        V: '0',
        Q: '0',
        B: '0',
      },
    };
  }
}
