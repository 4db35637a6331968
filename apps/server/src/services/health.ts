import type { Database } from '@tradingbot/db';
import { ServerErrors } from '../errors.ts';
import { decryptValue, encryptValue, type KeyRing } from '../crypto/credentials.ts';
import type { WebhookPipeline } from './webhook.ts';

/** A check that takes longer than this counts as failed (a hung database must not hang the probe). */
export const HEALTH_CHECK_TIMEOUT_MS = 5_000;

// One row, rewritten: the database must accept (and commit) a write, not just answer a SELECT.
const PROBE_WRITE = `INSERT INTO health_probe (id, checked_at) VALUES (1, now())
  ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at`;

type Log = { error(obj: object, msg: string): void };

/** Whether the database takes a write; the failure is logged (never answered: it may name internals). */
async function databaseWrites(database: Database, log: Log): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      database.query(PROBE_WRITE),
      new Promise((_resolve, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${HEALTH_CHECK_TIMEOUT_MS} ms`)),
          HEALTH_CHECK_TIMEOUT_MS,
        );
      }),
    ]);
    return true;
  } catch (error) {
    log.error({ err: error }, 'health: the database does not take writes');
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** `GET /api/v1/health`: the database answers and takes a write, else 503 DATABASE_UNAVAILABLE. */
export async function checkHealth(database: Database, log: Log) {
  if (!(await databaseWrites(database, log))) throw ServerErrors.create('DATABASE_UNAVAILABLE');
  return { status: 'ok' as const, database: database.kind };
}

/** The current key encrypts and decrypts (a broken or missing key ring fails every account). */
function keyRingWorks(keyRing: KeyRing, log: Log): boolean {
  try {
    const sealed = encryptValue(keyRing, 'health', 'probe', 'ok');
    return decryptValue(keyRing, 'health', 'probe', sealed) === 'ok';
  } catch (error) {
    log.error({ err: error }, 'health: the encryption key ring does not work');
    return false;
  }
}

export type Readiness = {
  ready: boolean;
  body: {
    status: 'ready' | 'not_ready';
    checks: {
      database: 'ok' | 'failed';
      key_ring: 'ok' | 'failed';
      worker: 'ok' | 'draining' | 'stopped';
    };
  };
};

/**
 * `GET /api/v1/health/ready`: this process should get traffic, i.e. the database takes writes,
 * the key ring works and the signal worker runs (not shutting down).
 */
export async function checkReadiness(deps: {
  database: Database;
  keyRing: KeyRing;
  webhook: WebhookPipeline;
  log: Log;
}): Promise<Readiness> {
  const database = (await databaseWrites(deps.database, deps.log)) ? 'ok' : 'failed';
  const keyRing = keyRingWorks(deps.keyRing, deps.log) ? 'ok' : 'failed';
  const worker = !deps.webhook.isAccepting ? 'draining' : deps.webhook.worker.isRunning ? 'ok' : 'stopped';
  const ready = database === 'ok' && keyRing === 'ok' && worker === 'ok';
  return {
    ready,
    body: { status: ready ? 'ready' : 'not_ready', checks: { database, key_ring: keyRing, worker } },
  };
}
