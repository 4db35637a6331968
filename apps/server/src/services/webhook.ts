import { randomUUID } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import { isAppError, type AppError, WebhookPayloadSchema } from '@tradingbot/core';
import { accounts, signals, type AccountRow, type Database } from '@tradingbot/db';
import { admitAccount, admitFreshness, toSignal, type Signal } from '@tradingbot/executor';
import { Counter, type Registry } from 'prom-client';
import { ServerErrors, withDetails } from '../errors.ts';
import { hashToken, timingSafeEqualHex, type KeyRing } from '../crypto/credentials.ts';
import type { ServerEventBus } from '../events.ts';
import type { ConnectExchange } from '../exchange-factory.ts';
import { SignalWorker, type SignalWorkerOptions } from './signal-worker.ts';

/** How long a webhook request waits for its execution before answering 202 (TradingView gives up at 3 s). */
export const ANSWER_WITHIN_MS = 2_500;

export type WebhookDeps = {
  database: Database;
  keyRing: KeyRing;
  connectExchange: ConnectExchange;
  registry: Registry;
  /** The app's event bus: the worker's events, and `signal.finished` for alerts refused here. */
  events: ServerEventBus;
  now?: () => number;
  answerWithinMs?: number;
  /** Lease, sweep and recovery settings of the signal worker. */
  worker?: Pick<
    SignalWorkerOptions,
    'leaseMs' | 'sweepIntervalMs' | 'maxStartDelayMs' | 'maxAttempts' | 'venueDeadlineMs' | 'log'
  >;
};

export type WebhookAnswer = { status: 200 | 202; body: Record<string, unknown> };

/**
 * The TradingView webhook pipeline: authenticate the alert against its account's own secret,
 * record it in `signals` (without the secret) before anything else — refused ones too, once
 * authenticated — deduplicate by its idempotency key, hand it to the signal worker, and answer
 * within TradingView's 3 seconds: with the result when execution finished, else 202 with the
 * signal id while execution completes.
 */
export class WebhookPipeline {
  readonly worker: SignalWorker;
  readonly #requests: Counter;

  constructor(private readonly deps: WebhookDeps) {
    this.#requests = new Counter({
      name: 'webhook_requests_total',
      help: 'TradingView webhook requests by outcome',
      labelNames: ['outcome'],
      registers: [deps.registry],
    });
    this.worker = new SignalWorker({
      database: deps.database,
      keyRing: deps.keyRing,
      connectExchange: deps.connectExchange,
      events: deps.events,
      ...(deps.now ? { now: deps.now } : {}),
      ...deps.worker,
    });
  }

  #now(): number {
    return (this.deps.now ?? Date.now)();
  }

  /** Starts the worker: unfinished signals (a crash, another process's) are picked up now. */
  start(): void {
    this.worker.start();
  }

  /** Stops taking work; executions running here finish first (graceful shutdown, tests). */
  async drain(): Promise<void> {
    await this.worker.stop();
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
    const account = await this.#authenticate(raw);
    // Authenticated: from here on every request is recorded, refused ones included.
    const receivedAt = this.#now();
    const stored = { ...(raw as Record<string, unknown>) };
    delete stored.secret;
    const record = (key: string, refusal?: AppError) =>
      this.#record(account, stored, sourceIp, receivedAt, key, refusal);

    let signal: Signal;
    try {
      const payload = WebhookPayloadSchema.parse(raw);
      admitAccount(account, payload.exchange);
      signal = toSignal(payload, { receivedAt });
    } catch (error) {
      const refusal = asRequestError(error);
      throw withDetails(refusal, { signal_id: await record(`refused:${randomUUID()}`, refusal) });
    }

    // Duplicate delivery (same id, or same content within the dedupe window): answer with the first result.
    const known = await this.#known(account.id, [signal.idempotencyKey, ...signal.alternateKeys]);
    if (known) return this.#duplicateAnswer(known);

    let refusal: AppError | undefined;
    try {
      admitFreshness(signal, receivedAt);
    } catch (error) {
      if (!isAppError(error)) throw error;
      refusal = error;
    }
    // A stale alert keeps its key: its re-deliveries are duplicates of the refusal.
    const signalId = await record(signal.idempotencyKey, refusal);
    if (signalId === undefined) {
      // Another delivery of the same alert won the race for the row.
      return this.#duplicateAnswer((await this.#known(account.id, [signal.idempotencyKey]))!);
    }
    if (refusal) throw withDetails(refusal, { signal_id: signalId });
    return this.#answer(account.id, signalId);
  }

  /** Hands the signal to the worker and answers with its result, or 202 if it takes longer. */
  async #answer(accountId: string, signalId: string): Promise<WebhookAnswer> {
    const outcome = this.worker.waitFor(signalId, this.deps.answerWithinMs ?? ANSWER_WITHIN_MS);
    this.worker.kick(accountId);
    const first = await outcome;
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

  /** The account the payload names, if the payload carries that account's own secret. */
  async #authenticate(raw: unknown): Promise<AccountRow> {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw ServerErrors.create('VALIDATION_FAILED', { message: 'The alert message must be a JSON object' });
    }
    const { account_id: accountId, secret } = raw as Record<string, unknown>;
    if (
      (typeof accountId !== 'string' && typeof accountId !== 'number') ||
      String(accountId).trim() === '' ||
      String(accountId).length > 64
    ) {
      throw ServerErrors.create('VALIDATION_FAILED', {
        message: 'account_id: the alert must name its account (account_id)',
        details: { issues: [{ field: 'account_id', message: 'required' }] },
      });
    }
    const [account] = await this.deps.database.db
      .select()
      .from(accounts)
      .where(eq(accounts.id, String(accountId).trim()));
    if (!account) throw ServerErrors.create('UNKNOWN_ACCOUNT');
    // Each account has its own secret: one user's secret can never trade another user's account.
    if (!timingSafeEqualHex(hashToken(typeof secret === 'string' ? secret : ''), account.webhookSecretHash)) {
      throw ServerErrors.create('INVALID_WEBHOOK_SECRET');
    }
    return account;
  }

  async #known(accountId: string, keys: string[]) {
    const [row] = await this.deps.database.db
      .select()
      .from(signals)
      .where(and(eq(signals.accountId, accountId), inArray(signals.idempotencyKey, keys)));
    return row;
  }

  /** Inserts the signal row; undefined when a row with the same idempotency key exists. */
  async #record(
    account: AccountRow,
    payload: Record<string, unknown>,
    sourceIp: string,
    receivedAt: number,
    idempotencyKey: string,
    refusal?: AppError,
  ): Promise<string | undefined> {
    const id = randomUUID();
    const inserted = await this.deps.database.db
      .insert(signals)
      .values({
        id,
        accountId: account.id,
        userId: account.userId,
        idempotencyKey,
        payload,
        sourceIp,
        receivedAt: new Date(receivedAt),
        status: refusal ? 'rejected' : 'received',
        ...(refusal
          ? { errorCode: refusal.code, errorMessage: refusal.message, finishedAt: new Date(receivedAt) }
          : {}),
      })
      .onConflictDoNothing()
      .returning({ id: signals.id });
    const recorded = inserted[0]?.id;
    if (recorded !== undefined && refusal) {
      this.deps.events.emit('signal.finished', {
        signalId: recorded,
        accountId: account.id,
        userId: account.userId,
        exchange: account.exchange,
        status: 'rejected',
        code: refusal.code,
        message: refusal.message,
        orders: [],
        resumed: false,
      });
    }
    return recorded;
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
}

/** A refusal as the error the caller gets: the request's own problem, never a 500. */
function asRequestError(error: unknown): AppError {
  if (isAppError(error)) return error;
  if (error instanceof Error && 'issues' in error && Array.isArray(error.issues)) {
    const issues = error.issues as Array<{ path: PropertyKey[]; message: string }>;
    const first = issues[0]!;
    return ServerErrors.create('VALIDATION_FAILED', {
      message: `${first.path.join('.') || 'payload'}: ${first.message}`,
      details: { issues: issues.map((i) => ({ field: i.path.join('.'), message: i.message })) },
    });
  }
  throw error;
}
