// A real server process (as test/support/serve.ts) whose bots read the market clock of replayed
// candles from a file the test moves bar by bar (TEST_MARKET_CLOCK_FILE: epoch ms), as the
// in-process replay tests pass `bots.now`: candles replayed faster than real time stay "closed"
// and "young" on one clock shared by the simulator and the bots.
import { readFileSync } from 'node:fs';
import { loadConfig, startServer } from '../../src/index.ts';

const file = process.env.TEST_MARKET_CLOCK_FILE;
if (!file) throw new Error('TEST_MARKET_CLOCK_FILE is not set');
const now = () => Number(readFileSync(file, 'utf8'));

const server = await startServer(loadConfig(process.env), { handleSignals: true, bots: { now } });
process.stdout.write(`LISTENING ${server.url}\n`);
