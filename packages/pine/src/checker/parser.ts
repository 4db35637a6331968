/**
 * Tokenizer and parser for the subset of Pine Script v6 the exporter emits (and a little more, so
 * that hand-written defects parse far enough to be reported): `//@version=` annotations, comments,
 * indentation-based blocks (4 spaces), line continuation (a line indented by a non-multiple of 4,
 * or inside open brackets), `if / else if / else`, `var`, typed declarations, `:=`, tuple
 * destructuring, calls with named arguments, history references `x[n]`, `?:`, `and/or/not`,
 * strings with escapes, hex colours and array literals (`options = [...]`).
 */

export type Pos = { line: number; col: number };

export type Expr =
  | { k: 'num'; value: number; isInt: boolean; pos: Pos; id: number }
  | { k: 'str'; value: string; pos: Pos; id: number }
  | { k: 'bool'; value: boolean; pos: Pos; id: number }
  | { k: 'na'; pos: Pos; id: number }
  | { k: 'color'; value: string; pos: Pos; id: number }
  /** A plain or dotted name (`close`, `strategy.long`, `syminfo.mintick`). */
  | { k: 'id'; name: string; pos: Pos; id: number }
  | { k: 'call'; callee: string; args: Arg[]; pos: Pos; id: number }
  | { k: 'index'; target: Expr; offset: Expr; pos: Pos; id: number }
  | { k: 'unary'; op: '-' | '+' | 'not'; arg: Expr; pos: Pos; id: number }
  | { k: 'binary'; op: BinaryOp; left: Expr; right: Expr; pos: Pos; id: number }
  | { k: 'ternary'; cond: Expr; then: Expr; else: Expr; pos: Pos; id: number }
  | { k: 'array'; items: Expr[]; pos: Pos; id: number };

export type BinaryOp = '+' | '-' | '*' | '/' | '%' | '==' | '!=' | '<' | '>' | '<=' | '>=' | 'and' | 'or';

export type Arg = { name?: string; value: Expr; pos: Pos };

export type TypeName = 'int' | 'float' | 'bool' | 'string' | 'color';

export type Stmt =
  | { k: 'decl'; name: string; isVar: boolean; type?: TypeName; value: Expr; pos: Pos }
  | { k: 'tuple'; names: string[]; value: Expr; pos: Pos }
  | { k: 'assign'; name: string; value: Expr; pos: Pos }
  | { k: 'if'; cond: Expr; then: Stmt[]; else?: Stmt[]; pos: Pos }
  | { k: 'expr'; expr: Expr; pos: Pos };

export type Script = {
  /** The number after `//@version=`, or null when the annotation is missing. */
  version: number | null;
  body: Stmt[];
};

export class PineSyntaxError extends Error {
  override readonly name = 'PineSyntaxError';
  constructor(
    message: string,
    readonly pos: Pos,
  ) {
    super(`line ${pos.line}:${pos.col}: ${message}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Tokens

export type Token =
  | { t: 'num'; value: number; isInt: boolean; text: string; pos: Pos }
  | { t: 'str'; value: string; pos: Pos }
  | { t: 'color'; value: string; pos: Pos }
  | { t: 'name'; value: string; pos: Pos }
  | { t: 'op'; value: string; pos: Pos };

type LogicalLine = { indent: number; tokens: Token[]; pos: Pos };

const KEYWORDS = new Set(['and', 'or', 'not', 'if', 'else', 'var', 'varip', 'true', 'false', 'na']);
const OPERATORS = [
  ':=',
  '==',
  '!=',
  '<=',
  '>=',
  '=>',
  '+=',
  '-=',
  '*=',
  '/=',
  '<',
  '>',
  '=',
  '+',
  '-',
  '*',
  '/',
  '%',
  '?',
  ':',
  '(',
  ')',
  '[',
  ']',
  ',',
  '.',
];
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', '\\': '\\', "'": "'", '"': '"' };

/** Splits the source into logical lines of tokens, joining continuation lines. */
export function tokenize(source: string): { version: number | null; lines: LogicalLine[] } {
  const physical = source.replace(/\r\n?/g, '\n').split('\n');
  let version: number | null = null;
  const lines: LogicalLine[] = [];
  let current: LogicalLine | null = null;
  let depth = 0;

  physical.forEach((text, index) => {
    const lineNo = index + 1;
    const annotation = /^\s*\/\/@version=(\d+)\s*$/.exec(text);
    if (annotation) {
      if (version !== null)
        throw new PineSyntaxError('duplicate //@version annotation', { line: lineNo, col: 1 });
      version = Number(annotation[1]);
      return;
    }
    const tokens = tokenizeLine(text, lineNo);
    if (tokens.length === 0) return; // blank or comment-only line
    const indentText = /^[ \t]*/.exec(text)![0];
    if (indentText.includes('\t'))
      throw new PineSyntaxError('indent with spaces, not tabs', { line: lineNo, col: 1 });
    const indent = indentText.length;
    const continuation = current !== null && (depth > 0 || indent % 4 !== 0);
    if (continuation) {
      if (indent % 4 === 0)
        throw new PineSyntaxError(
          'a wrapped line must be indented by a number of spaces that is not a multiple of 4',
          { line: lineNo, col: 1 },
        );
      current!.tokens.push(...tokens);
    } else {
      if (indent % 4 !== 0)
        throw new PineSyntaxError('indentation must be a multiple of 4 spaces', { line: lineNo, col: 1 });
      current = { indent, tokens: [...tokens], pos: { line: lineNo, col: indent + 1 } };
      lines.push(current);
    }
    for (const token of tokens) {
      if (token.t !== 'op') continue;
      if (token.value === '(' || token.value === '[') depth++;
      else if (token.value === ')' || token.value === ']') {
        depth--;
        if (depth < 0) throw new PineSyntaxError(`unbalanced "${token.value}"`, token.pos);
      }
    }
  });
  if (depth > 0) {
    const last = lines[lines.length - 1];
    throw new PineSyntaxError('unclosed bracket at the end of the script', last?.pos ?? { line: 1, col: 1 });
  }
  return { version, lines };
}

function tokenizeLine(text: string, line: number): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    const pos = { line, col: i + 1 };
    if (ch === ' ' || ch === '\t') {
      i++;
    } else if (text.startsWith('//', i)) {
      break;
    } else if (ch === '"' || ch === "'") {
      let value = '';
      let j = i + 1;
      for (;;) {
        if (j >= text.length) throw new PineSyntaxError('unterminated string', pos);
        const c = text[j]!;
        if (c === ch) break;
        if (c === '\\') {
          const next = text[j + 1];
          if (next === undefined) throw new PineSyntaxError('unterminated string', pos);
          const escaped = ESCAPES[next];
          if (escaped === undefined)
            throw new PineSyntaxError(`unknown escape \\${next} in a string`, { line, col: j + 1 });
          value += escaped;
          j += 2;
        } else {
          value += c;
          j++;
        }
      }
      tokens.push({ t: 'str', value, pos });
      i = j + 1;
    } else if (ch === '#') {
      const m = /^#([0-9A-Fa-f]{8}|[0-9A-Fa-f]{6})(?![0-9A-Za-z_])/.exec(text.slice(i));
      if (!m) throw new PineSyntaxError('a colour literal is # followed by 6 or 8 hex digits', pos);
      tokens.push({ t: 'color', value: m[0], pos });
      i += m[0].length;
    } else if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      const m = /^(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(text.slice(i))!;
      const literal = m[0];
      tokens.push({
        t: 'num',
        value: Number(literal),
        isInt: /^\d+$/.test(literal),
        text: literal,
        pos,
      });
      i += literal.length;
      if (/[A-Za-z_]/.test(text[i] ?? ''))
        throw new PineSyntaxError(`bad number "${literal}${text[i]}"`, pos);
    } else if (/[A-Za-z_]/.test(ch)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))!;
      tokens.push({ t: 'name', value: m[0], pos });
      i += m[0].length;
    } else {
      const op = OPERATORS.find((candidate) => text.startsWith(candidate, i));
      if (op === undefined) throw new PineSyntaxError(`unexpected character "${ch}"`, pos);
      tokens.push({ t: 'op', value: op, pos });
      i += op.length;
    }
  }
  return tokens;
}

// ---------------------------------------------------------------------------------------------
// Parser

const TYPE_NAMES = new Set(['int', 'float', 'bool', 'string', 'color']);

class LineParser {
  private i = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly next: () => number,
    private readonly linePos: Pos,
  ) {}

  peek(offset = 0): Token | undefined {
    return this.tokens[this.i + offset];
  }

  atEnd(): boolean {
    return this.i >= this.tokens.length;
  }

  isOp(value: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token !== undefined && token.t === 'op' && token.value === value;
  }

  isName(value: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token !== undefined && token.t === 'name' && token.value === value;
  }

  here(): Pos {
    return this.peek()?.pos ?? this.linePos;
  }

  take(): Token {
    const token = this.peek();
    if (token === undefined) throw new PineSyntaxError('unexpected end of line', this.here());
    this.i++;
    return token;
  }

  expectOp(value: string): Token {
    const token = this.peek();
    if (token === undefined || token.t !== 'op' || token.value !== value) {
      throw new PineSyntaxError(
        `expected "${value}"${token ? ` but found "${describe(token)}"` : ' at the end of the line'}`,
        this.here(),
      );
    }
    this.i++;
    return token;
  }

  identifier(): { name: string; pos: Pos } {
    const token = this.take();
    if (token.t !== 'name' || KEYWORDS.has(token.value))
      throw new PineSyntaxError(`expected a name but found "${describe(token)}"`, token.pos);
    return { name: token.value, pos: token.pos };
  }

  end(): void {
    if (!this.atEnd()) throw new PineSyntaxError(`unexpected "${describe(this.peek()!)}"`, this.here());
  }

  // expression := ternary
  expression(): Expr {
    const cond = this.or();
    if (this.isOp('?')) {
      const pos = this.take().pos;
      const then = this.expression();
      this.expectOp(':');
      const otherwise = this.expression();
      return { k: 'ternary', cond, then, else: otherwise, pos, id: this.next() };
    }
    return cond;
  }

  private binaryLevel(ops: string[], operand: () => Expr): Expr {
    let left = operand();
    for (;;) {
      const token = this.peek();
      const op =
        token !== undefined && (token.t === 'op' || token.t === 'name') && ops.includes(token.value)
          ? token.value
          : null;
      if (op === null) return left;
      this.i++;
      const right = operand();
      left = { k: 'binary', op: op as BinaryOp, left, right, pos: token!.pos, id: this.next() };
    }
  }

  private or(): Expr {
    return this.binaryLevel(['or'], () => this.and());
  }
  private and(): Expr {
    return this.binaryLevel(['and'], () => this.equality());
  }
  private equality(): Expr {
    return this.binaryLevel(['==', '!='], () => this.comparison());
  }
  private comparison(): Expr {
    return this.binaryLevel(['<', '>', '<=', '>='], () => this.additive());
  }
  private additive(): Expr {
    return this.binaryLevel(['+', '-'], () => this.multiplicative());
  }
  private multiplicative(): Expr {
    return this.binaryLevel(['*', '/', '%'], () => this.unary());
  }

  private unary(): Expr {
    const token = this.peek();
    if (
      token !== undefined &&
      ((token.t === 'op' && (token.value === '-' || token.value === '+')) ||
        (token.t === 'name' && token.value === 'not'))
    ) {
      this.i++;
      const arg = this.unary();
      return { k: 'unary', op: token.value as '-' | '+' | 'not', arg, pos: token.pos, id: this.next() };
    }
    return this.postfix();
  }

  private postfix(): Expr {
    let expr = this.primary();
    for (;;) {
      if (this.isOp('[')) {
        const pos = this.take().pos;
        const offset = this.expression();
        this.expectOp(']');
        expr = { k: 'index', target: expr, offset, pos, id: this.next() };
      } else if (this.isOp('(')) {
        if (expr.k !== 'id') throw new PineSyntaxError('only a function name can be called', this.here());
        this.take();
        const args = this.arguments();
        expr = { k: 'call', callee: expr.name, args, pos: expr.pos, id: this.next() };
      } else {
        return expr;
      }
    }
  }

  private arguments(): Arg[] {
    const args: Arg[] = [];
    if (this.isOp(')')) {
      this.take();
      return args;
    }
    for (;;) {
      const pos = this.here();
      const token = this.peek();
      if (token !== undefined && token.t === 'name' && this.isOp('=', 1) && !KEYWORDS.has(token.value)) {
        this.i += 2;
        args.push({ name: token.value, value: this.expression(), pos });
      } else {
        args.push({ value: this.expression(), pos });
      }
      if (this.isOp(',')) {
        this.take();
        continue;
      }
      this.expectOp(')');
      return args;
    }
  }

  private primary(): Expr {
    const token = this.take();
    const pos = token.pos;
    switch (token.t) {
      case 'num':
        return { k: 'num', value: token.value, isInt: token.isInt, pos, id: this.next() };
      case 'str':
        return { k: 'str', value: token.value, pos, id: this.next() };
      case 'color':
        return { k: 'color', value: token.value, pos, id: this.next() };
      case 'name': {
        if (token.value === 'true' || token.value === 'false')
          return { k: 'bool', value: token.value === 'true', pos, id: this.next() };
        if (token.value === 'na' && !this.isOp('(')) return { k: 'na', pos, id: this.next() };
        if (KEYWORDS.has(token.value) && token.value !== 'na')
          throw new PineSyntaxError(`unexpected keyword "${token.value}"`, pos);
        let name = token.value;
        while (this.isOp('.')) {
          this.take();
          const part = this.take();
          if (part.t !== 'name') throw new PineSyntaxError('expected a name after "."', part.pos);
          name += `.${part.value}`;
        }
        return { k: 'id', name, pos, id: this.next() };
      }
      case 'op': {
        if (token.value === '(') {
          const inner = this.expression();
          this.expectOp(')');
          return inner;
        }
        if (token.value === '[') {
          const items: Expr[] = [];
          if (!this.isOp(']')) {
            for (;;) {
              items.push(this.expression());
              if (this.isOp(',')) {
                this.take();
                continue;
              }
              break;
            }
          }
          this.expectOp(']');
          return { k: 'array', items, pos, id: this.next() };
        }
        throw new PineSyntaxError(`unexpected "${token.value}"`, pos);
      }
    }
  }
}

function describe(token: Token): string {
  return token.t === 'str'
    ? JSON.stringify(token.value)
    : String(token.t === 'num' ? token.text : token.value);
}

/** Parses a whole script. Throws PineSyntaxError with the line and column of the first problem. */
// eslint-disable-next-line max-lines-per-function -- existing debt: the recursive-descent parser's rules share its cursor through closures
export function parseScript(source: string): Script {
  const { version, lines } = tokenize(source);
  let nextId = 1;
  const next = () => nextId++;
  let index = 0;

  function parseBlock(indent: number): Stmt[] {
    const body: Stmt[] = [];
    while (index < lines.length) {
      const line = lines[index]!;
      if (line.indent < indent) break;
      if (line.indent > indent) throw new PineSyntaxError('unexpected indentation', line.pos);
      body.push(parseStatement(indent));
    }
    return body;
  }

  function parseIndentedBlock(indent: number, header: Pos): Stmt[] {
    const line = lines[index];
    if (line === undefined || line.indent !== indent + 4)
      throw new PineSyntaxError('expected an indented block (4 more spaces)', header);
    return parseBlock(indent + 4);
  }

  function parseIf(p: LineParser, indent: number, pos: Pos): Stmt {
    const cond = p.expression();
    p.end();
    index++;
    const then = parseIndentedBlock(indent, pos);
    const stmt: Stmt = { k: 'if', cond, then, pos };
    const following = lines[index];
    if (following !== undefined && following.indent === indent) {
      const first = following.tokens[0];
      if (first !== undefined && first.t === 'name' && first.value === 'else') {
        const q = new LineParser(following.tokens, next, following.pos);
        q.take();
        if (q.isName('if')) {
          const ifPos = q.take().pos;
          stmt.else = [parseIf(q, indent, ifPos)];
        } else {
          q.end();
          index++;
          stmt.else = parseIndentedBlock(indent, following.pos);
        }
      }
    }
    return stmt;
  }

  function parseStatement(indent: number): Stmt {
    const line = lines[index]!;
    const p = new LineParser(line.tokens, next, line.pos);
    const first = p.peek()!;
    const pos = first.pos;
    if (first.t === 'name' && first.value === 'if') {
      p.take();
      return parseIf(p, indent, pos);
    }
    if (first.t === 'name' && first.value === 'else') throw new PineSyntaxError('"else" without "if"', pos);
    index++;
    let stmt: Stmt;
    if (first.t === 'name' && (first.value === 'var' || first.value === 'varip')) {
      if (first.value === 'varip') throw new PineSyntaxError('varip is not supported here', pos);
      p.take();
      let type: TypeName | undefined;
      if (
        p.peek()?.t === 'name' &&
        TYPE_NAMES.has((p.peek() as { value: string }).value) &&
        p.peek(1)?.t === 'name'
      ) {
        type = (p.take() as { value: string }).value as TypeName;
      }
      const { name } = p.identifier();
      p.expectOp('=');
      stmt = { k: 'decl', name, isVar: true, ...(type ? { type } : {}), value: p.expression(), pos };
    } else if (
      first.t === 'name' &&
      TYPE_NAMES.has(first.value) &&
      p.peek(1)?.t === 'name' &&
      p.isOp('=', 2)
    ) {
      p.take();
      const { name } = p.identifier();
      p.expectOp('=');
      stmt = { k: 'decl', name, isVar: false, type: first.value as TypeName, value: p.expression(), pos };
    } else if (first.t === 'op' && first.value === '[' && isTupleTarget(line.tokens)) {
      p.take();
      const names: string[] = [];
      for (;;) {
        names.push(p.identifier().name);
        if (p.isOp(',')) {
          p.take();
          continue;
        }
        break;
      }
      p.expectOp(']');
      p.expectOp('=');
      stmt = { k: 'tuple', names, value: p.expression(), pos };
    } else if (first.t === 'name' && p.isOp('=', 1) && !KEYWORDS.has(first.value)) {
      p.take();
      p.take();
      stmt = { k: 'decl', name: first.value, isVar: false, value: p.expression(), pos };
    } else if (first.t === 'name' && p.isOp(':=', 1)) {
      p.take();
      p.take();
      stmt = { k: 'assign', name: first.value, value: p.expression(), pos };
    } else if (first.t === 'name' && ['+=', '-=', '*=', '/='].some((op) => p.isOp(op, 1))) {
      throw new PineSyntaxError('compound assignment is not supported here; write x := x + y', pos);
    } else {
      stmt = { k: 'expr', expr: p.expression(), pos };
    }
    p.end();
    return stmt;
  }

  const body = parseBlock(0);
  if (index < lines.length) throw new PineSyntaxError('unexpected indentation', lines[index]!.pos);
  return { version, body };
}

/** `[a, b] = …`: a bracket of names followed by `=`. */
function isTupleTarget(tokens: Token[]): boolean {
  let i = 1;
  for (;;) {
    const name = tokens[i];
    if (name === undefined || name.t !== 'name') return false;
    const sep = tokens[i + 1];
    if (sep === undefined || sep.t !== 'op') return false;
    if (sep.value === ']') {
      const eq = tokens[i + 2];
      return eq !== undefined && eq.t === 'op' && eq.value === '=';
    }
    if (sep.value !== ',') return false;
    i += 2;
  }
}
