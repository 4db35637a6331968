import type { LiveVenueId } from '@tradingbot/core';

/** Until when a venue (every account of it), or one account on it, takes no new request. */
export type VenueBackOff = { venue: string; untilMs: number; accountId?: string; reason: string };

export type VenueGatesOptions = {
  now?: () => number;
  /** Binance REQUEST_WEIGHT per minute for this server's address (the venue counts per IP). */
  binanceWeightLimit?: number;
  /** Binance orders per 10 s per account. */
  binanceOrdersPer10s?: number;
  /** Share of a limit above which requests wait for the next window (default 0.9). */
  threshold?: number;
  /** A rate-limit answer without Retry-After closes the scope this long (default 1 s). */
  defaultBackOffMs?: number;
};

/**
 * The rate-limit state of each live venue, shared by every account's client in this process (each
 * client is built with `fetchFor(venue, account)` as its transport). Venues count some limits per
 * address — Binance's request weight, its 418 ban, Bybit's IP limit — so one account's clients
 * cannot respect them alone: the weight one account's answer reports, or the Retry-After of one
 * 429, holds back every account of that venue until the window rolls over, instead of a thousand
 * clients each learning it from a 429 of their own (which Binance punishes with a ban). Per-account
 * limits (Binance order counts, OKX's per-instrument order limits, Bybit's per-UID limit) hold back
 * that account only. Another venue is never touched.
 */
export class VenueGates {
  readonly #closedUntil = new Map<string, number>();
  readonly #now: () => number;
  readonly #options: VenueGatesOptions;
  readonly #listeners = new Set<(backOff: VenueBackOff) => void>();

  constructor(options: VenueGatesOptions = {}) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** Tells `listener` of every back-off (the signal worker starts no new work there meanwhile). */
  subscribe(listener: (backOff: VenueBackOff) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Until when requests of the venue (and of the account on it) wait; 0 when open. */
  closedUntil(venue: string, accountId?: string): number {
    const until = Math.max(
      this.#closedUntil.get(venue) ?? 0,
      accountId === undefined ? 0 : (this.#closedUntil.get(`${venue}\u0000${accountId}`) ?? 0),
    );
    return until > this.#now() ? until : 0;
  }

  /** The transport of one account's client: waits while its venue or account is closed, learns from each answer. */
  fetchFor(venue: LiveVenueId, accountId: string, base: typeof fetch = globalThis.fetch): typeof fetch {
    const gated = async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
      await this.#wait(venue, accountId, init?.signal ?? undefined);
      const response = await base(input, init);
      await this.#learn(venue, accountId, response);
      return response;
    };
    return gated as typeof fetch;
  }

  async #wait(venue: string, accountId: string, signal: AbortSignal | undefined): Promise<void> {
    for (;;) {
      const until = this.closedUntil(venue, accountId);
      if (until === 0) return;
      signal?.throwIfAborted();
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(done, Math.max(1, until - this.#now()));
        function done() {
          signal?.removeEventListener('abort', aborted);
          resolve();
        }
        function aborted() {
          clearTimeout(timer);
          reject(signal!.reason as Error);
        }
        signal?.addEventListener('abort', aborted, { once: true });
      });
    }
  }

  #close(venue: string, untilMs: number, reason: string, accountId?: string): void {
    const key = accountId === undefined ? venue : `${venue}\u0000${accountId}`;
    if ((this.#closedUntil.get(key) ?? 0) >= untilMs) return;
    this.#closedUntil.set(key, untilMs);
    const backOff = { venue, untilMs, reason, ...(accountId !== undefined ? { accountId } : {}) };
    for (const listener of this.#listeners) listener(backOff);
  }

  async #learn(venue: LiveVenueId, accountId: string, response: Response): Promise<void> {
    const now = this.#now();
    const threshold = this.#options.threshold ?? 0.9;
    if (venue === 'binance') {
      // Binance counts weight per address and calendar minute, orders per account and 10 s.
      const weight = Number(response.headers.get('x-mbx-used-weight-1m'));
      const weightLimit = this.#options.binanceWeightLimit ?? 2400;
      if (Number.isFinite(weight) && weight >= threshold * weightLimit)
        this.#close(venue, Math.floor(now / 60_000) * 60_000 + 60_000, 'weight');
      const orders = Number(response.headers.get('x-mbx-order-count-10s'));
      const orderLimit = this.#options.binanceOrdersPer10s ?? 300;
      if (Number.isFinite(orders) && orders >= threshold * orderLimit)
        this.#close(venue, Math.floor(now / 10_000) * 10_000 + 10_000, 'orders', accountId);
    }
    if (response.status !== 429 && response.status !== 418 && !(venue === 'bybit' && response.status === 403))
      return;
    const retryAfter = Number(response.headers.get('retry-after'));
    const waitMs =
      Number.isFinite(retryAfter) && retryAfter > 0
        ? retryAfter * 1000
        : (this.#options.defaultBackOffMs ?? 1_000);
    if (await this.#perAddress(venue, response)) this.#close(venue, now + waitMs, `http ${response.status}`);
    else this.#close(venue, now + waitMs, `http ${response.status}`, accountId);
  }

  /** Whether a rate-limit answer is about this server's address (every account) rather than one account. */
  async #perAddress(venue: LiveVenueId, response: Response): Promise<boolean> {
    if (response.status === 418) return true;
    if (venue === 'okx') return false; // per user and instrument
    if (venue === 'bybit' && response.status === 403) return true; // the IP limit answers 403
    let code: unknown;
    try {
      code = ((await response.clone().json()) as { code?: unknown; retCode?: unknown }).code;
    } catch {
      return true; // no venue body: a proxy or the venue's edge limiting the address
    }
    // Binance: -1003 too many requests (weight, per IP); -1015 too many orders (per account).
    return venue === 'binance' ? code !== -1015 : false;
  }
}
