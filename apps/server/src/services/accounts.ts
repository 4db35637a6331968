import { randomUUID } from 'node:crypto';
import { and, count, desc, eq } from 'drizzle-orm';
import { isAppError, VENUE_FACTS, type PaperMarketData, type VenueId } from '@tradingbot/core';
import { isMarketDataVenue } from '@tradingbot/exchange';
import { accounts, users, type AccountRow, type Database } from '@tradingbot/db';
import { ServerErrors } from '../errors.ts';
import {
  decryptCredentials,
  encryptCredentials,
  hashToken,
  randomToken,
  type KeyRing,
} from '../crypto/credentials.ts';
import type { ConnectExchange } from '../exchange-factory.ts';
import { checkNewKeys, keyProblemOf } from './account-key-check.ts';
import { audit } from './audit.ts';

/** What a paper account stores as its "credentials" when none are given: it has no venue to sign for. */
const PAPER_PLACEHOLDER_CREDENTIAL = 'paper';

export type AccountsDeps = {
  database: Database;
  keyRing: KeyRing;
  connectExchange: ConnectExchange;
  /** Exchange accounts one user may hold (MAX_ACCOUNTS_PER_USER); unlimited when absent. */
  maxAccountsPerUser?: number | undefined;
};

export type PublicAccount = {
  id: string;
  exchange: VenueId;
  label: string;
  testnet: boolean;
  is_active: boolean;
  created_at: string;
  /** The last four characters of the webhook secret, so a user can tell which one is current. */
  webhook_secret_hint: string;
  /** A paper account's price source; null for live accounts. */
  market_data: PaperMarketData | null;
};

export function publicAccount(row: AccountRow): PublicAccount {
  return {
    id: row.id,
    exchange: row.exchange,
    label: row.label,
    testnet: row.testnet,
    is_active: row.isActive,
    created_at: row.createdAt.toISOString(),
    webhook_secret_hint: row.webhookSecretHint,
    market_data: VENUE_FACTS[row.exchange].live ? null : row.marketData,
  };
}

/** The caller's account, or ACCOUNT_NOT_FOUND — the same answer for another user's id as for a missing one. */
export async function ownAccount(database: Database, userId: string, accountId: string): Promise<AccountRow> {
  const [row] = await database.db
    .select()
    .from(accounts)
    .where(and(eq(accounts.id, accountId), eq(accounts.userId, userId)));
  if (!row) throw ServerErrors.create('ACCOUNT_NOT_FOUND');
  return row;
}

/** A fresh webhook secret: the secret (shown once), its sha256 (stored) and its last four characters. */
export function newWebhookSecret() {
  const secret = randomToken(32);
  return { secret, hash: hashToken(secret), hint: secret.slice(-4) };
}

export async function registerAccount(
  deps: AccountsDeps,
  userId: string,
  input: {
    exchange: VenueId;
    /** Absent only for paper accounts (the route's schema requires them for live venues). */
    api_key?: string | undefined;
    api_secret?: string | undefined;
    passphrase?: string | undefined;
    testnet: boolean;
    label?: string | undefined;
    verify_keys?: boolean | undefined;
    save_if_unreachable?: boolean | undefined;
    market_data?: PaperMarketData | undefined;
  },
): Promise<PublicAccount & { webhook_secret: string; keys_check?: 'confirmed' | 'unreachable' }> {
  const id = randomUUID();
  const credentials = {
    apiKey: input.api_key ?? PAPER_PLACEHOLDER_CREDENTIAL,
    apiSecret: input.api_secret ?? PAPER_PLACEHOLDER_CREDENTIAL,
    passphrase: input.passphrase,
  };
  let keysCheck: 'confirmed' | 'unreachable' | undefined;
  if (input.verify_keys && VENUE_FACTS[input.exchange].live) {
    const confirmed = await checkNewKeys(
      deps.connectExchange,
      { id, exchange: input.exchange, testnet: input.testnet },
      credentials,
      input.save_if_unreachable === true,
    ).catch(async (error: unknown) => {
      await audit(deps.database, {
        userId,
        action: 'account.keys_refused',
        details: {
          exchange: input.exchange,
          testnet: input.testnet,
          code: (error as { code?: string }).code,
        },
      });
      throw error;
    });
    keysCheck = confirmed ? 'confirmed' : 'unreachable';
  }
  const encrypted = encryptCredentials(deps.keyRing, id, credentials);
  const webhook = newWebhookSecret();
  const row = await deps.database.db.transaction(async (tx) => {
    await ensureRoomForAccount(tx, deps.maxAccountsPerUser, userId);
    const [inserted] = await tx
      .insert(accounts)
      .values({
        id,
        userId,
        exchange: input.exchange,
        label: input.label ?? '',
        ...encrypted,
        testnet: input.testnet,
        marketData: input.market_data ?? 'synthetic',
        webhookSecretHash: webhook.hash,
        webhookSecretHint: webhook.hint,
      })
      .returning();
    return inserted;
  });
  await audit(deps.database, {
    userId,
    accountId: id,
    action: 'account.registered',
    details: {
      exchange: input.exchange,
      testnet: input.testnet,
      ...(VENUE_FACTS[input.exchange].live ? {} : { market_data: input.market_data ?? 'synthetic' }),
      ...(keysCheck ? { keys_check: keysCheck } : {}),
    },
  });
  return {
    ...publicAccount(row!),
    webhook_secret: webhook.secret,
    ...(keysCheck ? { keys_check: keysCheck } : {}),
  };
}

type Transaction = Parameters<Parameters<Database['db']['transaction']>[0]>[0];

/**
 * ACCOUNT_LIMIT_REACHED when the user already holds `limit` accounts. The user's row is locked
 * first, so parallel registrations of one user count one after the other (the insert follows in
 * the same transaction).
 */
async function ensureRoomForAccount(
  tx: Transaction,
  limit: number | undefined,
  userId: string,
): Promise<void> {
  if (limit === undefined) return;
  await tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).for('update');
  const [row] = await tx.select({ held: count() }).from(accounts).where(eq(accounts.userId, userId));
  if ((row?.held ?? 0) >= limit) {
    throw ServerErrors.create('ACCOUNT_LIMIT_REACHED', { details: { limit } });
  }
}

export async function listAccounts(deps: AccountsDeps, userId: string): Promise<PublicAccount[]> {
  const rows = await deps.database.db
    .select()
    .from(accounts)
    .where(eq(accounts.userId, userId))
    .orderBy(desc(accounts.createdAt));
  return rows.map(publicAccount);
}

export async function deleteAccount(deps: AccountsDeps, userId: string, accountId: string): Promise<void> {
  await ownAccount(deps.database, userId, accountId);
  await deps.database.db.delete(accounts).where(and(eq(accounts.id, accountId), eq(accounts.userId, userId)));
  await audit(deps.database, { userId, accountId, action: 'account.deleted' });
}

export async function toggleAccount(deps: AccountsDeps, userId: string, accountId: string): Promise<boolean> {
  const row = await ownAccount(deps.database, userId, accountId);
  const isActive = !row.isActive;
  await deps.database.db
    .update(accounts)
    .set({ isActive, updatedAt: new Date() })
    .where(and(eq(accounts.id, accountId), eq(accounts.userId, userId)));
  await audit(deps.database, {
    userId,
    accountId,
    action: 'account.toggled',
    details: { is_active: isActive },
  });
  return isActive;
}

/**
 * Switches a paper account's price source. Its venue is rebuilt on the next call from its stored
 * state (balance, positions, orders stay); a live account has no choice (400 field error).
 */
export async function setMarketData(
  deps: AccountsDeps,
  userId: string,
  accountId: string,
  marketData: PaperMarketData,
): Promise<PublicAccount> {
  const row = await ownAccount(deps.database, userId, accountId);
  if (VENUE_FACTS[row.exchange].live) {
    throw ServerErrors.create('VALIDATION_FAILED', {
      message: `market_data: only paper accounts choose their market data`,
      details: {
        issues: [
          { field: 'market_data', code: 'custom', message: 'only paper accounts choose their market data' },
        ],
      },
    });
  }
  const [updated] = await deps.database.db
    .update(accounts)
    .set({ marketData, updatedAt: new Date() })
    .where(and(eq(accounts.id, accountId), eq(accounts.userId, userId)))
    .returning();
  await audit(deps.database, {
    userId,
    accountId,
    action: 'account.market_data',
    details: { from: row.marketData, to: marketData },
  });
  return publicAccount(updated ?? row);
}

export async function rotateWebhookSecret(
  deps: AccountsDeps,
  userId: string,
  accountId: string,
): Promise<string> {
  await ownAccount(deps.database, userId, accountId);
  const webhook = newWebhookSecret();
  await deps.database.db
    .update(accounts)
    .set({ webhookSecretHash: webhook.hash, webhookSecretHint: webhook.hint, updatedAt: new Date() })
    .where(and(eq(accounts.id, accountId), eq(accounts.userId, userId)));
  await audit(deps.database, { userId, accountId, action: 'account.webhook_secret_rotated' });
  return webhook.secret;
}

export type ConnectionTest = {
  ok: boolean;
  exchange: string;
  testnet: boolean;
  balance?: { asset: string; total: string; available: string };
  error?: { code: string; message: string; reason?: string };
};

/**
 * Checks stored keys with a balance call. The credentials are decrypted in memory for this call
 * only. A venue's refusal is a result (ok: false with the venue's message), not a server error.
 */
export async function testAccount(
  deps: AccountsDeps,
  userId: string,
  accountId: string,
): Promise<ConnectionTest> {
  const row = await ownAccount(deps.database, userId, accountId);
  const base = { exchange: row.exchange, testnet: row.testnet };
  let result: ConnectionTest;
  try {
    const credentials = decryptCredentials(deps.keyRing, row.id, row);
    const balance = await deps.connectExchange(row, credentials).balance('USDT');
    result = {
      ok: true,
      ...base,
      balance: { asset: balance.asset, total: balance.total, available: balance.available },
    };
  } catch (error) {
    if (!isAppError(error)) throw error;
    const reason = keyProblemOf(error);
    result = {
      ok: false,
      ...base,
      error: { code: error.code, message: error.message, ...(reason === 'rejected' ? {} : { reason }) },
    };
  }
  await audit(deps.database, {
    userId,
    accountId,
    action: 'account.tested',
    details: { ok: result.ok, code: result.error?.code },
  });
  return result;
}

/** The venue client of the caller's account (credentials decrypted in memory for this client only). */
export async function accountExchange(deps: AccountsDeps, userId: string, accountId: string) {
  const account = await ownAccount(deps.database, userId, accountId);
  return deps.connectExchange(account, decryptCredentials(deps.keyRing, account.id, account));
}

/** The account's USDT balance as its venue reports it now. */
export async function accountBalance(deps: AccountsDeps, userId: string, accountId: string) {
  const balance = await (await accountExchange(deps, userId, accountId)).balance('USDT');
  return {
    account_id: accountId,
    asset: balance.asset,
    total: balance.total,
    available: balance.available,
    unrealized_pnl: balance.unrealizedPnl,
  };
}

/** The account's open positions as its venue reports them now. */
export async function accountPositions(deps: AccountsDeps, userId: string, accountId: string) {
  const exchange = await accountExchange(deps, userId, accountId);
  const positions = await exchange.positions();
  const iso = (ms: number) => new Date(ms).toISOString();
  const status = isMarketDataVenue(exchange) ? exchange.marketData() : undefined;
  return {
    account_id: accountId,
    ...(status
      ? {
          market_data: {
            source: status.source,
            state: status.state,
            since: iso(status.since),
            ...(status.reason !== undefined ? { reason: status.reason } : {}),
            ...(status.lastPriceAt !== undefined ? { last_price_at: iso(status.lastPriceAt) } : {}),
          },
        }
      : {}),
    positions: positions.map((p) => ({
      venue_symbol: p.venueSymbol,
      side: p.side,
      qty: p.qty,
      entry_price: p.entryPrice,
      mark_price: p.markPrice,
      unrealized_pnl: p.unrealizedPnl,
      leverage: p.leverage,
      margin_mode: p.marginMode,
      ...(p.liquidationPrice !== undefined ? { liquidation_price: p.liquidationPrice } : {}),
    })),
  };
}
