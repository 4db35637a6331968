import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { Cron } from 'croner';
import { z } from 'zod';
import type { LiveVenueId, PaperMarketVenue } from '@tradingbot/core';
import { postgresUrlProblem } from '@tradingbot/db';
import { liveVenues, PAPER_MARKET_VENUES } from '@tradingbot/exchange';
import { ServerErrors } from './errors.ts';
import { createKeyRing, generateSecrets, parseEncryptionKey, type KeyRing } from './crypto/credentials.ts';
import { MIN_SECRET_BITS, estimatedSecretBits } from './crypto/secret-strength.ts';
import { explainStartupError } from './startup.ts';

/**
 * Configuration, parsed once from the environment (and `.env` when present) and frozen. This is
 * the only server file that reads `process.env`. Every secret can also come from `<NAME>_FILE`.
 */
export type Config = Readonly<{
  nodeEnv: 'development' | 'production' | 'test';
  host: string;
  port: number;
  publicUrl: string;
  databaseUrl: string | undefined;
  dataDir: string;
  logLevel: string;
  /** `pretty` (pino-pretty, for people) or `json` (one object per line, for log collectors). */
  logFormat: 'pretty' | 'json';
  webOrigin: string | undefined;
  /**
   * Which peers may set X-Forwarded-For: false (none, the default), a hop count (1 = one reverse
   * proxy such as nginx in front), or the proxies' addresses/CIDRs. The client address is the
   * first untrusted hop from the right (Fastify's `trustProxy`, proxy-addr).
   */
  trustProxy: false | number | readonly string[];
  secretKey: string;
  webhookSecret: string;
  keyRing: KeyRing;
  /** Secrets generated for development and where they are kept; null when all came from the environment. */
  devSecretsFile: string | null;
  /**
   * REST base URL overrides per live venue, from each venue's variable (`baseUrlEnv` in
   * @tradingbot/exchange's `VENUES`: BINANCE_BASE_URL, OKX_BASE_URL), e.g. a local
   * `tradingbot sim binance` for every Binance account and the lab's Binance candles.
   */
  baseUrls: Readonly<Partial<Record<LiveVenueId, string>>>;
  /**
   * Public stream base URLs of the venues paper accounts can follow (BINANCE_PUBLIC_STREAM_URL,
   * OKX_PUBLIC_STREAM_URL; `PAPER_MARKET_VENUES` of @tradingbot/exchange). Unset: beside that
   * venue's base URL override (a simulator serves both), else the venue's production host.
   */
  publicStreamUrls: Readonly<Partial<Record<PaperMarketVenue, string>>>;
  /** Addresses (and CIDR ranges) the webhook accepts; undefined = any. */
  webhookAllowedIps: readonly string[] | undefined;
  /** Webhook requests per minute per source address (TradingView sends every user's alerts from 4 addresses). */
  webhookRateLimit: number;
  apiRateLimit: number;
  /** Lease of an account's signal execution; a crashed process's work resumes after it. */
  signalLeaseMs: number;
  /** The account mirror (services/account-mirror.ts): venue streams, reconciliation and protection checks. */
  mirror: Readonly<{
    /** Open accounts' private venue streams (default on; off in tests unless asked). */
    enabled: boolean;
    /** How often the mirror compares itself with the venue's REST answers and checks stops. */
    reconcileIntervalMs: number;
    /** Lease of an account's stream; another process takes the stream over this long after its holder died. */
    leaseMs: number;
    /** Streams started at once (connects, logins, re-syncs), so a restart with many accounts does not flood a venue. */
    startConcurrency: number;
  }>;
  /**
   * Oldest mark price (ms) the executor trusts from an account's warm state; 0 = no warm state (every
   * signal reads the venue over REST first, as before).
   */
  warmStateMaxAgeMs: number;
  /** Strategy bots (services/bots/): the server runs strategies itself on venue candles. */
  bots: Readonly<{
    /** Run bots in this process (default on; off in tests unless asked). */
    enabled: boolean;
    /** Lease of an account's bots; another process takes them over this long after its holder died. */
    leaseMs: number;
    /** Default of a bot's max signal age: a signal whose bar closed longer ago is skipped, not traded. */
    maxSignalAgeMs: number;
  }>;
  /** When the server backs up its own database (cron pattern, UTC); undefined = never. */
  backupCron: string | undefined;
  /** Where backups go (the server's schedule and `tradingbot db backup`). */
  backupDir: string;
  /** Our own backups older than this many days are deleted after each backup; 0 keeps all. */
  backupKeepDays: number;
  /** Bearer token for /metrics on the API's origin; unset = not served there. */
  metricsToken: string | undefined;
  /** A separate listener for /metrics (e.g. for Prometheus on a private address); unset = none. */
  metricsPort: number | undefined;
  metricsHost: string;
  /** On shutdown, how long executions in flight may take to finish before the process closes anyway. */
  shutdownDrainMs: number;
  /**
   * The strategy lab: `workers` threads run backtests and optimizations (LAB_WORKERS), `queue` more
   * may wait before LAB_BUSY (LAB_QUEUE); `runJobs` = this process takes optimization jobs from the
   * shared queue (LAB_JOBS_RUN; PostgreSQL only — on PGlite the one process always does).
   */
  lab: Readonly<{ workers: number; queue: number; runJobs: boolean }>;
  /** Exchange accounts one user may register. */
  maxAccountsPerUser: number;
  /** A venue client unused this long is dropped (a paper venue's state is stored first). */
  venueIdleMs: number;
  /** Most venue clients kept at once; beyond it the least recently used is dropped. */
  venueCacheMax: number;
  /** Per-request timeout of live venue clients (ms). */
  venueRequestTimeoutMs: number;
  /** Deadline of one signal's venue work (ms): past it the signal ends failed and the account's next one runs. */
  /** A signal whose turn comes later than this after it arrived is not executed (SIGNAL_EXPIRED). */
  signalMaxStartDelayMs: number;
  signalVenueDeadlineMs: number;
  /** Signals executing at once in this process (SIGNAL_CONCURRENCY) and on one venue (SIGNAL_VENUE_CONCURRENCY). */
  signalSlots: { perProcess: number; perVenue: number };
  /** Binance request weight per minute for this server's address (shared by all its Binance accounts). */
  binanceWeightLimit: number;
  /**
   * The Telegram bot (issue 19): `botToken` from TELEGRAM_BOT_TOKEN (never logged; unset = no bot),
   * `apiUrl` the Bot API root (TELEGRAM_API_URL: a local fake in tests, a proxy in air-gapped installs).
   */
  telegram: Readonly<{ botToken: string | undefined; apiUrl: string }>;
  /** Notifications (services/notify/): delivery knobs, SMTP, and the UI's public address for links. */
  notify: NotifyConfig;
}>;

export type NotifyConfig = Readonly<{
  /** PUBLIC_URL when set (links in messages); undefined = messages carry no link. */
  linkBase: string | undefined;
  /** SMTP server for the email channel (smtp://, smtps://); undefined = no email channel. */
  smtpUrl: string | undefined;
  smtpFrom: string;
  /** This process sends queued messages (NOTIFY_DISPATCH); any number of processes may. */
  dispatch: boolean;
  /** How often the dispatcher looks for due messages. */
  pollMs: number;
  /** A channel's messages wait until it has been quiet this long (a burst becomes one digest)… */
  quietMs: number;
  /** …but never longer than this after the oldest one was queued. */
  maxHoldMs: number;
  /** More than this many messages due at once for one channel are sent as one digest. */
  digestAfter: number;
  /** Attempts before a message is given up. */
  maxAttempts: number;
  /** Consecutive messages given up (or refused for good) before the channel is disabled. */
  disableAfter: number;
  /** At most one "alert refused" message per account within this window. */
  refusedThrottleMs: number;
  /** A venue stream down at least this long is told about. */
  streamDownAfterMs: number;
  /** Per-send timeout (Discord, webhook, SMTP). */
  sendTimeoutMs: number;
  /** Outgoing targets on loopback and private addresses (http://127.0.0.1…) are accepted (tests, home labs). */
  allowPrivateTargets: boolean;
}>;

/** Lab threads by default: one core stays with the event loop (webhooks, the API); at most four. */
export function defaultLabWorkers(): number {
  return Math.max(1, Math.min(4, availableParallelism() - 1));
}

/** The addresses TradingView sends webhooks from (its documentation; `WEBHOOK_ALLOWED_IPS=tradingview`). */
export const TRADINGVIEW_WEBHOOK_IPS = Object.freeze([
  '52.89.214.238',
  '34.212.75.30',
  '54.218.53.128',
  '52.32.178.7',
]);

/**
 * Example secrets published in tutorials and sample configurations (the hex one is the `SECRET_KEY`
 * of FastAPI's JWT tutorial, https://fastapi.tiangolo.com/tutorial/security/oauth2-jwt/, copied
 * into countless projects): anyone may know them, so they are never accepted as real secrets.
 */
export const KNOWN_PUBLIC_SECRETS = new Set([
  'yER8UxvSY0klei4vveGAJltJk5uQDYIyYtnU6ctH6cM',
  'f_4ye2tp9hFz49YH04Dc7fCITNdChxH9_0Q25ry-Sfw=',
  '09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7',
]);

const SECRET_NAMES = ['SECRET_KEY', 'ENCRYPTION_KEY', 'WEBHOOK_SECRET'] as const;

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8001),
  PUBLIC_URL: z.string().url().optional(),
  DATABASE_URL: z.string().min(1).optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['pretty', 'json']).optional(),
  WEB_ORIGIN: z.string().url().optional(),
  TRUST_PROXY: z.string().default('false'),
  SECRET_KEY: z.string().min(32, 'SECRET_KEY must be at least 32 characters').optional(),
  ENCRYPTION_KEY: z.string().optional(),
  ENCRYPTION_KEYS_OLD: z.string().optional(),
  WEBHOOK_SECRET: z.string().min(16, 'WEBHOOK_SECRET must be at least 16 characters').optional(),
  WEBHOOK_ALLOWED_IPS: z.string().optional(),
  WEBHOOK_RATE_LIMIT: z.coerce.number().int().min(1).default(3000),
  API_RATE_LIMIT: z.coerce.number().int().min(1).default(1200),
  SIGNAL_LEASE_MS: z.coerce.number().int().min(500).max(600_000).default(15_000),
  STREAMS_ENABLED: z.enum(['true', 'false', '1', '0']).optional(),
  MIRROR_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(1000).max(3_600_000).default(30_000),
  MIRROR_LEASE_MS: z.coerce.number().int().min(500).max(600_000).default(15_000),
  MIRROR_START_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8),
  WARM_STATE_MAX_AGE_MS: z.coerce.number().int().min(0).max(600_000).default(5_000),
  BOTS_ENABLED: z.enum(['true', 'false', '1', '0']).optional(),
  BOT_LEASE_MS: z.coerce.number().int().min(500).max(600_000).default(15_000),
  BOT_MAX_SIGNAL_AGE_MS: z.coerce.number().int().min(1000).max(86_400_000).default(60_000),
  BACKUP_CRON: z.string().optional(),
  BACKUP_DIR: z.string().min(1).optional(),
  BACKUP_KEEP_DAYS: z.coerce.number().int().min(0).max(3650).default(7),
  METRICS_TOKEN: z.string().min(16, 'METRICS_TOKEN must be at least 16 characters').optional(),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  SHUTDOWN_DRAIN_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  LAB_WORKERS: z.coerce.number().int().min(1).max(64).optional(),
  LAB_QUEUE: z.coerce.number().int().min(0).max(10_000).default(16),
  LAB_JOBS_RUN: z.enum(['true', 'false', '1', '0']).default('true'),
  MAX_ACCOUNTS_PER_USER: z.coerce.number().int().min(1).max(10_000).default(20),
  VENUE_IDLE_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .default(30 * 60_000),
  VENUE_CACHE_MAX: z.coerce.number().int().min(1).default(1000),
  VENUE_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5000),
  SIGNAL_MAX_START_DELAY_MS: z.coerce.number().int().min(1000).max(86_400_000).default(120_000),
  SIGNAL_VENUE_DEADLINE_MS: z.coerce.number().int().min(500).max(600_000).default(20_000),
  SIGNAL_CONCURRENCY: z.coerce.number().int().min(1).max(10_000).default(64),
  SIGNAL_VENUE_CONCURRENCY: z.coerce.number().int().min(1).max(10_000).default(32),
  BINANCE_WEIGHT_LIMIT: z.coerce.number().int().min(1).default(2400),
  SMTP_URL: z
    .string()
    .url()
    .refine((url) => /^smtps?:\/\//.test(url), 'SMTP_URL must start with smtp:// or smtps://')
    .optional(),
  SMTP_FROM: z.string().min(3).default('TradingBot <tradingbot@localhost>'),
  NOTIFY_DISPATCH: z.enum(['true', 'false', '1', '0']).default('true'),
  NOTIFY_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
  NOTIFY_QUIET_MS: z.coerce.number().int().min(0).max(600_000).default(2000),
  NOTIFY_MAX_HOLD_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  NOTIFY_DIGEST_AFTER: z.coerce.number().int().min(1).max(1000).default(5),
  NOTIFY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(8),
  NOTIFY_DISABLE_AFTER: z.coerce.number().int().min(1).max(100).default(3),
  NOTIFY_REFUSED_THROTTLE_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(5 * 60_000),
  NOTIFY_STREAM_DOWN_AFTER_MS: z.coerce.number().int().min(0).default(60_000),
  NOTIFY_SEND_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  NOTIFY_ALLOW_PRIVATE_TARGETS: z.enum(['true', 'false', '1', '0']).optional(),
  TELEGRAM_BOT_TOKEN: z
    .string()
    .regex(/^\d+:[A-Za-z0-9_-]{20,}$/, 'TELEGRAM_BOT_TOKEN must look like 123456:ABC… (from @BotFather)')
    .optional(),
  TELEGRAM_API_URL: z.string().url().default('https://api.telegram.org'),
});

/**
 * Plus each live venue's base-URL variable (BINANCE_BASE_URL, OKX_BASE_URL, …), checked like the
 * rest; `venueBaseUrls` reads them from the parsed values.
 */
const FullEnvSchema = EnvSchema.extend({
  ...Object.fromEntries(liveVenues().map(([, venue]) => [venue.baseUrlEnv, z.string().url().optional()])),
  ...Object.fromEntries(
    Object.values(PAPER_MARKET_VENUES).map((venue) => [
      venue.streamUrlEnv,
      z
        .string()
        .url()
        .refine((url) => /^wss?:\/\//.test(url), `${venue.streamUrlEnv} must start with ws:// or wss://`)
        .optional(),
    ]),
  ),
}) as unknown as typeof EnvSchema;

function publicStreamUrls(env: Record<string, unknown>): Partial<Record<PaperMarketVenue, string>> {
  const urls: Partial<Record<PaperMarketVenue, string>> = {};
  for (const [id, venue] of Object.entries(PAPER_MARKET_VENUES) as Array<
    [PaperMarketVenue, (typeof PAPER_MARKET_VENUES)[PaperMarketVenue]]
  >) {
    const url = env[venue.streamUrlEnv];
    if (typeof url === 'string') urls[id] = url.replace(/\/$/, '');
  }
  return urls;
}

function venueBaseUrls(env: Record<string, unknown>): Partial<Record<LiveVenueId, string>> {
  const urls: Partial<Record<LiveVenueId, string>> = {};
  for (const [id, venue] of liveVenues()) {
    const url = env[venue.baseUrlEnv];
    if (typeof url === 'string') urls[id] = url;
  }
  return urls;
}

/** `tradingview`, addresses and CIDR ranges, comma separated. */
function allowList(value: string | undefined): string[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const entries = value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .flatMap((part) => (part.toLowerCase() === 'tradingview' ? TRADINGVIEW_WEBHOOK_IPS : [part]));
  for (const entry of entries) {
    if (!isAddressOrRange(entry)) {
      throw configError(`WEBHOOK_ALLOWED_IPS: "${entry}" is not an address, a CIDR range or "tradingview"`);
    }
  }
  return entries;
}

/** A cron pattern croner accepts (5 fields, or 6 with seconds), checked now rather than at the first run. */
function cronPattern(value: string | undefined): string | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  try {
    new Cron(value.trim(), { paused: true, timezone: 'UTC' }).stop();
  } catch (error) {
    throw configError(
      `BACKUP_CRON: "${value}" is not a cron pattern (${(error as Error).message}); e.g. "30 3 * * *" for 03:30 UTC daily`,
    );
  }
  return value.trim();
}

/** Named ranges proxy-addr knows, accepted in TRUST_PROXY beside addresses and CIDRs. */
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * `false` | a hop count | a comma list of proxy addresses/CIDRs. `true` (trust any peer's
 * X-Forwarded-For) let any client pick its own address, so it is refused with what to set instead.
 */
function trustProxy(value: string): false | number | readonly string[] {
  const text = value.trim().toLowerCase();
  if (text === '' || text === 'false' || text === '0') return false;
  if (text === 'true') {
    throw configError(
      'TRUST_PROXY=true would let any client choose its own address through X-Forwarded-For; set the hop ' +
        'count of your reverse proxies instead (TRUST_PROXY=1 for one nginx in front) or their addresses ' +
        '(TRUST_PROXY=127.0.0.1,10.0.0.0/8)',
    );
  }
  if (/^\d+$/.test(text)) return Number(text);
  const entries = text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  for (const entry of entries) {
    if (!PROXY_RANGE_NAMES.has(entry) && !isAddressOrRange(entry)) {
      throw configError(
        `TRUST_PROXY: "${entry}" is not a hop count, an address or a CIDR range (e.g. 1, or 127.0.0.1,10.0.0.0/8)`,
      );
    }
  }
  return Object.freeze(entries);
}

function isAddressOrRange(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address ?? '');
  const bits = family === 6 ? 128 : 32;
  return (
    family !== 0 &&
    rest.length === 0 &&
    (prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= bits))
  );
}

function configError(message: string) {
  return ServerErrors.create('CONFIG_INVALID', { message });
}

/** Values from `<NAME>_FILE` (Docker/Kubernetes secrets) fill in missing `<NAME>`. */
function withSecretFiles(env: Record<string, string | undefined>): Record<string, string | undefined> {
  const out = { ...env };
  for (const name of [
    ...SECRET_NAMES,
    'DATABASE_URL',
    'ENCRYPTION_KEYS_OLD',
    'METRICS_TOKEN',
    'TELEGRAM_BOT_TOKEN',
    'SMTP_URL',
  ]) {
    const file = env[`${name}_FILE`];
    if (out[name] === undefined && file) {
      try {
        out[name] = readFileSync(file, 'utf8').trim();
      } catch {
        throw configError(`${name}_FILE points to ${file}, which cannot be read`);
      }
    }
  }
  return out;
}

/** The boolean spellings the design's `DEBUG=False` (pydantic settings) accepts. */
const DEBUG_ON = new Set(['true', '1', 'yes', 'on']);
const DEBUG_OFF = new Set(['false', '0', 'no', 'off']);

/**
 * The design's `DEBUG` flag as defaults for NODE_ENV and LOG_LEVEL: on → development with debug
 * logs, off → production with info logs. NODE_ENV and LOG_LEVEL, when set, win. Any other value
 * (`DEBUG=express:*`, the `debug` package's namespace list) is not ours and is left alone.
 */
function withDebugFlag(env: Record<string, string | undefined>): Record<string, string | undefined> {
  const flag = env.DEBUG?.trim().toLowerCase() ?? '';
  const on = DEBUG_ON.has(flag);
  if (!on && !DEBUG_OFF.has(flag)) return env;
  return {
    ...env,
    NODE_ENV: env.NODE_ENV ?? (on ? 'development' : 'production'),
    LOG_LEVEL: env.LOG_LEVEL ?? (on ? 'debug' : 'info'),
  };
}

/** Development secrets: generated once, kept in DATA_DIR with mode 0600, reused on every start. */
function devSecrets(dataDir: string): { values: Record<string, string>; file: string } {
  const file = devSecretsPath(dataDir);
  if (existsSync(file))
    return { values: JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>, file };
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const values = generateSecrets();
  writeFileSync(file, JSON.stringify(values, null, 2) + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
  return { values, file };
}

/** Where development secrets are kept: `DATA_DIR/dev-secrets.json`. */
export function devSecretsPath(dataDir: string): string {
  return join(dataDir, 'dev-secrets.json');
}

type Env = z.infer<typeof EnvSchema>;

/** Known example values anywhere; in production, secrets too predictable to guard real money. */
function checkSecrets(e: Env): void {
  for (const name of SECRET_NAMES) {
    const value = e[name];
    if (value !== undefined && KNOWN_PUBLIC_SECRETS.has(value.trim())) {
      throw configError(
        `${name} is a publicly known example value; generate a new one with: tradingbot keys generate`,
      );
    }
  }
  if (e.NODE_ENV !== 'production') return;
  const missing = SECRET_NAMES.filter((name) => !e[name]);
  if (missing.length > 0) {
    throw configError(
      `production needs ${missing.join(', ')} (generate them with: tradingbot keys generate)`,
    );
  }
  for (const name of SECRET_NAMES) {
    const bits = estimatedSecretBits(e[name]!.trim());
    if (bits < MIN_SECRET_BITS) {
      throw configError(
        `${name} is too predictable for production (about ${Math.floor(bits)} bits, at least ` +
          `${MIN_SECRET_BITS} needed): use a random value from: tradingbot keys generate`,
      );
    }
  }
}

/** DATABASE_URL must be PostgreSQL with a host; the message never repeats the URL (its password). */
function checkDatabaseUrl(url: string | undefined): void {
  const problem = url === undefined ? null : postgresUrlProblem(url);
  if (problem) {
    throw configError(
      `DATABASE_URL: ${problem}. Leave DATABASE_URL unset to use the embedded database in DATA_DIR.`,
    );
  }
}

export type LoadConfigOptions = {
  /** Whether people read the logs on a terminal (pretty logs in development); default: stdout's. */
  stdoutIsTty?: boolean;
};

export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  options: LoadConfigOptions = {},
): Config {
  const parsed = FullEnvSchema.safeParse(withDebugFlag(withSecretFiles(env)));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw configError(`configuration: ${issue.path.join('.')}: ${issue.message}`);
  }
  const e = parsed.data;
  checkDatabaseUrl(e.DATABASE_URL);
  checkSecrets(e);
  const missing = SECRET_NAMES.filter((name) => !e[name]);
  const dataDir = resolve(e.DATA_DIR);
  let generated: ReturnType<typeof devSecrets> | null = null;
  try {
    if (missing.length > 0) generated = devSecrets(dataDir);
  } catch (error) {
    throw explainStartupError(error, { dataDir, databaseUrl: e.DATABASE_URL });
  }
  const secret = (name: (typeof SECRET_NAMES)[number]) => (e[name] ?? generated!.values[name])!;
  const keyRing = createKeyRing(
    parseEncryptionKey(secret('ENCRYPTION_KEY')),
    (e.ENCRYPTION_KEYS_OLD ?? '')
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean)
      .map(parseEncryptionKey),
  );
  return Object.freeze({
    nodeEnv: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    publicUrl: (e.PUBLIC_URL ?? `http://${e.HOST === '0.0.0.0' ? 'localhost' : e.HOST}:${e.PORT}`).replace(
      /\/$/,
      '',
    ),
    databaseUrl: e.DATABASE_URL,
    dataDir,
    logLevel: e.LOG_LEVEL,
    logFormat:
      e.LOG_FORMAT ??
      (e.NODE_ENV === 'development' && (options.stdoutIsTty ?? process.stdout.isTTY === true)
        ? 'pretty'
        : 'json'),
    webOrigin: e.WEB_ORIGIN,
    trustProxy: trustProxy(e.TRUST_PROXY),
    secretKey: secret('SECRET_KEY'),
    webhookSecret: secret('WEBHOOK_SECRET'),
    keyRing,
    devSecretsFile: generated?.file ?? null,
    baseUrls: Object.freeze(venueBaseUrls(e)),
    publicStreamUrls: Object.freeze(publicStreamUrls(e)),
    webhookAllowedIps: allowList(e.WEBHOOK_ALLOWED_IPS),
    webhookRateLimit: e.WEBHOOK_RATE_LIMIT,
    apiRateLimit: e.API_RATE_LIMIT,
    signalLeaseMs: e.SIGNAL_LEASE_MS,
    mirror: Object.freeze({
      enabled:
        e.STREAMS_ENABLED === undefined
          ? e.NODE_ENV !== 'test'
          : e.STREAMS_ENABLED === 'true' || e.STREAMS_ENABLED === '1',
      reconcileIntervalMs: e.MIRROR_RECONCILE_INTERVAL_MS,
      leaseMs: e.MIRROR_LEASE_MS,
      startConcurrency: e.MIRROR_START_CONCURRENCY,
    }),
    warmStateMaxAgeMs: e.WARM_STATE_MAX_AGE_MS,
    bots: Object.freeze({
      enabled: e.BOTS_ENABLED === undefined ? e.NODE_ENV !== 'test' : isOn(e.BOTS_ENABLED),
      leaseMs: e.BOT_LEASE_MS,
      maxSignalAgeMs: e.BOT_MAX_SIGNAL_AGE_MS,
    }),
    backupCron: cronPattern(e.BACKUP_CRON),
    backupDir: resolve(e.BACKUP_DIR ?? join(dataDir, 'backups')),
    backupKeepDays: e.BACKUP_KEEP_DAYS,
    metricsToken: e.METRICS_TOKEN,
    metricsPort: e.METRICS_PORT,
    metricsHost: e.METRICS_HOST,
    shutdownDrainMs: e.SHUTDOWN_DRAIN_MS,
    lab: Object.freeze({
      workers: e.LAB_WORKERS ?? defaultLabWorkers(),
      queue: e.LAB_QUEUE,
      runJobs: e.LAB_JOBS_RUN === 'true' || e.LAB_JOBS_RUN === '1',
    }),
    maxAccountsPerUser: e.MAX_ACCOUNTS_PER_USER,
    venueIdleMs: e.VENUE_IDLE_MS,
    venueCacheMax: e.VENUE_CACHE_MAX,
    venueRequestTimeoutMs: e.VENUE_REQUEST_TIMEOUT_MS,
    signalMaxStartDelayMs: e.SIGNAL_MAX_START_DELAY_MS,
    signalVenueDeadlineMs: e.SIGNAL_VENUE_DEADLINE_MS,
    signalSlots: Object.freeze({ perProcess: e.SIGNAL_CONCURRENCY, perVenue: e.SIGNAL_VENUE_CONCURRENCY }),
    binanceWeightLimit: e.BINANCE_WEIGHT_LIMIT,
    telegram: Object.freeze({
      botToken: e.TELEGRAM_BOT_TOKEN?.trim() || undefined,
      apiUrl: e.TELEGRAM_API_URL.replace(/\/$/, ''),
    }),
    notify: notifyConfig(e),
  });
}

const isOn = (value: string) => value === 'true' || value === '1';

function notifyConfig(e: Env): NotifyConfig {
  return Object.freeze({
    linkBase: e.PUBLIC_URL?.replace(/\/$/, ''),
    smtpUrl: e.SMTP_URL,
    smtpFrom: e.SMTP_FROM,
    dispatch: isOn(e.NOTIFY_DISPATCH),
    pollMs: e.NOTIFY_POLL_MS,
    quietMs: e.NOTIFY_QUIET_MS,
    maxHoldMs: e.NOTIFY_MAX_HOLD_MS,
    digestAfter: e.NOTIFY_DIGEST_AFTER,
    maxAttempts: e.NOTIFY_MAX_ATTEMPTS,
    disableAfter: e.NOTIFY_DISABLE_AFTER,
    refusedThrottleMs: e.NOTIFY_REFUSED_THROTTLE_MS,
    streamDownAfterMs: e.NOTIFY_STREAM_DOWN_AFTER_MS,
    sendTimeoutMs: e.NOTIFY_SEND_TIMEOUT_MS,
    // Users choose where a webhook posts: in production not to the server's own network unless the operator says so.
    allowPrivateTargets:
      e.NOTIFY_ALLOW_PRIVATE_TARGETS === undefined
        ? e.NODE_ENV !== 'production'
        : isOn(e.NOTIFY_ALLOW_PRIVATE_TARGETS),
  });
}

/** Reads `.env` from the working directory into process.env, without overriding what is set. */
export function loadDotEnv(path = '.env'): void {
  if (existsSync(path)) process.loadEnvFile(path);
}
