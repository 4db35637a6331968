// The ceiling for bench/webhook.bench.ts: Fastify parsing the same JSON POST and answering at once.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.post('/', async (request) => ({ success: true, received: typeof request.body }));
const address = await app.listen({
  host: process.env.HOST ?? '127.0.0.1',
  port: Number(process.env.PORT ?? 0),
});
process.stdout.write(`LISTENING ${address}\n`);
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
