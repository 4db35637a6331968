import {
  activeExit,
  DEFAULT_TRADE_PLAN,
  isVenueId,
  partialTakeProfitProblem,
  venueList,
  type ExitSpec,
  type PartialTakeProfit,
  type TrailingSpec,
  type VenueId,
} from '@tradingbot/core';
import type {
  BoolExpr,
  ExitRule,
  IndicatorCall,
  NumExpr,
  ParamValues,
  ScalarExpr,
  StrategyDeclaration,
  TrailingRule,
} from './engine.ts';
import { exprKey, resolveParams } from './engine.ts';
import { PineErrors } from './errors.ts';

/** The venue the alerts' `exchange` field names. */
export type PineExchange = VenueId;

/** The backtest settings the script's `strategy()` call and risk inputs carry (BacktestOptions names). */
export type PineBacktestSettings = {
  /** Default 10,000. */
  initialCapital: number;
  /** Margin per trade in percent of equity; the position is sizePct × leverage percent. Default 10. */
  sizePct: number;
  /** Percent of notional per fill. Default 0.04. */
  commissionPct: number;
  /** Whole ticks against the trader on market and stop fills. Default 0. */
  slippageTicks: number;
  /** Absent = none. */
  stopLoss?: ExitRule;
  /** Absent = none. */
  takeProfit?: ExitRule;
  /** Absent = none. */
  trailing?: TrailingRule;
  /** Percent of the position a strategy exit closes (`strategy.close(qty_percent=)`). Default 100. */
  closePct: number;
  /**
   * Take-profits before `takeProfit`, each `strategy.exit(qty_percent=)` of the entry (core's
   * `partialTakeProfitProblem` is the rule). Default none: the script is then exactly as without them.
   */
  partialTakeProfits: readonly PartialTakeProfit[];
  /** Once a partial take-profit filled, the exits of the rest move their stop to the entry price. Default false. */
  breakEven: boolean;
  /** ATR period of ATR-based stop-loss / take-profit. Default 14. */
  atrPeriod: number;
  /** Default 'both'. */
  direction: 'both' | 'long' | 'short';
  /** Pine `process_orders_on_close`. Default false (fills at the next open). */
  fillOnClose: boolean;
  /**
   * Pine `use_bar_magnifier`: TradingView orders a bar's stop and limit fills by its lower-timeframe
   * bars, as our backtest does when given lower-timeframe candles. Default false. (Funding has no
   * Pine counterpart: TradingView's Strategy Tester does not charge it.)
   */
  barMagnifier: boolean;
};

export type PineExportOptions = {
  /** Our exchange account id (api_keys.id); a visible placeholder when absent (and no `groupId`). */
  accountId?: string;
  /**
   * An account group's id instead of an account: the alerts name `group_id` and no exchange, so each
   * member account runs them on its own venue (the group's secret goes where an account's would).
   */
  groupId?: string;
  exchange: PineExchange;
  /** Whole number 1–125. Default 1. */
  leverage?: number;
  /** The account's webhook secret (16–128 characters). */
  secret?: string;
  /** false: write `PASTE_YOUR_WEBHOOK_SECRET` instead of the secret (for sharing the script). Default: true when a secret is given. */
  includeSecret?: boolean;
  /** Shown in the header; the URL itself goes into TradingView's alert dialog, not the script. */
  webhookUrl?: string;
  /** Seconds after which our server refuses an entry or close alert as stale. Default 60. */
  maxLagSeconds?: number;
  /**
   * The backtest settings. `stopLoss` / `takeProfit` not given: the trade plan's defaults (2 and 3
   * ATR, `DEFAULT_TRADE_PLAN`); `{ type: 'none' }` states none.
   */
  backtest?: PineBacktestInput;
  /** Script title; default "<strategy name> [TradingBot AI]". */
  title?: string;
  /** The language of what the script shows in TradingView (title, input labels, tooltips). Default 'en'. */
  lang?: PineLang;
};

/** What a caller may give: any setting, and an exit as the trade plan states it (none included). */
export type PineBacktestInput = Partial<
  Omit<PineBacktestSettings, 'stopLoss' | 'takeProfit' | 'trailing'>
> & {
  stopLoss?: ExitSpec;
  takeProfit?: ExitSpec;
  trailing?: TrailingSpec;
};

export type PineLang = 'en' | 'ko';

/**
 * The words the script shows in TradingView's settings dialog, in one language per script (the
 * values compared in code, such as "ATR" or "Both", stay the same in both).
 */
const SCRIPT_TEXT = {
  en: {
    groupParams: 'Strategy parameters',
    groupRisk: 'Risk and orders',
    defaultIs: (value: number) => `default ${value}`,
    stopLoss: 'Stop-loss',
    ruleTooltip: 'ATR: a multiple of ATR; Percent: percent of the close on the decision bar',
    stopLossDistance: 'Stop-loss distance (ATR multiple or %)',
    takeProfit: 'Take-profit',
    takeProfitDistance: 'Take-profit distance (ATR multiple or %)',
    atrPeriod: 'ATR period (stop-loss / take-profit)',
    direction: 'Trade direction',
    trailing: 'Trailing stop',
    trailingTooltip:
      'Once the price has moved the activation distance in your favour, the stop follows the best price at the offset',
    trailActivation: 'Trailing activation (ATR multiple or %)',
    trailOffset: 'Trailing offset (ATR multiple or %)',
    closePct: 'Exit closes (% of the position)',
    partialTakeProfit: (n: number) => `Take-profit ${n} (before the last)`,
    partialTakeProfitDistance: (n: number) => `Take-profit ${n} distance (ATR multiple or %)`,
    partialTakeProfitQty: (n: number) => `Take-profit ${n} closes (% of the entry)`,
    breakEven: 'Stop to break-even after a take-profit',
  },
  ko: {
    groupParams: '전략 파라미터',
    groupRisk: '리스크와 주문',
    defaultIs: (value: number) => `기본값 ${value}`,
    stopLoss: '손절',
    ruleTooltip: 'ATR: ATR의 배수, Percent: 판단 봉 종가의 퍼센트',
    stopLossDistance: '손절 거리 (ATR 배수 또는 %)',
    takeProfit: '익절',
    takeProfitDistance: '익절 거리 (ATR 배수 또는 %)',
    atrPeriod: 'ATR 기간 (손절 / 익절)',
    direction: '거래 방향',
    trailing: '트레일링 스톱',
    trailingTooltip: '가격이 활성화 거리만큼 유리하게 움직이면, 스톱이 최고가를 오프셋만큼 뒤에서 따라갑니다',
    trailActivation: '트레일링 활성화 (ATR 배수 또는 %)',
    trailOffset: '트레일링 오프셋 (ATR 배수 또는 %)',
    closePct: '청산 신호가 닫는 비율 (포지션의 %)',
    partialTakeProfit: (n: number) => `익절 ${n} (마지막 익절 전)`,
    partialTakeProfitDistance: (n: number) => `익절 ${n} 거리 (ATR 배수 또는 %)`,
    partialTakeProfitQty: (n: number) => `익절 ${n} 청산 비율 (진입 수량의 %)`,
    breakEven: '익절 후 손절을 본전으로 이동',
  },
} as const;

export const SECRET_PLACEHOLDER = 'PASTE_YOUR_WEBHOOK_SECRET';
export const ACCOUNT_PLACEHOLDER = 'PASTE_YOUR_ACCOUNT_ID';

/** The script's settings when the caller gives none: the trade plan's defaults (`DEFAULT_TRADE_PLAN`), ATR stop and take-profit included. */
export const DEFAULT_PINE_BACKTEST: Readonly<PineBacktestSettings> = Object.freeze({
  initialCapital: 10_000,
  sizePct: DEFAULT_TRADE_PLAN.sizePct,
  commissionPct: 0.04,
  slippageTicks: 0,
  atrPeriod: DEFAULT_TRADE_PLAN.atrPeriod,
  direction: DEFAULT_TRADE_PLAN.direction,
  fillOnClose: false,
  barMagnifier: false,
  closePct: DEFAULT_TRADE_PLAN.closePct,
  partialTakeProfits: DEFAULT_TRADE_PLAN.partialTakeProfits,
  breakEven: DEFAULT_TRADE_PLAN.breakEven,
  ...definedExits(DEFAULT_TRADE_PLAN.stopLoss, DEFAULT_TRADE_PLAN.takeProfit),
  ...definedTrailing(DEFAULT_TRADE_PLAN.trailing),
});

function definedTrailing(spec: TrailingSpec): Pick<PineBacktestSettings, 'trailing'> {
  return spec.type === 'none' ? {} : { trailing: { ...spec } };
}

function definedExits(
  stopLoss: ExitSpec,
  takeProfit: ExitSpec,
): Pick<PineBacktestSettings, 'stopLoss' | 'takeProfit'> {
  const sl = activeExit(stopLoss);
  const tp = activeExit(takeProfit);
  return { ...(sl ? { stopLoss: { ...sl } } : {}), ...(tp ? { takeProfit: { ...tp } } : {}) };
}

/** Options after defaults and validation. */
export type ResolvedPineOptions = {
  accountId: string;
  /** Set when the alerts target an account group (then `accountId` is unused). */
  groupId: string | undefined;
  exchange: PineExchange;
  leverage: number;
  /** What the script writes into every message: the secret or the placeholder. */
  secret: string;
  secretIncluded: boolean;
  webhookUrl: string | undefined;
  maxLagSeconds: number;
  backtest: PineBacktestSettings;
  title: string | undefined;
  lang: PineLang;
};

function invalid(message: string, field: string): never {
  throw PineErrors.create('INVALID_EXPORT_OPTIONS', { message, details: { field } });
}

function checkNumber(field: string, value: unknown, min: number, max: number, integer = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    invalid(
      `${field} must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max} (got ${String(value)})`,
      field,
    );
  }
  if (integer && !Number.isInteger(value)) invalid(`${field} must be a whole number (got ${value})`, field);
  return value;
}

function checkRule(field: string, rule: ExitRule | undefined): void {
  if (rule === undefined) return;
  if (rule.type === 'atr') checkNumber(`${field}.multiplier`, rule.multiplier, 0.001, 1000);
  else if (rule.type === 'percent')
    checkNumber(`${field}.percent`, rule.percent, 0.001, field === 'stopLoss' ? 99.99 : 10_000);
  else invalid(`${field}.type must be 'atr' or 'percent'`, field);
}

function checkTrailing(rule: TrailingRule | undefined): void {
  if (rule === undefined) return;
  if (rule.type !== 'atr' && rule.type !== 'percent')
    invalid(`trailing.type must be 'atr' or 'percent'`, 'trailing');
  checkNumber('trailing.activation', rule.activation, 0, rule.type === 'atr' ? 1000 : 10_000);
  checkNumber('trailing.offset', rule.offset, 0.001, rule.type === 'atr' ? 1000 : 99.99);
}

function checkPartials(backtest: PineBacktestSettings): void {
  const partials: unknown = backtest.partialTakeProfits;
  if (!Array.isArray(partials)) invalid('partialTakeProfits must be a list', 'partialTakeProfits');
  for (const [index, partial] of (partials as PartialTakeProfit[]).entries()) {
    const field = `partialTakeProfits[${index}]`;
    const distance = (partial as Partial<PartialTakeProfit> | null)?.distance;
    if (distance?.type === 'atr')
      checkNumber(`${field}.distance.multiplier`, distance.multiplier, 0.001, 1000);
    else if (distance?.type === 'percent')
      checkNumber(`${field}.distance.percent`, distance.percent, 0.001, 10_000);
    else invalid(`${field}.distance.type must be 'atr' or 'percent'`, field);
    checkNumber(`${field}.qtyPct`, partial.qtyPct, 0.01, 99.99);
  }
  const problem = partialTakeProfitProblem(
    backtest.partialTakeProfits,
    backtest.takeProfit ?? { type: 'none' },
  );
  if (problem !== undefined)
    invalid(`partialTakeProfits[${problem.index}]: ${problem.message}`, 'partialTakeProfits');
  if (typeof backtest.breakEven !== 'boolean') invalid('breakEven must be true or false', 'breakEven');
}

/** Applies defaults and validates the export options (INVALID_EXPORT_OPTIONS, 400, naming the field). */
export function resolvePineOptions(options: PineExportOptions): ResolvedPineOptions {
  if (!isVenueId(options.exchange)) {
    invalid(`exchange must be ${venueList()} (got ${String(options.exchange)})`, 'exchange');
  }
  const leverage = checkNumber('leverage', options.leverage ?? 1, 1, 125, true);
  const includeSecret = options.includeSecret ?? options.secret !== undefined;
  if (includeSecret) {
    if (options.secret === undefined) invalid('secret is required unless includeSecret is false', 'secret');
    if (options.secret.length < 16 || options.secret.length > 128)
      invalid('secret must be 16 to 128 characters long', 'secret');
  }
  const accountId = options.accountId ?? ACCOUNT_PLACEHOLDER;
  if (!/^[\x21-\x7E]{1,64}$/.test(accountId))
    invalid('accountId must be 1 to 64 printable characters without spaces', 'accountId');
  if (options.groupId !== undefined) {
    if (options.accountId !== undefined) invalid('give accountId or groupId, not both', 'groupId');
    if (!/^[\x21-\x7E]{1,64}$/.test(options.groupId))
      invalid('groupId must be 1 to 64 printable characters without spaces', 'groupId');
  }
  if (options.webhookUrl !== undefined && !/^https?:\/\/\S+$/.test(options.webhookUrl))
    invalid(`webhookUrl must be an http(s) URL (got ${options.webhookUrl})`, 'webhookUrl');
  const maxLagSeconds = checkNumber('maxLagSeconds', options.maxLagSeconds ?? 60, 1, 86_400, true);
  const { stopLoss, takeProfit, trailing, ...rest } = options.backtest ?? {};
  const given = Object.fromEntries(
    Object.entries(rest).filter(([, value]) => value !== undefined),
  ) as Partial<Omit<PineBacktestSettings, 'stopLoss' | 'takeProfit' | 'trailing'>>;
  const { stopLoss: _sl, takeProfit: _tp, trailing: _trail, ...defaults } = DEFAULT_PINE_BACKTEST;
  const backtest: PineBacktestSettings = {
    ...defaults,
    ...given,
    ...definedExits(stopLoss ?? DEFAULT_TRADE_PLAN.stopLoss, takeProfit ?? DEFAULT_TRADE_PLAN.takeProfit),
    ...definedTrailing(trailing ?? DEFAULT_TRADE_PLAN.trailing),
  };
  checkNumber('initialCapital', backtest.initialCapital, 0.01, 1e12);
  checkNumber('sizePct', backtest.sizePct, 0.01, 100);
  checkNumber('commissionPct', backtest.commissionPct, 0, 10);
  checkNumber('slippageTicks', backtest.slippageTicks, 0, 1_000_000, true);
  checkNumber('atrPeriod', backtest.atrPeriod, 1, 5000, true);
  if (!['both', 'long', 'short'].includes(backtest.direction))
    invalid(`direction must be both, long or short (got ${String(backtest.direction)})`, 'direction');
  if (typeof backtest.fillOnClose !== 'boolean') invalid('fillOnClose must be true or false', 'fillOnClose');
  if (typeof backtest.barMagnifier !== 'boolean')
    invalid('barMagnifier must be true or false', 'barMagnifier');
  checkRule('stopLoss', backtest.stopLoss);
  checkRule('takeProfit', backtest.takeProfit);
  checkTrailing(backtest.trailing);
  checkNumber('closePct', backtest.closePct, 0.01, 100);
  checkPartials(backtest);
  return {
    accountId,
    groupId: options.groupId,
    exchange: options.exchange,
    leverage,
    secret: includeSecret ? options.secret! : SECRET_PLACEHOLDER,
    secretIncluded: includeSecret,
    webhookUrl: options.webhookUrl,
    maxLagSeconds,
    backtest,
    title: options.title,
    lang: options.lang === 'ko' ? 'ko' : 'en',
  };
}

// ---------------------------------------------------------------------------------------------
// Pine literals

/** A Pine string literal (single quotes, so JSON's double quotes need no escaping). */
export function pineString(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\t/g, '\\t')}'`;
}

/** A number as Pine source; `asFloat` forces a decimal point (a float input's default). */
export function pineNumber(value: number, asFloat = false): string {
  if (!Number.isFinite(value)) throw new TypeError(`not a finite number: ${value}`);
  const text = String(value);
  if (/e/i.test(text)) return value.toFixed(12).replace(/0+$/, '').replace(/\.$/, '.0');
  return asFloat && Number.isInteger(value) ? `${text}.0` : text;
}

/** A number as JSON text inside a message. */
function jsonNumber(value: number): string {
  return String(value);
}

/** A comment line: no line breaks can escape the comment. */
function comment(text: string): string {
  return `// ${text.replace(/[\r\n]+/g, ' ')}`.trimEnd();
}

/** A paragraph as comment lines of at most ~100 characters. */
function comments(text: string): string[] {
  const words = text
    .replace(/[\r\n]+/g, ' ')
    .split(/\s+/)
    .filter((word) => word !== '');
  const lines: string[] = [];
  let current = '';
  for (const word of words) {
    if (current !== '' && current.length + word.length + 1 > 97) {
      lines.push(comment(current));
      current = word;
    } else current = current === '' ? word : `${current} ${word}`;
  }
  if (current !== '') lines.push(comment(current));
  return lines;
}

// Pine keywords, type names and built-in names a generated variable must not take.
const RESERVED = new Set([
  'and',
  'or',
  'not',
  'if',
  'else',
  'for',
  'to',
  'by',
  'while',
  'var',
  'varip',
  'switch',
  'import',
  'export',
  'method',
  'type',
  'enum',
  'true',
  'false',
  'na',
  'int',
  'float',
  'bool',
  'string',
  'color',
  'series',
  'simple',
  'const',
  'input',
  'line',
  'label',
  'box',
  'table',
  'array',
  'matrix',
  'map',
  'open',
  'high',
  'low',
  'close',
  'volume',
  'hl2',
  'hlc3',
  'ohlc4',
  'hlcc4',
  'time',
  'timenow',
  'time_close',
  'bar_index',
  'last_bar_index',
  'ta',
  'math',
  'str',
  'strategy',
  'syminfo',
  'timeframe',
  'plot',
  'runtime',
  'request',
  'alert',
  'nz',
  'fixnan',
  'year',
  'month',
  'dayofweek',
  'hour',
  'minute',
  'second',
  'session',
  'barstate',
  'currency',
  'location',
  'shape',
  'size',
  'display',
  'format',
  'scale',
  'text',
  'xloc',
  'yloc',
  'position',
  'order',
]);

// ---------------------------------------------------------------------------------------------
// Expression compiler: walks the declaration's trees; every indicator and every cross becomes one
// top-level variable, so each ta.* function runs on every bar exactly once.

const TUPLE_NAMES: Partial<Record<IndicatorCall['fn'], Record<string, string>>> = {
  supertrend: { line: 'stLine', direction: 'stDirection' },
  macd: { macd: 'macdLine', signal: 'macdSignal', hist: 'macdHist' },
  stoch: { k: 'stochK', d: 'stochD' },
  bb: { basis: 'bbBasis', upper: 'bbUpper', lower: 'bbLower' },
  ichimoku: {
    conversion: 'ichiConversion',
    base: 'ichiBase',
    spanA: 'ichiSpanA',
    spanB: 'ichiSpanB',
    cloudA: 'ichiCloudA',
    cloudB: 'ichiCloudB',
  },
};

class Compiler {
  readonly lines: string[] = [];
  private readonly used = new Set<string>(RESERVED);
  private readonly indicators = new Map<string, Record<string, string>>();
  private readonly crosses = new Map<string, string>();

  constructor(private readonly paramNames: Record<string, string>) {
    for (const name of Object.values(paramNames)) this.used.add(name);
  }

  reserve(name: string): void {
    if (this.used.has(name)) throw new Error(`generated name ${name} is taken`);
    this.used.add(name);
  }

  fresh(base: string): string {
    let name = base;
    for (let k = 2; this.used.has(name); k++) name = `${base}${k}`;
    this.used.add(name);
    return name;
  }

  scalar(expr: ScalarExpr): string {
    if (expr.kind === 'const') return pineNumber(expr.value);
    const name = this.paramNames[expr.name];
    if (name === undefined) throw new Error(`unknown parameter ${expr.name}`);
    return name;
  }

  num(expr: NumExpr): string {
    switch (expr.kind) {
      case 'source':
        return expr.source;
      case 'const':
      case 'param':
        return this.scalar(expr);
      case 'indicator': {
        const outputs = this.indicator(expr.call);
        const name = outputs[expr.output];
        if (name === undefined) throw new Error(`indicator ${expr.call.fn} has no output ${expr.output}`);
        return name;
      }
      case 'binary': {
        const left = this.num(expr.left);
        const right = this.num(expr.right);
        if (expr.op === 'max' || expr.op === 'min') return `math.${expr.op}(${left}, ${right})`;
        return `(${left} ${expr.op} ${right})`;
      }
      case 'prev': {
        const inner = this.num(expr.expr);
        return /^[A-Za-z_][A-Za-z0-9_]*$/.test(inner) ? `${inner}[${expr.bars}]` : `(${inner})[${expr.bars}]`;
      }
    }
  }

  bool(expr: BoolExpr, nested = false): string {
    switch (expr.kind) {
      case 'compare':
        return `${this.num(expr.left)} ${expr.op} ${this.num(expr.right)}`;
      case 'cross': {
        const key = exprKey(expr);
        let name = this.crosses.get(key);
        if (name === undefined) {
          const left = this.num(expr.left);
          const right = this.num(expr.right);
          name = this.fresh(expr.op === 'crossover' ? 'crossUp' : 'crossDown');
          this.lines.push(`${name} = ta.${expr.op}(${left}, ${right})`);
          this.crosses.set(key, name);
        }
        return name;
      }
      case 'logic': {
        if (expr.args.length === 0) return expr.op === 'and' ? 'true' : 'false';
        const text = expr.args.map((arg) => this.bool(arg, true)).join(` ${expr.op} `);
        return nested && expr.args.length > 1 ? `(${text})` : text;
      }
      case 'not':
        return `not (${this.bool(expr.arg)})`;
    }
  }

  private indicator(call: IndicatorCall): Record<string, string> {
    const key = exprKey(call);
    const known = this.indicators.get(key);
    if (known !== undefined) return known;
    const s = (expr: ScalarExpr) => this.scalar(expr);
    let outputs: Record<string, string>;
    switch (call.fn) {
      case 'sma':
      case 'ema':
      case 'rma':
      case 'rsi':
      case 'stdev':
      case 'highest':
      case 'lowest': {
        const src = this.num(call.src);
        const name = this.fresh(call.fn === 'stdev' ? 'stdevValue' : `${call.fn}Value`);
        this.lines.push(`${name} = ta.${call.fn}(${src}, ${s(call.length)})`);
        outputs = { value: name };
        break;
      }
      case 'atr': {
        const name = this.fresh('atrValue');
        this.lines.push(`${name} = ta.atr(${s(call.length)})`);
        outputs = { value: name };
        break;
      }
      case 'supertrend': {
        outputs = this.tupleNames(call.fn);
        this.lines.push(
          `[${outputs.line}, ${outputs.direction}] = ta.supertrend(${s(call.factor)}, ${s(call.atrPeriod)})`,
        );
        break;
      }
      case 'macd': {
        const src = this.num(call.src);
        outputs = this.tupleNames(call.fn);
        this.lines.push(
          `[${outputs.macd}, ${outputs.signal}, ${outputs.hist}] = ta.macd(${src}, ${s(call.fast)}, ${s(call.slow)}, ${s(call.signal)})`,
        );
        break;
      }
      case 'stoch': {
        outputs = this.tupleNames(call.fn);
        this.lines.push(
          `${outputs.k} = ta.sma(ta.stoch(close, high, low, ${s(call.kLength)}), ${s(call.kSmoothing)})`,
          `${outputs.d} = ta.sma(${outputs.k}, ${s(call.dSmoothing)})`,
        );
        break;
      }
      case 'bb': {
        const src = this.num(call.src);
        outputs = this.tupleNames(call.fn);
        this.lines.push(
          `[${outputs.basis}, ${outputs.upper}, ${outputs.lower}] = ta.bb(${src}, ${s(call.length)}, ${s(call.mult)})`,
        );
        break;
      }
      case 'ichimoku': {
        outputs = this.tupleNames(call.fn);
        const donchian = (length: string) =>
          `math.avg(ta.lowest(low, ${length}), ta.highest(high, ${length}))`;
        const shift =
          call.displacement.kind === 'const'
            ? pineNumber(call.displacement.value - 1)
            : `${s(call.displacement)} - 1`;
        this.lines.push(
          `${outputs.conversion} = ${donchian(s(call.conversion))}`,
          `${outputs.base} = ${donchian(s(call.base))}`,
          `${outputs.spanA} = math.avg(${outputs.conversion}, ${outputs.base})`,
          `${outputs.spanB} = ${donchian(s(call.spanB))}`,
          comment(`The cloud drawn at this bar: the leading spans computed displacement - 1 bars ago.`),
          `${outputs.cloudA} = ${outputs.spanA}[${shift}]`,
          `${outputs.cloudB} = ${outputs.spanB}[${shift}]`,
        );
        break;
      }
    }
    this.indicators.set(key, outputs);
    return outputs;
  }

  private tupleNames(fn: IndicatorCall['fn']): Record<string, string> {
    const names = TUPLE_NAMES[fn]!;
    return Object.fromEntries(Object.entries(names).map(([output, base]) => [output, this.fresh(base)]));
  }
}

// ---------------------------------------------------------------------------------------------
// The script

const DIRECTION_OPTION: Record<PineBacktestSettings['direction'], string> = {
  both: 'Both',
  long: 'Long only',
  short: 'Short only',
};

function ruleMode(rule: ExitRule | undefined): 'None' | 'ATR' | 'Percent' {
  return rule === undefined ? 'None' : rule.type === 'atr' ? 'ATR' : 'Percent';
}

function ruleValue(rule: ExitRule | undefined, fallback: number): number {
  return rule === undefined ? fallback : rule.type === 'atr' ? rule.multiplier : rule.percent;
}

/** The risk inputs of the partial take-profits (none without them). */
function partialInputs(bt: PineBacktestSettings, text: (typeof SCRIPT_TEXT)[PineLang]): string[] {
  if (bt.partialTakeProfits.length === 0) return [];
  const group = `group = ${pineString(text.groupRisk)}`;
  return [
    ...bt.partialTakeProfits.flatMap((partial, k) => {
      const n = k + 1;
      const { distance } = partial;
      return [
        ...call(`tp${n}Mode = input.string`, [
          pineString(distance.type === 'atr' ? 'ATR' : 'Percent'),
          pineString(text.partialTakeProfit(n)),
          'options = ["ATR", "Percent"]',
          group,
        ]),
        ...call(`tp${n}Value = input.float`, [
          pineNumber(distance.type === 'atr' ? distance.multiplier : distance.percent, true),
          pineString(text.partialTakeProfitDistance(n)),
          'minval = 0.001',
          'step = 0.1',
          group,
        ]),
        ...call(`tp${n}Qty = input.float`, [
          pineNumber(partial.qtyPct, true),
          pineString(text.partialTakeProfitQty(n)),
          'minval = 0.01',
          'maxval = 99.99',
          'step = 5.0',
          group,
        ]),
      ];
    }),
    ...call('breakEven = input.bool', [bt.breakEven ? 'true' : 'false', pineString(text.breakEven), group]),
  ];
}

/** The `strategy.exit` arguments every exit of an entry shares. */
function exitArgs(side: 'Long' | 'Short'): string[] {
  return [
    'comment_loss = "stop_loss"',
    'comment_profit = "take_profit"',
    'comment_trailing = "trailing_stop"',
    `alert_message = alertExit${side}`,
  ];
}

/**
 * The entry and its exits. With partial take-profits each is a bracket of its own (`qty_percent`
 * of the entry, the stop and trailing stop beside its limit), placed nearest first, then the last
 * take-profit for what they leave — TradingView's scale-out. Without them, the script as before.
 */
function entryOrders(side: 'Long' | 'Short', partials: number): string[] {
  const direction = side === 'Long' ? 'long' : 'short';
  const lines = [
    `if go${side}`,
    `    strategy.entry("${side}", strategy.${direction}, comment = "${direction}", alert_message = alert${side})`,
  ];
  if (partials > 0)
    lines.push(
      `    exitTp1Ticks := tp1Ticks`,
      ...(partials > 1 ? ['    exitTp2Ticks := tp2Ticks'] : []),
      '    exitTpTicks := tpTicks',
      '    exitTrailTicks := trailTicks',
      '    exitTrailOffsetTicks := trailOffsetTicks',
    );
  lines.push('    if hasExit');
  for (let n = 1; n <= partials; n++) {
    lines.push(
      `        if not na(tp${n}Ticks)`,
      ...call(
        'strategy.exit',
        [
          `"${side} TP${n}"`,
          `from_entry = "${side}"`,
          `qty_percent = tp${n}Qty`,
          'loss = slTicks',
          `profit = tp${n}Ticks`,
          'trail_points = trailTicks',
          'trail_offset = trailOffsetTicks',
          ...exitArgs(side),
        ],
        '            ',
      ),
      '        else',
      `            strategy.cancel("${side} TP${n}")`,
    );
  }
  lines.push(
    ...call(
      'strategy.exit',
      [
        `"${side} SL/TP"`,
        `from_entry = "${side}"`,
        'loss = slTicks',
        'profit = tpTicks',
        'trail_points = trailTicks',
        'trail_offset = trailOffsetTicks',
        ...exitArgs(side),
      ],
      '        ',
    ),
    '    else',
    `        strategy.cancel("${side} SL/TP")`,
  );
  return lines;
}

/**
 * The break-even move: on the close of a bar where a take-profit of the open position filled (the
 * last closed trade's exit is one of its "TP" exits), its exits are issued again with the stop at
 * the entry price and the distances of the entry's decision bar — modified in place, working from
 * the next bar. An exit that already filled is not placed again.
 */
function breakEvenOrders(partials: number): string[] {
  const lines = [
    '',
    comment(
      'Break-even: once a take-profit filled, the exits of the rest stop at the entry price (from the next bar).',
    ),
    'lastExitId = strategy.closedtrades > 0 ? strategy.closedtrades.exit_id(strategy.closedtrades - 1) : ""',
    'tpFilled = strategy.position_size != 0 and str.contains(lastExitId, " TP")',
  ];
  for (const side of ['Long', 'Short'] as const) {
    lines.push(`if breakEven and tpFilled and strategy.position_size ${side === 'Long' ? '>' : '<'} 0`);
    for (let n = 1; n <= partials; n++) {
      lines.push(
        // A take-profit the entry did not place (its ATR was na) is not placed now either.
        `    if not na(exitTp${n}Ticks)`,
        ...call(
          'strategy.exit',
          [
            `"${side} TP${n}"`,
            `from_entry = "${side}"`,
            `qty_percent = tp${n}Qty`,
            'stop = strategy.position_avg_price',
            `profit = exitTp${n}Ticks`,
            'trail_points = exitTrailTicks',
            'trail_offset = exitTrailOffsetTicks',
            ...exitArgs(side),
          ],
          '        ',
        ),
      );
    }
    lines.push(
      ...call(
        'strategy.exit',
        [
          `"${side} SL/TP"`,
          `from_entry = "${side}"`,
          'stop = strategy.position_avg_price',
          'profit = exitTpTicks',
          'trail_points = exitTrailTicks',
          'trail_offset = exitTrailOffsetTicks',
          ...exitArgs(side),
        ],
        '    ',
      ),
    );
  }
  return lines;
}

/** `call(a, b, …)` on one line when short, otherwise one argument per continuation line (2-space indent). */
function call(name: string, args: string[], indent = ''): string[] {
  const flat = `${indent}${name}(${args.join(', ')})`;
  if (flat.length <= 150) return [flat];
  return [
    `${indent}${name}(`,
    ...args.map((arg, i) => `${indent}  ${arg}${i < args.length - 1 ? ',' : ')'}`),
  ];
}

/**
 * The Pine code that builds the webhook alert messages: one
 * string per order type, each the exact JSON `WebhookPayloadSchema` accepts, assembled with Pine
 * string concatenation because placeholders are not expanded inside `alert_message`. Defines
 * `alertLong`, `alertShort`, `alertCloseLong`, `alertCloseShort`, `alertExitLong`, `alertExitShort`;
 * expects `slMode`, `slValue`, `tpMode`, `tpValue`, `trailMode`, `trailActivation`, `trailOffset` and
 * `closePct` (the risk inputs) to exist.
 */
export function addWebhookAlerts(options: ResolvedPineOptions): string[] {
  // A group's alert names no exchange: each member account trades on its own venue.
  const identity =
    options.groupId !== undefined
      ? `"group_id":${JSON.stringify(options.groupId)}`
      : `"account_id":${JSON.stringify(options.accountId)},"exchange":${JSON.stringify(options.exchange)}`;
  const secret = `"secret":${JSON.stringify(options.secret)}`;
  const sizePct = jsonNumber(options.backtest.sizePct);
  const lines = [
    comment('---- Webhook alert messages ----'),
    comment('One alert on this strategy with the message {{strategy.order.alert_message}} sends, on every'),
    comment('order fill, the JSON below to the TradingBot AI webhook. id is unique per order and the same'),
    comment('on every re-delivery; timestamp + max_lag let the server refuse a stale alert.'),
  ];
  if (!options.secretIncluded) {
    lines.push(
      comment(`Replace ${SECRET_PLACEHOLDER} below with your webhook secret before creating the alert.`),
    );
  }
  if (options.groupId === undefined && options.accountId === ACCOUNT_PLACEHOLDER) {
    lines.push(comment(`Replace ${ACCOUNT_PLACEHOLDER} below with your exchange account id.`));
  }
  lines.push(
    `alertIdentity = ${pineString(identity + ',"symbol":"')} + syminfo.ticker + ${pineString(`","leverage":${options.leverage},`)}`,
    `alertSecret = ${pineString(secret)}`,
    `alertOrderId = syminfo.tickerid + '-' + str.tostring(time)`,
    `alertFresh = ${pineString('"timestamp":')} + str.tostring(timenow) + ${pineString(`,"max_lag":${options.maxLagSeconds},`)}`,
    `alertTimeframe = ${pineString('"timeframe":"')} + timeframe.period + ${pineString('",')}`,
    comment('Every entry states its protection, "None" as 0, so the server never applies its own default.'),
    `alertSl = slMode == "ATR" ? '"sl_atr":' + str.tostring(slValue) + ',' : slMode == "Percent" ? '"sl_pct":' + str.tostring(slValue) + ',' : '"sl_atr":0,'`,
    `alertTp = tpMode == "ATR" ? '"tp_atr":' + str.tostring(tpValue) + ',' : tpMode == "Percent" ? '"tp_pct":' + str.tostring(tpValue) + ',' : '"tp_atr":0,'`,
    `alertTrail = trailMode == "ATR" ? '"trail_atr":' + str.tostring(trailOffset) + ',"trail_activation_atr":' + str.tostring(trailActivation) + ',' : trailMode == "Percent" ? '"trail_pct":' + str.tostring(trailOffset) + ',"trail_activation_pct":' + str.tostring(trailActivation) + ',' : '"trail_atr":0,'`,
    comment('A strategy exit closes closePct % of the position; a stop or take-profit fill closes the rest.'),
    `alertClosePct = '"close_pct":' + str.tostring(closePct) + ','`,
  );
  const partials = options.backtest.partialTakeProfits.length;
  if (partials > 0) {
    // partialTakeProfitAlertFields' fields: the server places the same take-profits and break-even.
    const fields = Array.from({ length: partials }, (_, k) => {
      const n = k + 1;
      return `(tp${n}Mode == "ATR" ? '"tp${n}_atr":' : '"tp${n}_pct":') + str.tostring(tp${n}Value) + ',"tp${n}_qty_pct":' + str.tostring(tp${n}Qty) + ','`;
    });
    lines.push(
      comment('The take-profits before the last one (each a share of the entry) and the break-even move.'),
      `alertPartials = ${fields.join(' + ')} + (breakEven ? '"break_even":1,' : '')`,
    );
  }
  const protection = partials > 0 ? 'alertTp + alertPartials + alertTrail' : 'alertTp + alertTrail';
  const entry = (action: 'long' | 'short') =>
    `alert${action === 'long' ? 'Long' : 'Short'} = '{"action":"${action}","id":"' + alertOrderId + '-${action}",' + alertIdentity + alertFresh + alertTimeframe + alertSl + ${protection} + ${pineString(`"size_pct":${sizePct},`)} + alertSecret + '}'`;
  const close = (name: string, action: string, suffix: string, signal: boolean) =>
    `${name} = '{"action":"${action}","id":"' + alertOrderId + '-${suffix}",' + alertIdentity + ${signal ? 'alertFresh + alertClosePct + ' : ''}alertSecret + '}'`;
  lines.push(
    entry('long'),
    entry('short'),
    close('alertCloseLong', 'close_long', 'close_long', true),
    close('alertCloseShort', 'close_short', 'close_short', true),
    comment(
      'A stop-loss / take-profit fill can come long after the entry: no timestamp, so max_lag cannot refuse it.',
    ),
    close('alertExitLong', 'close_long', 'exit_long', false),
    close('alertExitShort', 'close_short', 'exit_short', false),
  );
  return lines;
}

/** Pine identifiers for the declaration's parameters (renamed only when one would clash). */
function paramIdentifiers(declaration: StrategyDeclaration): Record<string, string> {
  const internal = new Set([
    'slMode',
    'slValue',
    'tpMode',
    'tpValue',
    'trailMode',
    'trailActivation',
    'trailOffset',
    'closePct',
    'trailActDistance',
    'trailOffDistance',
    'trailTicks',
    'trailOffsetTicks',
    'hasExit',
    'riskAtrLength',
    'tradeDirection',
    'riskAtr',
    'slDistance',
    'tpDistance',
    'slTicks',
    'tpTicks',
    'longEntry',
    'longExit',
    'shortEntry',
    'shortExit',
    'longSignal',
    'shortSignal',
    'allowLong',
    'allowShort',
    'positionSize',
    'goLong',
    'goShort',
    'goFlat',
    ...[1, 2].flatMap((n) => [`tp${n}Mode`, `tp${n}Value`, `tp${n}Qty`, `tp${n}Distance`, `tp${n}Ticks`]),
    'breakEven',
    'tpFilled',
    'lastExitId',
    ...['Tp1', 'Tp2', 'Tp', 'Trail', 'TrailOffset'].map((name) => `exit${name}Ticks`),
  ]);
  return Object.fromEntries(
    Object.keys(declaration.params).map((name) => {
      const ok =
        /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) &&
        !RESERVED.has(name) &&
        !internal.has(name) &&
        !name.startsWith('alert');
      return [name, ok ? name : `p_${name.replace(/[^A-Za-z0-9_]/g, '_')}`];
    }),
  );
}

/**
 * The complete Pine v6 strategy for a declaration, generated from
 * the declaration's expression trees and implementing docs/backtest-semantics.md: the same signals,
 * decision rules, sizing, costs and stop-loss / take-profit as our backtester, with webhook alert
 * messages on every order. `params` are validated like a backtest's and become the inputs' defaults.
 */
// eslint-disable-next-line max-lines-per-function -- existing debt: the script template, top to bottom; split when it next changes
export function exportStrategy(
  declaration: StrategyDeclaration,
  params: Record<string, unknown>,
  options: PineExportOptions,
): string {
  const values: ParamValues = resolveParams(declaration, params);
  const o = resolvePineOptions(options);
  const bt = o.backtest;
  const names = paramIdentifiers(declaration);
  const compiler = new Compiler(names);
  const out: string[] = [];
  const blank = () => out.push('');

  // Header
  const text = SCRIPT_TEXT[o.lang];
  const title = o.title ?? `${declaration.name[o.lang]} [TradingBot AI]`;
  out.push('//@version=6');
  out.push(comment(`${declaration.name.en} (${declaration.id}) — exported by TradingBot AI`));
  out.push(...comments(declaration.description.en));
  out.push('//');
  out.push(comment('Rules (evaluated on each bar close):'));
  out.push(comment(`  Long entry:  ${declaration.rulesText.longEntry.en}`));
  out.push(comment(`  Long exit:   ${declaration.rulesText.longExit.en}`));
  out.push(comment(`  Short entry: ${declaration.rulesText.shortEntry.en}`));
  out.push(comment(`  Short exit:  ${declaration.rulesText.shortExit.en}`));
  out.push('//');
  out.push(
    comment('Generated from the strategy declaration by the TradingBot AI Pine exporter. It runs the same'),
  );
  out.push(
    comment('experiment as the TradingBot AI backtester (docs/backtest-semantics.md): orders decided on a'),
  );
  out.push(
    comment(
      'bar close fill at the next open, stop-loss / take-profit distances are fixed on the decision bar.',
    ),
  );
  out.push(comment('Editing the trading logic makes TradingView and the backtester disagree.'));
  out.push(
    comment(
      o.groupId !== undefined
        ? `Account group: ${o.groupId} (each member account on its own exchange), leverage ${o.leverage}x.`
        : `Account: ${o.accountId} on ${o.exchange}, leverage ${o.leverage}x.`,
    ),
  );
  if (o.webhookUrl !== undefined) out.push(comment(`Webhook URL: ${o.webhookUrl}`));
  out.push(
    comment(
      'Alert: condition = this strategy, "Order fills only", message = {{strategy.order.alert_message}}',
    ),
  );
  if (!o.secretIncluded)
    out.push(comment(`The webhook secret is NOT in this script: replace ${SECRET_PLACEHOLDER} below.`));
  if (o.leverage > 1) {
    out.push(
      comment(`Leverage ${o.leverage}x: TradingView's margin-call emulation differs from our liquidation`),
    );
    out.push(comment('model, so trades near liquidation can differ between the two testers.'));
  }
  blank();

  // strategy()
  const plots = declaration.plots;
  const overlay = plots.length === 0 || plots.some((plot) => plot.overlay);
  out.push(
    ...call('strategy', [
      `title = ${pineString(title)}`,
      `shorttitle = ${pineString(declaration.id)}`,
      `overlay = ${overlay}`,
      `initial_capital = ${pineNumber(bt.initialCapital)}`,
      'default_qty_type = strategy.percent_of_equity',
      `default_qty_value = ${pineNumber(bt.sizePct * o.leverage)}`,
      'commission_type = strategy.commission.percent',
      `commission_value = ${pineNumber(bt.commissionPct)}`,
      `slippage = ${pineNumber(bt.slippageTicks)}`,
      'pyramiding = 0',
      `margin_long = ${pineNumber(100 / o.leverage)}`,
      `margin_short = ${pineNumber(100 / o.leverage)}`,
      `process_orders_on_close = ${bt.fillOnClose}`,
      'calc_on_every_tick = false',
      'calc_on_order_fills = false',
      `use_bar_magnifier = ${bt.barMagnifier}`,
    ]),
  );
  blank();

  // Inputs
  out.push(comment('---- Inputs (defaults = the exported parameters) ----'));
  for (const [name, spec] of Object.entries(declaration.params)) {
    const value = values[name]!;
    const isFloat = spec.type === 'float';
    out.push(
      ...call(`${names[name]} = input.${spec.type}`, [
        pineNumber(value, isFloat),
        pineString(spec.label[o.lang]),
        `minval = ${pineNumber(spec.min, isFloat)}`,
        `maxval = ${pineNumber(spec.max, isFloat)}`,
        `step = ${pineNumber(spec.step, isFloat)}`,
        `tooltip = ${pineString(text.defaultIs(spec.default))}`,
        `group = ${pineString(text.groupParams)}`,
      ]),
    );
  }
  const modeOptions = 'options = ["None", "ATR", "Percent"]';
  out.push(
    ...call('slMode = input.string', [
      pineString(ruleMode(bt.stopLoss)),
      pineString(text.stopLoss),
      modeOptions,
      `tooltip = ${pineString(text.ruleTooltip)}`,
      `group = ${pineString(text.groupRisk)}`,
    ]),
    ...call('slValue = input.float', [
      pineNumber(ruleValue(bt.stopLoss, 2), true),
      pineString(text.stopLossDistance),
      'minval = 0.001',
      'step = 0.1',
      `group = ${pineString(text.groupRisk)}`,
    ]),
    ...call('tpMode = input.string', [
      pineString(ruleMode(bt.takeProfit)),
      pineString(text.takeProfit),
      modeOptions,
      `group = ${pineString(text.groupRisk)}`,
    ]),
    ...call('tpValue = input.float', [
      pineNumber(ruleValue(bt.takeProfit, 3), true),
      pineString(text.takeProfitDistance),
      'minval = 0.001',
      'step = 0.1',
      `group = ${pineString(text.groupRisk)}`,
    ]),
    ...call('trailMode = input.string', [
      pineString(bt.trailing === undefined ? 'None' : bt.trailing.type === 'atr' ? 'ATR' : 'Percent'),
      pineString(text.trailing),
      modeOptions,
      `tooltip = ${pineString(text.trailingTooltip)}`,
      `group = ${pineString(text.groupRisk)}`,
    ]),
    ...call('trailActivation = input.float', [
      pineNumber(bt.trailing?.activation ?? 1, true),
      pineString(text.trailActivation),
      'minval = 0.0',
      'step = 0.1',
      `group = ${pineString(text.groupRisk)}`,
    ]),
    ...call('trailOffset = input.float', [
      pineNumber(bt.trailing?.offset ?? 2, true),
      pineString(text.trailOffset),
      'minval = 0.001',
      'step = 0.1',
      `group = ${pineString(text.groupRisk)}`,
    ]),
    ...call('closePct = input.float', [
      pineNumber(bt.closePct, true),
      pineString(text.closePct),
      'minval = 0.01',
      'maxval = 100.0',
      'step = 5.0',
      `group = ${pineString(text.groupRisk)}`,
    ]),
    ...partialInputs(bt, text),
    ...call('riskAtrLength = input.int', [
      pineNumber(bt.atrPeriod),
      pineString(text.atrPeriod),
      'minval = 1',
      `group = ${pineString(text.groupRisk)}`,
    ]),
    ...call('tradeDirection = input.string', [
      pineString(DIRECTION_OPTION[bt.direction]),
      pineString(text.direction),
      'options = ["Both", "Long only", "Short only"]',
      `group = ${pineString(text.groupRisk)}`,
    ]),
  );
  blank();

  // Constraints
  out.push(comment('---- Parameter checks ----'));
  for (const constraint of declaration.constraints) {
    out.push(`if ${names[constraint.smaller]} >= ${names[constraint.larger]}`);
    out.push(`    runtime.error(${pineString(constraint.message.en)})`);
  }
  out.push('if slMode == "Percent" and slValue >= 100');
  out.push(`    runtime.error(${pineString('a percent stop-loss must be below 100')})`);
  blank();

  // Indicators and signals
  const { longEntry, longExit, shortEntry, shortExit } = declaration.signals;
  const signalText = {
    longEntry: compiler.bool(longEntry),
    longExit: compiler.bool(longExit),
    shortEntry: compiler.bool(shortEntry),
    shortExit: compiler.bool(shortExit),
  };
  const plotText = plots.map((plot) => ({ plot, text: compiler.num(plot.expr) }));
  out.push(comment('---- Indicators (top level: every ta.* function runs on every bar) ----'));
  out.push(...compiler.lines);
  out.push('riskAtr = ta.atr(riskAtrLength)');
  blank();
  out.push(comment('---- Signals (on the bar close) ----'));
  for (const key of ['longEntry', 'longExit', 'shortEntry', 'shortExit'] as const) {
    out.push(`${key} = ${signalText[key]}`);
  }
  blank();

  // Risk distances
  out.push(comment('---- Stop-loss / take-profit distances, fixed on the decision bar ----'));
  out.push(
    'slDistance = slMode == "ATR" ? slValue * riskAtr : slMode == "Percent" ? slValue / 100 * close : na',
  );
  out.push(
    'tpDistance = tpMode == "ATR" ? tpValue * riskAtr : tpMode == "Percent" ? tpValue / 100 * close : na',
  );
  out.push('slTicks = slDistance / syminfo.mintick');
  out.push('tpTicks = tpDistance / syminfo.mintick');
  out.push(
    'trailActDistance = trailMode == "ATR" ? trailActivation * riskAtr : trailMode == "Percent" ? trailActivation / 100 * close : na',
  );
  out.push(
    'trailOffDistance = trailMode == "ATR" ? trailOffset * riskAtr : trailMode == "Percent" ? trailOffset / 100 * close : na',
  );
  out.push('trailTicks = trailActDistance / syminfo.mintick');
  out.push('trailOffsetTicks = trailOffDistance / syminfo.mintick');
  const partials = bt.partialTakeProfits.length;
  for (let n = 1; n <= partials; n++) {
    out.push(
      `tp${n}Distance = tp${n}Mode == "ATR" ? tp${n}Value * riskAtr : tp${n}Value / 100 * close`,
      `tp${n}Ticks = tp${n}Distance / syminfo.mintick`,
    );
  }
  out.push(
    `hasExit = not na(slTicks) or not na(tpTicks) or not na(trailOffsetTicks)${partials > 0 ? ' or not na(tp1Ticks)' : ''}`,
  );
  if (partials > 0) {
    out.push(
      comment('The distances of the open position, kept for the break-even move (it re-issues its exits).'),
      ...['Tp1', 'Tp2', 'Tp', 'Trail', 'TrailOffset']
        .filter((name) => !name.startsWith('Tp') || name === 'Tp' || Number(name.slice(2)) <= partials)
        .map((name) => `var float exit${name}Ticks = na`),
    );
  }
  blank();

  out.push(...addWebhookAlerts(o));
  blank();

  // Decision
  out.push(comment('---- Decision (docs/backtest-semantics.md) ----'));
  out.push(
    'longSignal = longEntry and not shortEntry',
    'shortSignal = shortEntry and not longEntry',
    'allowLong = tradeDirection != "Short only"',
    'allowShort = tradeDirection != "Long only"',
    comment('The position after every fill of this bar (a stop hit on this bar leaves it flat).'),
    'positionSize = strategy.position_size',
    'goLong = false',
    'goShort = false',
    'goFlat = false',
    'if positionSize > 0',
    '    if shortSignal and allowShort',
    '        goShort := true',
    '    else if longExit or shortSignal',
    '        goFlat := true',
    'else if positionSize < 0',
    '    if longSignal and allowLong',
    '        goLong := true',
    '    else if shortExit or longSignal',
    '        goFlat := true',
    'else',
    '    if longSignal and allowLong',
    '        goLong := true',
    '    else if shortSignal and allowShort',
    '        goShort := true',
    '',
    comment('Orders. An entry against the open position reverses it in one order (pyramiding = 0).'),
    ...entryOrders('Long', partials),
    ...entryOrders('Short', partials),
    'if goFlat and positionSize > 0',
    '    strategy.close("Long", qty_percent = closePct, comment = "signal", alert_message = alertCloseLong)',
    'if goFlat and positionSize < 0',
    '    strategy.close("Short", qty_percent = closePct, comment = "signal", alert_message = alertCloseShort)',
  );
  if (partials > 0) out.push(...breakEvenOrders(partials));
  blank();

  // Plots
  out.push(comment('---- Plots ----'));
  for (const { plot, text } of plotText) {
    if (plot.overlay === overlay) {
      const color = /^#[0-9A-Fa-f]{6}([0-9A-Fa-f]{2})?$/.test(plot.color) ? plot.color : 'color.blue';
      out.push(`plot(${text}, title = ${pineString(plot.title)}, color = ${color})`);
    } else {
      out.push(comment(`"${plot.title}" belongs in its own pane; not drawn over the price.`));
    }
  }
  return out.join('\n') + '\n';
}
