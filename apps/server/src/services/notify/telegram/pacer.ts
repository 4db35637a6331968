/**
 * Telegram's sending limits (https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this):
 * about one message a second to one chat, about thirty a second in all. `TelegramPacer` hands out
 * send slots that keep both: a caller awaits `slot(chatId)`, then sends. Slots are reserved when
 * asked for, so concurrent callers queue in order instead of all waking at once.
 */
export type PacerOptions = {
  /** Least time between two messages to one chat (default 1000 ms). */
  perChatMs?: number;
  /** Most messages in any `windowMs` for the whole bot (default 30). */
  perBot?: number;
  windowMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
};

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class TelegramPacer {
  readonly #perChatMs: number;
  readonly #perBot: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  /** Per chat: the time its last reserved slot starts. */
  readonly #lastByChat = new Map<string, number>();
  /** Start times of the bot's reserved slots within the last window, ascending. */
  #recent: number[] = [];

  constructor(options: PacerOptions = {}) {
    this.#perChatMs = options.perChatMs ?? 1000;
    this.#perBot = options.perBot ?? 30;
    this.#windowMs = options.windowMs ?? 1000;
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? defaultSleep;
  }

  /** Reserves the next slot for `chatId` and resolves when it starts. */
  async slot(chatId: string): Promise<void> {
    const at = this.reserve(chatId);
    const wait = at - this.#now();
    if (wait > 0) await this.#sleep(wait);
  }

  /** The start time of the next slot for `chatId`, reserved now (exposed for tests). */
  reserve(chatId: string): number {
    const now = this.#now();
    this.#recent = this.#recent.filter((t) => t > now - this.#windowMs);
    let at = Math.max(now, (this.#lastByChat.get(chatId) ?? -Infinity) + this.#perChatMs);
    // Bot-wide: at most perBot slots in a window, counted over the latest reservations (Telegram's
    // limits are approximate, "30 a second or so"; a slot reserved for later counts as well).
    if (this.#recent.length >= this.#perBot) {
      at = Math.max(at, this.#recent[this.#recent.length - this.#perBot]! + this.#windowMs);
    }
    this.#lastByChat.set(chatId, at);
    this.#recent.push(at);
    this.#recent.sort((a, b) => a - b);
    // Chats quiet for a while need no memory (a bot with many users).
    if (this.#lastByChat.size > 10_000) {
      for (const [chat, last] of this.#lastByChat)
        if (last < now - this.#perChatMs) this.#lastByChat.delete(chat);
    }
    return at;
  }
}
