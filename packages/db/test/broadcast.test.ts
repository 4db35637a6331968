import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROADCAST_MAX_BYTES, openDatabase, openTestDatabase, type Database } from '../src/index.ts';

// LISTEN/NOTIFY between processes exists on PostgreSQL only; PGlite's folder has one process.
const url = process.env.TEST_DATABASE_URL;

function inbox() {
  const received: string[] = [];
  const waiters: Array<() => void> = [];
  return {
    received,
    push: (payload: string) => {
      received.push(payload);
      for (const wake of waiters.splice(0)) wake();
    },
    /** Resolves when `count` messages have arrived (fails the test after 5 s). */
    until: async (count: number) => {
      const deadline = Date.now() + 5_000;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`only ${received.length} of ${count} messages arrived`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
    },
  };
}

describe('broadcast on PGlite', () => {
  it('is absent: one process holds the folder', async () => {
    const database = await openDatabase({ memory: true });
    try {
      expect(database.broadcast).toBeUndefined();
    } finally {
      await database.close();
    }
  });
});

describe.skipIf(!url)('broadcast on PostgreSQL (LISTEN/NOTIFY)', () => {
  let first: Database;
  let second: Database;
  let otherSchema: Database & { label: string };
  const schema = `t_${randomBytes(6).toString('hex')}`;

  beforeAll(async () => {
    first = await openDatabase({ url: url!, schema });
    second = await openDatabase({ url: url!, schema });
    otherSchema = await openTestDatabase(url);
  });
  afterAll(async () => {
    await first.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await Promise.all([first.close(), second.close(), otherSchema.close()]);
  });

  it('reaches a listener on another connection of the same schema, and no other schema or name', async () => {
    const mine = inbox();
    const otherName = inbox();
    const foreign = inbox();
    const stops = [
      await second.broadcast!.subscribe('user-events', mine.push),
      await second.broadcast!.subscribe('other-name', otherName.push),
      await otherSchema.broadcast!.subscribe('user-events', foreign.push),
    ];
    try {
      await first.broadcast!.publish('user-events', '{"n":1}');
      await first.broadcast!.publish('user-events', 'ünïcode ✓');
      await mine.until(2);
      expect(mine.received).toEqual(['{"n":1}', 'ünïcode ✓']);
      // A round trip on the other listeners' connections would have delivered anything sent to them.
      await otherSchema.broadcast!.publish('user-events', 'sentinel');
      await foreign.until(1);
      expect(foreign.received).toEqual(['sentinel']);
      expect(otherName.received).toEqual([]);
    } finally {
      for (const stop of stops) await stop();
    }
  });

  it('listens again after its connection is killed', async () => {
    const box = inbox();
    const stop = await second.broadcast!.subscribe('relisten', box.push);
    try {
      const killed = await first.query<{ killed: boolean }>(
        `SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity
          WHERE query LIKE 'LISTEN "tb_%' AND pid <> pg_backend_pid() AND datname = current_database()
            AND backend_start > now() - interval '10 seconds'`,
      );
      expect(killed.some((row) => row.killed)).toBe(true);
      const deadline = Date.now() + 8_000;
      // Resend until the re-listening connection hears one (messages sent while it is down are missed).
      while (box.received.length === 0 && Date.now() < deadline) {
        await first.broadcast!.publish('relisten', 'after');
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(box.received[0]).toBe('after');
    } finally {
      await stop();
    }
  });

  it('refuses a payload PostgreSQL would refuse, before sending it', async () => {
    await expect(first.broadcast!.publish('x', 'a'.repeat(BROADCAST_MAX_BYTES + 1))).rejects.toThrow(
      RangeError,
    );
  });
});
