import { isAppError, type AppError, type OrderRole } from '@tradingbot/core';
import type { MarginMode, Order, PositionMode } from '@tradingbot/exchange';
import type { AuditEvent, AuditEventType, ExecutionContext, OrderRecord } from './ports.ts';
import type { Leg } from './protection.ts';
import { describeError, failureMessage, type ExecutionResult, type ExecutionResults } from './result.ts';
import type { Signal } from './signal.ts';

/** `OrderExecutorOptions` with every default applied. */
export type ResolvedOptions = {
  protectionAttempts: number;
  protectionBackoffMs: number;
  closeOnProtectionFailure: boolean;
  positionModeTtlMs: number;
  fillPollAttempts: number;
  fillPollIntervalMs: number;
  fillWaitMs: number;
  sleep: (ms: number) => Promise<void>;
};

/** Position modes read per account, shared by the executions of one `OrderExecutor`. */
export type PositionModes = Map<string, { mode: PositionMode; at: number }>;

/**
 * One `executeSignal` call, its recording layer: the signal, the ports, what was done so far
 * (`results`, `warning`), and how it is written down (order records, audit events, the result).
 * The venue calls (`execution-venue.ts`), the protection steps (`execution-protection.ts`) and the
 * actions (`executor.ts`) build on it.
 */
export class ExecutionRecord {
  readonly results: ExecutionResults = {};
  warning: string | undefined;

  constructor(
    readonly signal: Signal,
    readonly ctx: ExecutionContext,
    readonly options: ResolvedOptions,
    readonly modes: PositionModes,
  ) {}

  get venueSymbol(): string {
    return this.signal.symbol;
  }

  get marginMode(): MarginMode {
    return this.signal.marginMode ?? this.ctx.account.settings.marginMode ?? 'cross';
  }

  key(role: OrderRole, leg?: Leg): string {
    return leg === undefined
      ? `${this.signal.idempotencyKey}:${role}`
      : `${this.signal.idempotencyKey}:${role}:${leg}`;
  }

  async record(
    role: OrderRole,
    idempotencyKey: string,
    status: OrderRecord['status'],
    request: Record<string, unknown>,
    extra: { order?: Order; error?: OrderRecord['error']; attempt?: number },
  ): Promise<void> {
    const { ctx, signal } = this;
    const record: OrderRecord = {
      accountId: ctx.account.id,
      exchange: signal.exchange,
      signalKey: signal.idempotencyKey,
      role,
      idempotencyKey,
      venueSymbol: this.venueSymbol,
      status,
      request,
      at: ctx.now(),
      ...extra,
    };
    try {
      await ctx.recordOrder(record);
    } catch (error) {
      // The order exists on the venue whatever the database says; losing the row must not stop the
      // stop-loss from being placed. The failure is logged and audited.
      ctx.logger?.error('recordOrder failed', { idempotencyKey, error: describeError(error) });
      await this.audit('port_failed', 'error', 'Recording an order failed', {
        idempotencyKey,
        error: describeError(error),
      });
    }
  }

  async audit(
    type: AuditEventType,
    level: AuditEvent['level'],
    message: string,
    data: Record<string, unknown>,
  ): Promise<void> {
    const { ctx, signal } = this;
    const event: AuditEvent = {
      type,
      level,
      message,
      accountId: ctx.account.id,
      exchange: signal.exchange,
      signalKey: signal.idempotencyKey,
      venueSymbol: signal.symbol,
      action: signal.action,
      at: ctx.now(),
      data,
    };
    try {
      await ctx.audit(event);
    } catch (error) {
      ctx.logger?.error('audit failed', { type, error: describeError(error) });
    }
  }

  // ── Results ─────────────────────────────────────────────────────────────────────────────────

  result(
    success: boolean,
    message: string,
    extra: { code?: string; error?: AppError } = {},
  ): ExecutionResult {
    const { signal } = this;
    const result: ExecutionResult = {
      success,
      message,
      idempotency_key: signal.idempotencyKey,
      order_details: {
        exchange: signal.exchange,
        action: signal.action,
        symbol: signal.symbol,
        results: this.results,
      },
    };
    if (extra.error !== undefined) {
      const e = describeError(extra.error);
      result.code = e.code;
      result.error = e;
    } else if (extra.code !== undefined) {
      result.code = extra.code;
    }
    if (this.warning !== undefined) result.warning = this.warning;
    return result;
  }

  async succeed(message: string): Promise<ExecutionResult> {
    await this.audit('execution_completed', this.warning === undefined ? 'info' : 'warn', message, {
      results: this.results,
      warning: this.warning,
    });
    return this.result(true, message);
  }

  /** A signal deliberately not executed (already in position, nothing to close): success, with a code. */
  noop(
    code: 'ALREADY_IN_POSITION' | 'NO_POSITION_TO_CLOSE' | 'NO_OPEN_ORDERS' | 'STOP_AT_ENTRY_ALREADY',
    message: string,
  ): ExecutionResult {
    return this.result(true, message, { code });
  }

  async fail(error: unknown): Promise<ExecutionResult> {
    const described = describeError(error);
    const message = failureMessage(this.signal.action, this.signal.exchange, described);
    if (!isAppError(error))
      this.ctx.logger?.error('executeSignal failed unexpectedly', { error: String(error) });
    await this.audit('execution_failed', 'error', message, { error: described, results: this.results });
    const result = this.result(false, message);
    result.code = described.code;
    result.error = described;
    return result;
  }
}
