import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { migrate, openDatabase, type Database } from '@tradingbot/db';
import { buildApp, closeGracefully, type AppDeps } from './app.ts';
import type { Config } from './config.ts';
import { ServerErrors } from './errors.ts';
import { SERVER_LOCK, checkStoredCredentials, describeCredentialCheck } from './services/key-rotation.ts';
import { explainStartupError, prepareDataDir, restrictFileModes } from './startup.ts';
import type { WebOptions } from './web.ts';
import { startMetricsServer, type MetricsServer } from './metrics-server.ts';

/**
 * Opens the configured database: PostgreSQL when DATABASE_URL says so, else PGlite in DATA_DIR/db
 * (DATA_DIR 0700, refused when others may write to it; the folder locked to this process).
 * A file-system failure is explained (full disk, read-only or foreign folder), not thrown raw.
 */
export async function openConfiguredDatabase(config: Config): Promise<Database> {
  try {
    if (config.databaseUrl) return await openDatabase({ url: config.databaseUrl });
    prepareDataDir(config.dataDir);
    return await openDatabase({ dataDir: join(config.dataDir, 'db') });
  } catch (error) {
    throw explainStartupError(error, config);
  }
}

/**
 * Every stored exchange credential must decrypt with the configured keys, or the server does not
 * start: a wrong or missing ENCRYPTION_KEY would otherwise surface only when an alert fails to
 * trade. The refusal says how many accounts are under which key id (never a key or a value).
 */
async function checkKeyRing(config: Config, database: Database): Promise<string> {
  const check = await checkStoredCredentials(database, config.keyRing);
  const summary = describeCredentialCheck(check, config.keyRing);
  if (check.undecryptable.length > 0 || check.undecryptableTotp.length > 0) {
    const failing = [
      ...(check.undecryptable.length > 0
        ? [`${check.undecryptable.length} of ${check.accounts} exchange accounts cannot be decrypted`]
        : []),
      ...(check.undecryptableTotp.length > 0
        ? [`${check.undecryptableTotp.length} of ${check.totpSecrets} two-factor secrets cannot be decrypted`]
        : []),
    ];
    throw ServerErrors.create('KEY_RING_MISMATCH', {
      message:
        `${failing.join(' and ')} with the configured keys (${summary}). Set ENCRYPTION_KEY to the key they ` +
        `were stored under (and the previous key in ENCRYPTION_KEYS_OLD while a rotation is unfinished)` +
        (config.devSecretsFile ? `; ENCRYPTION_KEY now comes from ${config.devSecretsFile}` : '') +
        '. The server does not start with accounts it could not trade or users who could not sign in.',
      details: {
        accounts: check.accounts,
        undecryptable: check.undecryptable.length,
        totp_secrets: check.totpSecrets,
        undecryptable_totp: check.undecryptableTotp.length,
        by_key_id: check.byKeyId,
      },
    });
  }
  return summary;
}

/** Database, migrations, the server lock (a key rotation waits for it) and the key-ring check. */
async function openChecked(
  config: Config,
): Promise<{ database: Database; release: () => Promise<void>; keys: string }> {
  const database = await openConfiguredDatabase(config);
  try {
    await migrate(database);
    const release = await database.tryLock(SERVER_LOCK, 'shared');
    if (!release) {
      throw ServerErrors.create('STARTUP_FAILED', {
        message: 'Cannot start: a key rotation is running on this database; start again when it has finished',
      });
    }
    try {
      return { database, release, keys: await checkKeyRing(config, database) };
    } catch (error) {
      await release();
      throw error;
    }
  } catch (error) {
    await database.close();
    throw explainStartupError(error, config);
  }
}

export type RunningServer = { app: FastifyInstance; url: string; close(): Promise<void> };

/**
 * Migrates, listens, and closes gracefully on SIGTERM / SIGINT: new signals and readiness get 503,
 * in-flight requests finish, the signal worker drains its executions (SHUTDOWN_DRAIN_MS at most),
 * then the database closes.
 */
export async function startServer(
  config: Config,
  options: {
    handleSignals?: boolean;
    web?: WebOptions;
    /** Bot runner settings beyond the configuration (process tests: the replay's market clock). */
    bots?: AppDeps['bots'];
  } = {},
): Promise<RunningServer> {
  restrictFileModes();
  const { database, release, keys } = await openChecked(config);
  let app: FastifyInstance;
  try {
    app = await buildApp({
      config,
      database,
      ...(options.web ? { web: options.web } : {}),
      ...(options.bots ? { bots: options.bots } : {}),
    });
  } catch (error) {
    await release();
    await database.close();
    throw error;
  }
  app.log.info(`stored exchange credentials: ${keys}`);
  if (config.devSecretsFile) {
    app.log.warn(
      `Development secrets were generated and are kept in ${config.devSecretsFile}. BACK UP this file: ` +
        'its ENCRYPTION_KEY is the only way to decrypt the exchange keys stored in this database. ' +
        'For production set SECRET_KEY, ENCRYPTION_KEY and WEBHOOK_SECRET (tradingbot keys generate).',
    );
  }
  let address: string;
  try {
    address = await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await app.close();
    await release();
    await database.close();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw ServerErrors.create('STARTUP_FAILED', {
        message: `Cannot start: port ${config.port} on ${config.host} is in use by another program (set PORT)`,
      });
    }
    throw error;
  }
  const metrics: MetricsServer | null =
    config.metricsPort === undefined
      ? null
      : await startMetricsServer(app.metrics, { host: config.metricsHost, port: config.metricsPort });
  if (metrics) app.log.info(`Prometheus metrics on ${metrics.url}/metrics`);
  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      await metrics?.close();
      await closeGracefully(app);
      await release();
      await database.close();
    })());
  if (options.handleSignals) {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        app.log.info(`${signal}: finishing in-flight requests, then stopping`);
        void close().then(() => process.exit(0));
      });
    }
  }
  return { app, url: address, close };
}
