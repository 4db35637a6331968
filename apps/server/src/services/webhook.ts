import { randomUUID } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import { isAppError, type AppError, WebhookPayloadSchema } from '@tradingbot/core';
import { accounts, signals, type AccountGroupRow, type AccountRow, type Database } from '@tradingbot/db';
import { admitAccount, admitEntry, admitFreshness, toSignal, type Signal } from '@tradingbot/executor';
import { Counter, type Registry } from 'prom-client';
import { ServerErrors, withDetails } from '../errors.ts';
import type { KeyRing } from '../crypto/credentials.ts';
import type { ServerEventBus } from '../events.ts';
import type { ConnectExchange } from '../exchange-factory.ts';
import { SignalWorker, type SignalWorkerOptions } from './signal-worker.ts';
import { groupForAlert } from './account-groups.ts';
import {
  accepted,
  alertTarget,
  groupAnswer,
  isGroupAlert,
  memberRefusal,
  receiving,
  secretMatches,
  type GroupFanOut,
  type GroupMemberState,
  type WebhookAnswer,
} from './webhook-answers.ts';
import { findUnsafeInput, unsafeInputError } from '../input-safety.ts';
import { refusedAlertSummary } from './refused-alerts.ts';

/**
 * How long after a webhook request arrives it is answered at the latest: with the result when the
 * execution finished by then, else 202 with the signal id (TradingView gives up at 3 s).
 */
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
    | 'leaseMs'
    | 'sweepIntervalMs'
    | 'maxStartDelayMs'
    | 'maxAttempts'
    | 'venueDeadlineMs'
    | 'warmStates'
    | 'slots'
    | 'log'
  >;
};

export type { WebhookAnswer } from './webhook-answers.ts';

export type WebhookRequestInfo = {
  /** Milliseconds the request has already spent in the server (reading, parsing) when handed over. */
  elapsedMs?: number;
  /** The body as received, kept (secret removed) when the parsed alert cannot be stored as JSON. */
  text?: string | undefined;
};

/** What one request knows while it is handled: its signal's id, chosen before the insert. */
type Handling = { signalId: string; deadline: number; recorded: boolean };

/** A request's work, and what it answers if its deadline comes first. */
type Work = { work: Promise<WebhookAnswer>; atDeadline: () => WebhookAnswer };

/**
 * The TradingView webhook pipeline: authenticate the alert against its account's own secret (an
 * alert with `group_id`: its account group's secret, then each member account handled as below),
 * record it in `signals` (without the secret) before anything else — refused ones too, once
 * authenticated — deduplicate by its idempotency key, hand it to the signal worker, and answer
 * within TradingView's 3 seconds: with the result when execution finished, else 202 with the
 * signal id while execution completes.
 */
export class WebhookPipeline {
  readonly worker: SignalWorker;
  readonly #requests: Counter;
  /** Requests answered at their deadline whose recording is still going on (drain waits for them). */
  readonly #background = new Set<Promise<unknown>>();
  #accepting = true;

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

  /** New alerts are refused with 503 SHUTTING_DOWN from now on (graceful shutdown). */
  stopAccepting(): void {
    this.#accepting = false;
  }

  get isAccepting(): boolean {
    return this.#accepting;
  }

  /**
   * Stops taking work; requests already answered finish recording and executions running here
   * finish first (graceful shutdown, tests), for up to `timeoutMs`. False when time ran out: what
   * is left stays in the database and resumes in the next process once its lease expires.
   */
  async drain(timeoutMs = Number.POSITIVE_INFINITY): Promise<boolean> {
    const drained = (async () => {
      while (this.#background.size > 0) await Promise.allSettled([...this.#background]);
      await this.worker.stop();
      return true;
    })();
    if (!Number.isFinite(timeoutMs)) return drained;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      return await Promise.race([drained, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Handles one alert and answers within `answerWithinMs` of its arrival, whatever is still
   * pending then: the database may be slow to record it, the venue slow to execute it. The
   * signal's id is chosen first, so even an answer given before the row exists names it.
   */
  async handle(body: unknown, sourceIp: string, info: WebhookRequestInfo = {}): Promise<WebhookAnswer> {
    if (!this.#accepting) {
      this.#requests.inc({ outcome: 'shutting_down' });
      throw ServerErrors.create('SHUTTING_DOWN');
    }
    const budgetMs = Math.max(0, (this.deps.answerWithinMs ?? ANSWER_WITHIN_MS) - (info.elapsedMs ?? 0));
    const deadlineAt = performance.now() + budgetMs;
    const { work, atDeadline } = isGroupAlert(body)
      ? this.#groupWork(body, sourceIp, info.text, deadlineAt)
      : this.#accountWork(body, sourceIp, info.text, deadlineAt);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'deadline'>((resolve) => {
      timer = setTimeout(() => resolve('deadline'), budgetMs);
    });
    try {
      const first = await Promise.race([work, deadline]);
      if (first !== 'deadline') return this.#count(first);
    } catch (error) {
      this.#requests.inc({ outcome: isAppError(error) ? error.code.toLowerCase() : 'error' });
      throw error;
    } finally {
      clearTimeout(timer);
    }
    // Answered now; the work carries on (recording, then execution) and shutdown waits for it.
    const background = work.catch((error: unknown) => {
      if (!isAppError(error))
        this.deps.worker?.log?.error({ err: error }, 'webhook: background handling failed');
    });
    this.#background.add(background);
    void background.finally(() => this.#background.delete(background));
    return this.#count(atDeadline());
  }

  /** An alert for one account (`account_id`): its answer, or at the deadline its signal's id. */
  #accountWork(body: unknown, sourceIp: string, text: string | undefined, deadline: number): Work {
    const handling: Handling = { signalId: randomUUID(), deadline, recorded: false };
    return {
      work: this.#authenticate(body, sourceIp).then((account) =>
        this.#handleAccount(account, body, sourceIp, text, handling),
      ),
      atDeadline: () => (handling.recorded ? accepted(handling.signalId) : receiving(handling.signalId)),
    };
  }

  /**
   * An alert for an account group (`group_id` + the group's secret): each member account gets its
   * own signal — its own key (`acct:<member>:…` from the alert's id or content), its own admission,
   * its own turn in its account's queue — exactly as if the alert had named it; the answer lists
   * each member's result, and at the deadline what each has reached.
   */
  #groupWork(body: unknown, sourceIp: string, text: string | undefined, deadline: number): Work {
    const fanOut: GroupFanOut = { groupId: String((body as Record<string, unknown>).group_id), members: [] };
    const work = (async () => {
      const { group, members } = await this.#authenticateGroup(body, sourceIp);
      fanOut.authenticated = true;
      if (members.length === 0) throw ServerErrors.create('ACCOUNT_GROUP_EMPTY');
      const alert = body as Record<string, unknown>;
      await Promise.all(
        members.map(async (account) => {
          const member: GroupMemberState = {
            account,
            handling: { signalId: randomUUID(), deadline, recorded: false },
          };
          fanOut.members.push(member);
          // The alert as it would have been sent to this account: its id, its venue unless the alert names one.
          const own = { ...alert, account_id: account.id, exchange: alert.exchange ?? account.exchange };
          try {
            member.answer = await this.#handleAccount(account, own, sourceIp, text, member.handling);
          } catch (error) {
            member.answer = memberRefusal(error);
            if (!isAppError(error))
              this.deps.worker?.log?.error(
                { err: error, group_id: group.id },
                'webhook: a group member failed',
              );
          }
        }),
      );
      return groupAnswer(fanOut);
    })();
    return { work, atDeadline: () => groupAnswer(fanOut) };
  }

  #count(answer: WebhookAnswer): WebhookAnswer {
    this.#requests.inc({
      outcome: answer.status === 202 ? 'accepted' : String(answer.body.outcome ?? 'executed'),
    });
    return answer;
  }

  async #handleAccount(
    account: AccountRow,
    raw: unknown,
    sourceIp: string,
    text: string | undefined,
    handling: Handling,
  ): Promise<WebhookAnswer> {
    // Authenticated: from here on every request is recorded, refused ones included.
    const receivedAt = this.#now();
    const stored = { ...(raw as Record<string, unknown>) };
    delete stored.secret;
    const record = async (key: string, refusal?: AppError, payload: Record<string, unknown> = stored) => {
      const id = await this.#record(account, payload, sourceIp, receivedAt, key, refusal, handling.signalId);
      if (id === handling.signalId) handling.recorded = true;
      return id;
    };

    // Text PostgreSQL cannot hold (NUL, unpaired surrogates) or nesting too deep: kept as escaped text, refused.
    const unsafe = findUnsafeInput(stored);
    if (unsafe) {
      const refusal = unsafeInputError(unsafe, 'payload');
      const escaped = escapedPayload(stored, text, (raw as Record<string, unknown>).secret);
      throw withDetails(refusal, {
        signal_id: await record(`refused:${handling.signalId}`, refusal, escaped),
      });
    }

    let signal: Signal;
    let sentAction: string;
    try {
      const payload = WebhookPayloadSchema.parse(raw);
      sentAction = payload.action;
      admitAccount(account, payload.exchange);
      signal = toSignal(payload, { receivedAt });
      admitEntry(account, signal.action);
    } catch (error) {
      const refusal = asRequestError(error);
      throw withDetails(refusal, { signal_id: await record(`refused:${handling.signalId}`, refusal) });
    }

    // Duplicate delivery (same id, or same content within the dedupe window): answer with the first result.
    const known = await this.#known(account.id, [signal.idempotencyKey, ...signal.alternateKeys]);
    if (known) return withSentAction(this.#duplicateAnswer(known), sentAction);

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
      const first = (await this.#known(account.id, [signal.idempotencyKey]))!;
      return withSentAction(this.#duplicateAnswer(first), sentAction);
    }
    if (refusal) throw withDetails(refusal, { signal_id: signalId });
    return withSentAction(await this.#answer(account, signalId, handling.deadline), sentAction);
  }

  /** Hands the signal to the worker and answers with its result, or 202 at the request's deadline. */
  async #answer(account: AccountRow, signalId: string, deadline: number): Promise<WebhookAnswer> {
    // A burst (work already waiting for a slot): the result cannot come before the deadline, so the
    // answer does not wait for it — 202 with the signal id now, while the queue works.
    const busy = this.worker.slots.waiting() > 0;
    const outcome = busy
      ? Promise.resolve('timeout' as const)
      : this.worker.waitFor(signalId, Math.max(0, deadline - performance.now()), account.id);
    this.worker.kick(account.id, { venue: account.exchange, userId: account.userId });
    const first = await outcome;
    if (first === 'timeout') return accepted(signalId);
    return {
      status: 200,
      body: { ...first, signal_id: signalId, outcome: first.success ? 'executed' : 'failed' },
    };
  }

  /** The account the payload names, if the payload carries that account's own secret. */
  async #authenticate(raw: unknown, sourceIp: string): Promise<AccountRow> {
    const accountId = alertTarget(raw, 'account_id', 'account');
    const [account] = await this.deps.database.db.select().from(accounts).where(eq(accounts.id, accountId));
    if (!account) throw ServerErrors.create('UNKNOWN_ACCOUNT');
    // Each account has its own secret: one user's secret can never trade another user's account.
    if (!secretMatches(raw, account.webhookSecretHash)) {
      this.#refusedSecret(account, raw, sourceIp);
      throw ServerErrors.create('INVALID_WEBHOOK_SECRET');
    }
    return account;
  }

  /**
   * The group the payload names and its member accounts, if the payload carries the group's own
   * secret (never a member account's: a group is reached by its secret only, and its members are
   * its owner's accounts, held so by the database).
   */
  async #authenticateGroup(
    raw: unknown,
    sourceIp: string,
  ): Promise<{ group: AccountGroupRow; members: AccountRow[] }> {
    if ((raw as Record<string, unknown>).account_id !== undefined) {
      throw ServerErrors.create('VALIDATION_FAILED', {
        message: 'group_id: send account_id or group_id, not both',
        details: { issues: [{ field: 'group_id', message: 'send account_id or group_id, not both' }] },
      });
    }
    const found = await groupForAlert(this.deps.database, alertTarget(raw, 'group_id', 'account group'));
    if (!found) throw ServerErrors.create('UNKNOWN_ACCOUNT_GROUP');
    if (!secretMatches(raw, found.group.webhookSecretHash)) {
      for (const member of found.members) this.#refusedSecret(member, raw, sourceIp);
      throw ServerErrors.create('INVALID_WEBHOOK_SECRET');
    }
    return found;
  }

  #refusedSecret(account: AccountRow, raw: unknown, sourceIp: string): void {
    this.deps.events.emit('alert.refused', {
      accountId: account.id,
      userId: account.userId,
      exchange: account.exchange,
      code: 'INVALID_WEBHOOK_SECRET',
      at: this.#now(),
      sourceIp,
      summary: refusedAlertSummary(raw as Record<string, unknown>),
    });
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
    refusal: AppError | undefined,
    id: string,
  ): Promise<string | undefined> {
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

/**
 * The answer with `order_details.action` as the alert sent it (lower case, `long`, `close_all`, …),
 * as in the design's webhook example (test/design-contract.test.ts); the executor's own spelling (`LONG`) stays in
 * `message` and in the stored result.
 */
function withSentAction(answer: WebhookAnswer, sentAction: string): WebhookAnswer {
  const details = answer.body.order_details;
  if (typeof details !== 'object' || details === null) return answer;
  return { ...answer, body: { ...answer.body, order_details: { ...details, action: sentAction } } };
}

/**
 * An alert PostgreSQL cannot store as it is, as escaped JSON text (JSON.stringify writes NUL and
 * unpaired surrogates as `\u` escapes): nothing is lost. Nesting too deep to stringify keeps the
 * text as received, its secret blanked.
 */
function escapedPayload(stored: Record<string, unknown>, text: string | undefined, secret: unknown) {
  let escaped: string;
  try {
    escaped = JSON.stringify(stored);
  } catch {
    // The body's own text: valid JSON, so NUL and surrogates in it are `\u` escapes already.
    const raw = text ?? '';
    escaped = typeof secret === 'string' && secret ? raw.split(secret).join('[redacted]') : raw;
  }
  return { escaped_json: escaped };
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
