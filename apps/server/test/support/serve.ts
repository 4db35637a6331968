// A real server process for multi-process tests: configured from its environment, as `tradingbot serve` is.
import { loadConfig, startServer } from '../../src/index.ts';

const server = await startServer(loadConfig(process.env), { handleSignals: true });
process.stdout.write(`LISTENING ${server.url}\n`);
