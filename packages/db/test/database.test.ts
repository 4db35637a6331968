import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import {
  accounts,
  loadMigrations,
  migrate,
  openTestDatabase,
  rollback,
  status,
  users,
  type Database,
} from '../src/index.ts';

// The same suite runs on PGlite, and on PostgreSQL when TEST_DATABASE_URL is set (.ci/run does both).
const url = process.env.TEST_DATABASE_URL;
let database: Database & { label: string };

beforeAll(async () => {
  database = await openTestDatabase(url);
});
afterAll(async () => {
  await database.close();
});

const tables = async () =>
  (
    await database.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name`,
    )
  ).map((row) => row.table_name);

describe(`migrations (${url ? 'PostgreSQL' : 'PGlite'})`, () => {
  const all = loadMigrations().map((m) => m.version);

  it('go up, down to nothing, and up again', async () => {
    expect(await migrate(database)).toEqual(all);
    expect(await tables()).toEqual(
      [
        'account_group_members',
        'account_groups',
        'account_leases',
        'account_stream_state',
        'account_login_failures',
        'api_keys',
        'audit_log',
        'balance_days',
        'bot_decisions',
        'bot_leases',
        'bots',
        'fills',
        'funding_payments',
        'health_probe',
        'lab_jobs',
        'lab_runs',
        'login_attempts',
        'login_challenges',
        'notification_channels',
        'notification_outbox',
        'orders',
        'paper_venue_state',
        'positions',
        'recovery_codes',
        'refused_alerts',
        'schema_migrations',
        'sessions',
        'signals',
        'telegram_link_codes',
        'telegram_links',
        'trusted_devices',
        'users',
      ].sort(),
    );
    expect((await status(database)).every((m) => m.appliedAt instanceof Date)).toBe(true);
    expect(await migrate(database)).toEqual([]); // nothing pending

    expect(await rollback(database, all.length)).toEqual([...all].reverse());
    expect(await tables()).toEqual(['schema_migrations']);
    expect((await status(database)).every((m) => m.appliedAt === null)).toBe(true);

    expect(await migrate(database)).toEqual(all);
    expect(await tables()).toContain('signals');
  });

  it('enforce case-insensitive unique emails, the exchange list and cascades', async () => {
    await database.db.insert(users).values({ id: 'u1', email: 'Ann@Example.com', passwordHash: 'x' });
    await expect(
      database.db.insert(users).values({ id: 'u2', email: 'ann@example.COM', passwordHash: 'x' }),
    ).rejects.toThrow();
    const account = {
      id: 'a1',
      userId: 'u1',
      apiKeyEnc: 'c',
      apiSecretEnc: 'c',
      keyId: 'k',
      webhookSecretHash: 'h',
      webhookSecretHint: '1234',
    };
    await expect(
      database.db.insert(accounts).values({ ...account, exchange: 'kraken' as 'okx' }),
    ).rejects.toThrow();
    await database.db.insert(accounts).values({ ...account, exchange: 'okx' });
    const [row] = await database.db.select().from(accounts).where(eq(accounts.id, 'a1'));
    expect(row).toMatchObject({ testnet: true, isActive: true, settings: {} }); // the defaults: testnet, active, no settings
    await database.db.delete(users).where(eq(users.id, 'u1'));
    expect(await database.db.select().from(accounts)).toEqual([]);
  });

  it.skipIf(!url)('applies each migration once when several callers migrate at the same time', async () => {
    await rollback(database, all.length);
    // Three concurrent migrate() calls on separate pool connections: the advisory lock lets one apply each migration.
    const results = await Promise.all([migrate(database), migrate(database), migrate(database)]);
    expect(results.flat().sort((a, b) => a - b)).toEqual(all); // numeric: 10 after 9
  });

  it.skipIf(!url)(
    'several callers migrating a database that has no migrations table yet all succeed',
    async () => {
      // Servers started together on a new database race to create schema_migrations itself: CREATE TABLE
      // IF NOT EXISTS is not safe against a concurrent creator on PostgreSQL (a unique violation in
      // pg_type), so the table is created under the same advisory lock as the migrations.
      for (let round = 0; round < 5; round++) {
        const fresh = await openTestDatabase(url);
        try {
          const results = await Promise.all(Array.from({ length: 4 }, () => migrate(fresh)));
          expect(results.flat().sort((a, b) => a - b)).toEqual(all); // numeric: 10 after 9
        } finally {
          await fresh.close();
        }
      }
    },
  );
});
