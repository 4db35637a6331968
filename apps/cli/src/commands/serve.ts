import type { Command } from 'commander';
import { DEFAULT_WEB_DIR, loadConfig, loadDotEnv, startServer, webBuildId } from '@tradingbot/server';
import { numberOption } from '../options.ts';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(
      'start the server: API, TradingView webhook and the web app on one address (embedded PGlite and generated development secrets when nothing is configured)',
    )
    .option('--port <n>', 'port (default PORT or 8001)')
    .option('--host <h>', 'address to listen on (default HOST or 127.0.0.1)')
    .option('--no-web', 'serve only the API (no web app)')
    .action(async (flags: { port?: string; host?: string; web: boolean }) => {
      loadDotEnv();
      const port = numberOption('--port', flags.port, { min: 0, max: 65535, integer: true });
      const config = loadConfig({
        ...process.env,
        ...(port !== undefined ? { PORT: String(port) } : {}),
        ...(flags.host ? { HOST: flags.host } : {}),
      });
      const web = flags.web && webBuildId(DEFAULT_WEB_DIR) !== null;
      if (flags.web && !web) {
        process.stderr.write(
          `The web app is not built (${DEFAULT_WEB_DIR}/.next): serving the API only. ` +
            'Build it with "npm run build", or start with "npm start", which builds it when needed.\n',
        );
      }
      const server = await startServer(config, {
        handleSignals: true,
        ...(web ? { web: { dir: DEFAULT_WEB_DIR } } : {}),
      });
      process.stdout.write(
        `\nTradingBot AI is running: ${config.publicUrl}\n` +
          (web ? `  open in a browser ${config.publicUrl}/\n` : '') +
          `  API docs        ${config.publicUrl}/docs\n` +
          `  webhook         ${config.publicUrl}/api/v1/webhook/tradingview\n` +
          `  database        ${config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${config.dataDir}/db`}\n\n`,
      );
      await new Promise(() => {}); // serve until a signal stops the process
      void server;
    });
}
