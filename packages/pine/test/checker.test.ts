import { describe, expect, it } from 'vitest';
import { checkPine, formatIssues } from '../src/checker/check.ts';
import { parseScript } from '../src/checker/parser.ts';

const HEADER = `//@version=6
strategy("t", overlay = true, default_qty_type = strategy.percent_of_equity, default_qty_value = 10)
`;

/** Checks a body under a valid header; returns the error messages. */
function errors(body: string, header = HEADER): string[] {
  return checkPine(header + body).errors.map((e) => e.message);
}

describe('Pine checker: good scripts', () => {
  it('accepts a hand-written strategy using the whole subset', () => {
    const source = `//@version=6
// a comment
strategy(
  title = "Good",
  overlay = true,
  initial_capital = 10000)

length = input.int(14, "Length", minval = 2, maxval = 100, step = 1, group = "G")
mult = input.float(2.0, "Mult", minval = 0.5)
mode = input.string("ATR", "Mode", options = ["None", "ATR"])
useIt = input.bool(true, "Use")
if length < 2
    runtime.error("length too small")
[basis, upper, lower] = ta.bb(close, length, mult)
[line, dir] = ta.supertrend(3.0, 10)
k = ta.sma(ta.stoch(close, high, low, 14), 3)
var int count = 0
float level = na
level := close > basis ? upper : na
up = ta.crossover(close, upper)
down = ta.crossunder(close, lower)
prevClose = close[1]
spread = (high - low)[2]
msg = '{"a":"' + syminfo.ticker + '","t":' + str.tostring(timenow) + '}'
if up and not down and useIt
    count := count + 1
    strategy.entry("Long", strategy.long, alert_message = msg)
    strategy.exit("X", from_entry = "Long", loss = 100, profit = 200)
else if down or nz(prevClose) > 0 and mode == "ATR"
    strategy.close("Long", comment = "c")
else
    count := count
plot(basis, "Basis", color = #FF6D00)
plot(line, title = "ST", color = color.blue)
`;
    const result = checkPine(source);
    expect(formatIssues(result.errors)).toBe('');
  });

  it('parses continuation lines, nested blocks, escapes and tuples', () => {
    const script = parseScript(`//@version=6
strategy("x")
a = 1 +
  2
s = "tab\\tquote\\"" + 'single\\'s'
if a > 1
    if a > 2
        b = 3
`);
    expect(script.version).toBe(6);
    expect(script.body).toHaveLength(4);
    const s = script.body[2]!;
    expect(s.k === 'decl' && s.value.k === 'binary' && s.value.left.k === 'str' && s.value.left.value).toBe(
      'tab\tquote"',
    );
  });
});

describe('Pine checker: each defect is caught', () => {
  const cases: [string, string, RegExp, string?][] = [
    ['missing version', `strategy("t")\n`, /missing \/\/@version=6/, ''],
    ['wrong version', `//@version=5\nstrategy("t")\n`, /v6 only/, ''],
    [
      'no strategy() first',
      `//@version=6\nx = 1\nstrategy("t")\n`,
      /first statement must be the strategy/,
      '',
    ],
    ['study() (v4)', `//@version=6\nstudy("t")\n`, /study\(\) was removed/, ''],
    ['security() without request.', 'x = security("BTC", "D", close)\n', /request\.security/],
    ['un-namespaced rsi()', 'x = rsi(close, 14)\n', /ta\.rsi/],
    [
      'when= on strategy.entry',
      'strategy.entry("L", strategy.long, when = close > open)\n',
      /when parameter was removed/,
    ],
    [
      'strategy.exit with when',
      'strategy.exit("X", "L", loss = 10, when = true)\n',
      /when parameter was removed/,
    ],
    ['transp= on plot', 'plot(close, transp = 50)\n', /transp was removed/],
    ['unknown named argument', 'x = ta.sma(close, length = 10, foo = 1)\n', /has no parameter "foo"/],
    ['missing required argument', 'x = ta.sma(close)\n', /needs the argument "length"/],
    ['too many arguments', 'x = ta.atr(14, 2)\n', /too many arguments/],
    ['positional after named', 'x = ta.sma(source = close, 10)\n', /positional argument after a named/],
    ['argument given twice', 'x = ta.sma(close, 10, length = 5)\n', /given twice/],
    ['float where int is required', 'x = ta.sma(close, 10.5)\n', /must be int, got float/],
    ['implicit int → bool in if', 'x = 1\nif x\n    strategy.close("L")\n', /if condition must be a bool/],
    ['implicit number → bool in and', 'x = close and true\n', /needs bools/],
    ['implicit number → bool in ?:', 'x = volume ? 1 : 2\n', /condition must be a bool/],
    ['na bool in a ternary', 'b = close > open ? true : na\n', /bool cannot be na/],
    ['na bool declaration', 'bool b = na\n', /bool cannot be na/],
    ['na assigned to a bool', 'b = true\nb := na\n', /bool cannot be na/],
    ['untyped na', 'x = na\n', /needs a type keyword/],
    ['use before definition', 'y = x + 1\nx = 2\n', /undeclared identifier "x"/],
    ['undeclared identifier', 'y = foo * 2\n', /undeclared identifier "foo"/],
    [':= on an undeclared name', 'z := 1\n', /must be declared with =/],
    ['redeclaration', 'x = 1\nx = 2\n', /already declared/],
    ['declaring a built-in name', 'close = 1\n', /built-in name/],
    [
      'ta.* inside an if block',
      'if close > open\n    e = ta.ema(close, 10)\n',
      /global scope so it runs on every bar/,
    ],
    ['plot inside an if block', 'if close > open\n    plot(close)\n', /cannot be called in a local block/],
    [
      'input inside an if block',
      'if close > open\n    n = input.int(1)\n',
      /cannot be called in a local block/,
    ],
    ['tuple arity', '[a, b] = ta.macd(close, 12, 26, 9)\n', /returns 3 values, but 2/],
    ['tuple not destructured', 'm = ta.macd(close, 12, 26, 9)\n', /must be destructured/],
    ['string + number', 's = "a" + 1\n', /joins two strings/],
    ['wrong type to assignment', 'x = 1.5\nx := "s"\n', /cannot assign string/],
    ['bad indentation', 'if close > open\n  x = 1\n', /indent|wrapped|unexpected "x"/],
    ['tab indentation', 'if close > open\n\tx = 1\n', /tabs/],
    ['missing block', 'if close > open\nx = 1\n', /expected an indented block/],
    ['unbalanced parenthesis', 'x = ta.sma(close, 10\n', /unclosed bracket/],
    ['unbalanced closing bracket', 'x = close)\n', /unbalanced/],
    ['unterminated string', 'x = "abc\n', /unterminated string/],
    ['else without if', 'else\n    x = 1\n', /"else" without "if"/],
    ['continuation at a multiple of 4', 'x = ta.sma(close,\n    10)\n', /not a multiple of 4/],
    ['a second strategy()', 'strategy("again")\n', /first statement and appear once/],
    ['negative history offset', 'x = close[-1]\n', /cannot be negative/],
    ['float history offset', 'x = close[1.5]\n', /history offset must be an int/],
    ['not on a number', 'x = not close\n', /"not" needs a bool/],
    ['alertcondition', 'alertcondition(close > open, "x", "y")\n', /no alert can be created/],
  ];
  for (const [name, body, expected, header] of cases) {
    it(name, () => {
      const found = errors(body, header ?? HEADER);
      expect(
        found.some((message) => expected.test(message)),
        `got: ${JSON.stringify(found)}`,
      ).toBe(true);
    });
  }
});
