/**
 * The Pine v6 built-ins the exporter may use, with their real parameter names in the manual's
 * order (a call may pass them positionally or by name) and their result types. A name or a named
 * argument that is not here is refused, which is how removed v4/v5 forms (`study`, `security`,
 * `when =`, `transp =`, un-namespaced `rsi`…) are caught.
 */

/** A value's type as the checker tracks it (qualifiers simple/series are not tracked). */
export type ValueType =
  | 'int'
  | 'float'
  | 'bool'
  | 'string'
  | 'color'
  | 'na'
  | 'void'
  | 'direction'
  | 'qty_type'
  | 'commission_type'
  | 'string[]'
  | 'tuple2'
  | 'tuple3';

/** What an argument accepts: `num` = int or float (na allowed), `int` = int only (na allowed). */
export type ArgType =
  | 'num'
  | 'int'
  | 'bool'
  | 'string'
  | 'color'
  | 'any'
  | 'direction'
  | 'qty_type'
  | 'commission_type'
  | 'string[]';

export type ParamSpec = { name: string; type: ArgType; required?: boolean };

export type FunctionSpec = {
  params: ParamSpec[];
  /** Extra positional arguments of the last parameter's type (math.max(a, b, c…)). */
  variadic?: boolean;
  returns: ValueType | 'arg0';
  /** Only in the global scope (Pine refuses plot/strategy/input in a local block). */
  globalOnly?: boolean;
  /** Keeps per-bar state: must run on every bar, so never inside an `if` (our rule; TradingView warns). */
  stateful?: boolean;
};

const p = (name: string, type: ArgType, required = false): ParamSpec => ({ name, type, required });

const INPUT_COMMON = [
  p('tooltip', 'string'),
  p('inline', 'string'),
  p('group', 'string'),
  p('confirm', 'bool'),
  p('display', 'any'),
  p('active', 'bool'),
];

const taLength = (returns: ValueType = 'float'): FunctionSpec => ({
  params: [p('source', 'num', true), p('length', 'int', true)],
  returns,
  stateful: true,
});

export const FUNCTIONS: Record<string, FunctionSpec> = {
  strategy: {
    params: [
      p('title', 'string', true),
      p('shorttitle', 'string'),
      p('overlay', 'bool'),
      p('format', 'any'),
      p('precision', 'int'),
      p('scale', 'any'),
      p('pyramiding', 'int'),
      p('calc_on_order_fills', 'bool'),
      p('calc_on_every_tick', 'bool'),
      p('max_bars_back', 'int'),
      p('backtest_fill_limits_assumption', 'int'),
      p('default_qty_type', 'qty_type'),
      p('default_qty_value', 'num'),
      p('initial_capital', 'num'),
      p('currency', 'any'),
      p('slippage', 'int'),
      p('commission_type', 'commission_type'),
      p('commission_value', 'num'),
      p('process_orders_on_close', 'bool'),
      p('close_entries_rule', 'string'),
      p('margin_long', 'num'),
      p('margin_short', 'num'),
      p('explicit_plot_zorder', 'bool'),
      p('max_lines_count', 'int'),
      p('max_labels_count', 'int'),
      p('max_boxes_count', 'int'),
      p('calc_bars_count', 'int'),
      p('risk_free_rate', 'num'),
      p('use_bar_magnifier', 'bool'),
      p('fill_orders_on_standard_ohlc', 'bool'),
      p('max_polylines_count', 'int'),
      p('dynamic_requests', 'bool'),
      p('behind_chart', 'bool'),
    ],
    returns: 'void',
    globalOnly: true,
  },
  'strategy.entry': {
    params: [
      p('id', 'string', true),
      p('direction', 'direction', true),
      p('qty', 'num'),
      p('limit', 'num'),
      p('stop', 'num'),
      p('oca_name', 'string'),
      p('oca_type', 'any'),
      p('comment', 'string'),
      p('alert_message', 'string'),
      p('disable_alert', 'bool'),
    ],
    returns: 'void',
  },
  'strategy.close': {
    params: [
      p('id', 'string', true),
      p('comment', 'string'),
      p('qty', 'num'),
      p('qty_percent', 'num'),
      p('alert_message', 'string'),
      p('immediately', 'bool'),
      p('disable_alert', 'bool'),
    ],
    returns: 'void',
  },
  'strategy.exit': {
    params: [
      p('id', 'string', true),
      p('from_entry', 'string'),
      p('qty', 'num'),
      p('qty_percent', 'num'),
      p('profit', 'num'),
      p('limit', 'num'),
      p('loss', 'num'),
      p('stop', 'num'),
      p('trail_price', 'num'),
      p('trail_points', 'num'),
      p('trail_offset', 'num'),
      p('oca_name', 'string'),
      p('comment', 'string'),
      p('comment_profit', 'string'),
      p('comment_loss', 'string'),
      p('comment_trailing', 'string'),
      p('alert_message', 'string'),
      p('alert_profit', 'string'),
      p('alert_loss', 'string'),
      p('alert_trailing', 'string'),
      p('disable_alert', 'bool'),
    ],
    returns: 'void',
  },
  'strategy.cancel': { params: [p('id', 'string', true)], returns: 'void' },
  'input.int': {
    params: [
      p('defval', 'int', true),
      p('title', 'string'),
      p('minval', 'int'),
      p('maxval', 'int'),
      p('step', 'int'),
      ...INPUT_COMMON,
    ],
    returns: 'int',
    globalOnly: true,
  },
  'input.float': {
    params: [
      p('defval', 'num', true),
      p('title', 'string'),
      p('minval', 'num'),
      p('maxval', 'num'),
      p('step', 'num'),
      ...INPUT_COMMON,
    ],
    returns: 'float',
    globalOnly: true,
  },
  'input.bool': {
    params: [p('defval', 'bool', true), p('title', 'string'), ...INPUT_COMMON],
    returns: 'bool',
    globalOnly: true,
  },
  'input.string': {
    params: [p('defval', 'string', true), p('title', 'string'), p('options', 'string[]'), ...INPUT_COMMON],
    returns: 'string',
    globalOnly: true,
  },
  plot: {
    params: [
      p('series', 'num', true),
      p('title', 'string'),
      p('color', 'color'),
      p('linewidth', 'int'),
      p('style', 'any'),
      p('trackprice', 'bool'),
      p('histbase', 'num'),
      p('offset', 'int'),
      p('join', 'bool'),
      p('editable', 'bool'),
      p('show_last', 'int'),
      p('display', 'any'),
      p('format', 'any'),
      p('precision', 'int'),
      p('force_overlay', 'bool'),
      p('linestyle', 'any'),
    ],
    returns: 'void',
    globalOnly: true,
  },
  'runtime.error': { params: [p('message', 'string', true)], returns: 'void' },
  'ta.sma': taLength(),
  'ta.ema': taLength(),
  'ta.rma': taLength(),
  'ta.rsi': taLength(),
  'ta.highest': taLength(),
  'ta.lowest': taLength(),
  'ta.stdev': {
    params: [p('source', 'num', true), p('length', 'int', true), p('biased', 'bool')],
    returns: 'float',
    stateful: true,
  },
  'ta.atr': { params: [p('length', 'int', true)], returns: 'float', stateful: true },
  'ta.tr': { params: [p('handle_na', 'bool')], returns: 'float', stateful: true },
  'ta.supertrend': {
    params: [p('factor', 'num', true), p('atrPeriod', 'int', true)],
    returns: 'tuple2',
    stateful: true,
  },
  'ta.macd': {
    params: [
      p('source', 'num', true),
      p('fastlen', 'int', true),
      p('slowlen', 'int', true),
      p('siglen', 'int', true),
    ],
    returns: 'tuple3',
    stateful: true,
  },
  'ta.stoch': {
    params: [
      p('source', 'num', true),
      p('high', 'num', true),
      p('low', 'num', true),
      p('length', 'int', true),
    ],
    returns: 'float',
    stateful: true,
  },
  'ta.bb': {
    params: [p('series', 'num', true), p('length', 'int', true), p('mult', 'num', true)],
    returns: 'tuple3',
    stateful: true,
  },
  'ta.crossover': {
    params: [p('source1', 'num', true), p('source2', 'num', true)],
    returns: 'bool',
    stateful: true,
  },
  'ta.crossunder': {
    params: [p('source1', 'num', true), p('source2', 'num', true)],
    returns: 'bool',
    stateful: true,
  },
  'math.max': {
    params: [p('number0', 'num', true), p('number1', 'num', true)],
    variadic: true,
    returns: 'arg0',
  },
  'math.min': {
    params: [p('number0', 'num', true), p('number1', 'num', true)],
    variadic: true,
    returns: 'arg0',
  },
  'math.avg': {
    params: [p('number0', 'num', true), p('number1', 'num', true)],
    variadic: true,
    returns: 'float',
  },
  'math.abs': { params: [p('number', 'num', true)], returns: 'arg0' },
  'math.round': { params: [p('number', 'num', true), p('precision', 'int')], returns: 'int' },
  nz: { params: [p('source', 'any', true), p('replacement', 'any')], returns: 'arg0' },
  na: { params: [p('x', 'any', true)], returns: 'bool' },
  'str.tostring': { params: [p('value', 'any', true), p('format', 'string')], returns: 'string' },
  'str.contains': { params: [p('source', 'string', true), p('str', 'string', true)], returns: 'bool' },
  'strategy.closedtrades.exit_id': { params: [p('trade_num', 'int', true)], returns: 'string' },
};

/** Built-in variables and constants. */
export const VARIABLES: Record<string, ValueType> = {
  open: 'float',
  high: 'float',
  low: 'float',
  close: 'float',
  volume: 'float',
  hl2: 'float',
  hlc3: 'float',
  ohlc4: 'float',
  time: 'int',
  timenow: 'int',
  bar_index: 'int',
  last_bar_index: 'int',
  'syminfo.ticker': 'string',
  'syminfo.tickerid': 'string',
  'syminfo.mintick': 'float',
  'timeframe.period': 'string',
  'strategy.long': 'direction',
  'strategy.short': 'direction',
  'strategy.position_size': 'float',
  'strategy.position_avg_price': 'float',
  'strategy.closedtrades': 'int',
  'strategy.equity': 'float',
  'strategy.netprofit': 'float',
  'strategy.openprofit': 'float',
  'strategy.percent_of_equity': 'qty_type',
  'strategy.fixed': 'qty_type',
  'strategy.cash': 'qty_type',
  'strategy.commission.percent': 'commission_type',
  'strategy.commission.cash_per_contract': 'commission_type',
  'strategy.commission.cash_per_order': 'commission_type',
  'color.blue': 'color',
  'color.red': 'color',
  'color.green': 'color',
  'color.orange': 'color',
  'color.gray': 'color',
};

/** Namespaces and names a script may not declare as variables. */
export const BUILTIN_NAMESPACES = new Set([
  'ta',
  'math',
  'str',
  'strategy',
  'input',
  'syminfo',
  'timeframe',
  'runtime',
  'color',
  'request',
  'array',
  'map',
  'matrix',
]);

/** Why a name that is not a v6 built-in is refused, when it is a known removed or renamed form. */
export const REMOVED_FUNCTIONS: Record<string, string> = {
  study: 'study() was removed in v5: use indicator() (or strategy())',
  security: 'security() was removed in v5: use request.security()',
  iff: 'iff() was removed in v5: use the ?: operator',
  tostring: 'tostring() was removed in v5: use str.tostring()',
  rsi: 'rsi() is ta.rsi() since v5',
  ema: 'ema() is ta.ema() since v5',
  sma: 'sma() is ta.sma() since v5',
  rma: 'rma() is ta.rma() since v5',
  atr: 'atr() is ta.atr() since v5',
  stdev: 'stdev() is ta.stdev() since v5',
  highest: 'highest() is ta.highest() since v5',
  lowest: 'lowest() is ta.lowest() since v5',
  crossover: 'crossover() is ta.crossover() since v5',
  crossunder: 'crossunder() is ta.crossunder() since v5',
  macd: 'macd() is ta.macd() since v5',
  stoch: 'stoch() is ta.stoch() since v5',
  supertrend: 'supertrend() is ta.supertrend() since v5',
  max: 'max() is math.max() since v5',
  min: 'min() is math.min() since v5',
  abs: 'abs() is math.abs() since v5',
  round: 'round() is math.round() since v5',
  avg: 'avg() is math.avg() since v5',
  input:
    'input() with a type argument was removed: use input.int(), input.float(), input.bool(), input.string()',
  alertcondition:
    'alertcondition() compiles in a strategy, but no alert can be created from it: use alert_message',
};

export const REMOVED_ARGUMENTS: Record<string, string> = {
  when: 'the when parameter was removed in v6: wrap the call in an if block',
  transp: 'transp was removed in v5: use color.new(color, transparency)',
};
