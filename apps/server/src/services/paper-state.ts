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
      // Nothing is stored for an account deleted meanwhile (its venue is then simply dropped).
      await database.query(
        `INSERT INTO paper_venue_state (account_id, state, updated_at)
           SELECT $1, $2::jsonb, now() WHERE EXISTS (SELECT 1 FROM api_keys WHERE id = $1)
         ON CONFLICT (account_id) DO UPDATE SET state = EXCLUDED.state, updated_at = EXCLUDED.updated_at`,
        [accountId, JSON.stringify(snapshot)],
      );
    },
  };
}
