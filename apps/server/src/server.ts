import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { migrate, openDatabase, type Database } from '@tradingbot/db';
import { buildApp, closeGracefully } from './app.ts';
import type { Config } from './config.ts';
import type { WebOptions } from './web.ts';
import { startMetricsServer, type MetricsServer } from './metrics-server.ts';

/** Opens the configured database: PostgreSQL when DATABASE_URL says so, else PGlite in DATA_DIR/db. */
export function openConfiguredDatabase(config: Config): Promise<Database> {
  return openDatabase(
    config.databaseUrl ? { url: config.databaseUrl } : { dataDir: join(config.dataDir, 'db') },
  );
}

export type RunningServer = { app: FastifyInstance; url: string; close(): Promise<void> };

/**
 * Migrates, listens, and closes gracefully on SIGTERM / SIGINT: new signals and readiness get 503,
 * in-flight requests finish, the signal worker drains its executions (SHUTDOWN_DRAIN_MS at most),
 * then the database closes.
 */
export async function startServer(
  config: Config,
  options: { handleSignals?: boolean; web?: WebOptions } = {},
): Promise<RunningServer> {
  const database = await openConfiguredDatabase(config);
  await migrate(database);
  const app = await buildApp({ config, database, ...(options.web ? { web: options.web } : {}) });
  if (config.devSecretsFile) {
    app.log.warn(
      `Development secrets were generated and are kept in ${config.devSecretsFile}. BACK UP this file: ` +
        'its ENCRYPTION_KEY is the only way to decrypt the exchange keys stored in this database. ' +
        'For production set SECRET_KEY, ENCRYPTION_KEY and WEBHOOK_SECRET (tradingbot keys generate).',
    );
  }
  const address = await app.listen({ host: config.host, port: config.port });
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
