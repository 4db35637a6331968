import { randomUUID } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { isAppError, WebhookPayloadSchema } from '@tradingbot/core';
import { apiKeys, auditLog, orders, signals, users, type Database } from '@tradingbot/db';
import {
  AccountQueue,
  InMemoryLeverageCache,
  OrderExecutor,
  levelForXp,
  toSignal,
  xpForTrade,
  type AccountSettings,
  type ExecutionResult,
  type Signal,
} from '@tradingbot/executor';
import { Counter, Histogram, type Registry } from 'prom-client';
import { ServerErrors } from '../errors.ts';
import { decryptCredentials, hashToken, timingSafeEqualHex, type KeyRing } from '../crypto/credentials.ts';
import type { ConnectExchange } from '../exchange-factory.ts';

/** How long a webhook request waits for its execution before answering 202 (TradingView gives up at 3 s). */
export const ANSWER_WITHIN_MS = 2_500;

export type WebhookDeps = {
  database: Database;
  keyRing: KeyRing;
  connectExchange: ConnectExchange;
  registry: Registry;
  now?: () => number;
  answerWithinMs?: number;
};

export type WebhookAnswer = { status: 200 | 202; body: Record<string, unknown> };

/**
 * The TradingView webhook pipeline: authenticate the alert against its account's own secret,
 * record it in `signals` (without the secret) before anything else, deduplicate by its idempotency
 * key, execute it through the account's queue, and answer within TradingView's 3 seconds — with the
 * result when execution finished, else 202 with the signal id while execution completes.
 */
export class WebhookPipeline {
  readonly #executor = new OrderExecutor();
  readonly #queue = new AccountQueue();
  readonly #leverage = new InMemoryLeverageCache();
  readonly #requests: Counter;
  readonly #execution: Histogram;
  readonly #inFlight = new Set<Promise<unknown>>();

  constructor(private readonly deps: WebhookDeps) {
    this.#requests = new Counter({
      name: 'webhook_requests_total',
      help: 'TradingView webhook requests by outcome',
      labelNames: ['outcome'],
      registers: [deps.registry],
    });
    this.#execution = new Histogram({
      name: 'order_execution_seconds',
      help: 'Time to execute a signal on its exchange',
      labelNames: ['exchange', 'success'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [deps.registry],
    });
  }

  #now(): number {
    return (this.deps.now ?? Date.now)();
  }

  /** Waits for executions still running in the background (graceful shutdown, tests). */
  async drain(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  async handle(body: unknown, sourceIp: string): Promise<WebhookAnswer> {
    try {
      const answer = await this.#handle(body, sourceIp);
      this.#requests.inc({
        outcome: answer.status === 202 ? 'accepted' : String(answer.body.outcome ?? 'executed'),
      });
      return answer;
    } catch (error) {
      this.#requests.inc({ outcome: isAppError(error) ? error.code.toLowerCase() : 'error' });
      throw error;
    }
  }

  async #handle(raw: unknown, sourceIp: string): Promise<WebhookAnswer> {
    const parsed = WebhookPayloadSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw ServerErrors.create('VALIDATION_FAILED', {
        message: `${issue.path.join('.') || 'payload'}: ${issue.message}`,
        details: {
          issues: parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })),
        },
      });
    }
    const payload = parsed.data;
    const { database } = this.deps;
    const [account] = await database.db
      .select()
      .from(apiKeys)
      .where(eq(apiKeys.id, String(payload.account_id)));
    if (!account) throw ServerErrors.create('UNKNOWN_ACCOUNT');
    // Each account has its own secret: one user's secret can never trade another user's account.
    if (!timingSafeEqualHex(hashToken(String(payload.secret ?? '')), account.webhookSecretHash)) {
      throw ServerErrors.create('INVALID_WEBHOOK_SECRET');
    }
    if (!account.isActive) throw ServerErrors.create('ACCOUNT_INACTIVE');
    if (String(payload.exchange).toLowerCase() !== account.exchange) {
      throw ServerErrors.create('EXCHANGE_MISMATCH', {
        message: `The payload says exchange "${payload.exchange}" but account ${account.id} is a ${account.exchange} account`,
      });
    }

    const receivedAt = this.#now();
    const signal = toSignal(payload, { receivedAt });
    const stored = { ...(raw as Record<string, unknown>) };
    delete stored.secret;

    // Duplicate delivery (same id, or same content within the dedupe window): answer with the first result.
    const known = await database.db
      .select()
      .from(signals)
      .where(
        and(
          eq(signals.accountId, account.id),
          inArray(signals.idempotencyKey, [signal.idempotencyKey, ...signal.alternateKeys]),
        ),
      );
    if (known[0]) return this.#duplicateAnswer(known[0]);

    const stale =
      signal.signalTime !== undefined &&
      signal.maxLagSeconds !== undefined &&
      receivedAt - signal.signalTime > signal.maxLagSeconds * 1000;
    const signalId = randomUUID();
    const inserted = await database.db
      .insert(signals)
      .values({
        id: signalId,
        accountId: account.id,
        userId: account.userId,
        idempotencyKey: signal.idempotencyKey,
        payload: stored,
        sourceIp,
        receivedAt: new Date(receivedAt),
        status: stale ? 'rejected' : 'received',
        ...(stale
          ? {
              errorCode: 'STALE_SIGNAL',
              errorMessage: `The alert is ${Math.round((receivedAt - signal.signalTime!) / 1000)} s old, more than its max_lag of ${signal.maxLagSeconds} s`,
            }
          : {}),
      })
      .onConflictDoNothing()
      .returning({ id: signals.id });
    if (inserted.length === 0) {
      // Another delivery of the same alert won the race for the row.
      const [first] = await database.db
        .select()
        .from(signals)
        .where(and(eq(signals.accountId, account.id), eq(signals.idempotencyKey, signal.idempotencyKey)));
      return this.#duplicateAnswer(first!);
    }
    if (stale) {
      throw ServerErrors.create('VALIDATION_FAILED', {
        message: `Stale alert: sent ${Math.round((receivedAt - signal.signalTime!) / 1000)} s ago, max_lag is ${signal.maxLagSeconds} s; not executed`,
        details: { code: 'STALE_SIGNAL', signal_id: signalId },
      });
    }

    const execution = this.#queue.run(account.id, () => this.#execute(signalId, signal, account));
    this.#inFlight.add(execution);
    void execution.finally(() => this.#inFlight.delete(execution));
    const timeout = new Promise<'timeout'>((resolve) =>
      setTimeout(() => resolve('timeout'), this.deps.answerWithinMs ?? ANSWER_WITHIN_MS).unref(),
    );
    const first = await Promise.race([execution, timeout]);
    if (first === 'timeout') {
      return {
        status: 202,
        body: {
          success: true,
          status: 'accepted',
          signal_id: signalId,
          message: 'Signal accepted; execution continues in the background',
        },
      };
    }
    return {
      status: 200,
      body: { ...first, signal_id: signalId, outcome: first.success ? 'executed' : 'failed' },
    };
  }

  #duplicateAnswer(row: typeof signals.$inferSelect): WebhookAnswer {
    if (row.status === 'executed' || row.status === 'failed') {
      return {
        status: 200,
        body: {
          ...(row.result as Record<string, unknown>),
          signal_id: row.id,
          duplicate: true,
          outcome: 'duplicate',
        },
      };
    }
    if (row.status === 'rejected') {
      return {
        status: 200,
        body: {
          success: false,
          signal_id: row.id,
          duplicate: true,
          code: row.errorCode,
          message: row.errorMessage,
          outcome: 'duplicate',
        },
      };
    }
    return {
      status: 202,
      body: {
        success: true,
        status: row.status,
        signal_id: row.id,
        duplicate: true,
        message: 'Signal already received; execution in progress',
      },
    };
  }

  async #execute(
    signalId: string,
    signal: Signal,
    account: typeof apiKeys.$inferSelect,
  ): Promise<ExecutionResult> {
    const { database } = this.deps;
    await database.db
      .update(signals)
      .set({ status: 'executing', startedAt: new Date(this.#now()), attempts: sql`${signals.attempts} + 1` })
      .where(eq(signals.id, signalId));
    const started = performance.now();
    let result: ExecutionResult;
    try {
      const credentials = decryptCredentials(this.deps.keyRing, account.id, account);
      const exchange = this.deps.connectExchange(account, credentials);
      result = await this.#executor.executeSignal(signal, {
        exchange,
        account: { id: account.id, exchange: account.exchange, settings: accountSettings(account.settings) },
        leverageCache: this.#leverage,
        now: () => this.#now(),
        recordOrder: async (record) => {
          await database.db.insert(orders).values({
            id: randomUUID(),
            signalId,
            accountId: account.id,
            role: record.role,
            clientOrderId: record.order?.clientOrderId ?? record.idempotencyKey,
            venueOrderId: record.order?.venueOrderId ?? null,
            symbol: record.venueSymbol,
            side: String(record.request.side ?? record.order?.side ?? ''),
            type: String(record.request.type ?? record.order?.type ?? ''),
            qty: record.order?.qty ?? (record.request.qty as string | undefined) ?? null,
            price: record.order?.avgPrice ?? record.order?.price ?? record.order?.triggerPrice ?? null,
            status: record.order?.status ?? record.status,
            request: record.request,
            response: record.order ? { ...record.order, raw: undefined } : null,
            error: record.error ?? null,
          });
        },
        audit: async (event) => {
          await database.db.insert(auditLog).values({
            userId: account.userId,
            accountId: account.id,
            signalId,
            action: `executor.${event.type}`,
            details: { level: event.level, message: event.message, ...(event.data ?? {}) },
          });
        },
      });
    } catch (error) {
      // executeSignal reports trading outcomes itself; this is decryption or a programming error.
      const code = isAppError(error) ? error.code : 'INTERNAL';
      const message = isAppError(error) ? error.message : 'Execution failed unexpectedly';
      result = {
        success: false,
        message,
        code,
        idempotency_key: signal.idempotencyKey,
        order_details: {
          exchange: account.exchange,
          action: signal.action,
          symbol: signal.symbol,
          results: {},
        },
      };
    }
    this.#execution.observe(
      { exchange: account.exchange, success: String(result.success) },
      (performance.now() - started) / 1000,
    );
    await database.db
      .update(signals)
      .set({
        status: result.success ? 'executed' : 'failed',
        result,
        errorCode: result.success ? null : (result.code ?? null),
        errorMessage: result.success ? null : result.message,
        finishedAt: new Date(this.#now()),
      })
      .where(eq(signals.id, signalId));
    const xp = xpForTrade(result);
    if (xp > 0) {
      const [user] = await database.db
        .update(users)
        .set({ totalXp: sql`${users.totalXp} + ${xp}`, totalTrades: sql`${users.totalTrades} + 1` })
        .where(eq(users.id, account.userId))
        .returning({ totalXp: users.totalXp });
      if (user)
        await database.db
          .update(users)
          .set({ level: levelForXp(user.totalXp) })
          .where(eq(users.id, account.userId));
    }
    return result;
  }
}

function accountSettings(settings: Record<string, unknown>): AccountSettings {
  const num = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
  return {
    defaultLeverage: num(settings.defaultLeverage) ?? 1,
    ...(num(settings.defaultSizePct) !== undefined ? { defaultSizePct: num(settings.defaultSizePct)! } : {}),
    ...(num(settings.slAtr) !== undefined ? { slAtr: num(settings.slAtr)! } : {}),
    ...(num(settings.tpAtr) !== undefined ? { tpAtr: num(settings.tpAtr)! } : {}),
  };
}
