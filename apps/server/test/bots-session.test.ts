import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { accounts, botDecisions, bots, signals, type BotRow } from '@tradingbot/db';
import { LiveStrategy, getStrategy, warmupBars, type CandleRow, type LiveAction } from '@tradingbot/engine';
import type { Exchange, Kline, KlineQuery } from '@tradingbot/exchange';
import { BotSession, sharedKlineReads } from '../src/services/bots/bot-session.ts';
import { signUp, testApp, type TestApp } from './helpers.ts';

/*
 * A bot's session on its own (issue 20 items 1–2), over a venue that serves the vendored real
 * hourly candles: the catch-up rules after a stream gap (missing bars read and evaluated in order,
 * only the latest closed bar may trade, the others recorded as skipped with the reason), the max
 * signal age, a paused account (entries skipped, saying why) and a deactivated one (the bot stops
 * and says why).
 */

const HOUR = 3_600_000;
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const ROWS: CandleRow[] = readFileSync(
  join(ROOT, 'packages/engine/test/fixtures/BTCUSDT-1h-sample.csv'),
  'utf8',
)
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => {
    const [time, open, high, low, close, volume] = line.split(',').map(Number) as number[];
    return { time: time!, open: open!, high: high!, low: low!, close: close!, volume: volume! };
  })
  .slice(3354); // after the sample's last exchange gap: consecutive hourly bars

const STRATEGY = 'ema_cross';
const WARMUP = warmupBars(getStrategy(STRATEGY), new LiveStrategy(getStrategy(STRATEGY)).params);

/** The actions a flat strategy takes on each bar (what a session over a venue that stays flat decides). */
function flatActions(): Array<LiveAction | null> {
  const live = new LiveStrategy(getStrategy(STRATEGY));
  return ROWS.map((row) => {
    live.setPosition('flat');
    return live.update(row).action;
  });
}
const ACTIONS = flatActions();

const kline = (row: CandleRow): Kline => ({
  openTime: row.time,
  open: row.open,
  high: row.high,
  low: row.low,
  close: row.close,
  volume: row.volume,
  closed: true,
});

let t: TestApp;
let accountId: string;
let userAuth: Record<string, string>;
let clock = 0;
let kicks = 0;
const venue = {
  klinesCalls: 0,
  async klines(query: KlineQuery): Promise<Kline[]> {
    venue.klinesCalls++;
    return ROWS.filter((r) => r.time >= (query.startTime ?? 0) && r.time <= clock)
      .slice(0, query.limit ?? 100)
      .map(kline);
  },
  async positions() {
    return [];
  },
};

async function newBot(maxSignalAgeS = 3600): Promise<BotRow> {
  const created = await t.app.inject({
    method: 'POST',
    url: '/api/v1/bots',
    headers: userAuth,
    payload: {
      account_id: accountId,
      strategy: STRATEGY,
      symbol: 'BTCUSDT',
      timeframe: '1h',
      max_signal_age_s: maxSignalAgeS,
      start: true,
    },
  });
  const id = (created.json() as { id: string }).id;
  const [row] = await t.database.db.select().from(bots).where(eq(bots.id, id));
  return row!;
}

function session(bot: BotRow, klines?: (query: KlineQuery) => Promise<Kline[]>): BotSession {
  return new BotSession(
    {
      database: t.database,
      exchange: venue as unknown as Exchange,
      ...(klines ? { klines } : {}),
      queue: { kick: () => void kicks++, waitFor: async () => 'timeout' },
      now: () => clock,
      wallNow: Date.now,
      defaultMaxSignalAgeMs: 60_000,
      settleMs: 0,
    },
    bot,
    HOUR,
  );
}

const decisions = (botId: string) =>
  t.database.db
    .select()
    .from(botDecisions)
    .where(eq(botDecisions.botId, botId))
    .orderBy(botDecisions.barTime);

/** The first index ≥ `from` whose bar has an action (with a bar after it). */
function nextAction(from: number): number {
  for (let i = from; i + 2 < ACTIONS.length; i++) if (ACTIONS[i] !== null) return i;
  throw new Error(`no action after bar ${from}`);
}

/** Two consecutive bars with actions from `from` on. */
function windowWithActions(from: number): { first: number; last: number } {
  const first = nextAction(from);
  return { first, last: nextAction(first + 1) };
}

beforeAll(async () => {
  t = await testApp();
  const user = await signUp(t.app, 'bot-session@example.com');
  userAuth = user.auth;
  const registered = await t.app.inject({
    method: 'POST',
    url: '/api/v1/accounts-secure/register',
    headers: user.auth,
    payload: { exchange: 'paper', api_key: 'k', api_secret: 's' },
  });
  accountId = (registered.json() as { id: string }).id;
});
afterAll(async () => t.close());
beforeEach(async () => {
  await t.database.db
    .update(accounts)
    .set({ isActive: true, entriesPaused: false })
    .where(eq(accounts.id, accountId));
});

describe('a bot session', () => {
  it('warms up on as many bars as its declaration needs, then takes the next bar to close', async () => {
    const start = WARMUP + 50;
    clock = ROWS[start]!.time + 60_000; // bar `start` is forming
    venue.klinesCalls = 0;
    const bot = await newBot();
    const s = session(bot);
    await s.start();
    expect(s.lastBar).toBe(ROWS[start - 1]!.time);
    // Warm-up history read page by page from the REST klines: at least the declared warm-up.
    expect(venue.klinesCalls).toBeGreaterThanOrEqual(Math.ceil(WARMUP / 100));
    const [row] = await t.database.db.select().from(bots).where(eq(bots.id, bot.id));
    expect(row).toMatchObject({ status: 'running', statusReason: null });
    expect(row!.lastBarTime?.getTime()).toBe(ROWS[start - 1]!.time);
    expect(await decisions(bot.id)).toEqual([]); // history is never traded
  });

  it('bots of one account, strategy, symbol and timeframe starting together read the history once', async () => {
    const start = WARMUP + 60;
    clock = ROWS[start]!.time + 60_000;
    venue.klinesCalls = 0;
    await session(await newBot()).start();
    const alone = venue.klinesCalls;
    // Five bots ask for each page; the venue answers a page once all five have asked for it (as a
    // slow venue would), so a request of each is in flight together — or after 5 s, if they do not share.
    const keyOf = (q: KlineQuery) => `${q.startTime}`;
    const asked = new Map<string, number>();
    let venueCalls = 0;
    const slowVenue = {
      async klines(query: KlineQuery): Promise<Kline[]> {
        venueCalls++;
        const until = Date.now() + 5_000;
        while ((asked.get(keyOf(query)) ?? 0) < 5 && Date.now() < until)
          await new Promise((r) => setTimeout(r, 5));
        return venue.klines(query);
      },
    };
    const shared = sharedKlineReads(slowVenue);
    const reader = (query: KlineQuery) => {
      asked.set(keyOf(query), (asked.get(keyOf(query)) ?? 0) + 1);
      return shared(query);
    };
    const sessions = await Promise.all([1, 2, 3, 4, 5].map(async () => session(await newBot(), reader)));
    await Promise.all(sessions.map((s) => s.start()));
    expect(venueCalls).toBe(alone);
    // each warmed up on the same bars as the one alone
    for (const s of sessions) expect(s.lastBar).toBe(ROWS[start - 1]!.time);
  });

  it('after a stream gap: reads the missing bars, evaluates them in order, and only the latest closed bar may trade', async () => {
    const { first, last } = windowWithActions(WARMUP + 100);
    const start = first - 3;
    clock = ROWS[start]!.time + 1;
    const bot = await newBot();
    const s = session(bot);
    await s.start(); // checkpoint: the bar before `start`
    // The stream delivers `last` next: bars start..last-1 were missed (one of them, `first`, had an action).
    clock = ROWS[last + 1]!.time + 1;
    const signalsBefore = (await t.database.db.select().from(signals)).length;
    s.onClosedBar(kline(ROWS[last]!));
    await s.idle();
    expect(s.lastBar).toBe(ROWS[last]!.time);
    const made = await decisions(bot.id);
    const expected = ROWS.slice(start, last + 1)
      .map((row, i) => ({ row, action: ACTIONS[start + i] }))
      .filter((x) => x.action !== null);
    expect(made.map((d) => [d.barTime.getTime(), d.action, d.outcome])).toEqual(
      expected.map((x, i) => [x.row.time, x.action, i === expected.length - 1 ? 'sent' : 'skipped']),
    );
    for (const skipped of made.filter((d) => d.outcome === 'skipped'))
      expect(skipped.reason).toMatch(/^catch-up: /);
    const sent = made.find((d) => d.outcome === 'sent')!;
    expect((await t.database.db.select().from(signals)).length).toBe(signalsBefore + 1);
    const [signal] = await t.database.db.select().from(signals).where(eq(signals.id, sent.signalId!));
    expect(signal!.payload).toMatchObject({
      source: 'bot',
      bot_id: bot.id,
      action: sent.action,
      bar_time: ROWS[last]!.time,
    });
    // The same bar again (a reconnect replays it): nothing new.
    s.onClosedBar(kline(ROWS[last]!));
    await s.idle();
    expect(await decisions(bot.id)).toHaveLength(made.length);
  });

  it('a signal older than the max signal age is recorded as skipped, never traded', async () => {
    const first = nextAction(WARMUP + 300);
    clock = ROWS[first]!.time + 1;
    const bot = await newBot(120);
    const s = session(bot);
    await s.start();
    clock = ROWS[first]!.time + HOUR + 10 * 60_000; // closed ten minutes ago; the bot allows two
    s.onClosedBar(kline(ROWS[first]!));
    await s.idle();
    const [made] = await decisions(bot.id);
    expect(made).toMatchObject({ outcome: 'skipped', signalId: null });
    expect(made!.reason).toMatch(
      /^too old: its bar closed 600 s ago, more than the bot's max signal age of 120 s/,
    );
  });

  it('a paused account: entries are skipped and say why', async () => {
    const index = nextAction(WARMUP + 150);
    expect(['long', 'short']).toContain(ACTIONS[index]);
    clock = ROWS[index]!.time + 1;
    const bot = await newBot();
    const s = session(bot);
    await s.start();
    await t.database.db.update(accounts).set({ entriesPaused: true }).where(eq(accounts.id, accountId));
    clock = ROWS[index + 1]!.time + 1;
    s.onClosedBar(kline(ROWS[index]!));
    await s.idle();
    const [made] = await decisions(bot.id);
    expect(made).toMatchObject({ outcome: 'skipped', action: ACTIONS[index] });
    expect(made!.reason).toMatch(/^ENTRIES_PAUSED: /);
  });

  it('a deactivated account: the bot stops trading, says why, and takes no further bar', async () => {
    const index = nextAction(WARMUP + 250);
    clock = ROWS[index]!.time + 1;
    const bot = await newBot();
    const s = session(bot);
    await s.start();
    await t.database.db.update(accounts).set({ isActive: false }).where(eq(accounts.id, accountId));
    clock = ROWS[index + 1]!.time + 1;
    s.onClosedBar(kline(ROWS[index]!));
    await s.idle();
    const [made] = await decisions(bot.id);
    expect(made).toMatchObject({ outcome: 'skipped', signalId: null });
    expect(made!.reason).toMatch(/^ACCOUNT_INACTIVE: /);
    const [row] = await t.database.db.select().from(bots).where(eq(bots.id, bot.id));
    expect(row).toMatchObject({ status: 'error' });
    expect(row!.statusReason).toMatch(/^ACCOUNT_INACTIVE: the account was deactivated/);
    // Stopped: a later bar is not evaluated.
    clock = ROWS[index + 2]!.time + 1;
    s.onClosedBar(kline(ROWS[index + 1]!));
    await s.idle();
    expect(s.lastBar).toBe(ROWS[index]!.time);
  });
});
