import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, openDatabase, type Database } from '@tradingbot/db';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.ts';
import { fillReceived, signUp, TEST_DATABASE_URL, testConfig } from './helpers.ts';

// A browser connected to one server process hears events that happen in another (the process
// holding the account's venue stream or signal lease): PostgreSQL's LISTEN/NOTIFY relays them.

type Received = Array<{ event: string; data: Record<string, unknown> }>;

function sse(url: string, token: string) {
  const received: Received = [];
  const controller = new AbortController();
  const ready = fetch(`${url}/api/v1/events`, {
    headers: { authorization: `Bearer ${token}` },
    signal: controller.signal,
  });
  void ready
    .then(async (response) => {
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const event = /^event: (.*)$/m.exec(frame)?.[1];
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (event && data) received.push({ event, data: JSON.parse(data) as Record<string, unknown> });
        }
      }
    })
    .catch(() => undefined);
  return { received, ready, close: () => controller.abort() };
}

async function until(what: string, check: () => boolean, ms = 5_000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const fill = fillReceived;

const quiet = () => new Writable({ write: (_chunk, _encoding, done) => done() });

describe.skipIf(!TEST_DATABASE_URL)('live events across server processes (PostgreSQL)', () => {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const pgBossSchema = `pgboss_${randomBytes(5).toString('hex')}`;
  const databases: Database[] = [];
  let first: FastifyInstance;
  let second: FastifyInstance;
  let secondUrl: string;

  beforeAll(async () => {
    const config = testConfig({ STREAMS_ENABLED: 'false' });
    for (let i = 0; i < 2; i++) databases.push(await openDatabase({ url: TEST_DATABASE_URL!, schema }));
    await migrate(databases[0]!);
    // Built at once, as two processes starting together on a fresh database (pg-boss's schema
    // creation once raced there: `createSchemaOnce` in lab-queue.ts).
    const apps = await Promise.all(
      databases.map((database) =>
        buildApp({ config, database, logStream: quiet(), labQueue: { pgBossSchema } }),
      ),
    );
    first = apps[0]!;
    second = apps[1]!;
    await first.ready();
    secondUrl = await second.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
    await databases[0]?.exec(
      `DROP SCHEMA IF EXISTS ${pgBossSchema} CASCADE; DROP SCHEMA IF EXISTS ${schema} CASCADE`,
    );
    for (const database of databases) await database.close();
  });

  it("a fill in one process reaches its owner's browser on the other, once, and no one else's", async () => {
    const owner = await signUp(first, 'relay-owner@example.com');
    const stranger = await signUp(first, 'relay-stranger@example.com');
    const ownerStream = sse(secondUrl, owner.session_token);
    const strangerStream = sse(secondUrl, stranger.session_token);
    expect((await ownerStream.ready).status).toBe(200);
    expect((await strangerStream.ready).status).toBe(200);
    try {
      // Emitted on the first process's bus: the browser is connected to the second.
      first.events.emit('fill.received', fill(owner.user.id, 'account-a', 'trade-1'));
      await until('the relayed fill', () => ownerStream.received.length > 0);
      expect(ownerStream.received[0]).toMatchObject({
        event: 'fill',
        data: { accountId: 'account-a', venueTradeId: 'trade-1', qty: '0.1' },
      });
      expect(ownerStream.received[0]!.data).not.toHaveProperty('userId');

      // An event of the browser's own process arrives once: its relay does not come back to it.
      second.events.emit('fill.received', fill(owner.user.id, 'account-a', 'trade-2'));
      // A burst in one turn of the event loop travels as one batch, in order.
      for (let n = 3; n <= 40; n++)
        first.events.emit('fill.received', fill(owner.user.id, 'account-a', `trade-${n}`));
      await until('the burst', () => ownerStream.received.length >= 40);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const ids = ownerStream.received.map((e) => e.data.venueTradeId);
      expect(ids).toHaveLength(40);
      expect(new Set(ids).size).toBe(40);
      expect(ids.slice(2)).toEqual(Array.from({ length: 38 }, (_, i) => `trade-${i + 3}`));
      expect(strangerStream.received).toEqual([]);
    } finally {
      ownerStream.close();
      strangerStream.close();
    }
  });
});
