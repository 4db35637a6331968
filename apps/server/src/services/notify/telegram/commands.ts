import { randomBytes } from 'node:crypto';
import { and, desc, eq, inArray, ne } from 'drizzle-orm';
import { Composer, InlineKeyboard, type Context } from 'grammy';
import { isAppError } from '@tradingbot/core';
import { accounts, fills, orders, type AccountRow, type Database } from '@tradingbot/db';
import { parseDecimal } from '@tradingbot/exchange';
import { decryptCredentials, type KeyRing } from '../../../crypto/credentials.ts';
import type { ConnectExchange } from '../../../exchange-factory.ts';
import { audit } from '../../audit.ts';
import {
  LINK_CODE_PATTERN,
  linkOfChat,
  redeemLinkCode,
  unlinkUser,
  type TelegramLinkHooks,
} from './linking.ts';
import { queueManualClose, type SignalQueuePort } from './manual-signals.ts';
import { BOT_TEXTS, localeOfLanguageCode, type BotTexts } from './texts.ts';

export type CommandDeps = {
  database: Database;
  keyRing: KeyRing;
  connectExchange: ConnectExchange;
  queue: SignalQueuePort;
  /** The web UI's address, named in the how-to-link answer. */
  publicUrl: string;
  hooks?: TelegramLinkHooks;
  /** How long a confirm button stays valid (default 5 min). */
  confirmTtlMs?: number;
  /** How long the bot waits for a close's result before saying it is still running (default 20 s). */
  resultWaitMs?: number;
  log?: { error(obj: object, msg: string): void };
};

type Link = NonNullable<Awaited<ReturnType<typeof linkOfChat>>>;
export type BotContext = Context & { link?: Link; texts: BotTexts };

/** A close or flatten waiting for its confirm button, kept in the process that polls the bot. */
type Pending = {
  chatId: string;
  userId: string;
  command: 'close' | 'flatten';
  symbol?: string;
  accountIds: string[];
  expiresAt: number;
};

const CLOSING_ROLES = ['close', 'reverse-close', 'sl', 'tp', 'tp1', 'tp2', 'protect-close'] as const;

/** An account as the bot names it: its label (or venue) and the last four characters of its id. */
export function accountName(account: Pick<AccountRow, 'id' | 'label' | 'exchange'>): string {
  return `${account.label.trim() || account.exchange} (…${account.id.slice(-4)})`;
}

const money = (value: string | undefined) => {
  const parsed = value === undefined ? undefined : parseDecimal(value);
  if (parsed === undefined) return value ?? '?';
  const rounded = parsed.toDecimalPlaces(2);
  return rounded.gt(0) ? `+${rounded.toFixed(2)}` : rounded.toFixed(2);
};
const plain = (value: string | undefined) => {
  const parsed = value === undefined ? undefined : parseDecimal(value);
  return parsed === undefined ? (value ?? '?') : parsed.toDecimalPlaces(2).toFixed(2);
};

/** What every command group shares: the deps and the helpers reading the linked user's accounts. */
type Helpers = {
  deps: CommandDeps;
  bot: Composer<BotContext>;
  howToLink(ctx: BotContext): Promise<unknown>;
  /** The linked user's accounts the argument names (all of them without one); replies when none. */
  chosenAccounts(ctx: BotContext, argument: string): Promise<AccountRow[] | undefined>;
  venueOf(account: AccountRow): ReturnType<ConnectExchange>;
  /** Registers a command that needs a linked chat. */
  linkedCommand(name: string, handler: (ctx: BotContext, argument: string) => Promise<unknown>): void;
};

const reason = (error: unknown) => (isAppError(error) ? error.message : 'unexpected error');
const isOpen = (qty: string) => parseDecimal(qty)?.isZero() === false;

/**
 * The bot's commands for linked chats (issue 19): only the linked user's accounts are read or
 * touched; an unlinked chat learns how to link and nothing else; groups are refused (a group's
 * members are not the user). Closes go through the account's signal queue like any alert.
 */
export function telegramCommands(deps: CommandDeps): {
  composer: Composer<BotContext>;
  /** Resolves when confirmed closes still reporting their results are done (shutdown, tests). */
  idle(): Promise<void>;
} {
  const bot = new Composer<BotContext>();
  bot.use(async (ctx, next) => {
    if (!ctx.chat) return;
    const fallback = BOT_TEXTS[localeOfLanguageCode(ctx.from?.language_code)];
    if (ctx.chat.type !== 'private') {
      if (ctx.message) await ctx.reply(fallback.groupsRefused);
      if (ctx.callbackQuery) await ctx.answerCallbackQuery();
      return;
    }
    const link = await linkOfChat(deps.database, String(ctx.chat.id));
    ctx.link = link;
    ctx.texts = link ? BOT_TEXTS[link.locale] : fallback;
    await next();
  });
  const helpers: Helpers = {
    deps,
    bot,
    howToLink: (ctx) => ctx.reply(ctx.texts.howToLink(deps.publicUrl)),
    chosenAccounts: (ctx, argument) => chosenAccounts(deps.database, ctx, argument),
    venueOf: (account) =>
      deps.connectExchange(account, decryptCredentials(deps.keyRing, account.id, account)),
    linkedCommand: (name, handler) =>
      bot.command(name, async (ctx) => {
        if (!ctx.link) return helpers.howToLink(ctx);
        return handler(ctx, typeof ctx.match === 'string' ? ctx.match : '');
      }),
  };
  registerLinking(helpers);
  registerReads(helpers);
  registerPause(helpers);
  const closes = registerCloses(helpers);
  bot.on('message:text', async (ctx) => {
    const text = ctx.message.text.trim();
    if (LINK_CODE_PATTERN.test(text)) return redeem(deps, ctx, text);
    if (!ctx.link) return helpers.howToLink(ctx);
    return ctx.reply(ctx.texts.unknownCommand);
  });
  bot.on('message', async (ctx) => (ctx.link ? undefined : helpers.howToLink(ctx)));
  return { composer: bot, idle: closes.idle };
}

async function chosenAccounts(
  database: Database,
  ctx: BotContext,
  argument: string,
): Promise<AccountRow[] | undefined> {
  const rows = await database.db.select().from(accounts).where(eq(accounts.userId, ctx.link!.userId));
  if (rows.length === 0) {
    await ctx.reply(ctx.texts.noAccounts);
    return undefined;
  }
  const name = argument.trim().toLowerCase();
  if (name === '') return rows;
  const chosen = rows.filter(
    (row) =>
      row.label.trim().toLowerCase() === name ||
      row.exchange === name ||
      (name.length >= 4 && row.id.toLowerCase().endsWith(name.replace(/^…/, ''))),
  );
  if (chosen.length === 0) {
    await ctx.reply(ctx.texts.noSuchAccount(argument.trim().slice(0, 40)));
    return undefined;
  }
  return chosen;
}

async function redeem(deps: CommandDeps, ctx: BotContext, code: string) {
  const result = await redeemLinkCode(
    deps.database,
    { code, chatId: String(ctx.chat!.id), username: ctx.from?.username },
    deps.hooks,
  );
  if (result.ok) {
    const texts = BOT_TEXTS[result.locale];
    await ctx.reply(result.already ? texts.alreadyLinked : `${texts.linked}\n\n${texts.help}`);
    return;
  }
  const reasons = { invalid: 'codeInvalid', expired: 'codeExpired', chat_taken: 'chatTaken' } as const;
  await ctx.reply(ctx.texts[reasons[result.reason]]);
}

/** /start [code], /help, /unlink. */
function registerLinking({ deps, bot, howToLink, linkedCommand }: Helpers): void {
  bot.command('start', async (ctx) => {
    const code = typeof ctx.match === 'string' ? ctx.match.trim() : '';
    if (code !== '') return redeem(deps, ctx, code);
    return ctx.link ? ctx.reply(ctx.texts.help) : howToLink(ctx);
  });
  linkedCommand('help', (ctx) => ctx.reply(ctx.texts.help));
  linkedCommand('unlink', async (ctx) => {
    await unlinkUser(deps.database, ctx.link!.userId, deps.hooks);
    await ctx.reply(ctx.texts.unlinked);
  });
}

/** /status, /balance, /trades: read from the venue (positions, balance) and the recorded orders. */
function registerReads({ deps, linkedCommand, chosenAccounts, venueOf }: Helpers): void {
  linkedCommand('status', async (ctx, argument) => {
    const chosen = await chosenAccounts(ctx, argument);
    if (!chosen) return;
    const blocks = await Promise.all(
      chosen.map(async (account) => {
        const title = `${accountName(account)}${account.entriesPaused ? ' ⏸' : ''}`;
        try {
          const positions = (await venueOf(account).positions()).filter((p) => isOpen(p.qty));
          const lines = positions.map((p) => {
            const qty = parseDecimal(p.qty)!;
            return `${p.venueSymbol} ${qty.isNeg() ? 'short' : 'long'} ${qty.abs().toString()} @ ${p.entryPrice} → ${p.markPrice} · PnL ${money(p.unrealizedPnl)} · ${p.leverage}x`;
          });
          return `${title}\n${lines.length ? lines.join('\n') : ctx.texts.noPositions}`;
        } catch (error) {
          return `${title}\n${ctx.texts.venueFailed(reason(error))}`;
        }
      }),
    );
    await ctx.reply(`${ctx.texts.positionsHeader}\n\n${blocks.join('\n\n')}`);
  });

  linkedCommand('balance', async (ctx, argument) => {
    const chosen = await chosenAccounts(ctx, argument);
    if (!chosen) return;
    const lines = await Promise.all(
      chosen.map(async (account) => {
        try {
          const b = await venueOf(account).balance('USDT');
          return `${accountName(account)}: ${ctx.texts.balanceLine(plain(b.total), plain(b.available), money(b.unrealizedPnl))}`;
        } catch (error) {
          return `${accountName(account)}: ${ctx.texts.venueFailed(reason(error))}`;
        }
      }),
    );
    await ctx.reply(lines.join('\n'));
  });

  linkedCommand('trades', async (ctx, argument) => {
    const chosen = await chosenAccounts(ctx, argument);
    if (!chosen) return;
    const names = new Map(chosen.map((a) => [a.id, accountName(a)]));
    const ids = chosen.map((a) => a.id);
    const lines =
      (await closedFromFills(deps.database, ids, names)) ??
      (await closedFromOrders(deps.database, ids, names));
    if (lines.length === 0) return ctx.reply(ctx.texts.noTrades);
    await ctx.reply(`${ctx.texts.tradesHeader}\n${lines.join('\n')}`);
  });
}

const minute = (date: Date) => date.toISOString().slice(0, 16).replace('T', ' ');

/**
 * The last closing fills the account mirror recorded (`fills`: every venue execution, stop-loss and
 * take-profit fills included, with realized PnL); undefined when it recorded none for these accounts.
 */
async function closedFromFills(database: Database, ids: string[], names: Map<string, string>) {
  const rows = await database.db
    .select()
    .from(fills)
    .where(and(inArray(fills.accountId, ids), ne(fills.realizedPnl, '0')))
    .orderBy(desc(fills.venueTime))
    .limit(5);
  if (rows.length === 0) return undefined;
  return rows.map(
    (row) =>
      `${minute(row.venueTime)} ${row.symbol} ${row.reason} ${row.side} ${row.qty} @ ${row.price} · PnL ${money(row.realizedPnl)} · ${names.get(row.accountId)}`,
  );
}

/** Without the mirror's fills: the closing orders this server placed and saw filled. */
async function closedFromOrders(database: Database, ids: string[], names: Map<string, string>) {
  const rows = await database.db
    .select()
    .from(orders)
    .where(
      and(
        inArray(orders.accountId, ids),
        inArray(orders.role, [...CLOSING_ROLES]),
        eq(orders.status, 'filled'),
      ),
    )
    .orderBy(desc(orders.createdAt))
    .limit(5);
  return rows.map((row) => {
    const response = (row.response ?? {}) as Record<string, unknown>;
    const price = typeof response.avgPrice === 'string' ? response.avgPrice : (row.price ?? '?');
    return `${minute(row.createdAt)} ${row.symbol} ${row.role} ${row.side} ${row.qty ?? ''} @ ${price} · ${names.get(row.accountId)}`;
  });
}

/** /pause and /resume: the accounts' `entries_paused` (admission refuses entries with ENTRIES_PAUSED). */
function registerPause({ deps, linkedCommand, chosenAccounts }: Helpers): void {
  for (const [command, paused] of [
    ['pause', true],
    ['resume', false],
  ] as const) {
    linkedCommand(command, async (ctx, argument) => {
      const chosen = await chosenAccounts(ctx, argument);
      if (!chosen) return;
      const ids = chosen.map((a) => a.id);
      await deps.database.db
        .update(accounts)
        .set({ entriesPaused: paused, updatedAt: new Date() })
        .where(and(eq(accounts.userId, ctx.link!.userId), inArray(accounts.id, ids)));
      for (const account of chosen) {
        await audit(deps.database, {
          userId: account.userId,
          accountId: account.id,
          action: paused ? 'account.entries_paused' : 'account.entries_resumed',
          details: { source: 'telegram' },
        });
      }
      const names = chosen.map(accountName).join(', ');
      await ctx.reply(paused ? ctx.texts.paused(names) : ctx.texts.resumed(names));
    });
  }
}

/** /close SYMBOL and /flatten: a confirm button, then closes queued like alerts. */
function registerCloses(helpers: Helpers): { idle(): Promise<void> } {
  const { deps, bot, linkedCommand, chosenAccounts, howToLink } = helpers;
  const pending = new Map<string, Pending>();
  const running = new Set<Promise<void>>();
  const ttl = deps.confirmTtlMs ?? 5 * 60_000;

  function askToConfirm(
    ctx: BotContext,
    entry: Omit<Pending, 'expiresAt' | 'chatId' | 'userId'>,
    question: string,
  ) {
    const now = Date.now();
    for (const [key, value] of pending) if (value.expiresAt < now) pending.delete(key);
    const token = randomBytes(9).toString('base64url');
    pending.set(token, {
      ...entry,
      chatId: String(ctx.chat!.id),
      userId: ctx.link!.userId,
      expiresAt: now + ttl,
    });
    const keyboard = new InlineKeyboard()
      .text(ctx.texts.confirmYes, `ok:${token}`)
      .text(ctx.texts.confirmNo, `no:${token}`);
    return ctx.reply(question, { reply_markup: keyboard });
  }

  linkedCommand('close', async (ctx, argument) => {
    const [symbol = '', ...rest] = argument.trim().split(/\s+/);
    if (!/^[A-Za-z0-9._:/-]{2,40}$/.test(symbol)) return ctx.reply(ctx.texts.closeUsage);
    const chosen = await chosenAccounts(ctx, rest.join(' '));
    if (!chosen) return;
    const upper = symbol.toUpperCase();
    const question = ctx.texts.confirmClose(upper, chosen.map(accountName).join(', '));
    return askToConfirm(
      ctx,
      { command: 'close', symbol: upper, accountIds: chosen.map((a) => a.id) },
      question,
    );
  });

  linkedCommand('flatten', async (ctx, argument) => {
    const chosen = await chosenAccounts(ctx, argument);
    if (!chosen) return;
    const question = ctx.texts.confirmFlatten(chosen.map(accountName).join(', '));
    return askToConfirm(ctx, { command: 'flatten', accountIds: chosen.map((a) => a.id) }, question);
  });

  bot.on('callback_query:data', async (ctx) => {
    const [verb, token = ''] = ctx.callbackQuery.data.split(':');
    const entry = pending.get(token);
    const valid =
      entry !== undefined &&
      entry.expiresAt >= Date.now() &&
      entry.chatId === String(ctx.chat?.id) &&
      entry.userId === ctx.link?.userId;
    if (!valid) {
      await ctx.answerCallbackQuery(ctx.link ? { text: ctx.texts.confirmExpired } : {});
      if (!ctx.link) await howToLink(ctx);
      return;
    }
    pending.delete(token);
    await ctx.answerCallbackQuery();
    if (verb !== 'ok') return ctx.editMessageText(ctx.texts.cancelled);
    // In the background: the updates after this one (other chats) are not held up meanwhile.
    const run = runCloses(helpers, ctx, entry).catch((error: unknown) =>
      deps.log?.error({ reason: reason(error) }, 'telegram: a confirmed close failed'),
    );
    running.add(run);
    void run.finally(() => running.delete(run));
  });

  return {
    idle: async () => {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}

/** Queues the confirmed closes (re-reading the accounts: still the user's), then reports. */
async function runCloses({ deps, venueOf }: Helpers, ctx: BotContext, entry: Pending): Promise<void> {
  const owned = await deps.database.db
    .select()
    .from(accounts)
    .where(and(eq(accounts.userId, entry.userId), inArray(accounts.id, entry.accountIds)));
  const jobs: Array<{ account: AccountRow; symbol: string }> = [];
  const failures: string[] = [];
  for (const account of owned) {
    if (entry.command === 'close') {
      jobs.push({ account, symbol: entry.symbol! });
      continue;
    }
    try {
      const open = (await venueOf(account).positions()).filter((p) => isOpen(p.qty));
      for (const symbol of new Set(open.map((p) => p.venueSymbol))) jobs.push({ account, symbol });
    } catch (error) {
      failures.push(`${accountName(account)}: ${ctx.texts.venueFailed(reason(error))}`);
    }
  }
  if (jobs.length === 0) {
    await ctx.editMessageText([ctx.texts.nothingToClose, ...failures].join('\n'));
    return;
  }
  await ctx.editMessageText(ctx.texts.closeQueued(jobs.length));
  const lines = await Promise.all(
    jobs.map(async ({ account, symbol }) => {
      const label = `${symbol} · ${accountName(account)}`;
      try {
        const signalId = await queueManualClose(deps.database, deps.queue, account, symbol, {
          command: entry.command,
        });
        const result = await deps.queue.waitFor(signalId, deps.resultWaitMs ?? 20_000);
        if (result === 'timeout') return `${label}: …`;
        return `${label}: ${result.success ? '✓' : '✗'} ${result.message}`;
      } catch (error) {
        return `${label}: ✗ ${reason(error)}`;
      }
    }),
  );
  await ctx.reply(ctx.texts.closeResult([...lines, ...failures].join('\n')));
}
