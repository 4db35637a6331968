import type { Command } from 'commander';
import { loadConfig, loadDotEnv, startServer } from '@tradingbot/server';
import { numberOption } from '../options.ts';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(
      'start the API server (embedded PGlite and generated development secrets when nothing is configured)',
    )
    .option('--port <n>', 'port (default PORT or 8001)')
    .option('--host <h>', 'address to listen on (default HOST or 127.0.0.1)')
    .action(async (flags: { port?: string; host?: string }) => {
      loadDotEnv();
      const port = numberOption('--port', flags.port, { min: 0, max: 65535, integer: true });
      const config = loadConfig({
        ...process.env,
        ...(port !== undefined ? { PORT: String(port) } : {}),
        ...(flags.host ? { HOST: flags.host } : {}),
      });
      const server = await startServer(config, { handleSignals: true });
      process.stdout.write(
        `\nTradingBot AI is running: ${config.publicUrl}\n` +
          `  API docs        ${config.publicUrl}/docs\n` +
          `  webhook         ${config.publicUrl}/api/v1/webhook/tradingview\n` +
          `  database        ${config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${config.dataDir}/db`}\n\n`,
      );
      await new Promise(() => {}); // serve until a signal stops the process
      void server;
    });
}
