import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isIP } from 'node:net';
import { z } from 'zod';
import type { LiveVenueId } from '@tradingbot/core';
import { liveVenues } from '@tradingbot/exchange';
import { ServerErrors } from './errors.ts';
import { createKeyRing, generateSecrets, parseEncryptionKey, type KeyRing } from './crypto/credentials.ts';

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
  webOrigin: string | undefined;
  trustProxy: boolean;
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
  /** Addresses (and CIDR ranges) the webhook accepts; undefined = any. */
  webhookAllowedIps: readonly string[] | undefined;
  /** Webhook requests per minute per source address (TradingView sends every user's alerts from 4 addresses). */
  webhookRateLimit: number;
  apiRateLimit: number;
  /** Lease of an account's signal execution; a crashed process's work resumes after it. */
  signalLeaseMs: number;
  /** Exchange accounts one user may register. */
  maxAccountsPerUser: number;
  /** A venue client unused this long is dropped (a paper venue's state is stored first). */
  venueIdleMs: number;
  /** Most venue clients kept at once; beyond it the least recently used is dropped. */
  venueCacheMax: number;
  /** Per-request timeout of live venue clients (ms). */
  venueRequestTimeoutMs: number;
  /** Deadline of one signal's venue work (ms): past it the signal ends failed and the account's next one runs. */
  signalVenueDeadlineMs: number;
}>;

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
  WEB_ORIGIN: z.string().url().optional(),
  TRUST_PROXY: z.enum(['true', 'false', '1', '0']).default('false'),
  SECRET_KEY: z.string().min(32, 'SECRET_KEY must be at least 32 characters').optional(),
  ENCRYPTION_KEY: z.string().optional(),
  ENCRYPTION_KEYS_OLD: z.string().optional(),
  WEBHOOK_SECRET: z.string().min(16, 'WEBHOOK_SECRET must be at least 16 characters').optional(),
  WEBHOOK_ALLOWED_IPS: z.string().optional(),
  WEBHOOK_RATE_LIMIT: z.coerce.number().int().min(1).default(3000),
  API_RATE_LIMIT: z.coerce.number().int().min(1).default(1200),
  SIGNAL_LEASE_MS: z.coerce.number().int().min(500).max(600_000).default(15_000),
  MAX_ACCOUNTS_PER_USER: z.coerce.number().int().min(1).max(10_000).default(20),
  VENUE_IDLE_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .default(30 * 60_000),
  VENUE_CACHE_MAX: z.coerce.number().int().min(1).default(1000),
  VENUE_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5000),
  SIGNAL_VENUE_DEADLINE_MS: z.coerce.number().int().min(500).max(600_000).default(20_000),
});

/**
 * Plus each live venue's base-URL variable (BINANCE_BASE_URL, OKX_BASE_URL, …), checked like the
 * rest; `venueBaseUrls` reads them from the parsed values.
 */
const FullEnvSchema = EnvSchema.extend(
  Object.fromEntries(liveVenues().map(([, venue]) => [venue.baseUrlEnv, z.string().url().optional()])),
) as unknown as typeof EnvSchema;

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
    const [address, prefix] = entry.split('/');
    const family = isIP(address ?? '');
    const bits = family === 6 ? 128 : 32;
    if (family === 0 || (prefix !== undefined && !(/^\d+$/.test(prefix) && Number(prefix) <= bits))) {
      throw configError(`WEBHOOK_ALLOWED_IPS: "${entry}" is not an address, a CIDR range or "tradingview"`);
    }
  }
  return entries;
}

function configError(message: string) {
  return ServerErrors.create('CONFIG_INVALID', { message });
}

/** Values from `<NAME>_FILE` (Docker/Kubernetes secrets) fill in missing `<NAME>`. */
function withSecretFiles(env: Record<string, string | undefined>): Record<string, string | undefined> {
  const out = { ...env };
  for (const name of [...SECRET_NAMES, 'DATABASE_URL', 'ENCRYPTION_KEYS_OLD']) {
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

/** Development secrets: generated once, kept in DATA_DIR with mode 0600, reused on every start. */
function devSecrets(dataDir: string): { values: Record<string, string>; file: string } {
  const file = join(dataDir, 'dev-secrets.json');
  if (existsSync(file))
    return { values: JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>, file };
  mkdirSync(dataDir, { recursive: true });
  const values = generateSecrets();
  writeFileSync(file, JSON.stringify(values, null, 2) + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
  return { values, file };
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = FullEnvSchema.safeParse(withSecretFiles(env));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw configError(`configuration: ${issue.path.join('.')}: ${issue.message}`);
  }
  const e = parsed.data;
  for (const name of SECRET_NAMES) {
    const value = e[name];
    if (value !== undefined && KNOWN_PUBLIC_SECRETS.has(value.trim())) {
      throw configError(
        `${name} is a publicly known example value; generate a new one with: tradingbot keys generate`,
      );
    }
  }
  const missing = SECRET_NAMES.filter((name) => !e[name]);
  if (e.NODE_ENV === 'production' && missing.length > 0) {
    throw configError(
      `production needs ${missing.join(', ')} (generate them with: tradingbot keys generate)`,
    );
  }
  const dataDir = resolve(e.DATA_DIR);
  const generated = missing.length > 0 ? devSecrets(dataDir) : null;
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
    webOrigin: e.WEB_ORIGIN,
    trustProxy: e.TRUST_PROXY === 'true' || e.TRUST_PROXY === '1',
    secretKey: secret('SECRET_KEY'),
    webhookSecret: secret('WEBHOOK_SECRET'),
    keyRing,
    devSecretsFile: generated?.file ?? null,
    baseUrls: Object.freeze(venueBaseUrls(e)),
    webhookAllowedIps: allowList(e.WEBHOOK_ALLOWED_IPS),
    webhookRateLimit: e.WEBHOOK_RATE_LIMIT,
    apiRateLimit: e.API_RATE_LIMIT,
    signalLeaseMs: e.SIGNAL_LEASE_MS,
    maxAccountsPerUser: e.MAX_ACCOUNTS_PER_USER,
    venueIdleMs: e.VENUE_IDLE_MS,
    venueCacheMax: e.VENUE_CACHE_MAX,
    venueRequestTimeoutMs: e.VENUE_REQUEST_TIMEOUT_MS,
    signalVenueDeadlineMs: e.SIGNAL_VENUE_DEADLINE_MS,
  });
}

/** Reads `.env` from the working directory into process.env, without overriding what is set. */
export function loadDotEnv(path = '.env'): void {
  if (existsSync(path)) process.loadEnvFile(path);
}
