import { eq } from 'drizzle-orm';
import { accounts, bots, botDecisions, migrate, type Database } from '@tradingbot/db';
import type { Config } from '../../config.ts';
import { ServerErrors } from '../../errors.ts';
import { createExchangeFactory } from '../../exchange-factory.ts';
import { openConfiguredDatabase } from '../../server.ts';
import { CreateBotBody } from '../../routes/bots.schema.ts';
import { createBot, type CreateBotInput } from '../bots.ts';
import { databasePaperStateStore } from '../paper-state.ts';
import { SignalWorker } from '../signal-worker.ts';
import { BotRunner } from './runner.ts';

export type HeadlessBotOptions = Omit<CreateBotInput, 'start' | 'account_id'> & {
  accountId: string;
  /** Called with a one-line status whenever it changes (a bar evaluated, the status moved). */
  onStatus: (line: string) => void;
  /** How often the status is read (ms, default 1000). */
  statusEveryMs?: number;
};

export type HeadlessBot = { botId: string; stop(): Promise<void> };

/**
 * `tradingbot bot run`: one bot without the web server, on the same code path — a bot row on the
 * configured database, the bot runner (account lease, warm-up, closed klines, catch-up) and the
 * signal worker that executes its signals like any alert's (audit, orders, exactly once). A server
 * sharing the database sees the bot in `/api/v1/bots`; stopping sets it stopped.
 */
export async function runHeadlessBot(config: Config, options: HeadlessBotOptions): Promise<HeadlessBot> {
  const database = await openConfiguredDatabase(config);
  try {
    await migrate(database);
    return await start(config, database, options);
  } catch (error) {
    await database.close();
    throw error;
  }
}

async function start(config: Config, database: Database, options: HeadlessBotOptions): Promise<HeadlessBot> {
  const [account] = await database.db.select().from(accounts).where(eq(accounts.id, options.accountId));
  if (!account) throw ServerErrors.create('ACCOUNT_NOT_FOUND');
  const { accountId, onStatus, statusEveryMs, ...definition } = options;
  // The API's own checks (CreateBotBody), then the definition's (strategy, parameters, timeframe).
  const parsed = CreateBotBody.safeParse({
    ...definition,
    account_id: accountId,
    name: definition.name ?? 'tradingbot bot run',
    start: true,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw ServerErrors.create('VALIDATION_FAILED', {
      message: `${issue.path.join('.')}: ${issue.message}`,
      details: {
        issues: parsed.error.issues.map((i) => ({
          field: i.path.join('.'),
          message: i.message,
          code: i.code,
        })),
      },
    });
  }
  const bot = await createBot(
    { database, maxSignalAgeMs: config.bots.maxSignalAgeMs },
    account.userId,
    parsed.data,
  );
  const connectExchange = createExchangeFactory({
    baseUrls: config.baseUrls,
    requestTimeoutMs: config.venueRequestTimeoutMs,
    paperState: databasePaperStateStore(database),
  });
  const worker = new SignalWorker({
    database,
    keyRing: config.keyRing,
    connectExchange,
    leaseMs: config.signalLeaseMs,
    venueDeadlineMs: config.signalVenueDeadlineMs,
    maxStartDelayMs: config.signalMaxStartDelayMs,
  });
  const runner = new BotRunner({
    database,
    keyRing: config.keyRing,
    connectExchange,
    queue: worker,
    leaseMs: config.bots.leaseMs,
    maxSignalAgeMs: config.bots.maxSignalAgeMs,
    botIds: [bot.id],
  });
  worker.start();
  runner.start();
  let last = '';
  const report = async () => {
    const line = await statusLine(database, bot.id);
    if (line !== last) onStatus((last = line));
  };
  const timer = setInterval(() => void report().catch(() => undefined), statusEveryMs ?? 1000);
  await report();
  return {
    botId: bot.id,
    async stop() {
      clearInterval(timer);
      await runner.stop();
      await database.db
        .update(bots)
        .set({
          desiredState: 'stopped',
          status: 'stopped',
          statusReason: 'tradingbot bot run ended',
          statusSince: new Date(),
        })
        .where(eq(bots.id, bot.id));
      await worker.stop();
      await connectExchange.close();
      await database.close();
    },
  };
}

const minute = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

/** `ema_cross BTCUSDT 1h · running · last bar 2026-01-05 10:00 · position long · 2 sent, 1 skipped`. */
export async function statusLine(database: Database, botId: string): Promise<string> {
  const [bot] = await database.db.select().from(bots).where(eq(bots.id, botId));
  if (!bot) return 'the bot was deleted';
  const decisions = await database.db
    .select({ outcome: botDecisions.outcome })
    .from(botDecisions)
    .where(eq(botDecisions.botId, botId));
  const sent = decisions.filter((d) => d.outcome === 'sent').length;
  return [
    `${bot.strategy} ${bot.symbol} ${bot.timeframe}`,
    bot.status + (bot.statusReason ? ` (${bot.statusReason})` : ''),
    bot.lastBarTime ? `last bar ${minute(bot.lastBarTime.getTime())} UTC` : 'no bar yet',
    `position ${bot.position}`,
    `${sent} sent, ${decisions.length - sent} skipped`,
  ].join(' · ');
}
