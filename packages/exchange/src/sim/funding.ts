/** One funding event a simulator serves from its funding-rate history endpoint. */
export type SimFundingRate = { time: number; rate: number; markPrice?: number };

/** Funding histories given to a simulator: symbol → events, or one list for every symbol. */
export type SimFundingRates = Record<string, SimFundingRate[]> | SimFundingRate[];

/** The venues' usual funding interval (Binance and OKX BTC/ETH perpetuals). */
export const SIM_FUNDING_INTERVAL_MS = 8 * 3_600_000;

/**
 * The funding events of `symbol` with `from ≤ time ≤ to`, oldest first: those given, or else
 * deterministic ones every eight hours (UTC 00:00, 08:00, 16:00) around `price` — the same time
 * always gives the same rate, between −0.005 % and 0.025 %.
 */
export function servedFunding(
  given: SimFundingRates | undefined,
  symbol: string,
  price: number,
  from: number,
  to: number,
): SimFundingRate[] {
  const list = given === undefined ? undefined : Array.isArray(given) ? given : given[symbol];
  if (list !== undefined) return list.filter((f) => f.time >= from && f.time <= to);
  const out: SimFundingRate[] = [];
  const step = SIM_FUNDING_INTERVAL_MS;
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) {
    const k = t / step;
    const rate = Math.round((0.0001 + 0.00015 * Math.sin(k / 3)) * 1e8) / 1e8;
    out.push({ time: t, rate, markPrice: price * (1 + 0.01 * Math.sin(k / 7)) });
  }
  return out;
}
