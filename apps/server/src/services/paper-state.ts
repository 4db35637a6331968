import { eq } from 'drizzle-orm';
import { paperVenueState, type Database } from '@tradingbot/db';
import type { PaperVenueSnapshot } from '@tradingbot/exchange';

/** Where paper accounts' venue states are kept between evictions and restarts. */
export type PaperStateStore = {
  load(accountId: string): Promise<PaperVenueSnapshot | undefined>;
  save(accountId: string, snapshot: PaperVenueSnapshot): Promise<void>;
};

/** The `paper_venue_state` table (migration 0003): one JSON state per paper account. */
export function databasePaperStateStore(database: Database): PaperStateStore {
  return {
    async load(accountId) {
      const [row] = await database.db
        .select({ state: paperVenueState.state })
        .from(paperVenueState)
        .where(eq(paperVenueState.accountId, accountId));
      return row === undefined ? undefined : (row.state as unknown as PaperVenueSnapshot);
    },
    async save(accountId, snapshot) {
      const state = snapshot as unknown as Record<string, unknown>;
      const updatedAt = new Date();
      await database.db
        .insert(paperVenueState)
        .values({ accountId, state, updatedAt })
        .onConflictDoUpdate({ target: paperVenueState.accountId, set: { state, updatedAt } });
    },
  };
}
