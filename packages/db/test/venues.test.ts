import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VENUE_IDS } from '@tradingbot/core';
import { accounts, migrate, openTestDatabase, type Database } from '../src/index.ts';

// SQL cannot import the venue list, so the migrations spell it out once more in the accounts
// table's CHECK; this holds the two equal. Runs on PGlite, and on PostgreSQL with TEST_DATABASE_URL.
const url = process.env.TEST_DATABASE_URL;
let database: Database & { label: string };

beforeAll(async () => {
  database = await openTestDatabase(url);
  await migrate(database);
});
afterAll(async () => {
  await database.close();
});

describe(`the accounts table's venues (${url ? 'PostgreSQL' : 'PGlite'})`, () => {
  it('CHECK lists exactly VENUE_IDS', async () => {
    const checks = await database.query<{ definition: string }>(
      `SELECT pg_get_constraintdef(c.oid) AS definition
         FROM pg_constraint c
         JOIN pg_class t ON t.oid = c.conrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE c.contype = 'c' AND t.relname = 'api_keys' AND n.nspname = current_schema()`,
    );
    const exchange = checks.map((row) => row.definition).filter((d) => /\bexchange\b/.test(d));
    expect(exchange, 'one CHECK on api_keys.exchange').toHaveLength(1);
    const listed = [...exchange[0]!.matchAll(/'([^']*)'/g)].map((m) => m[1]);
    expect(
      [...listed].sort(),
      'api_keys.exchange CHECK differs from VENUE_IDS (@tradingbot/core): a new venue needs a migration ' +
        '(packages/db/migrations/NNNN_<name>.up.sql + .down.sql) that replaces the CHECK with the new list',
    ).toEqual([...VENUE_IDS].sort());
  });

  it("Drizzle's column type takes the same list", () => {
    expect(accounts.exchange.enumValues).toEqual(VENUE_IDS);
  });
});
