/**
 * Runs the tasks of one account one at a time, in the order they were submitted; tasks of
 * different accounts run in parallel. Two alerts for one account that arrive together (a reverse
 * fired as close + open, or a duplicate delivery) therefore never interleave their exchange calls.
 *
 * In-process only: across processes the webhook pipeline takes a database lock per account.
 * A failing task does not stop the tasks queued behind it.
 */
export class AccountQueue {
  readonly #tails = new Map<string, Promise<unknown>>();
  readonly #pending = new Map<string, number>();

  /** Queues `task` behind the account's earlier tasks and resolves / rejects with its outcome. */
  run<T>(accountId: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(accountId) ?? Promise.resolve();
    this.#pending.set(accountId, (this.#pending.get(accountId) ?? 0) + 1);
    const result = previous.then(
      () => task(),
      () => task(),
    );
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(accountId, tail);
    void tail.then(() => {
      const left = (this.#pending.get(accountId) ?? 1) - 1;
      if (left === 0) {
        this.#pending.delete(accountId);
        // Only drop the tail if nothing was queued behind it meanwhile.
        if (this.#tails.get(accountId) === tail) this.#tails.delete(accountId);
      } else {
        this.#pending.set(accountId, left);
      }
    });
    return result;
  }

  /** Tasks queued or running for an account. */
  pending(accountId: string): number {
    return this.#pending.get(accountId) ?? 0;
  }

  /** Resolves when every task queued so far (all accounts) has settled. */
  async drain(): Promise<void> {
    while (this.#tails.size > 0) await Promise.all([...this.#tails.values()]);
  }
}
