import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake Telegram Bot API on 127.0.0.1 speaking the real wire protocol
 * (https://core.telegram.org/bots/api#making-requests): `POST /bot<token>/<method>` with a JSON
 * body (or query parameters), answers `{ok:true,result}` or `{ok:false,error_code,description,
 * parameters}`. It knows getMe, getUpdates (long polling with offset/timeout), sendMessage,
 * answerCallbackQuery, editMessageText, setWebhook/deleteWebhook/getWebhookInfo; it can answer 429
 * with `parameters.retry_after`, and 403 "bot was blocked by the user" for a blocked chat. Every
 * call is recorded, and every text the bot sent (`texts()`), for assertions over all of them.
 */
export type FakeCall = { method: string; params: Record<string, unknown>; at: number };
export type SentMessage = {
  method: 'sendMessage' | 'editMessageText';
  chatId: string;
  messageId: number;
  text: string;
  replyMarkup?: { inline_keyboard?: Array<Array<{ text: string; callback_data?: string; url?: string }>> };
  at: number;
};
type Update = Record<string, unknown> & { update_id: number };
type Failure = { code: number; description: string; retryAfter?: number };

export type FakeTelegram = {
  url: string;
  token: string;
  username: string;
  calls: FakeCall[];
  sent: SentMessage[];
  webhook: { url: string; secretToken?: string } | null;
  /** Every text the bot sent or edited, from the start of the fake. */
  texts(): string[];
  /** A user writes `text` in their private chat with the bot. */
  userSays(chatId: number, text: string, from?: { username?: string; language_code?: string }): Update;
  /** A message in a group chat. */
  groupSays(chatId: number, fromId: number, text: string): Update;
  /** The user presses an inline button under the bot's message. */
  press(chatId: number, message: SentMessage, data: string): Update;
  /** The next `count` calls of `method` fail like this (e.g. 429 retry_after). */
  failNext(method: string, failure: Failure, count?: number): void;
  /** The user blocked the bot: sendMessage to the chat answers 403. */
  block(chatId: number): void;
  /** Resolves with the first message (from now or sent earlier after `since`) matching, or rejects after `ms`. */
  waitForMessage(match: (m: SentMessage) => boolean, ms?: number): Promise<SentMessage>;
  /** Updates fetched by getUpdates so far (confirmed or not). */
  delivered(): number;
  close(): Promise<void>;
};

export async function startFakeTelegram(
  options: { token?: string; username?: string } = {},
): Promise<FakeTelegram> {
  const token = options.token ?? '123456789:AAFakeTokenForTestsOnly_abcdefghijk';
  const username = options.username ?? 'tradingbot_test_bot';
  const calls: FakeCall[] = [];
  const sent: SentMessage[] = [];
  const queue: Update[] = [];
  const failures = new Map<string, Failure[]>();
  const blocked = new Set<string>();
  const pollers = new Set<() => void>();
  const messageWaiters = new Set<() => void>();
  let nextUpdateId = 500_000;
  let nextMessageId = 1;
  let deliveredCount = 0;
  let confirmedBelow = 0;
  let state: { webhook: { url: string; secretToken?: string } | null } = { webhook: null };

  const push = (update: Omit<Update, 'update_id'>): Update => {
    const full = { update_id: nextUpdateId++, ...update } as Update;
    queue.push(full);
    for (const wake of pollers) wake();
    return full;
  };
  const user = (id: number, from: { username?: string; language_code?: string } = {}) => ({
    id,
    is_bot: false,
    first_name: 'Tester',
    ...from,
  });

  const answer = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const fail = (res: ServerResponse, failure: Failure) =>
    answer(res, failure.code, {
      ok: false,
      error_code: failure.code,
      description: failure.description,
      ...(failure.retryAfter !== undefined ? { parameters: { retry_after: failure.retryAfter } } : {}),
    });

  const record = (method: SentMessage['method'], params: Record<string, unknown>, messageId: number) => {
    sent.push({
      method,
      chatId: String(params.chat_id),
      messageId,
      text: String(params.text ?? ''),
      ...(params.reply_markup ? { replyMarkup: params.reply_markup as SentMessage['replyMarkup'] } : {}),
      at: Date.now(),
    });
    for (const wake of messageWaiters) wake();
  };

  async function getUpdates(req: IncomingMessage, res: ServerResponse, params: Record<string, unknown>) {
    if (state.webhook) {
      return fail(res, {
        code: 409,
        description:
          "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      });
    }
    const offset = Number(params.offset ?? 0);
    if (offset > 0) {
      confirmedBelow = Math.max(confirmedBelow, offset);
      while (queue.length > 0 && queue[0]!.update_id < offset) queue.shift();
    }
    const limit = Math.min(100, Number(params.limit ?? 100));
    const timeoutMs = Math.min(Number(params.timeout ?? 0), 30) * 1000;
    const ready = () => queue.filter((u) => u.update_id >= Math.max(offset, confirmedBelow)).slice(0, limit);
    if (ready().length === 0 && timeoutMs > 0) {
      await new Promise<void>((resolve) => {
        const done = () => {
          pollers.delete(done);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        pollers.add(done);
        req.socket.once('close', done);
      });
    }
    if (res.destroyed || res.writableEnded) return;
    const updates = ready();
    deliveredCount += updates.length;
    answer(res, 200, { ok: true, result: updates });
  }

  function method(name: string, params: Record<string, unknown>, req: IncomingMessage, res: ServerResponse) {
    switch (name) {
      case 'getme':
        return answer(res, 200, {
          ok: true,
          result: { id: Number(token.split(':')[0]), is_bot: true, first_name: 'TradingBot test', username },
        });
      case 'getupdates':
        return getUpdates(req, res, params);
      case 'sendmessage': {
        if (blocked.has(String(params.chat_id)))
          return fail(res, { code: 403, description: 'Forbidden: bot was blocked by the user' });
        if (!/^-?\d+$/.test(String(params.chat_id)))
          return fail(res, { code: 400, description: 'Bad Request: chat not found' });
        const text = String(params.text ?? '');
        if (text.length === 0 || text.length > 4096)
          return fail(res, { code: 400, description: 'Bad Request: message text is empty or too long' });
        const messageId = nextMessageId++;
        record('sendMessage', params, messageId);
        return answer(res, 200, {
          ok: true,
          result: {
            message_id: messageId,
            date: Math.floor(Date.now() / 1000),
            chat: { id: Number(params.chat_id), type: 'private' },
            text,
          },
        });
      }
      case 'editmessagetext': {
        const messageId = Number(params.message_id);
        record('editMessageText', params, messageId);
        return answer(res, 200, {
          ok: true,
          result: {
            message_id: messageId,
            date: Math.floor(Date.now() / 1000),
            chat: { id: Number(params.chat_id), type: 'private' },
            text: params.text,
          },
        });
      }
      case 'answercallbackquery':
        return answer(res, 200, { ok: true, result: true });
      case 'setwebhook':
        state = {
          webhook: params.url
            ? {
                url: String(params.url),
                ...(params.secret_token ? { secretToken: String(params.secret_token) } : {}),
              }
            : null,
        };
        return answer(res, 200, { ok: true, result: true, description: 'Webhook was set' });
      case 'deletewebhook':
        state = { webhook: null };
        return answer(res, 200, { ok: true, result: true, description: 'Webhook was deleted' });
      case 'getwebhookinfo':
        return answer(res, 200, {
          ok: true,
          result: { url: state.webhook?.url ?? '', pending_update_count: queue.length },
        });
      default:
        return fail(res, { code: 404, description: 'Not Found' });
    }
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
      if (!match) return fail(res, { code: 404, description: 'Not Found' });
      if (match[1] !== token) return fail(res, { code: 401, description: 'Unauthorized' });
      let params: Record<string, unknown> = Object.fromEntries(url.searchParams);
      const raw = Buffer.concat(chunks).toString('utf8');
      if (raw !== '') {
        try {
          params = { ...params, ...(JSON.parse(raw) as Record<string, unknown>) };
        } catch {
          return fail(res, { code: 400, description: 'Bad Request: invalid JSON' });
        }
      }
      const name = match[2]!.toLowerCase();
      calls.push({ method: match[2]!, params, at: Date.now() });
      const queued = failures.get(name);
      const failure = queued?.shift();
      if (failure) return fail(res, failure);
      void method(name, params, req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    token,
    username,
    calls,
    sent,
    get webhook() {
      return state.webhook;
    },
    texts: () => sent.map((m) => m.text),
    userSays: (chatId, text, from) =>
      push({
        message: {
          message_id: nextMessageId++,
          from: user(chatId, from),
          chat: { id: chatId, type: 'private', first_name: 'Tester' },
          date: Math.floor(Date.now() / 1000),
          text,
          ...(text.startsWith('/')
            ? { entities: [{ type: 'bot_command', offset: 0, length: text.split(/\s/)[0]!.length }] }
            : {}),
        },
      }),
    groupSays: (chatId, fromId, text) =>
      push({
        message: {
          message_id: nextMessageId++,
          from: user(fromId),
          chat: { id: chatId, type: 'group', title: 'A group' },
          date: Math.floor(Date.now() / 1000),
          text,
          ...(text.startsWith('/')
            ? { entities: [{ type: 'bot_command', offset: 0, length: text.split(/\s/)[0]!.length }] }
            : {}),
        },
      }),
    press: (chatId, message, data) =>
      push({
        callback_query: {
          id: `cb-${nextUpdateId}`,
          from: user(chatId),
          chat_instance: `ci-${chatId}`,
          data,
          message: {
            message_id: message.messageId,
            from: { id: Number(token.split(':')[0]), is_bot: true, first_name: 'TradingBot test', username },
            chat: { id: chatId, type: 'private', first_name: 'Tester' },
            date: Math.floor(message.at / 1000),
            text: message.text,
          },
        },
      }),
    failNext: (name, failure, count = 1) => {
      const list = failures.get(name.toLowerCase()) ?? [];
      for (let i = 0; i < count; i++) list.push(failure);
      failures.set(name.toLowerCase(), list);
    },
    block: (chatId) => blocked.add(String(chatId)),
    waitForMessage: (match, ms = 10_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = sent.find(match);
          if (!found) return false;
          messageWaiters.delete(check);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          messageWaiters.delete(check);
          reject(
            new Error(
              `no matching Telegram message within ${ms} ms; sent: ${JSON.stringify(sent.map((m) => m.text))}`,
            ),
          );
        }, ms);
        if (!check()) messageWaiters.add(check);
      }),
    delivered: () => deliveredCount,
    close: async () => {
      for (const wake of pollers) wake();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
