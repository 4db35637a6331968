/**
 * How many signals run at once in one process, and in what order the waiting ones start.
 *
 * - At most `perProcess` executions at once, and at most `perVenue` of them on one venue, so a
 *   slow or rate-limited venue can hold only its own share and the other venues keep running.
 * - Waiting work is served round-robin: across venues, then across users within a venue, then in
 *   arrival order within a user. A user with 500 accounts in a burst therefore never delays another
 *   user's one account by more than one turn per venue.
 * - A venue (or one account) at its rate limit is closed until the time the venue gave: nothing new
 *   of it starts meanwhile, and its waiting work holds no slot, so other venues are not slowed.
 *
 * Pure scheduling (timers only): the signal queue asks for a slot before each signal.
 */

export type SlotLimits = {
  /** Executions at once in this process. */
  perProcess: number;
  /** Executions at once on one venue (a venue id such as `binance`). */
  perVenue: number;
};

/** Who asks: the venue the signal trades on, the user and account it belongs to. */
export type SlotClaim = { venue: string; userId: string; accountId: string };

export type SlotRelease = () => void;

type Waiter = { claim: SlotClaim; grant: (release: SlotRelease) => void };

/** Waiting work of one venue: one FIFO per user, served round-robin. */
type VenueLine = { users: Map<string, Waiter[]>; order: string[] };

export class ExecutionSlots {
  readonly #limits: SlotLimits;
  readonly #now: () => number;
  readonly #running = new Map<string, number>();
  #total = 0;
  readonly #lines = new Map<string, VenueLine>();
  /** Venue order for the round-robin across venues. */
  #venues: string[] = [];
  /** Venue or `venue\u0000account` → epoch ms until which nothing new starts there. */
  readonly #closedUntil = new Map<string, number>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerAt = Infinity;

  constructor(limits: SlotLimits, now: () => number = Date.now) {
    if (!(limits.perProcess >= 1 && limits.perVenue >= 1)) throw new RangeError('slot limits must be ≥ 1');
    this.#limits = limits;
    this.#now = now;
  }

  /** Executions running now (all venues, or one). */
  running(venue?: string): number {
    return venue === undefined ? this.#total : (this.#running.get(venue) ?? 0);
  }

  /** Claims waiting for a slot (all venues, or one). */
  waiting(venue?: string): number {
    let count = 0;
    for (const [id, line] of this.#lines) {
      if (venue !== undefined && id !== venue) continue;
      for (const queue of line.users.values()) count += queue.length;
    }
    return count;
  }

  /** Resolves with a release function once the claim may run; call it exactly once when done. */
  acquire(claim: SlotClaim): Promise<SlotRelease> {
    return new Promise((grant) => {
      let line = this.#lines.get(claim.venue);
      if (!line) {
        line = { users: new Map(), order: [] };
        this.#lines.set(claim.venue, line);
        this.#venues.push(claim.venue);
      }
      let queue = line.users.get(claim.userId);
      if (!queue) {
        queue = [];
        line.users.set(claim.userId, queue);
        line.order.push(claim.userId);
      }
      queue.push({ claim, grant });
      this.#dispatch();
    });
  }

  /**
   * The venue answered "rate limited": nothing new starts on it (or, with `accountId`, on that one
   * account) before `untilMs`. Running executions carry on; their clients wait out the limit.
   */
  backOff(venue: string, untilMs: number, accountId?: string): void {
    const key = accountId === undefined ? venue : `${venue}\u0000${accountId}`;
    if ((this.#closedUntil.get(key) ?? 0) >= untilMs) return;
    this.#closedUntil.set(key, untilMs);
    this.#wakeAt(untilMs);
  }

  /** Until when the venue (or the account on it) takes no new work; 0 when open. */
  closedUntil(venue: string, accountId?: string): number {
    const now = this.#now();
    const venueUntil = this.#closedUntil.get(venue) ?? 0;
    const accountUntil =
      accountId === undefined ? 0 : (this.#closedUntil.get(`${venue}\u0000${accountId}`) ?? 0);
    const until = Math.max(venueUntil, accountUntil);
    return until > now ? until : 0;
  }

  #release(venue: string): SlotRelease {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#total--;
      const left = (this.#running.get(venue) ?? 1) - 1;
      if (left === 0) this.#running.delete(venue);
      else this.#running.set(venue, left);
      this.#dispatch();
    };
  }

  /** Starts waiting claims while slots are free: round-robin over venues, then users. */
  #dispatch(): void {
    let progressed = true;
    while (progressed && this.#total < this.#limits.perProcess) {
      progressed = false;
      const venues = this.#venues;
      for (let i = 0; i < venues.length && this.#total < this.#limits.perProcess; i++) {
        const venue = venues[i]!;
        if ((this.#running.get(venue) ?? 0) >= this.#limits.perVenue) continue;
        const waiter = this.#next(venue);
        if (!waiter) continue;
        this.#total++;
        this.#running.set(venue, (this.#running.get(venue) ?? 0) + 1);
        waiter.grant(this.#release(venue));
        progressed = true;
        // The venue served goes to the back of the round-robin.
        venues.splice(i, 1);
        venues.push(venue);
        i--;
      }
    }
    this.#forgetEmptyVenues();
  }

  /** The venue's next claim that may start now (its user goes to the back of the line), if any. */
  #next(venue: string): Waiter | undefined {
    const line = this.#lines.get(venue);
    if (!line) return undefined;
    const venueUntil = this.closedUntil(venue);
    if (venueUntil > 0) {
      this.#wakeAt(venueUntil);
      return undefined;
    }
    for (let turn = 0; turn < line.order.length; turn++) {
      const userId = line.order[turn]!;
      const queue = line.users.get(userId)!;
      const index = queue.findIndex((w) => {
        const until = this.closedUntil(venue, w.claim.accountId);
        if (until > 0) this.#wakeAt(until);
        return until === 0;
      });
      if (index < 0) continue;
      const [waiter] = queue.splice(index, 1);
      line.order.splice(turn, 1);
      if (queue.length > 0) line.order.push(userId);
      else line.users.delete(userId);
      return waiter;
    }
    return undefined;
  }

  #forgetEmptyVenues(): void {
    for (const [venue, line] of this.#lines) {
      if (line.users.size === 0 && !this.#running.has(venue)) {
        this.#lines.delete(venue);
        this.#venues = this.#venues.filter((v) => v !== venue);
      }
    }
    const now = this.#now();
    for (const [key, until] of this.#closedUntil) if (until <= now) this.#closedUntil.delete(key);
  }

  /** Dispatches again when a back-off ends. */
  #wakeAt(at: number): void {
    if (this.#timer !== undefined && this.#timerAt <= at) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        this.#timerAt = Infinity;
        this.#dispatch();
      },
      Math.max(0, at - this.#now()),
    );
    (this.#timer as { unref?: () => void }).unref?.();
  }
}
